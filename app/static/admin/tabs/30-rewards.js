/* Rewards tab: VIP tiers (preview before save), rewards catalogue, next-purchase coupon; member coupons and tier. */
(function () {
  "use strict";

  const KINDS = [["fixed_amount", "Festbetrag", "Fixed amount"], ["percentage", "Prozent", "Percentage"],
    ["free_shipping", "Kostenloser Versand", "Free shipping"]];
  const STATUS = {
    reserved: ["reserviert", "reserved"], pending_push: ["wird übertragen", "being sent"], active: ["aktiv", "active"],
    used: ["eingelöst", "used"], expired: ["abgelaufen", "expired"], deactivated: ["deaktiviert", "deactivated"],
    failed: ["fehlgeschlagen", "failed"],
  };
  const SOURCES = {
    redemption: ["Punkte eingelöst", "Points redeemed"], next_purchase: ["Dankeschön", "Thank-you"],
    tier_entry: ["Neue Stufe", "New tier"], referral: ["Empfehlung", "Referral"], campaign: ["Kampagne", "Campaign"],
  };

  /** {"tiers": {"1": {"threshold": ["…"]}}} → {"tiers.1.threshold": ["…"]}, so errors land next to inputs. */
  function flatErrors(errors, prefix = "", out = {}) {
    for (const [key, value] of Object.entries(errors || {})) {
      const name = prefix ? `${prefix}.${key}` : key;
      if (value && typeof value === "object" && !Array.isArray(value)) flatErrors(value, name, out);
      else out[name] = value;
    }
    return out;
  }

  function input(ctx, name, value, attrs = {}) {
    return ctx.h("input", Object.assign({ name, id: `rw-${name}`, value: value ?? "", "data-testid": `rw-${name}` }, attrs));
  }

  /** A number field (ctx.numberInput: "7,50" in German) named and labelled like the tab's other inputs. */
  function numberField(ctx, kind, name, value, attrs = {}) {
    return ctx.numberInput(kind, Object.assign({ name, id: `rw-${name}`, value, "data-testid": `rw-${name}` }, attrs));
  }

  /** What a reward or coupon gives, as the list shows it: "7,50 €", "10 %", "Gratisversand". */
  function valueText(ctx, kind, value) {
    if (kind === "free_shipping") return ctx.t("Gratisversand", "Free shipping");
    return kind === "percentage" ? ctx.percent(value, 2) : ctx.money(value);
  }

  function select(ctx, name, value, options) {
    return ctx.h("select", { name, id: `rw-${name}`, "data-testid": `rw-${name}` },
      options.map(([v, de, en]) => ctx.h("option", { value: v, selected: String(value ?? "") === String(v) }, ctx.t(de, en))));
  }

  // Free shipping has no value: the value's field is hidden while that kind is chosen.
  function valueFollowsKind(form, kindName, valueName) {
    const kind = form.elements[kindName];
    const field = form.elements[valueName].closest(".la-field");
    const sync = () => { field.style.display = kind.value === "free_shipping" ? "none" : ""; };
    kind.addEventListener("change", sync);
    sync();
  }

  function labelled(ctx, de, en, control) {
    return ctx.h("div", { class: "la-field" }, ctx.h("label", { for: control.id }, ctx.t(de, en)), control);
  }

  /** Send what `request()` sends (it reads the form, so a number field that holds no number is marked like a
   *  refused field and nothing is sent); toast the outcome. */
  async function handle(ctx, form, request, okText) {
    ctx.fieldErrors(form, {});
    try {
      const result = await request();
      if (okText) ctx.toast(okText);
      return result;
    } catch (error) {
      if (error.status === 422) ctx.fieldErrors(form, flatErrors(error.body.errors));
      ctx.toast(ctx.errorText(error), "error");
      return null;
    }
  }

  /* ---- tiers ---- */

  // A tier's `name` and perks are in the shop's language; the translation is for the other one.
  const OTHER_LANGUAGE = {
    en: { de: "Englisch", en: "English" },
    de: { de: "Deutsch", en: "German" },
  };

  function otherLocale(ctx) {
    return ctx.shop && ctx.shop.locale === "en" ? "de" : "en";
  }

  function translationFields(ctx, tier, p) {
    const other = otherLocale(ctx);
    const language = OTHER_LANGUAGE[other];
    const translated = (tier.translations || {})[other] || {};
    const name = `${p}.translations.${other}.name`;
    const perks = `${p}.translations.${other}.perks`;
    return [
      labelled(ctx, `Name (${language.de}, optional)`, `Name (${language.en}, optional)`,
        input(ctx, name, translated.name || "", { maxlength: "80", lang: other })),
      labelled(ctx, `Vorteile (${language.de}, eine Zeile je Vorteil)`, `Perks (${language.en}, one per line)`,
        ctx.h("textarea", { name: perks, id: `rw-${perks}`, "data-testid": `rw-${perks}`, rows: 2, lang: other },
          (translated.perks || []).join("\n"))),
    ];
  }

  /** The edited language from the form; a translation the editor does not show (sent by the API) is kept. */
  function readTranslations(value, p, other, stored) {
    const kept = Object.assign({}, stored || {});
    delete kept[other];
    const name = value(`${p}.translations.${other}.name`).trim();
    const perks = value(`${p}.translations.${other}.perks`).split("\n").map((s) => s.trim()).filter(Boolean);
    return name || perks.length ? Object.assign(kept, { [other]: { name, perks } }) : kept;
  }

  /** One tier's fields; `amountKind` is how its threshold reads: "money" (net spend) or "decimal" (points). */
  function tierRow(ctx, tier, i, rewards, amountKind, onRemove) {
    const rewardOptions = [["", "– kein Gutschein –", "– no coupon –"]].concat(
      rewards.filter((r) => r.active).map((r) => [String(r.id), r.label, r.label]));
    const p = `tiers.${i}`;
    const typed = tier.typed || {};  // the texts in the number fields while rows are added or removed
    return ctx.h("fieldset", { class: "la-card la-tier", "data-testid": `tier-row-${i}` },
      ctx.h("legend", {}, ctx.t(`Stufe ${i + 1}`, `Tier ${i + 1}`)),
      labelled(ctx, "Schlüssel", "Key", input(ctx, `${p}.key`, tier.key)),
      labelled(ctx, "Name", "Name", input(ctx, `${p}.name`, tier.name)),
      labelled(ctx, "Schwelle", "Threshold", numberField(ctx, amountKind, `${p}.threshold`, tier.threshold, { text: typed.threshold })),
      labelled(ctx, "Punkte-Multiplikator", "Points multiplier",
        numberField(ctx, "decimal", `${p}.multiplier`, tier.multiplier ?? "1", { text: typed.multiplier })),
      labelled(ctx, "Bonuspunkte beim Aufstieg", "Bonus points on entry",
        numberField(ctx, "integer", `${p}.entry_bonus_points`, tier.entry_bonus_points ?? 0, { text: typed.entry_bonus_points })),
      labelled(ctx, "Gutschein beim Aufstieg", "Coupon on entry",
        select(ctx, `${p}.entry_coupon_reward_id`, tier.entry_coupon_reward_id ?? "", rewardOptions)),
      labelled(ctx, "Vorteile (eine Zeile je Vorteil)", "Perks (one per line)",
        ctx.h("textarea", { name: `${p}.perks`, id: `rw-${p}.perks`, rows: 2 }, (tier.perks || []).join("\n"))),
      ...translationFields(ctx, tier, p),
      ctx.h("button", { type: "button", class: "la-link", onclick: onRemove, "data-testid": `tier-remove-${i}` },
        ctx.t("Stufe entfernen", "Remove tier")));
  }

  const TIER_NUMBERS = ["threshold", "multiplier", "entry_bonus_points"];

  /** The programme in the form. `numbers` (ctx.numbers of the form) gives the number fields' values; without it
   *  (rows are being added or removed) each tier keeps the texts typed into them, to be shown again as typed. */
  function readProgram(form, current, other, numbers) {
    const value = (name) => form.elements[name] ? form.elements[name].value : "";
    const tiers = [];
    for (let i = 0; i < current.length; i += 1) {
      const p = `tiers.${i}`;
      const reward = value(`${p}.entry_coupon_reward_id`);
      const tier = {
        key: value(`${p}.key`).trim(), name: value(`${p}.name`).trim(),
        entry_coupon_reward_id: reward ? Number(reward) : null,
        perks: value(`${p}.perks`).split("\n").map((s) => s.trim()).filter(Boolean),
        translations: readTranslations(value, p, other, current[i].translations),
      };
      if (numbers) {
        tier.threshold = numbers[`${p}.threshold`] ?? "0";
        tier.multiplier = numbers[`${p}.multiplier`] ?? "1";
        tier.entry_bonus_points = numbers[`${p}.entry_bonus_points`] ?? 0;
      } else {
        tier.typed = Object.fromEntries(TIER_NUMBERS.map((name) => [name, value(`${p}.${name}`)]));
      }
      tiers.push(tier);
    }
    return { basis: value("basis"), period: value("period"), grace_days: numbers ? numbers.grace_days ?? 0 : 0, tiers };
  }

  function previewTable(ctx, preview) {
    return ctx.h("table", { class: "la-table", "data-testid": "tier-preview" },
      ctx.h("thead", {}, ctx.h("tr", {}, ctx.h("th", {}, ctx.t("Stufe", "Tier")),
        ctx.h("th", {}, ctx.t("Mitglieder neu", "Members (new)")), ctx.h("th", {}, ctx.t("heute", "today")))),
      ctx.h("tbody", {},
        preview.tiers.map((row) => ctx.h("tr", { "data-testid": `tier-preview-${row.key}` },
          ctx.h("td", {}, row.name), ctx.h("td", {}, ctx.number(row.count)), ctx.h("td", {}, ctx.number(row.current)))),
        ctx.h("tr", {}, ctx.h("td", {}, ctx.t("ohne Stufe", "no tier")), ctx.h("td", {}, ctx.number(preview.no_tier)),
          ctx.h("td", {}, ""))));
  }

  async function renderTiers(el, ctx, rewards) {
    const program = await ctx.api("/admin/api/tiers");
    let tiers = program.tiers.map((tier) => Object.assign({}, tier));
    let previewed = false;
    const rows = ctx.h("div", {});
    const previewBox = ctx.h("div", { "aria-live": "polite" });
    const save = ctx.h("button", { type: "submit", class: "la-primary", disabled: true, "data-testid": "tiers-save",
      "aria-describedby": "tiers-save-hint" }, ctx.t("Speichern", "Save"));
    const saveHint = ctx.h("p", { class: "la-hint", id: "tiers-save-hint", "data-testid": "tiers-save-hint" },
      ctx.t("Speichern wird möglich, sobald die Vorschau für den aktuellen Stand gezeigt wurde.",
        "Saving becomes possible once the preview for the current changes has been shown."));
    const form = ctx.h("form", { class: "la-card", novalidate: true, "data-testid": "tiers-form" },
      ctx.h("h2", {}, ctx.t("VIP-Stufen", "VIP tiers")),
      ctx.h("p", { class: "la-hint" }, ctx.t(
        "Änderungen verschieben keine Punkte. Vor dem Speichern zeigt die Vorschau, wie viele Mitglieder in jeder Stufe landen.",
        "Changes never move points. Before saving, the preview shows how many members land in each tier.")),
      labelled(ctx, "Gemessen an", "Measured on", select(ctx, "basis", program.basis,
        [["spend", "Nettoumsatz", "Net spend"], ["points", "gesammelten Punkten", "Points earned"]])),
      labelled(ctx, "Zeitraum", "Period", select(ctx, "period", program.period,
        [["lifetime", "gesamte Mitgliedschaft", "Lifetime"], ["calendar_year", "Kalenderjahr", "Calendar year"],
          ["rolling_12m", "letzte 12 Monate", "Rolling 12 months"]])),
      labelled(ctx, "Kulanzzeit vor Abstufung (Tage)", "Grace period before a downgrade (days)",
        numberField(ctx, "integer", "grace_days", program.grace_days)),
      rows,
      ctx.h("button", { type: "button", class: "la-secondary", "data-testid": "tier-add", onclick: () => { sync(); tiers.push({ threshold: "0" }); draw(); } },
        ctx.t("Stufe hinzufügen", "Add tier")),
      ctx.h("div", { class: "la-row la-actions" },
        ctx.h("button", { type: "button", class: "la-secondary", "data-testid": "tiers-preview",
          onclick: (event) => ctx.pending(event.currentTarget, preview) }, ctx.t("Vorschau", "Preview")),
        save), saveHint, previewBox);

    function sync() { tiers = readProgram(form, tiers, otherLocale(ctx)).tiers; }
    const programFromForm = () => readProgram(form, tiers, otherLocale(ctx), ctx.numbers(form));
    function dirty() { previewed = false; save.disabled = true; saveHint.hidden = false; }
    function draw() {
      const amountKind = form.elements.basis.value === "points" ? "decimal" : "money";
      rows.replaceChildren(...tiers.map((tier, i) => tierRow(ctx, tier, i, rewards, amountKind, () => { sync(); tiers.splice(i, 1); draw(); })));
      dirty();
    }
    async function preview() {
      const result = await handle(ctx, form, () => ctx.api("/admin/api/tiers/preview", { method: "POST", body: programFromForm() }));
      if (!result) return;
      previewBox.replaceChildren(previewTable(ctx, result));
      previewed = true;
      save.disabled = false;
      saveHint.hidden = true;
    }
    form.addEventListener("input", dirty);
    ctx.onSubmit(form, async () => {
      if (!previewed) return;
      await handle(ctx, form, () => ctx.api("/admin/api/tiers", { method: "PUT", body: programFromForm() }),
        ctx.t("Stufen gespeichert.", "Tiers saved."));
    });
    draw();
    el.appendChild(form);
  }

  /* ---- rewards catalogue ---- */

  function rewardForm(ctx, reward, onSaved) {
    const form = ctx.h("form", { class: "la-card", novalidate: true, "data-testid": "reward-form" },
      ctx.h("h3", {}, reward.id ? ctx.t("Prämie bearbeiten", "Edit reward") : ctx.t("Neue Prämie", "New reward")),
      labelled(ctx, "Art", "Kind", select(ctx, "kind", reward.kind || "fixed_amount", KINDS)),
      labelled(ctx, "Wert (Betrag oder %)", "Value (amount or %)", numberField(ctx, "money", "value", reward.value ?? "5.00")),
      labelled(ctx, "Punkte", "Points", numberField(ctx, "integer", "points_cost", reward.points_cost ?? 500)),
      labelled(ctx, "Mindestbestellwert", "Minimum order", numberField(ctx, "money", "minimum_order", reward.minimum_order ?? "")),
      labelled(ctx, "Gültig (Tage)", "Valid (days)", numberField(ctx, "integer", "validity_days", reward.validity_days ?? 30)),
      labelled(ctx, "Name (deutsch, optional)", "Name (German, optional)", input(ctx, "name_de", reward.name_de || "")),
      labelled(ctx, "Name (englisch, optional)", "Name (English, optional)", input(ctx, "name_en", reward.name_en || "")),
      ctx.h("button", { type: "submit", class: "la-primary", "data-testid": "reward-save" }, ctx.t("Speichern", "Save")));
    ctx.onSubmit(form, async () => {
      const v = (name) => form.elements[name].value;
      const free = v("kind") === "free_shipping";
      const body = () => {
        // free shipping has no value: its hidden field is not read (nor refused)
        const n = ctx.numbers([...form.querySelectorAll("input[data-number]")].filter((i) => !(free && i.name === "value")));
        return { kind: v("kind"), value: free ? "0" : n.value, points_cost: n.points_cost, minimum_order: n.minimum_order,
          validity_days: n.validity_days, name_de: v("name_de"), name_en: v("name_en"), active: reward.active ?? true };
      };
      const path = reward.id ? `/admin/api/rewards/${reward.id}` : "/admin/api/rewards";
      const saved = await handle(ctx, form, () => ctx.api(path, { method: reward.id ? "PUT" : "POST", body: body() }),
        ctx.t("Prämie gespeichert.", "Reward saved."));
      if (saved) onSaved();
    });
    valueFollowsKind(form, "kind", "value");
    return form;
  }

  function renderCatalogue(el, ctx, rewards, reload) {
    const editor = ctx.h("div", {});
    const edit = (reward) => editor.replaceChildren(rewardForm(ctx, reward, reload));
    // the value beside the name: a name the merchant chose ("Sommer-Gutschein") does not say what the code is worth
    const rows = rewards.map((r) => ctx.h("tr", { "data-testid": `reward-${r.id}`, class: r.active ? "" : "la-muted" },
      ctx.h("td", {}, r.label), ctx.h("td", { class: "la-nowrap", "data-testid": `reward-value-${r.id}` }, valueText(ctx, r.kind, r.value)),
      ctx.h("td", {}, ctx.number(r.points_cost)),
      ctx.h("td", {}, r.minimum_order ? ctx.money(r.minimum_order) : "–"), ctx.h("td", {}, String(r.validity_days)),
      ctx.h("td", {}, r.active ? ctx.t("aktiv", "active") : ctx.t("inaktiv", "inactive")),
      ctx.h("td", {},
        ctx.h("button", { type: "button", class: "la-secondary", onclick: () => edit(r), "data-testid": `reward-edit-${r.id}` }, ctx.t("Bearbeiten", "Edit")),
        r.active ? ctx.h("button", { type: "button", class: "la-secondary", "data-testid": `reward-deactivate-${r.id}`,
          onclick: (event) => ctx.pending(event.currentTarget, async () => {
            try {
              await ctx.api(`/admin/api/rewards/${r.id}`, { method: "DELETE" });
              ctx.toast(ctx.t("Prämie deaktiviert.", "Reward deactivated."));
              reload();
            } catch (error) { ctx.toast(ctx.errorText(error), "error"); }
          }) }, ctx.t("Deaktivieren", "Deactivate")) : null)));
    el.appendChild(ctx.h("section", { class: "la-card", "data-testid": "rewards-catalogue" },
      ctx.h("h2", {}, ctx.t("Prämien", "Rewards")),
      ctx.h("table", { class: "la-table" },
        ctx.h("thead", {}, ctx.h("tr", {}, [["Prämie", "Reward"], ["Wert", "Value"], ["Punkte", "Points"], ["Mindestbestellwert", "Minimum order"],
          ["Gültig (Tage)", "Valid (days)"], ["Status", "Status"], ["", ""]].map(([de, en]) => ctx.h("th", {}, ctx.t(de, en))))),
        ctx.h("tbody", {}, rows.length ? rows : ctx.h("tr", {}, ctx.h("td", { colspan: "7", class: "la-muted", "data-testid": "rewards-empty" },
          ctx.t("Noch keine Prämien. Mit „Neue Prämie“ legen Sie die erste an.", "No rewards yet. Create the first with “New reward”."))))),
      ctx.h("button", { type: "button", class: "la-primary", "data-testid": "reward-new", onclick: () => edit({}) }, ctx.t("Neue Prämie", "New reward")),
      editor));
  }

  /* ---- next-purchase coupon and expiry refunds ---- */

  async function renderSettings(el, ctx) {
    const s = await ctx.api("/admin/api/rewards/settings");
    const form = ctx.h("form", { class: "la-card", novalidate: true, "data-testid": "reward-settings-form" },
      ctx.h("h2", {}, ctx.t("Dankeschön-Gutschein", "Thank-you coupon")),
      ctx.h("div", { class: "la-field la-field-inline" },
        ctx.h("input", { type: "checkbox", name: "next_purchase_enabled", id: "rw-np-enabled", checked: s.next_purchase_enabled, "data-testid": "rw-next_purchase_enabled" }),
        ctx.h("label", { for: "rw-np-enabled" }, ctx.t("Nach dem Kauf einen Gutschein für den nächsten Einkauf senden", "Send a coupon for the next purchase after an order"))),
      labelled(ctx, "Wann", "When", select(ctx, "next_purchase_mode", s.next_purchase_mode,
        [["first_order", "nur nach der ersten Bestellung", "after the first order only"], ["every_order_above", "nach jeder Bestellung ab Betrag", "after every order above an amount"]])),
      labelled(ctx, "Ab Bestellwert", "From order value", numberField(ctx, "money", "next_purchase_threshold", s.next_purchase_threshold)),
      labelled(ctx, "Art", "Kind", select(ctx, "next_purchase_kind", s.next_purchase_kind, KINDS)),
      labelled(ctx, "Wert", "Value", numberField(ctx, "money", "next_purchase_value", s.next_purchase_value)),
      labelled(ctx, "Mindestbestellwert", "Minimum order", numberField(ctx, "money", "next_purchase_minimum_order", s.next_purchase_minimum_order ?? "")),
      labelled(ctx, "Gültig (Tage)", "Valid (days)", numberField(ctx, "integer", "next_purchase_validity_days", s.next_purchase_validity_days)),
      ctx.h("div", { class: "la-field la-field-inline" },
        ctx.h("input", { type: "checkbox", name: "refund_points_on_expiry", id: "rw-refund", checked: s.refund_points_on_expiry, "data-testid": "rw-refund_points_on_expiry" }),
        ctx.h("label", { for: "rw-refund" }, ctx.t("Punkte abgelaufener, ungenutzter Gutscheine zurückbuchen", "Return the points of expired, unused coupons"))),
      ctx.h("button", { type: "submit", class: "la-primary", "data-testid": "reward-settings-save" }, ctx.t("Speichern", "Save")));
    ctx.onSubmit(form, async () => {
      const v = (name) => form.elements[name].value;
      const free = v("next_purchase_kind") === "free_shipping";
      const body = () => {
        const n = ctx.numbers([...form.querySelectorAll("input[data-number]")].filter((i) => !(free && i.name === "next_purchase_value")));
        return { next_purchase_enabled: form.elements.next_purchase_enabled.checked, next_purchase_mode: v("next_purchase_mode"),
          next_purchase_threshold: n.next_purchase_threshold ?? "0", next_purchase_kind: v("next_purchase_kind"),
          next_purchase_value: free ? "0" : n.next_purchase_value, next_purchase_minimum_order: n.next_purchase_minimum_order,
          next_purchase_validity_days: n.next_purchase_validity_days, refund_points_on_expiry: form.elements.refund_points_on_expiry.checked };
      };
      await handle(ctx, form, () => ctx.api("/admin/api/rewards/settings", { method: "PUT", body: body() }), ctx.t("Gespeichert.", "Saved."));
    });
    valueFollowsKind(form, "next_purchase_kind", "next_purchase_value");
    el.appendChild(form);
  }

  async function render(el, ctx) {
    const reload = () => { el.replaceChildren(); render(el, ctx); };
    const rewards = await ctx.api("/admin/api/rewards");
    await renderTiers(el, ctx, rewards);
    renderCatalogue(el, ctx, rewards, reload);
    await renderSettings(el, ctx);
  }

  /* ---- member sections ---- */

  async function renderCoupons(el, member, ctx) {
    const [coupons, rewards] = await Promise.all([ctx.api(`/admin/api/members/${member.id}/coupons`), ctx.api("/admin/api/rewards")]);
    const table = ctx.h("table", { class: "la-table", "data-testid": "member-coupons" },
      ctx.h("thead", {}, ctx.h("tr", {}, [["Code", "Code"], ["Herkunft", "Source"], ["Status", "Status"], ["Punkte", "Points"],
        ["Gültig bis", "Valid until"]].map(([de, en]) => ctx.h("th", {}, ctx.t(de, en))))),
      ctx.h("tbody", {}, coupons.length ? coupons.map((c) => ctx.h("tr", { "data-testid": `coupon-${c.id}`, title: c.last_error || "" },
        ctx.h("td", {}, ctx.h("code", {}, c.code)), ctx.h("td", {}, ctx.t(...(SOURCES[c.source] || [c.source, c.source]))),
        ctx.h("td", {}, ctx.t(...(STATUS[c.status] || [c.status, c.status]))), ctx.h("td", {}, ctx.number(c.points_spent)),
        ctx.h("td", {}, ctx.date(c.ends_at))))
        : ctx.h("tr", {}, ctx.h("td", { colspan: 5 }, ctx.t("Noch keine Gutscheine.", "No coupons yet.")))));
    const active = rewards.filter((r) => r.active);
    const rewardSelect = select(ctx, "reward_id", active.length ? active[0].id : "",
      active.map((r) => [String(r.id), `${r.label} (${ctx.number(r.points_cost)})`, `${r.label} (${ctx.number(r.points_cost)})`]));
    rewardSelect.setAttribute("aria-label", ctx.t("Prämie", "Reward"));
    const form = ctx.h("form", { class: "la-inline-form", "data-testid": "member-redeem-form" }, rewardSelect,
      ctx.h("button", { type: "submit", class: "la-primary", disabled: !active.length, "data-testid": "member-redeem" }, ctx.t("Für Mitglied einlösen", "Redeem for member")));
    ctx.onSubmit(form, async () => {
      const result = await handle(ctx, form, () => ctx.api(`/admin/api/members/${member.id}/redeem`,
        { method: "POST", body: { reward_id: Number(form.elements.reward_id.value) } }));
      if (!result) return;
      ctx.toast(ctx.t(`Code ${result.code} erstellt.`, `Code ${result.code} created.`));
      el.replaceChildren();
      renderCoupons(el, member, ctx);
    });
    el.append(table, form);
  }

  /** Tier key → the tier's name in the page's language: the programme names tiers in the shop's language and
   *  translates them; the member's current and next tier come named by the server already. A tier since removed
   *  from the programme keeps its key. */
  function tierNames(ctx, program, status) {
    const shopLocale = (ctx.shop && ctx.shop.locale) || "de";
    const names = {};
    for (const tier of program.tiers || []) {
      const translated = ctx.locale !== shopLocale ? ((tier.translations || {})[ctx.locale] || {}).name : "";
      names[tier.key] = translated || tier.name || tier.key;
    }
    for (const tier of [status.current, status.next]) if (tier && tier.key && tier.name) names[tier.key] = tier.name;
    return names;
  }

  async function renderTier(el, member, ctx) {
    const [data, program] = await Promise.all([ctx.api(`/admin/api/members/${member.id}/tier`), ctx.api("/admin/api/tiers")]);
    const s = data.status;
    if (!s) {
      el.appendChild(ctx.h("p", { class: "la-muted" }, ctx.t("Keine VIP-Stufen eingerichtet.", "No VIP tiers set up.")));
      return;
    }
    const names = tierNames(ctx, program, s);
    const name = (key) => (key ? names[key] || key : "–");
    const reasons = { order: ["Bestellung", "Order"], evaluation: ["Prüfung", "Evaluation"],
      grace_expired: ["nach Kulanzzeit", "after grace period"], program_change: ["Programmänderung", "Programme change"],
      import: ["Import der Bestellhistorie", "Order history import"] };
    el.append(
      ctx.h("p", { "data-testid": "member-tier-current" }, ctx.t("Aktuelle Stufe: ", "Current tier: "),
        ctx.h("strong", {}, s.current ? s.current.name : ctx.t("keine", "none")), " · ", s.label),
      ctx.h("progress", { max: 1, value: s.progress, "aria-label": s.label }),
      ctx.h("ul", { "data-testid": "member-tier-history" }, data.history.map((row) => ctx.h("li", {},
        `${ctx.date(row.at)}: ${name(row.from)} → ${name(row.to)} (${ctx.t(...(reasons[row.reason] || [row.reason, row.reason]))})`))));
  }

  window.LoyaltyAdmin.registerTab({ id: "rewards", order: 30, title: { de: "Prämien & Stufen", en: "Rewards & tiers" }, render });
  window.LoyaltyAdmin.registerMemberSection({ id: "coupons", order: 30, title: { de: "Gutscheine", en: "Coupons" }, render: renderCoupons });
  window.LoyaltyAdmin.registerMemberSection({ id: "tier", order: 31, title: { de: "VIP-Stufe", en: "VIP tier" }, render: renderTier });
})();
