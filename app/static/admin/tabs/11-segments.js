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
    ["min_orders", "number", "Mindestens Bestellungen", "Orders at least"],
    ["min_spend", "number", "Umsatz mindestens", "Spend at least"],
  ];

  /** A segment chooser; `.query()` gives the URL parameters of the chosen segment, `.value()` the JSON form. */
  function segmentPicker(ctx, overview, testid) {
    const kind = ctx.h("select", { name: "kind", "data-testid": `${testid}-kind` },
      [["abc", "A/B/C", "A/B/C"], ["rfm", "RFM-Gruppe", "RFM group"], ["tier", "Stufe", "Tier"],
        ["filter", "Filter", "Filter"], ["all", "Alle Mitglieder", "All members"]]
        .map(([v, de, en]) => ctx.h("option", { value: v }, ctx.t(de, en))));
    const value = ctx.h("select", { name: "value", "data-testid": `${testid}-value`, "aria-label": ctx.t("Gruppe", "Group") });
    const filters = ctx.h("div", { class: "la-row" }, FILTERS.map(([name, type, de, en]) =>
      ctx.h("div", { class: "la-field" }, ctx.h("label", {}, ctx.t(de, en)),
        ctx.h("input", { name, type, step: type === "number" ? "any" : undefined, "data-testid": `${testid}-${name}` }))));
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
    const valueOf = () => {
      const out = { kind: kind.value };
      if (kind.value in options) out.value = value.value;
      if (kind.value === "filter") {
        for (const [name] of FILTERS) {
          const input = filters.querySelector(`[name="${name}"]`);
          if (input.value !== "") out[name] = input.type === "number" && name === "min_orders" ? Number(input.value) : input.value;
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
      const page = await latest(ctx.api(`/admin/api/segments/members?${picker.query()}&after_id=${afterId}&limit=50`));
      if (!afterId) {
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
    const groups = {
      bonus: [field("points", ctx.t("Bonuspunkte je Mitglied", "Bonus points per member"), { type: "number", step: "1", value: "100" })],
      coupon: [
        ctx.h("div", { class: "la-field" }, ctx.h("label", {}, ctx.t("Gutscheinart", "Coupon type")),
          ctx.h("select", { name: "coupon_kind", "data-testid": "campaign-coupon_kind" },
            [["percentage", "Prozent", "Percent"], ["fixed_amount", "Betrag", "Amount"], ["free_shipping", "Gratisversand", "Free shipping"]]
              .map(([v, de, en]) => ctx.h("option", { value: v }, ctx.t(de, en))))),
        field("value", ctx.t("Wert", "Value"), { type: "number", step: "0.01", value: "10" }),
        field("validity_days", ctx.t("Gültig (Tage)", "Valid (days)"), { type: "number", step: "1", value: "30" }),
      ],
      message: [field("subject", ctx.t("Betreff", "Subject"), { type: "text" }),
        field("body", ctx.t("Text", "Text"), { tag: "textarea", rows: "4" })],
    };
    return groups;
  }

  function paramsOf(form, action) {
    const v = (name) => form.elements[name].value;
    if (action === "bonus") return { points: Number(v("points")) };
    if (action === "coupon") return { kind: v("coupon_kind"), value: v("value"), validity_days: Number(v("validity_days")) };
    return { subject: v("subject"), body: v("body") };
  }

  const STATUS = { queued: ["wartet", "queued"], running: ["läuft", "running"], done: ["fertig", "done"],
    cancelled: ["abgebrochen", "cancelled"] };

  function progressRow(ctx, c) {
    const actions = { bonus: ctx.t("Bonuspunkte", "Bonus points"), coupon: ctx.t("Gutschein", "Coupon"), message: ctx.t("Nachricht", "Message") };
    const status = STATUS[c.status] ? ctx.t(...STATUS[c.status]) : c.status;
    return ctx.h("tr", { "data-testid": `campaign-${c.id}`, "data-status": c.status }, ctx.h("td", {}, c.name),
      ctx.h("td", {}, actions[c.action] || c.action),
      ctx.h("td", { "data-testid": `campaign-${c.id}-status` }, status),
      ctx.h("td", {}, ctx.h("div", { class: "ld-progress", title: ctx.percent(c.percent) }, ctx.h("span", { style: { width: `${c.percent}%` } }))),
      ctx.h("td", { class: "la-num", "data-testid": `campaign-${c.id}-processed` }, `${ctx.number(c.processed)} / ${ctx.number(c.total)}`),
      ctx.h("td", {}, ctx.t(`${c.succeeded} ok, ${c.skipped} übersprungen, ${c.failed} fehlgeschlagen`, `${c.succeeded} ok, ${c.skipped} skipped, ${c.failed} failed`)),
      ctx.h("td", { title: c.started_by }, ctx.actorLabel(c.started_by)), ctx.h("td", {}, ctx.date(c.created_at)));
  }

  async function renderCampaigns(el, ctx) {
    const overview = await ctx.api(`/admin/api/segments?lang=${ctx.locale}`);
    const picker = segmentPicker(ctx, overview, "campaign");
    const groups = actionFields(ctx);
    const action = ctx.h("select", { name: "action", "data-testid": "campaign-action" },
      [["bonus", "Bonuspunkte", "Bonus points"], ["coupon", "Gutschein", "Coupon"], ["message", "Nachricht (mit Einwilligung)", "Message (with consent)"]]
        .map(([v, de, en]) => ctx.h("option", { value: v }, ctx.t(de, en))));
    const params = ctx.h("div", { class: "la-row" });
    const switchAction = () => params.replaceChildren(...groups[action.value]);
    action.addEventListener("change", switchAction);
    switchAction();
    const preview = ctx.h("span", { class: "la-muted", "data-testid": "campaign-preview-count" });
    const list = ctx.h("tbody", {});
    let timer = null;
    const refresh = async () => {
      const { campaigns } = await ctx.api("/admin/api/campaigns");
      list.replaceChildren(...campaigns.map((c) => progressRow(ctx, c)));
      if (!campaigns.length) {
        list.appendChild(ctx.h("tr", {}, ctx.h("td", { class: "la-muted", "data-testid": "campaigns-empty" },
          ctx.t("Noch keine Kampagnen. Oben eine anlegen und starten.", "No campaigns yet. Set one up above and run it."))));
      }
      clearTimeout(timer);
      if (campaigns.some((c) => c.status === "queued" || c.status === "running") && el.isConnected) timer = setTimeout(refresh, 2000);
    };
    const form = ctx.h("form", { class: "la-card", "data-testid": "campaign-form", novalidate: true },
      ctx.h("div", { class: "la-field" }, ctx.h("label", {}, ctx.t("Name", "Name")), ctx.h("input", { name: "name", "data-testid": "campaign-name" })),
      picker.el, ctx.h("div", { class: "la-field" }, ctx.h("label", {}, ctx.t("Aktion", "Action")), action), params,
      ctx.h("div", { class: "la-row" },
        ctx.h("button", { type: "button", class: "la-secondary", "data-testid": "campaign-preview", onclick: async () => {
          try {
            const { count } = await ctx.api(`/admin/api/campaigns/preview?${picker.query()}`);
            preview.textContent = ctx.t(`${ctx.number(count)} Mitglieder erreicht`, `reaches ${ctx.number(count)} members`);
          } catch (e) { ctx.toast(ctx.errorText(e), "error"); }
        } }, ctx.t("Vorschau", "Preview")),
        ctx.h("button", { type: "submit", class: "la-primary", "data-testid": "campaign-run" }, ctx.t("Starten", "Run")), preview));
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      try {
        await ctx.api("/admin/api/campaigns", { method: "POST", body: { name: form.elements.name.value,
          segment: picker.value(), action: action.value, params: paramsOf(form, action.value) } });
        ctx.fieldErrors(form, {});
        ctx.toast(ctx.t("Kampagne gestartet", "Campaign started"));
        await refresh();
      } catch (e) {
        if (e.status === 422) ctx.fieldErrors(form, e.body.errors); else ctx.toast(ctx.errorText(e), "error");
      }
    });
    el.append(ctx.h("h1", {}, ctx.t("Kampagnen", "Campaigns")), form,
      ctx.h("div", { class: "la-card" }, ctx.h("table", { class: "la-table", "data-testid": "campaign-list" }, list)));
    await refresh();
  }

  window.LoyaltyAdmin.registerTab({ id: "segments", order: 11, title: { de: "Segmente", en: "Segments" }, render: renderSegments });
  window.LoyaltyAdmin.registerTab({ id: "campaigns", order: 12, title: { de: "Kampagnen", en: "Campaigns" }, render: renderCampaigns });
})();
