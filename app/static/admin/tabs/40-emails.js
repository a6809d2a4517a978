/* Emails tab: which emails go out and when, their subject and intro (de/en) with a live preview; the outbox
   (filter, cancel, retry); reviews (flagged first, filter by stars). Member sections: messages, reviews. */
(function () {
  "use strict";

  const STATUSES = [["", "alle", "all"], ["pending", "geplant", "pending"], ["sending", "wird gesendet", "sending"],
    ["sent", "gesendet", "sent"], ["failed", "fehlgeschlagen", "failed"], ["cancelled", "storniert", "cancelled"]];
  const NUMBERS = [
    ["thank_you_delay_minutes", "Danke-E-Mail: Verzögerung (Minuten)", "Thank-you: delay (minutes)"],
    ["review_delay_days", "Bewertungsanfrage: Tage nach Versand", "Review request: days after fulfilment"],
    ["review_reminder_days", "Erinnerung: Tage nach der Anfrage", "Reminder: days after the request"],
    ["review_window_days", "Höchstens eine Anfrage je Kunde in (Tagen)", "At most one request per shopper in (days)"],
    ["review_points", "Punkte für eine Bewertung (0 = keine)", "Points for a review (0 = none)"],
    ["review_link_days", "Bewertungslink gültig (Tage)", "Review link valid (days)"],
  ];

  function statusLabel(ctx, status) {
    const found = STATUSES.find(([value]) => value === status);
    return found ? ctx.t(found[1], found[2]) : status;
  }

  function kindName(ctx, kinds, kind) {
    const found = kinds.find((k) => k.kind === kind);
    return found ? found.name[ctx.locale] || kind : kind;
  }

  /** The placeholders this kind's texts may use, with what each stands for (the server refuses any other). */
  function placeholderHelp(ctx, info) {
    const names = info.placeholders || [];
    return ctx.h("p", { class: "la-hint", id: `email-${info.kind}-placeholders`, "data-testid": `email-${info.kind}-placeholders` },
      ctx.t("Platzhalter: ", "Placeholders: "),
      names.map((p, i) => [i ? ", " : "", ctx.h("code", {}, `{${p.name}}`), ` (${p.label[ctx.locale] || p.name})`]));
  }

  /** A kind's default text in one language; German in the form of address chosen ("du" or "sie"). */
  function defaultText(texts, locale, address) {
    return locale === "de" && address === "sie" && texts.de_sie ? texts.de_sie : texts[locale];
  }

  function kindFieldset(ctx, info, settings, defaults) {
    const kind = info.kind;
    const current = settings.kinds[kind];
    const help = `email-${kind}-placeholders`;
    const rows = ["de", "en"].map((locale) => ctx.h("div", { class: "la-row" },
      ctx.h("div", { class: "la-field" },
        ctx.h("label", { for: `email-${kind}-subject-${locale}` }, ctx.t("Betreff", "Subject") + ` (${locale})`),
        ctx.h("input", { id: `email-${kind}-subject-${locale}`, name: `kinds.${kind}.subject.${locale}`, size: 48,
          value: current.subject[locale] || "", placeholder: defaultText(defaults[kind].subject, locale, settings.german_address),
          "data-default-part": "subject", "data-default-locale": locale, "aria-describedby": help,
          "data-testid": `email-${kind}-subject-${locale}` })),
      ctx.h("div", { class: "la-field" },
        ctx.h("label", { for: `email-${kind}-intro-${locale}` }, ctx.t("Einleitung", "Intro") + ` (${locale})`),
        ctx.h("textarea", { id: `email-${kind}-intro-${locale}`, name: `kinds.${kind}.intro.${locale}`, rows: 2, cols: 48,
          placeholder: defaultText(defaults[kind].intro, locale, settings.german_address),
          "data-default-part": "intro", "data-default-locale": locale, "aria-describedby": help, "data-testid": `email-${kind}-intro-${locale}` },
          current.intro[locale] || ""))));
    return ctx.h("fieldset", { class: "la-card", "data-kind": kind },
      ctx.h("legend", {}, info.name[ctx.locale]),
      ctx.h("div", { class: "la-field la-field-inline" },
        ctx.h("input", { type: "checkbox", id: `email-${kind}-enabled`, name: `kinds.${kind}.enabled`,
          checked: current.enabled, "data-testid": `email-${kind}-enabled` }),
        ctx.h("label", { for: `email-${kind}-enabled` }, ctx.t("aktiv", "enabled"))),
      placeholderHelp(ctx, info), rows);
  }

  /** The settings as the API takes them; throws (ctx.numbers) when a number field holds no whole number. */
  function collect(ctx, form, kinds) {
    const body = Object.assign(ctx.numbers(form), { kinds: {} });
    for (const { kind } of kinds) {
      const get = (part, locale) => form.elements[`kinds.${kind}.${part}.${locale}`].value;
      body.kinds[kind] = {
        enabled: form.elements[`kinds.${kind}.enabled`].checked,
        subject: { de: get("subject", "de"), en: get("subject", "en") },
        intro: { de: get("intro", "de"), en: get("intro", "en") },
      };
    }
    body.review_without_fulfilment = form.elements.review_without_fulfilment.checked;
    body.review_consent = form.elements.review_consent.value;
    body.german_address = form.elements.german_address.value;
    body.sender_name = form.elements.sender_name.value;
    body.reply_to = form.elements.reply_to.value;
    return body;
  }

  function previewPane(ctx, form, kinds) {
    const kindSelect = ctx.h("select", { "data-testid": "email-preview-kind", "aria-label": ctx.t("Vorschau für", "Preview of") },
      kinds.map((k) => ctx.h("option", { value: k.kind }, k.name[ctx.locale])));
    const localeSelect = ctx.h("select", { "data-testid": "email-preview-locale", "aria-label": ctx.t("Sprache", "Language") },
      ctx.h("option", { value: "de", selected: ctx.locale === "de" }, "Deutsch"),
      ctx.h("option", { value: "en", selected: ctx.locale === "en" }, "English"));
    const sender = ctx.h("p", { class: "la-muted", "data-testid": "email-preview-from" });
    const subject = ctx.h("p", { "data-testid": "email-preview-subject" });
    // sandbox without scripts: the preview is inert HTML even if a text slipped through unescaped
    const frame = ctx.h("iframe", { sandbox: "", title: ctx.t("Vorschau", "Preview"), "data-testid": "email-preview-frame",
      style: { width: "100%", height: "560px", border: "1px solid #ddd", borderRadius: "8px", background: "#fff" } });
    let timer = null;
    const latest = ctx.latestOnly();
    async function refresh() {
      try {
        const body = { kind: kindSelect.value, locale: localeSelect.value, settings: collect(ctx, form, kinds) };
        const result = await latest(ctx.api("/admin/api/emails/preview", { method: "POST", body }));
        ctx.fieldErrors(form, {});
        sender.textContent = ctx.t("Von: ", "From: ") + result.sender
          + (result.reply_to ? ctx.t(" · Antworten an: ", " · Replies to: ") + result.reply_to : "");
        subject.textContent = result.subject;
        frame.srcdoc = result.html;
      } catch (error) {
        // A refused text (an unknown placeholder, a stray brace) is marked at its field while typing, as saving
        // would mark it: the preview's errors name the fields under `settings`, as the request sent them (a number
        // field that holds no number is refused before anything is sent: its error names the field itself).
        const errors = (error.body && error.body.errors) || {};
        if (error.status === 422) ctx.fieldErrors(form, errors.settings || errors);
        subject.textContent = ctx.errorText(error);
      }
    }
    const later = () => { clearTimeout(timer); timer = setTimeout(refresh, 300); };
    form.addEventListener("input", later);
    kindSelect.addEventListener("change", refresh);
    localeSelect.addEventListener("change", refresh);
    refresh();
    const card = ctx.h("div", { class: "la-card", "data-testid": "email-preview" }, ctx.h("h3", {}, ctx.t("Live-Vorschau", "Live preview")),
      ctx.h("div", { class: "la-row" }, kindSelect, localeSelect), sender, subject, frame);
    /** Previews the text being edited: its kind and its language. */
    function show(kind, locale) {
      if (kindSelect.value === kind && (!locale || localeSelect.value === locale)) return;
      kindSelect.value = kind;
      if (locale) localeSelect.value = locale;
      refresh();
    }
    return { card, show };
  }

  /** The preview beside the editors on a wide screen (sticky, shell.css); on a narrow one, where the columns stack,
   *  it moves under the kind being edited instead of waiting below all of them. */
  function previewLayout(ctx, form, kinds) {
    const preview = previewPane(ctx, form, kinds);
    const formColumn = ctx.h("div", { style: { flex: "1 1 420px", minWidth: "0" } }, form);
    const home = ctx.h("div", { class: "la-email-preview", style: { flex: "1 1 420px", minWidth: "0" } }, preview.card);
    const stacked = () => home.getBoundingClientRect().top >= formColumn.getBoundingClientRect().bottom - 1;
    let editing = null;
    function place() {
      if (editing && stacked()) {
        if (preview.card.previousElementSibling !== editing) editing.after(preview.card);
      } else if (preview.card.parentNode !== home) {
        home.appendChild(preview.card);
      }
    }
    form.addEventListener("focusin", (event) => {
      const field = event.target.closest("[data-default-part]");
      const fieldset = field && field.closest("fieldset[data-kind]");
      if (!fieldset) return;
      editing = fieldset;
      preview.show(fieldset.dataset.kind, field.dataset.defaultLocale);
      const before = field.getBoundingClientRect().top;
      place();
      // the preview left a place above this field: keep the field where the finger is
      const shift = field.getBoundingClientRect().top - before;
      if (Math.abs(shift) > 1) window.scrollBy(0, shift);
    });
    // the layout stacks or unstacks with the column's width; observing it ends with the tab (no window listener left)
    if (typeof ResizeObserver === "function") new ResizeObserver(() => place()).observe(formColumn);
    return ctx.h("div", { class: "la-row", style: { alignItems: "flex-start" } }, formColumn, home);
  }

  /** The default texts shown in the empty fields, German in the form of address just chosen. */
  function showDefaults(form, defaults, address) {
    form.querySelectorAll("[data-default-part]").forEach((field) => {
      const kind = field.closest("fieldset[data-kind]").dataset.kind;
      field.placeholder = defaultText(defaults[kind][field.dataset.defaultPart], field.dataset.defaultLocale, address);
    });
  }

  /** Who the emails come from: the shop's name (or the merchant's) with the operator's address, and where replies go. */
  function senderCard(ctx, s) {
    // type=text for the address too: Chromium's email input shows an umlaut domain as punycode
    const field = (name, inputmode, de, en, hintDe, hintEn, maxlength) => ctx.h("div", { class: "la-field" },
      ctx.h("label", { for: `email-${name}` }, ctx.t(de, en)),
      ctx.h("input", { type: "text", inputmode, id: `email-${name}`, name, value: s[name] || "", size: 40, maxlength,
        autocomplete: "off", spellcheck: "false", "aria-describedby": `email-${name}-hint`, "data-testid": `email-${name}` }),
      ctx.h("p", { class: "la-hint", id: `email-${name}-hint` }, ctx.t(hintDe, hintEn)));
    return ctx.h("div", { class: "la-card" },
      ctx.h("h2", {}, ctx.t("Absender", "Sender")),
      field("sender_name", "text", "Absendername", "Sender name",
        "Leer: der Name Ihres Shops. Die Absenderadresse bleibt die des Treueprogramms (die Vorschau zeigt beides).",
        "Empty: your shop's name. The sending address stays the loyalty program's (the preview shows both).", 70),
      field("reply_to", "email", "Antwortadresse (Reply-To)", "Reply-to address",
        "Antworten Ihrer Kunden gehen an diese Adresse. Leer: an die Absenderadresse.",
        "Your shoppers' replies go to this address. Empty: to the sending address.", 254));
  }

  async function settingsSection(el, ctx) {
    const page = await ctx.api("/admin/api/emails/settings");
    const s = page.settings;
    const form = ctx.h("form", { "data-testid": "email-settings-form", novalidate: true },
      senderCard(ctx, s),
      ctx.h("div", { class: "la-card" },
        ctx.h("h2", {}, ctx.t("Zeitpunkte und Bewertungen", "Timing and reviews")),
        NUMBERS.map(([name, de, en]) => ctx.h("div", { class: "la-field" },
          ctx.h("label", { for: `email-${name}` }, ctx.t(de, en)),
          ctx.numberInput("integer", { id: `email-${name}`, name, value: s[name], "data-testid": `email-${name}` }))),
        ctx.h("div", { class: "la-field la-field-inline" },
          ctx.h("input", { type: "checkbox", id: "email-review-without-fulfilment", name: "review_without_fulfilment",
            checked: s.review_without_fulfilment }),
          ctx.h("label", { for: "email-review-without-fulfilment" },
            ctx.t("Shop ohne Versandmeldungen: Tage ab Zahlung zählen", "Shop never marks orders shipped: count days from payment"))),
        ctx.h("div", { class: "la-field" },
          ctx.h("label", { for: "email-review-consent" }, ctx.t("Bewertungsanfragen an", "Send review requests to")),
          ctx.h("select", { id: "email-review-consent", name: "review_consent", "data-testid": "email-review-consent" },
            ctx.h("option", { value: "opt_in", selected: s.review_consent === "opt_in" },
              ctx.t("nur Kunden mit Werbeeinwilligung", "only shoppers with marketing consent")),
            ctx.h("option", { value: "opt_out", selected: s.review_consent === "opt_out" },
              ctx.t("alle Käufer, außer bei Widerspruch (§ 7 Abs. 3 UWG)", "all buyers unless they objected"))))),
      ctx.h("div", { class: "la-card" },
        ctx.h("h2", {}, ctx.t("Anrede", "Form of address")),
        ctx.h("div", { class: "la-field" },
          ctx.h("label", { for: "email-german-address" }, ctx.t("Kunden auf Deutsch ansprechen mit", "Address shoppers in German as")),
          ctx.h("select", { id: "email-german-address", name: "german_address", "data-testid": "email-german-address",
            "aria-describedby": "email-german-address-hint", onchange: (event) => showDefaults(form, page.defaults, event.target.value) },
            ctx.h("option", { value: "du", selected: s.german_address !== "sie" }, ctx.t("du (wie Shopify und WooCommerce)", "du (as Shopify and WooCommerce do)")),
            ctx.h("option", { value: "sie", selected: s.german_address === "sie" }, "Sie")),
          ctx.h("p", { class: "la-hint", id: "email-german-address-hint" }, ctx.t(
            "Gilt für die E-Mails, die Seiten, auf die sie verlinken, und das Widget im Shop. Eigene Texte unten schreiben Sie in derselben Form.",
            "Applies to the emails, the pages they link to and the widget in the shop. Write your own texts below in the same form.")))),
      page.kinds.map((info) => kindFieldset(ctx, info, s, page.defaults)),
      ctx.h("button", { type: "submit", class: "la-primary", "data-testid": "email-settings-save" }, ctx.t("Speichern", "Save")));
    ctx.onSubmit(form, async () => {
      ctx.fieldErrors(form, {});
      try {
        await ctx.api("/admin/api/emails/settings", { method: "PUT", body: collect(ctx, form, page.kinds) });
        ctx.toast(ctx.t("E-Mail-Einstellungen gespeichert.", "Email settings saved."));
      } catch (error) {
        if (error.status === 422) ctx.fieldErrors(form, error.body.errors || {});
        ctx.toast(ctx.errorText(error), "error");
      }
    });
    el.append(previewLayout(ctx, form, page.kinds));
    return page.kinds;
  }

  function messageTable(ctx, items, kinds, reload) {
    if (!items.length) return ctx.h("p", { class: "la-muted", "data-testid": "outbox-empty" }, ctx.t("Keine Nachrichten.", "No messages."));
    const action = (label, path, testid) => ctx.h("button", { type: "button", class: "la-secondary", "data-testid": testid,
      onclick: (event) => ctx.pending(event.currentTarget, async () => {
        try { await ctx.api(path, { method: "POST" }); ctx.toast(ctx.t("Erledigt.", "Done.")); reload(); }
        catch (error) { ctx.toast(ctx.errorText(error), "error"); }
      }) }, label);
    return ctx.h("div", { class: "la-table-scroll" }, ctx.h("table", { class: "la-table", "data-testid": "outbox-table" },
      ctx.h("thead", {}, ctx.h("tr", {}, [ctx.t("Art", "Kind"), ctx.t("Empfänger", "To"), ctx.t("Status", "Status"),
        ctx.t("Fällig", "Due"), ctx.t("Gesendet", "Sent"), ctx.t("Versuche", "Attempts"), ctx.t("Fehler", "Error"), ""]
        .map((x) => ctx.h("th", {}, x)))),
      ctx.h("tbody", {}, items.map((m) => ctx.h("tr", { "data-testid": "outbox-row", "data-status": m.status },
        ctx.h("td", {}, kindName(ctx, kinds, m.kind)), ctx.h("td", {}, m.to_email),
        ctx.h("td", {}, ctx.h("span", { class: `la-badge la-badge-${m.status}` }, statusLabel(ctx, m.status))),
        // when it was due and, apart from it, when it went out: a sent message's due time is not its send time
        ctx.h("td", { class: "la-date", "data-testid": "outbox-due" }, ctx.date(m.due_at)),
        ctx.h("td", { class: "la-date", "data-testid": "outbox-sent" }, m.sent_at ? ctx.date(m.sent_at) : "–"),
        ctx.h("td", { class: "la-num" }, ctx.number(m.attempts)),
        ctx.h("td", { class: "la-muted la-text" }, m.last_error || ""),
        ctx.h("td", {},
          ["pending", "failed"].includes(m.status) ? action(ctx.t("Stornieren", "Cancel"), `/admin/api/outbox/${m.id}/cancel`, "outbox-cancel") : null,
          ["failed", "cancelled"].includes(m.status) ? action(ctx.t("Erneut senden", "Retry"), `/admin/api/outbox/${m.id}/retry`, "outbox-retry") : null))))));
  }

  function outboxSection(el, ctx, kinds) {
    const select = ctx.h("select", { "data-testid": "outbox-status", "aria-label": ctx.t("Status", "Status") },
      STATUSES.map(([value, de, en]) => ctx.h("option", { value }, ctx.t(de, en))));
    const body = ctx.h("div", {});
    const latest = ctx.latestOnly();  // a new status also drops a pending "load more" of the old one
    let items = [];
    async function load(more = false) {
      const query = new URLSearchParams();
      if (select.value) query.set("status", select.value);
      if (more) query.set("offset", String(items.length));
      const page = await latest(ctx.api(`/admin/api/outbox?${query}`));
      items = more ? items.concat(page.items) : page.items;
      const total = ctx.number(page.total);
      const count = items.length < page.total
        ? ctx.t(`${ctx.number(items.length)} von ${total} Nachrichten`, `${ctx.number(items.length)} of ${total} messages`)
        : ctx.t(`${total} ${page.total === 1 ? "Nachricht" : "Nachrichten"}`, `${total} ${page.total === 1 ? "message" : "messages"}`);
      body.replaceChildren(messageTable(ctx, items, kinds, () => load()), ctx.h("p", { class: "la-muted", "data-testid": "outbox-count" }, count),
        items.length < page.total ? ctx.h("button", { type: "button", class: "la-secondary", "data-testid": "outbox-more",
          onclick: () => load(true) }, ctx.t("Weitere laden", "Load more")) : null);
    }
    select.addEventListener("change", () => load());
    el.appendChild(ctx.h("div", { class: "la-card" }, ctx.h("h2", {}, ctx.t("Postausgang", "Outbox")), select, body));
    return load();
  }

  function stars(n) {
    return "★".repeat(n) + "☆".repeat(5 - n);
  }

  function reviewTable(ctx, items) {
    if (!items.length) return ctx.h("p", { class: "la-muted", "data-testid": "reviews-empty" }, ctx.t("Noch keine Bewertungen.", "No reviews yet."));
    return ctx.h("div", { class: "la-table-scroll" }, ctx.h("table", { class: "la-table", "data-testid": "reviews-table" },
      ctx.h("thead", {}, ctx.h("tr", {}, [ctx.t("Sterne", "Stars"), ctx.t("Produkt", "Product"), ctx.t("Text", "Text"),
        ctx.t("Kunde", "Shopper"), ctx.t("Empfehlung", "Recommend"), ctx.t("Datum", "Date")].map((x) => ctx.h("th", {}, x)))),
      ctx.h("tbody", {}, items.map((r) => ctx.h("tr", { "data-testid": "review-row", "data-flagged": String(r.flagged) },
        ctx.h("td", { title: `${r.rating}/5` }, stars(r.rating), r.flagged ? ctx.h("span", { class: "la-badge la-badge-failed" }, ctx.t(" prüfen", " check")) : null),
        ctx.h("td", {}, r.product_title), ctx.h("td", { class: "la-text" }, r.body), ctx.h("td", {}, r.member_name),
        ctx.h("td", { class: "la-num" }, r.recommend_score === null ? "–" : String(r.recommend_score)),
        ctx.h("td", { class: "la-date" }, ctx.date(r.created_at)))))));
  }

  function reviewsSection(el, ctx) {
    const select = ctx.h("select", { "data-testid": "reviews-rating", "aria-label": ctx.t("Sterne", "Stars") },
      ctx.h("option", { value: "" }, ctx.t("alle Sterne", "all ratings")),
      [5, 4, 3, 2, 1].map((n) => ctx.h("option", { value: String(n) }, stars(n))));
    const body = ctx.h("div", {});
    const latest = ctx.latestOnly();
    async function load() {
      const page = await latest(ctx.api(`/admin/api/reviews${select.value ? `?rating=${select.value}` : ""}`));
      body.replaceChildren(reviewTable(ctx, page.items));
    }
    select.addEventListener("change", load);
    el.appendChild(ctx.h("div", { class: "la-card" }, ctx.h("h2", {}, ctx.t("Bewertungen", "Reviews")), select, body));
    return load();
  }

  async function render(el, ctx) {
    const settingsBox = ctx.h("div", {});
    const outboxBox = ctx.h("div", {});
    const reviewsBox = ctx.h("div", {});
    el.append(settingsBox, outboxBox, reviewsBox);
    const kinds = await settingsSection(settingsBox, ctx);
    await Promise.all([outboxSection(outboxBox, ctx, kinds), reviewsSection(reviewsBox, ctx)]);
  }

  window.LoyaltyAdmin.registerTab({ id: "emails", order: 40, title: { de: "E-Mails", en: "Emails" }, render });

  window.LoyaltyAdmin.registerMemberSection({ id: "messages", order: 40, title: { de: "Nachrichten", en: "Messages" },
    async render(el, member, ctx) {
      const [page, settings] = await Promise.all([
        ctx.api(`/admin/api/members/${member.id}/messages`), ctx.api("/admin/api/emails/settings")]);
      el.appendChild(messageTable(ctx, page.items, settings.kinds, () => {}));
    } });

  window.LoyaltyAdmin.registerMemberSection({ id: "reviews", order: 45, title: { de: "Bewertungen", en: "Reviews" },
    async render(el, member, ctx) {
      const page = await ctx.api(`/admin/api/members/${member.id}/reviews`);
      el.appendChild(reviewTable(ctx, page.items));
    } });
})();
