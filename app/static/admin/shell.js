/* Admin page shell: tab registry, member sections, ctx helpers (api, i18n, DOM, errors, toasts). Plain JS. */
(function () {
  "use strict";

  const LOCALE_KEY = "loyalty-admin-locale";
  const tabs = [];
  const memberSections = [];
  const state = { locale: "de", shop: null, actor: "", embedded: false, root: null, started: false, connection: null };

  /** Tiny DOM helper: strings become text nodes (never innerHTML). */
  function h(tag, attrs, ...children) {
    const el = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs || {})) {
      if (value === undefined || value === null || value === false) continue;
      if (key.startsWith("on") && typeof value === "function") el.addEventListener(key.slice(2).toLowerCase(), value);
      else if (key === "class" || key === "className") el.className = value;
      else if (key === "dataset") Object.assign(el.dataset, value);
      else if (key === "style" && typeof value === "object") Object.assign(el.style, value);
      else if (key === "value" && "value" in el) el.value = value;
      else if (key === "checked" || key === "selected" || key === "disabled") el[key] = Boolean(value);
      else el.setAttribute(key, value === true ? "" : String(value));
    }
    appendChildren(el, children);
    if (tag === "div" && /(^|\s)la-field(\s|$)/.test(el.className)) labelField(el);
    return el;
  }

  let fieldIds = 0;

  /** A `.la-field` with one label and one control: tie them (for/id), so the control has an accessible name even
   *  where a tab wrote the visible label without `for`. */
  function labelField(field) {
    const label = field.querySelector(":scope > label:not([for])");
    const controls = field.querySelectorAll(":scope > input, :scope > select, :scope > textarea");
    if (!label || controls.length !== 1) return;
    const control = controls[0];
    if (!control.id) control.id = `la-field-${++fieldIds}`;
    label.htmlFor = control.id;
  }

  function appendChildren(el, children) {
    for (const child of children.flat(Infinity)) {
      if (child === null || child === undefined || child === false) continue;
      el.appendChild(child instanceof Node ? child : document.createTextNode(String(child)));
    }
  }

  function t(de, en) {
    return state.locale === "en" ? en : de;
  }

  async function authHeaders() {
    if (state.embedded && window.shopify && typeof window.shopify.idToken === "function") {
      return { Authorization: "Bearer " + (await window.shopify.idToken()) };
    }
    return { "X-Loyalty-Admin": "1" };
  }

  /** Call the admin JSON API; rejects with {status, body} (body = the JSON error shape). */
  async function api(path, { method = "GET", body } = {}) {
    const headers = Object.assign({ Accept: "application/json", "Accept-Language": state.locale }, await authHeaders());
    const init = { method, headers, credentials: "same-origin" };
    if (body !== undefined) {
      headers["Content-Type"] = "application/json";
      init.body = JSON.stringify(body);
    }
    const response = await fetch(path, init);
    const text = await response.text();
    let json = null;
    try {
      json = text ? JSON.parse(text) : null;
    } catch (_) {
      json = null;
    }
    if (!response.ok) {
      throw { status: response.status, body: json || { code: response.status, message: text, reason: "http_error" } };
    }
    return json;
  }

  /** Download a file from the admin API with the same authentication as `api` (a plain link would carry no
   *  session token inside Shopify's embedded admin). */
  async function download(path, filename) {
    const headers = Object.assign({ "Accept-Language": state.locale }, await authHeaders());
    const response = await fetch(path, { headers, credentials: "same-origin" });
    if (!response.ok) throw { status: response.status, body: { code: response.status, message: response.statusText } };
    const url = URL.createObjectURL(await response.blob());
    const link = h("a", { href: url, download: filename });
    document.body.appendChild(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10000);
  }

  /** Nested 422 errors as [name, text] pairs with dotted names ("kinds.thank_you.subject.de"), like the inputs. */
  function flatErrors(errors, prefix = "") {
    const pairs = [];
    for (const [key, value] of Object.entries(errors || {})) {
      const name = prefix ? `${prefix}.${key}` : key;
      if (value && typeof value === "object" && !Array.isArray(value)) pairs.push(...flatErrors(value, name));
      else pairs.push([name, Array.isArray(value) ? value.map(String).join(" ") : String(value)]);
    }
    return pairs;
  }

  function isShown(el) {
    return typeof el.checkVisibility === "function" ? el.checkVisibility() : el.getClientRects().length > 0;
  }

  /** The visible control an error names, or null (no such control, or it is hidden with its choice). */
  function shownControl(scope, name) {
    const found = [...scope.querySelectorAll(`[name="${CSS.escape(name)}"]`)].filter(isShown);
    return found[0] || null;
  }

  /** An error the reader cannot see at a field, as a sentence: the field's label (if it has one) and the text. */
  function unplacedText(scope, name, text) {
    const control = scope.querySelector(`[name="${CSS.escape(name)}"]`);
    const label = control && control.labels && control.labels[0] ? control.labels[0].textContent.trim() : "";
    return label ? `${label}: ${text}` : text;
  }

  /** Show 422 per-field errors next to the visible inputs named like the fields; clears old ones. Errors that name no
   *  visible field (a hidden choice's field, a form-wide rule) are listed at the top of the form instead. */
  function fieldErrors(form, errors) {
    form.querySelectorAll(".la-field-error").forEach((node) => node.remove());
    form.querySelectorAll("[aria-invalid]").forEach((node) => node.removeAttribute("aria-invalid"));
    const rest = [];
    for (const [name, text] of flatErrors(errors)) {
      const input = shownControl(form, name);
      if (!input) {
        rest.push(unplacedText(form, name, text));
        continue;
      }
      input.setAttribute("aria-invalid", "true");
      const note = h("p", { class: "la-field-error", role: "alert", "data-testid": `error-${name}` }, text);
      const anchor = input.closest(".la-field") || input;
      anchor.appendChild(note);
    }
    if (rest.length) {
      form.prepend(h("p", { class: "la-field-error la-form-error", role: "alert", "data-testid": "form-error" }, rest.join(" ")));
    }
  }

  function toast(message, kind = "ok") {
    let box = document.getElementById("la-toasts");
    if (!box) {
      box = h("div", { id: "la-toasts", class: "la-toasts", "aria-live": "polite" });
      document.body.appendChild(box);
    }
    const note = h("div", { class: `la-toast la-toast-${kind}`, "data-testid": `toast-${kind}` }, message);
    box.appendChild(note);
    setTimeout(() => note.remove(), kind === "error" ? 8000 : 4000);
  }

  function money(amount) {
    const currency = (state.shop && state.shop.currency) || "EUR";
    const value = Number(amount);
    try {
      return new Intl.NumberFormat(state.locale, { style: "currency", currency }).format(value);
    } catch (_) {
      return `${value.toFixed(2)} ${currency}`;
    }
  }

  /** A count or points in the page's grouping: 98160 → "98.160" (de), "98,160" (en); "–" for nothing. */
  function number(value, options) {
    if (value === null || value === undefined || value === "" || Number.isNaN(Number(value))) return "–";
    return new Intl.NumberFormat(state.locale, options).format(Number(value));
  }

  /** A percentage given as 0–100 (what the API sends): 36.7 → "36,7 %" (de), "36.7%" (en). */
  function percent(value, digits = 1) {
    if (value === null || value === undefined || value === "" || Number.isNaN(Number(value))) return "–";
    return new Intl.NumberFormat(state.locale, { style: "percent", maximumFractionDigits: digits }).format(Number(value) / 100);
  }

  /** Who made a ledger entry or started a campaign, in words: "system", "link:…", "shopify-user:42", … */
  function actorLabel(actor) {
    const raw = String(actor || "");
    const [kind, rest] = [raw.split(":")[0], raw.split(":").slice(1).join(":")];
    const platform = (name) => (name === "woocommerce" ? "WooCommerce" : "Shopify");
    if (!raw || raw === "system") return t("System", "System");
    if (kind === "link") return t("Admin (Login-Link)", "Admin (login link)");
    if (kind === "shopify-user") return t(`Shopify-Mitarbeiter ${rest}`, `Shopify staff ${rest}`);
    if (raw === "cli") return t("Kommandozeile", "Command line");
    if (raw === "shopper") return t("Kunde (Shop)", "Customer (shop)");
    if (raw === "admin") return "Admin";
    if (raw.endsWith("-install")) return t(`Admin (${platform(raw.split("-")[0])}-Installation)`, `Admin (${platform(raw.split("-")[0])} install)`);
    if (raw.endsWith("-webhook")) return `${platform(raw.split("-")[0])} (Webhook)`;
    return raw;
  }

  function date(iso) {
    if (!iso) return "–";
    const parsed = new Date(iso);
    if (Number.isNaN(parsed.getTime())) return String(iso);
    const withTime = String(iso).length > 10;
    const options = withTime ? { dateStyle: "medium", timeStyle: "short" } : { dateStyle: "medium" };
    return new Intl.DateTimeFormat(state.locale, options).format(parsed);
  }

  /** The calendar day of a moment, without the time: "07.12.2026" / "Dec 7, 2026" ("–" for none). */
  function day(iso) {
    if (!iso) return "–";
    const parsed = new Date(iso);
    if (Number.isNaN(parsed.getTime())) return String(iso);
    return new Intl.DateTimeFormat(state.locale, { dateStyle: "medium" }).format(parsed);
  }

  function chart(el, spec) {
    const impl = window.LoyaltyAdmin.chartImpl || (window.LoyaltyCharts && window.LoyaltyCharts.chart);
    if (typeof impl === "function") return impl(el, spec, ctx());
    el.appendChild(h("p", { class: "la-muted" }, t("Diagramme sind nicht verfügbar.", "Charts are not available.")));
    return null;
  }

  /** A 422 in words: the server's message and every error no field shows; "check the marked fields" only when
   *  `fieldErrors` marked one. The server already sent them in the page's language (Accept-Language). */
  function invalidText(body) {
    const parts = [];
    let marked = 0;
    for (const [name, text] of flatErrors(body.errors)) {
      const input = shownControl(document, name);
      if (input && input.getAttribute("aria-invalid") === "true") marked += 1;
      else parts.push(unplacedText(document, name, text));
    }
    // webargs' message only says that something was invalid: the field texts say what, so it adds nothing then
    const generic = body.reason === "validation_error" && (marked || parts.length);
    if (body.message && !generic) parts.unshift(body.message);
    if (marked) parts.push(t("Bitte die markierten Felder prüfen.", "Please check the marked fields."));
    return [...new Set(parts)].join(" ") || t("Die Eingaben sind nicht gültig.", "The input is not valid.");
  }

  /** The error message of a rejected ctx.api call, for a toast. */
  function errorText(error) {
    if (error && error.status === 422) return invalidText(error.body || {});
    if (error && error.status === 401) return t("Nicht mehr angemeldet.", "No longer signed in.");
    if (error && error.body && error.body.message) return error.body.message;
    return t("Etwas ist schiefgegangen.", "Something went wrong.");
  }

  /** One per list that reloads on filter or search input: `const latest = ctx.latestOnly();`, then
   *  `await latest(ctx.api(...))` in its load. A reply (or error) that arrives after a newer call of the same
   *  `latest` was started never settles, so a slow older answer cannot overwrite the newer one. */
  function latestOnly() {
    let newest = 0;
    return (promise) => {
      const ticket = ++newest;
      return new Promise((resolve, reject) => {
        promise.then((value) => { if (ticket === newest) resolve(value); },
          (error) => { if (ticket === newest) reject(error); });
      });
    };
  }

  const helperMakers = [];

  /** More helpers for every ctx, from a script loaded after the shell (tabs/00-form-helpers.js: number fields,
   *  buttons that send once): `make(ctx)` returns them. */
  function registerHelpers(make) {
    helperMakers.push(make);
  }

  function ctx() {
    const base = {
      api, download, h, t, fieldErrors, toast, money, number, percent, actorLabel, date, day, chart, errorText, latestOnly,
      locale: state.locale, shop: state.shop, actor: state.actor, refreshConnection,
      openMember: (id) => navigate(`members/${id}`),
      go: (tabId) => navigate(tabId),
      memberSections: () => sortedByOrder(memberSections),
      renderMemberSections,
    };
    for (const make of helperMakers) Object.assign(base, make(base));
    return base;
  }

  function sortedByOrder(list) {
    return list.slice().sort((a, b) => (a.order || 0) - (b.order || 0) || String(a.id).localeCompare(String(b.id)));
  }

  function registerTab(tab) {
    const at = tabs.findIndex((known) => known.id === tab.id);
    if (at >= 0) tabs.splice(at, 1, tab);
    else tabs.push(tab);
    if (state.started && state.shop) renderChrome();
  }

  function registerMemberSection(section) {
    const at = memberSections.findIndex((known) => known.id === section.id);
    if (at >= 0) memberSections.splice(at, 1, section);
    else memberSections.push(section);
  }

  /** Render every registered member section below a member's page; one failing section doesn't break the rest. */
  function renderMemberSections(container, member) {
    for (const section of sortedByOrder(memberSections)) {
      const body = h("div", { class: "la-section-body" });
      const box = h("section", { class: "la-card la-member-section", "data-testid": `member-section-${section.id}` },
        h("h3", {}, section.title[state.locale] || section.title.de), body);
      container.appendChild(box);
      try {
        const result = section.render(body, member, ctx());
        if (result && typeof result.catch === "function") result.catch((error) => showFailure(body, error));
      } catch (error) {
        showFailure(body, error);
      }
    }
  }

  function showFailure(el, error) {
    console.error(error);
    el.appendChild(h("p", { class: "la-error" }, errorText(error)));
  }

  function navigate(route) {
    // Drawn at once, not on the hashchange event that setting location.hash queues: a click on a tab must not
    // leave the old panel on screen (and its forms usable) for a moment, then replace it. The back button still
    // goes through hashchange.
    if (location.hash !== `#${route}`) history.pushState(null, "", `#${route}`);
    renderRoute();
  }

  function currentRoute() {
    const raw = decodeURIComponent(location.hash.replace(/^#/, ""));
    const [tabId, ...rest] = raw.split("/");
    return { tabId, rest };
  }

  function renderChrome() {
    const root = state.root;
    root.textContent = "";
    const nav = h("nav", { class: "la-tabs", "aria-label": t("Bereiche", "Sections") });
    for (const tab of sortedByOrder(tabs)) {
      nav.appendChild(h("button", {
        type: "button", class: "la-tab", "data-tab": tab.id, "data-testid": `tab-${tab.id}`,
        onclick: () => navigate(tab.id),
      }, tab.title[state.locale] || tab.title.de));
    }
    const toggle = h("button", {
      type: "button", class: "la-lang", "data-testid": "lang-toggle", lang: state.locale === "de" ? "en" : "de",
      onclick: () => setLocale(state.locale === "de" ? "en" : "de"),
    }, state.locale === "de" ? "English" : "Deutsch");
    // Inside Shopify the session is Shopify's: signing out there is Shopify's business, so no button.
    const signOutButton = state.embedded ? null : h("button", {
      type: "button", class: "la-secondary", "data-testid": "sign-out", onclick: signOut,
    }, t("Abmelden", "Sign out"));
    const header = h("header", { class: "la-header" },
      h("div", { class: "la-brand" }, h("strong", {}, t("Treueprogramm", "Loyalty program")),
        h("span", { class: "la-shop", "data-testid": "shop-name" }, state.shop.name)),
      h("div", { class: "la-header-actions" }, toggle, signOutButton));
    root.appendChild(header);
    root.appendChild(h("div", { id: "la-connection" }, connectionBanner()));
    root.appendChild(nav);
    root.appendChild(h("main", { class: "la-main", id: "la-main" }));
    renderRoute();
  }

  /** A warning above every tab while the shop's keys or webhooks are not verified (the store could not be reached
   *  or refused the keys): why, the technical detail of the last failure (or that the store did not answer), when
   *  the worker tries again, a button to try now and, for refused or missing keys, where to connect again. */
  function connectionBanner() {
    const c = state.connection;
    if (!c || c.verified) return null;
    const refused = ["keys_refused", "not_connected"].includes(c.reason);  // then reconnecting is the main way
    const retry = h("button", { type: "button", class: refused ? "la-secondary" : "la-primary", "data-testid": "connection-retry" },
      t("Jetzt erneut versuchen", "Retry now"));
    retry.addEventListener("click", async () => {
      retry.disabled = true;
      try {
        state.connection = await api("/admin/api/connection/verify", { method: "POST" });
        toast(t("Verbindung bestätigt, Webhooks eingerichtet.", "Connection verified, webhooks registered."));
      } catch (error) {
        toast(errorText(error), "error");
        await refreshConnection();
        return;
      }
      showConnection();
    });
    const detail = c.error ? h("p", { class: "la-hint", "data-testid": "connection-error" },
      c.answered === false ? t("Der Shop hat nicht geantwortet. ", "The shop did not answer. ") : null,
      t("Technische Angabe: ", "Technical detail: "), h("code", {}, c.error)) : null;
    const next = !c.gave_up && c.next_attempt_at
      ? h("p", { class: "la-hint" }, t(`Nächster automatischer Versuch: ${date(c.next_attempt_at)}`,
        `Next automatic attempt: ${date(c.next_attempt_at)}`)) : null;
    return h("section", { class: "la-banner la-banner-warning", role: "alert", "data-testid": "connection-banner" },
      h("strong", {}, t("Verbindung zum Shop nicht bestätigt", "Connection to the shop not verified")),
      h("p", { "data-testid": "connection-reason" }, (c.texts && (c.texts[state.locale] || c.texts.de)) || ""),
      detail, next, h("div", { class: "la-row" }, reconnectLink(c), retry));
  }

  /** Where refused or missing keys are mended: WooCommerce's key exchange again, or Shopify's app settings
   *  (an app is reinstalled there); a retry cannot help then. */
  function reconnectLink(c) {
    if (!["keys_refused", "not_connected"].includes(c.reason) || !state.shop) return null;
    const domain = String(state.shop.domain || "");
    if (state.shop.platform === "woocommerce") {
      return h("a", { class: "la-button la-primary", "data-testid": "connection-reconnect", target: "_top",
        href: `/auth/woocommerce?store_url=${encodeURIComponent(domain)}` }, t("WooCommerce erneut verbinden", "Connect WooCommerce again"));
    }
    return h("a", { class: "la-button la-primary", "data-testid": "connection-reconnect", target: "_top", rel: "noopener",
      href: `https://${domain}/admin/settings/apps` }, t("Apps in Shopify öffnen", "Open apps in Shopify"));
  }

  function showConnection() {
    const slot = document.getElementById("la-connection");
    if (slot) slot.replaceChildren(connectionBanner() || "");
  }

  /** Read the connection state again and redraw the banner (after a tab re-registered the webhooks). */
  async function refreshConnection() {
    state.connection = await api("/admin/api/connection").catch(() => state.connection);
    showConnection();
  }

  function renderRoute() {
    const main = document.getElementById("la-main");
    if (!main || !tabs.length) return;
    const sorted = sortedByOrder(tabs);
    const route = currentRoute();
    const tab = sorted.find((known) => known.id === route.tabId) || sorted[0];
    document.querySelectorAll(".la-tab").forEach((button) => {
      button.classList.toggle("la-tab-active", button.dataset.tab === tab.id);
      button.setAttribute("aria-current", button.dataset.tab === tab.id ? "page" : "false");
    });
    main.textContent = "";
    const el = h("div", { class: "la-panel", "data-testid": `panel-${tab.id}` });
    main.appendChild(el);
    try {
      const result = tab.render(el, Object.assign(ctx(), { route: route.rest }));
      if (result && typeof result.catch === "function") result.catch((error) => showFailure(el, error));
    } catch (error) {
      showFailure(el, error);
    }
  }

  function setLocale(locale) {
    state.locale = locale;
    document.documentElement.lang = locale;
    try {
      localStorage.setItem(LOCALE_KEY, locale);
    } catch (_) { /* storage may be blocked inside an iframe */ }
    renderChrome();
  }

  function storedLocale() {
    try {
      return localStorage.getItem(LOCALE_KEY);
    } catch (_) {
      return null;
    }
  }

  /** Who is signed in; inside Shopify an unknown shop is installed first (managed install, token exchange). */
  async function signIn() {
    try {
      return await api("/admin/api/me");
    } catch (error) {
      if (!state.embedded || !window.shopify || (error.status !== 401 && error.status !== 403)) throw error;
      await api("/auth/shopify/token-exchange", { method: "POST" });
      return api("/admin/api/me");
    }
  }

  /** Replace the page with the signed-out note (or, for another failure, its message). */
  function showSignedOut(error) {
    state.root.textContent = "";
    const key = state.locale === "en" ? "signedOutEn" : "signedOutDe";
    state.root.appendChild(h("p", { class: "la-error", "data-testid": "signed-out" },
      !error || error.status === 401 ? state.root.dataset[key] : errorText(error)));
  }

  /** End the cookie session on the server (the request carries the admin header, as every cookie write). */
  async function signOut() {
    try {
      await api("/admin/logout", { method: "POST" });
    } catch (error) {
      toast(errorText(error), "error");
      return;
    }
    state.started = false;
    window.removeEventListener("hashchange", renderRoute);
    showSignedOut(null);
  }

  async function start() {
    state.root = document.getElementById("loyalty-admin");
    state.embedded = state.root.dataset.embedded === "true";
    state.locale = state.root.dataset.locale || "de";
    try {
      const me = await signIn();
      state.shop = me.shop;
      state.actor = me.actor;
      // Not knowing the connection state must not keep the page from opening: then no banner.
      state.connection = await api("/admin/api/connection").catch(() => null);
    } catch (error) {
      showSignedOut(error || {});
      return;
    }
    // The toggle's stored choice, then a language the URL asked for (?lang=, Shopify's ?locale=), then the shop's.
    const chosen = storedLocale();
    const explicit = state.root.dataset.localeExplicit === "true";
    if (chosen === "de" || chosen === "en") state.locale = chosen;
    else if (!explicit) state.locale = state.shop.locale === "en" ? "en" : "de";
    document.documentElement.lang = state.locale;
    state.started = true;
    window.addEventListener("hashchange", renderRoute);
    renderChrome();
  }

  window.LoyaltyAdmin = Object.assign(window.LoyaltyAdmin || {}, {
    registerTab, registerMemberSection, registerHelpers, start, ctx, h,
  });
})();
