/* Analytics tabs, part two: segments (counts, member lists, CSV export) and campaigns (segment + action,
 * preview count, run, progress). Plain JS; member names and emails go in as text nodes via ctx.h. */
(function () {
  /** CSV links download through ctx.download, so they work with a session token inside Shopify too. */
  function csv(event, ctx, filename) {
    event.preventDefault();
    ctx.download(event.currentTarget.getAttribute("href"), filename).catch((error) => ctx.toast(ctx.errorText(error), "error"));
  }

  "use strict";

  const FILTERS = [
    ["last_order_after", "date", "Letzte Bestellung nach", "Last order after"],
    ["last_order_before", "date", "Letzte Bestellung vor", "Last order before"],
    ["min_orders", "integer", "Mindestens Bestellungen", "Orders at least"],
    ["min_spend", "money", "Umsatz mindestens", "Spend at least"],
  ];

  /** A segment chooser; `.query()` gives the URL parameters of the chosen segment, `.value()` the JSON form.
   *  Its controls are named like the API's segment fields, so 422 field errors land on them. */
  function segmentPicker(ctx, overview, testid) {
    // A shop without tiers has no tier to pick: the option says so instead of offering an empty dropdown.
    const noTiers = !overview.tiers.length;
    const kind = ctx.h("select", { name: "kind", "data-testid": `${testid}-kind` },
      [["abc", "A/B/C", "A/B/C"], ["rfm", "RFM-Gruppe", "RFM group"],
        ["tier", ...(noTiers ? ["Stufe (dieser Shop hat noch keine Stufen)", "Tier (this shop has no tiers yet)"] : ["Stufe", "Tier"])],
        ["filter", "Filter", "Filter"], ["all", "Alle Mitglieder", "All members"]]
        .map(([v, de, en]) => ctx.h("option", { value: v, disabled: v === "tier" && noTiers }, ctx.t(de, en))));
    const value = ctx.h("select", { name: "value", "data-testid": `${testid}-value`, "aria-label": ctx.t("Gruppe", "Group") });
    const filters = ctx.h("div", { class: "la-row" }, FILTERS.map(([name, type, de, en]) =>
      ctx.h("div", { class: "la-field" }, ctx.h("label", {}, ctx.t(de, en)), type === "date"
        ? ctx.h("input", { name, type, "data-testid": `${testid}-${name}` })
        : ctx.numberInput(type, { name, "data-testid": `${testid}-${name}` }))));
    const options = { abc: overview.abc, rfm: overview.rfm, tier: overview.tiers };
    const refresh = () => {
      const list = options[kind.value] || [];
      value.replaceChildren(...list.map((row) => ctx.h("option", { value: row.key }, `${row.label} (${ctx.number(row.members)})`)));
      // (style, not the hidden attribute: .la-row's display: flex would override it)
      value.style.display = kind.value in options ? "" : "none";
      filters.style.display = kind.value === "filter" ? "" : "none";
    };
    kind.addEventListener("change", refresh);
    refresh();
    const el = ctx.h("div", { class: "la-row" }, ctx.h("div", { class: "la-field" }, ctx.h("label", {}, ctx.t("Segment", "Segment")), kind),
      ctx.h("div", { class: "la-field" }, value), filters);
    // throws (ctx.numbers) when a filter's number field holds no number: the caller's error path marks it
    const valueOf = () => {
      const out = { kind: kind.value };
      if (kind.value in options) out.value = value.value;
      if (kind.value === "filter") {
        const numbers = ctx.numbers(filters);
        for (const [name, type] of FILTERS) {
          const given = type === "date" ? filters.querySelector(`[name="${name}"]`).value : numbers[name];
          if (given !== "" && given !== null) out[name] = given;
        }
      }
      return out;
    };
    const query = () => new URLSearchParams(Object.entries(valueOf()).map(([k, v]) => [k, String(v)])).toString();
    return { el, query, value: valueOf, select: (k, v) => { kind.value = k; refresh(); if (v) value.value = v; } };
  }

  function countsTable(ctx, title, rows, onPick) {
    return ctx.h("div", { class: "la-card" }, ctx.h("h3", {}, title),
      ctx.h("table", { class: "la-table" }, ctx.h("tbody", {}, rows.map((row) =>
        ctx.h("tr", { class: "la-clickable", "data-testid": `segment-row-${row.key}`, onclick: () => onPick(row.key) },
          ctx.h("td", {}, row.label), ctx.h("td", { class: "la-num" }, ctx.number(row.members)),
          row.revenue !== undefined ? ctx.h("td", { class: "la-num" }, ctx.money(row.revenue)) : null)))));
  }

  function memberTable(ctx, members) {
    return ctx.h("table", { class: "la-table", "data-testid": "segment-members" },
      ctx.h("thead", {}, ctx.h("tr", {}, [ctx.t("Name", "Name"), "E-Mail", ctx.t("Punkte", "Points"),
        ctx.t("Bestellungen", "Orders"), ctx.t("Umsatz", "Revenue"), ctx.t("Letzte Bestellung", "Last order")]
        .map((label) => ctx.h("th", {}, label)))),
      ctx.h("tbody", {}, members.map((m) => ctx.h("tr", { class: "la-clickable", onclick: () => ctx.openMember(m.id) },
        ctx.h("td", {}, m.name), ctx.h("td", {}, m.email || ""), ctx.h("td", { class: "la-num" }, ctx.number(m.balance)),
        ctx.h("td", { class: "la-num" }, ctx.number(m.orders)), ctx.h("td", { class: "la-num" }, ctx.money(m.revenue)),
        ctx.h("td", {}, ctx.date(m.last_order_at))))));
  }

  async function renderSegments(el, ctx) {
    const overview = await ctx.api(`/admin/api/segments?lang=${ctx.locale}`);
    const picker = segmentPicker(ctx, overview, "segments");
    const result = ctx.h("div", { "data-testid": "segment-result" });
    const latest = ctx.latestOnly();  // a new choice also drops a pending "load more" of the old one
    const show = async (afterId = 0) => {
      let page;
      try {
        page = await latest(ctx.api(`/admin/api/segments/members?${picker.query()}&after_id=${afterId}&limit=50`));
      } catch (error) {
        if (!afterId) result.replaceChildren();  // the old segment's list would read as this one's
        throw error;
      }
      if (!afterId) {
        ctx.fieldErrors(form, {});  // the choice is valid now: an error from an earlier one would mislead
        result.replaceChildren(ctx.h("p", { "data-testid": "segment-count" },
          ctx.t(`${ctx.number(page.count)} Mitglieder`, `${ctx.number(page.count)} members`), " · ",
          ctx.h("a", { href: `/admin/api/export/segment.csv?${picker.query()}`, "data-testid": "segment-csv",
            onclick: (event) => csv(event, ctx, "segment.csv") },
            ctx.t("Als CSV herunterladen", "Download as CSV"))));
      }
      result.appendChild(memberTable(ctx, page.members));
      if (page.next_after_id) {
        const more = ctx.h("button", { type: "button", class: "la-secondary", onclick: () => { more.remove(); show(page.next_after_id); } },
          ctx.t("Weitere laden", "Load more"));
        result.appendChild(more);
      }
    };
    const pick = (kind) => (key) => { picker.select(kind, key); show().catch((e) => ctx.toast(ctx.errorText(e), "error")); };
    const form = ctx.h("form", { class: "la-card", onsubmit: (event) => { event.preventDefault(); show().catch((e) => {
      if (e.status === 422) ctx.fieldErrors(form, e.body.errors); else ctx.toast(ctx.errorText(e), "error"); }); } },
      picker.el, ctx.h("button", { type: "submit", class: "la-primary", "data-testid": "segment-show" }, ctx.t("Mitglieder zeigen", "Show members")));
    el.append(ctx.h("h1", {}, ctx.t("Segmente", "Segments")),
      ctx.h("p", {}, ctx.h("a", { href: "/admin/api/export/members.csv", "data-testid": "members-csv", onclick: (event) => csv(event, ctx, "members.csv") }, ctx.t("Alle Mitglieder als CSV", "All members as CSV")),
        " · ", ctx.h("a", { href: "/admin/api/export/ledger.csv", "data-testid": "ledger-csv", onclick: (event) => csv(event, ctx, "ledger.csv") }, ctx.t("Punktebuch als CSV", "Ledger as CSV"))),
      ctx.h("div", { class: "ld-charts" },
        countsTable(ctx, ctx.t("A/B/C nach Umsatzanteil", "A/B/C by revenue share"), overview.abc, pick("abc")),
        countsTable(ctx, ctx.t("RFM-Gruppen", "RFM groups"), overview.rfm.filter((r) => r.members), pick("rfm")),
        overview.tiers.length ? countsTable(ctx, ctx.t("Stufen", "Tiers"), overview.tiers, pick("tier")) : null),
      form, result);
  }

  function actionFields(ctx) {
    const field = (name, label, attrs) => ctx.h("div", { class: "la-field" }, ctx.h("label", {}, label),
      ctx.h(attrs.tag || "input", Object.assign({ name, "data-testid": `campaign-${name}` }, attrs, { tag: undefined })));
    const numberField = (kind, name, label, value) => ctx.h("div", { class: "la-field" }, ctx.h("label", {}, label),
      ctx.numberInput(kind, { name, value, "data-testid": `campaign-${name}` }));
    const groups = {
      bonus: [numberField("integer", "points", ctx.t("Bonuspunkte je Mitglied", "Bonus points per member"), 100)],
      coupon: [
        ctx.h("div", { class: "la-field" }, ctx.h("label", {}, ctx.t("Gutscheinart", "Coupon type")),
          ctx.h("select", { name: "coupon_kind", "data-testid": "campaign-coupon_kind" },
            [["percentage", "Prozent", "Percent"], ["fixed_amount", "Betrag", "Amount"], ["free_shipping", "Gratisversand", "Free shipping"]]
              .map(([v, de, en]) => ctx.h("option", { value: v }, ctx.t(de, en))))),
        // coupon_kind and coupon_value: the segment picker in the same form has `kind` and `value` already
        numberField("money", "coupon_value", ctx.t("Wert", "Value"), "10"),
        numberField("integer", "validity_days", ctx.t("Gültig (Tage)", "Valid (days)"), 30),
        // what shoppers read in My rewards and the coupon's email; empty: what the coupon gives ("10 % Rabatt")
        ...languagesOf(ctx).map(([code, de, en]) => field(`title.${code}`, ctx.t(`Titel für Kunden (${de})`, `Title shoppers see (${en})`),
          { type: "text", size: "28", lang: code, "data-testid": `campaign-title-${code}`,
            placeholder: ctx.t("leer: was der Gutschein gibt", "empty: what the coupon gives") })),
      ],
      message: [messageEditor(ctx, field)],
    };
    return groups;
  }

  const LANGUAGES = [["de", "Deutsch", "German"], ["en", "Englisch", "English"]];

  /** The shop's language first: the texts a merchant writes first, and the preview's default. */
  function languagesOf(ctx) {
    const first = ctx.shop && ctx.shop.locale === "en" ? "en" : "de";
    return LANGUAGES.slice().sort(([a], [b]) => (a === first ? -1 : b === first ? 1 : 0));
  }

  /** A message's subject and body per language with the placeholders they may use, a note that the greeting comes
   *  by itself, and the email as a member reading the chosen language receives it (a sample member), refreshed
   *  while typing. `.check()` previews now: false when the server refused a text (marked at its field, as a start
   *  would). `.texts()`: {subject: {de, en}, body: {de, en}}. */
  function messageEditor(ctx, field) {
    const described = "campaign-placeholders campaign-greeting campaign-languages";
    const languages = languagesOf(ctx);
    const help = ctx.h("p", { class: "la-hint", id: "campaign-placeholders", "data-testid": "campaign-placeholders" });
    const greeting = ctx.h("p", { class: "la-hint", id: "campaign-greeting", "data-testid": "campaign-greeting" },
      ctx.t("Die Anrede („Hallo Vorname,“) setzt die E-Mail selbst vor Ihren Text: bitte keine eigene schreiben.",
        "The email puts the greeting (“Hello first name,”) before your text itself: please do not write your own."));
    const note = ctx.h("p", { class: "la-hint", id: "campaign-languages", "data-testid": "campaign-languages" },
      ctx.t("Jedes Mitglied bekommt die E-Mail in seiner Sprache, samt Anrede und Fußzeile; fehlt der Text in seiner Sprache, die andere Fassung.",
        "Each member receives the email in their language, greeting and footer included; without a text in their language, the other one."));
    // the subject's label level with the text's, not at the foot of the tall text box beside it
    const texts = ctx.h("div", {}, languages.map(([code, de, en]) => ctx.h("div", { class: "la-row", lang: code, style: { alignItems: "flex-start" } },
      field(`subject.${code}`, ctx.t(`Betreff (${de})`, `Subject (${en})`),
        { type: "text", size: "40", "aria-describedby": described, "data-testid": `campaign-subject-${code}` }),
      field(`body.${code}`, ctx.t(`Text (${de})`, `Text (${en})`),
        { tag: "textarea", rows: "6", cols: "48", "aria-describedby": described, "data-testid": `campaign-body-${code}` }))));
    const reader = ctx.h("select", { "data-testid": "campaign-preview-language", "aria-label": ctx.t("Vorschau für Mitglieder mit der Sprache", "Preview for members reading") },
      languages.map(([code, de, en]) => ctx.h("option", { value: code }, ctx.t(de, en))));
    const subject = ctx.h("p", { "data-testid": "campaign-email-subject", "aria-live": "polite" });
    const writtenIn = ctx.h("p", { class: "la-hint", "data-testid": "campaign-email-language", "aria-live": "polite" });
    // sandbox without scripts: the preview is inert HTML even if a text slipped through unescaped
    const frame = ctx.h("iframe", { sandbox: "", title: ctx.t("E-Mail-Vorschau", "Email preview"), "data-testid": "campaign-email-frame",
      style: { width: "100%", height: "420px", border: "1px solid #ddd", borderRadius: "8px", background: "#fff" } });
    const latest = ctx.latestOnly();
    const textsOf = () => {
      const out = { subject: {}, body: {} };
      for (const [code] of languages) {
        for (const part of ["subject", "body"]) out[part][code] = texts.querySelector(`[name="${part}.${code}"]`).value;
      }
      return out;
    };
    const languageName = (code) => { const found = LANGUAGES.find(([c]) => c === code); return ctx.t(found[1], found[2]); };
    let timer = null;
    const check = async () => {
      clearTimeout(timer);  // this check covers what a pending one would: a start waits for it, not for a later one
      try {
        const result = await latest(ctx.api("/admin/api/campaigns/message-preview", { method: "POST",
          body: Object.assign(textsOf(), { locale: reader.value }) }));
        ctx.fieldErrors(texts, {});  // only the texts' marks: the segment's stay until it is previewed again
        help.replaceChildren(ctx.t("Platzhalter: ", "Placeholders: "), ...result.placeholders.map((p, i) =>
          [i ? ", " : "", ctx.h("code", {}, `{${p.name}}`), ` (${p.label[ctx.locale] || p.name})`]).flat());
        subject.replaceChildren(ctx.h("strong", {}, ctx.t("Betreff: ", "Subject: ")), result.subject);
        writtenIn.textContent = result.locale === reader.value ? "" : ctx.t(
          `Ohne Text auf ${languageName(reader.value)} bekommen diese Mitglieder die Fassung auf ${languageName(result.locale)}.`,
          `Without a text in ${languageName(reader.value)}, these members receive the ${languageName(result.locale)} one.`);
        frame.srcdoc = result.html;
        return true;
      } catch (error) {
        if (error.status === 422) ctx.fieldErrors(texts, (error.body && error.body.errors) || {});
        subject.textContent = ctx.errorText(error);
        writtenIn.textContent = "";
        frame.srcdoc = "";  // an earlier text's email is not what this one would send
        return false;
      }
    };
    texts.addEventListener("input", () => { clearTimeout(timer); timer = setTimeout(check, 300); });
    reader.addEventListener("change", () => check());
    const el = ctx.h("div", { "data-testid": "campaign-message", style: { flexBasis: "100%" } }, texts, help, greeting, note,
      ctx.h("h3", {}, ctx.t("So kommt die E-Mail an", "The email as members receive it")),
      ctx.h("label", { class: "la-row" }, ctx.t("Mitglieder mit der Sprache ", "Members reading "), reader),
      subject, writtenIn, frame);
    el.check = check;
    el.texts = textsOf;
    return el;
  }

  /** The action's parameters; throws (ctx.numbers) when a number field holds no number. */
  function paramsOf(ctx, form, action) {
    const v = (name) => form.elements[name].value;
    const params = form.querySelector(".la-row[data-testid=campaign-params]");
    if (action === "bonus") return { points: ctx.numbers(params).points };
    if (action === "coupon") {
      const numbers = ctx.numbers(params);
      return { kind: v("coupon_kind"), value: numbers.coupon_value,
        validity_days: numbers.validity_days,
        title: Object.fromEntries(LANGUAGES.map(([code]) => [code, v(`title.${code}`)])) };
    }
    return form.querySelector('[data-testid="campaign-message"]').texts();
  }

  /** A start's 422 errors keyed by the form's control names: the segment's come nested under `segment`,
   *  a coupon's `kind` and `value` belong to the coupon_* inputs. */
  function startErrors(errors, action) {
    const out = {};
    for (const [name, messages] of Object.entries(errors || {})) {
      if (name === "segment") Object.assign(out, Array.isArray(messages) ? { kind: messages } : messages);
      else if (action === "coupon" && (name === "kind" || name === "value")) out[`coupon_${name}`] = messages;
      else out[name] = messages;
    }
    return out;
  }

  const STATUS = { queued: ["wartet", "queued"], running: ["läuft", "running"], done: ["fertig", "done"],
    cancelled: ["abgebrochen", "cancelled"] };

  // The page's texts in the campaign list break between words only (the shell breaks anywhere, which suits the
  // merchant's own texts, the name and who started it, but squeezed "Status" into "Statu s"); a name gets room.
  const WORDS = { overflowWrap: "normal", wordBreak: "normal" };

  function progressRow(ctx, c, onCancel) {
    const actions = { bonus: ctx.t("Bonuspunkte", "Bonus points"), coupon: ctx.t("Gutschein", "Coupon"), message: ctx.t("Nachricht", "Message") };
    const status = STATUS[c.status] ? ctx.t(...STATUS[c.status]) : c.status;
    const [ok, skipped, failed] = [c.succeeded, c.skipped, c.failed].map((n) => ctx.number(n));
    return ctx.h("tr", { "data-testid": `campaign-${c.id}`, "data-status": c.status }, ctx.h("td", { style: { minWidth: "8em" } }, c.name),
      ctx.h("td", { style: WORDS }, actions[c.action] || c.action),
      ctx.h("td", { style: WORDS, "data-testid": `campaign-${c.id}-status` }, status),
      ctx.h("td", {}, ctx.h("div", { class: "ld-progress", title: ctx.percent(c.percent) }, ctx.h("span", { style: { width: `${c.percent}%` } }))),
      ctx.h("td", { class: "la-num", style: WORDS, "data-testid": `campaign-${c.id}-processed` }, `${ctx.number(c.processed)} / ${ctx.number(c.total)}`),
      ctx.h("td", { style: WORDS }, ctx.t(`${ok} ok, ${skipped} übersprungen, ${failed} fehlgeschlagen`, `${ok} ok, ${skipped} skipped, ${failed} failed`)),
      ctx.h("td", { title: c.started_by }, ctx.actorLabel(c.started_by)), ctx.h("td", { style: WORDS }, ctx.date(c.created_at)),
      ctx.h("td", { style: WORDS }, c.status === "queued" || c.status === "running"
        ? ctx.h("button", { type: "button", class: "la-secondary", "data-testid": `campaign-${c.id}-cancel`,
          onclick: (event) => ctx.pending(event.currentTarget, onCancel) }, ctx.t("Abbrechen", "Cancel"))
        : null));
  }

  const CAMPAIGN_COLUMNS = [["Name", "Name"], ["Aktion", "Action"], ["Status", "Status"], ["Fortschritt", "Progress"],
    ["Erreicht", "Reached", "la-num"], ["Ergebnis", "Outcome"], ["Gestartet von", "Started by"], ["Angelegt", "Created"], ["", ""]];

  function membersText(ctx, n) {
    return n === 1 ? ctx.t("1 Mitglied", "1 member") : ctx.t(`${ctx.number(n)} Mitglieder`, `${ctx.number(n)} members`);
  }

  /** Whom a campaign will reach (the preview API's answer): a message only members with consent, so it says so. */
  function reachText(ctx, reach) {
    if (!reach.consent_only) return membersText(ctx, reach.count);
    return ctx.t(`${membersText(ctx, reach.count)} mit Einwilligung (von ${ctx.number(reach.members)} im Segment)`,
      `${membersText(ctx, reach.count)} with consent (of ${ctx.number(reach.members)} in the segment)`);
  }

  async function renderCampaigns(el, ctx) {
    const overview = await ctx.api(`/admin/api/segments?lang=${ctx.locale}`);
    const picker = segmentPicker(ctx, overview, "campaign");
    const groups = actionFields(ctx);
    const action = ctx.h("select", { name: "action", "data-testid": "campaign-action" },
      [["bonus", "Bonuspunkte", "Bonus points"], ["coupon", "Gutschein", "Coupon"], ["message", "Nachricht (mit Einwilligung)", "Message (with consent)"]]
        .map(([v, de, en]) => ctx.h("option", { value: v }, ctx.t(de, en))));
    const params = ctx.h("div", { class: "la-row", "data-testid": "campaign-params" });
    const switchAction = () => {
      params.replaceChildren(...groups[action.value]);
      if (action.value === "message") groups.message[0].check();
    };
    action.addEventListener("change", switchAction);
    switchAction();
    const preview = ctx.h("span", { class: "la-muted", "data-testid": "campaign-preview-count", "aria-live": "polite" });
    const confirmSlot = ctx.h("div", {});
    let choice = 0;  // bumped on every segment edit: a count asked for an older choice is not shown
    picker.el.addEventListener("input", () => { choice += 1; preview.textContent = ""; });
    picker.el.addEventListener("change", () => { choice += 1; preview.textContent = ""; });
    action.addEventListener("change", () => { choice += 1; preview.textContent = ""; });  // a message counts fewer
    const list = ctx.h("tbody", {});
    let timer = null;
    const cancel = (c) => async () => {
      try {
        await ctx.api(`/admin/api/campaigns/${c.id}/cancel`, { method: "POST" });
        ctx.toast(ctx.t("Kampagne abgebrochen", "Campaign cancelled"));
      } catch (e) {
        ctx.toast(e.status === 409 ? ctx.t("Diese Kampagne ist schon beendet.", "This campaign has already finished.") : ctx.errorText(e), "error");
      }
      await refresh().catch((e) => ctx.toast(ctx.errorText(e), "error"));
    };
    const refresh = async () => {
      const { campaigns } = await ctx.api("/admin/api/campaigns");
      list.replaceChildren(...campaigns.map((c) => progressRow(ctx, c, cancel(c))));
      if (!campaigns.length) {
        list.appendChild(ctx.h("tr", {}, ctx.h("td", { colspan: String(CAMPAIGN_COLUMNS.length), class: "la-muted", "data-testid": "campaigns-empty" },
          ctx.t("Noch keine Kampagnen. Oben eine anlegen und starten.", "No campaigns yet. Set one up above and run it."))));
      }
      clearTimeout(timer);
      if (campaigns.some((c) => c.status === "queued" || c.status === "running") && el.isConnected) timer = setTimeout(refresh, 2000);
    };
    /** Whom the campaign will reach (the segment; for a message, its members with consent), shown beside the
     *  buttons; null when the segment or action changed while counting. */
    const count = async () => {
      const asked = choice;
      const params = new URLSearchParams(picker.query());
      params.set("action", action.value);
      const reach = await ctx.api(`/admin/api/campaigns/preview?${params}`);
      if (asked !== choice) return null;
      ctx.fieldErrors(form, {});
      preview.textContent = ctx.t(`Erreicht ${reachText(ctx, reach)}`, `Reaches ${reachText(ctx, reach)}`);
      return reach;
    };
    const countFailed = (e) => {
      if (e.status === 422) ctx.fieldErrors(form, e.body.errors); else ctx.toast(ctx.errorText(e), "error");
    };
    const run = async () => {
      confirmSlot.replaceChildren();  // one confirmation starts one campaign, however often it is clicked
      try {
        await ctx.api("/admin/api/campaigns", { method: "POST", body: { name: form.elements.name.value,
          segment: picker.value(), action: action.value, params: paramsOf(ctx, form, action.value) } });
        ctx.fieldErrors(form, {});
        ctx.toast(ctx.t("Kampagne gestartet", "Campaign started"));
        await refresh();
      } catch (e) {
        if (e.status === 422) ctx.fieldErrors(form, startErrors(e.body.errors, action.value)); else ctx.toast(ctx.errorText(e), "error");
      }
    };
    const form = ctx.h("form", { class: "la-card", "data-testid": "campaign-form", novalidate: true },
      ctx.h("div", { class: "la-field" }, ctx.h("label", {}, ctx.t("Name", "Name")), ctx.h("input", { name: "name", "data-testid": "campaign-name" })),
      picker.el, ctx.h("div", { class: "la-field" }, ctx.h("label", {}, ctx.t("Aktion", "Action")), action), params,
      ctx.h("div", { class: "la-row" },
        ctx.h("button", { type: "button", class: "la-secondary", "data-testid": "campaign-preview",
          onclick: (event) => ctx.pending(event.currentTarget, () => count().catch(countFailed)) }, ctx.t("Vorschau", "Preview")),
        ctx.h("button", { type: "submit", class: "la-primary", "data-testid": "campaign-run" }, ctx.t("Starten", "Run")), preview),
      confirmSlot);
    // A confirmation speaks for the form as it was: any edit withdraws it.
    form.addEventListener("input", () => confirmSlot.replaceChildren());
    form.addEventListener("change", () => confirmSlot.replaceChildren());
    ctx.onSubmit(form, async () => {
      // a message whose texts the preview refuses would be refused by the start: no confirmation for it
      if (action.value === "message" && !(await groups.message[0].check())) return;
      let reach;
      try {
        paramsOf(ctx, form, action.value);  // a number field that holds no number: marked now, not after the confirmation
        reach = await count();
      } catch (e) {
        countFailed(e);
        return;
      }
      if (reach === null) return;
      // A mass send is not undone: say how many members it reaches and start only on a second click.
      confirmSlot.replaceChildren(ctx.h("div", { class: "la-card", role: "group", "data-testid": "campaign-confirm" },
        ctx.h("p", { "data-testid": "campaign-confirm-text" }, ctx.t(`Diese Kampagne erreicht ${reachText(ctx, reach)}. Jetzt starten?`,
          `This campaign reaches ${reachText(ctx, reach)}. Run it now?`)),
        ctx.h("button", { type: "button", class: "la-primary", "data-testid": "campaign-confirm-run",
          onclick: (event) => ctx.pending(event.currentTarget, run) }, ctx.t("Ja, starten", "Yes, run it")),
        ctx.h("button", { type: "button", class: "la-secondary", "data-testid": "campaign-confirm-cancel",
          onclick: () => confirmSlot.replaceChildren() }, ctx.t("Abbrechen", "Cancel"))));
    });
    el.append(ctx.h("h1", {}, ctx.t("Kampagnen", "Campaigns")), form,
      ctx.h("div", { class: "la-card" }, ctx.h("table", { class: "la-table", "data-testid": "campaign-list" },
        ctx.h("thead", {}, ctx.h("tr", {}, CAMPAIGN_COLUMNS.map(([de, en, cls]) => ctx.h("th", { class: cls, style: WORDS }, ctx.t(de, en))))), list)));
    await refresh();
  }

  window.LoyaltyAdmin.registerTab({ id: "segments", order: 11, title: { de: "Segmente", en: "Segments" }, render: renderSegments });
  window.LoyaltyAdmin.registerTab({ id: "campaigns", order: 12, title: { de: "Kampagnen", en: "Campaigns" }, render: renderCampaigns });
})();
