/* Referrals tab: referral and earning settings, the flagged queue (reasons, approve/reject), statistics;
   member section "referrals" (the member's code, statistics and friends). */
(function () {
  "use strict";

  const REASONS = {
    self_referral_customer: ["Selbstempfehlung (gleiches Kundenkonto)", "Self-referral (same customer)"],
    self_referral_email: ["Selbstempfehlung (gleiche E-Mail)", "Self-referral (same email)"],
    self_referral_address: ["Selbstempfehlung (gleiche Lieferadresse)", "Self-referral (same shipping address)"],
    email_known: ["E-Mail ist dem Shop schon bekannt", "Email already known to the shop"],
    too_many_referrals: ["Zu viele Empfehlungen im Zeitraum", "Too many referrals in the window"],
    referrer_gone: ["Werber existiert nicht mehr", "Referrer no longer exists"],
  };
  const STATUS = {
    pending: ["wartet auf Bestellung", "awaiting order"], ordered: ["bestellt, Wartezeit läuft", "ordered, on hold"],
    flagged: ["zu prüfen", "to review"], rewarded: ["belohnt", "rewarded"], rejected: ["abgelehnt", "rejected"],
    revoked: ["widerrufen (Erstattung)", "revoked (refund)"],
  };
  const COUPON_KINDS = [["fixed_amount", "Betrag", "Amount"], ["percentage", "Prozent", "Percent"],
    ["free_shipping", "Gratisversand", "Free shipping"]];
  const REFERRAL_FIELDS = [
    { name: "enabled", type: "checkbox", label: ["Empfehlungsprogramm aktiv", "Referral program on"] },
    { name: "referrer_reward", type: "select", label: ["Belohnung für den Werber", "Reward for the referrer"],
      options: [["points", "Punkte", "Points"], ["coupon", "Gutschein", "Coupon"]] },
    { name: "referrer_points", type: "int", label: ["Punkte für den Werber", "Points for the referrer"],
      showWhen: ["referrer_reward", "points"] },
    { name: "referrer_coupon_kind", type: "select", label: ["Gutschein für den Werber: Art", "Referrer's coupon: kind"],
      options: COUPON_KINDS, showWhen: ["referrer_reward", "coupon"] },
    { name: "referrer_coupon_value", type: "money", label: ["Gutschein für den Werber: Wert", "Referrer's coupon: value"],
      showWhen: ["referrer_reward", "coupon"] },
    { name: "referrer_coupon_minimum", type: "money", label: ["Mindestbestellwert", "Minimum order"],
      showWhen: ["referrer_reward", "coupon"] },
    { name: "referrer_coupon_days", type: "int", label: ["Gültigkeit (Tage)", "Valid for (days)"],
      showWhen: ["referrer_reward", "coupon"],
      hint: ["Der Werber bekommt den Code per E-Mail, sobald er im Shop angelegt ist.",
        "The referrer gets the code by email as soon as the shop has it."] },
    { name: "friend_coupon_kind", type: "select", label: ["Willkommensgutschein: Art", "Welcome coupon: kind"],
      options: COUPON_KINDS },
    { name: "friend_coupon_value", type: "money", label: ["Willkommensgutschein: Wert", "Welcome coupon: value"] },
    { name: "friend_coupon_minimum", type: "money", label: ["Mindestbestellwert", "Minimum order"] },
    { name: "friend_coupon_days", type: "int", label: ["Gültigkeit (Tage)", "Valid for (days)"] },
    { name: "hold_days", type: "int", label: ["Wartezeit bis zur Belohnung (Tage)", "Hold before the reward (days)"],
      hint: ["Erst wenn die Bestellung des Freundes so lange nicht erstattet wurde.", "Only once the friend's order stayed unrefunded that long."] },
    { name: "max_per_window", type: "int", label: ["Höchstens Empfehlungen je Zeitraum", "Most referrals per window"] },
    { name: "window_days", type: "int", label: ["Zeitraum (Tage)", "Window (days)"] },
  ];
  const EARNING_FIELDS = [
    { name: "signup_points", type: "int", label: ["Punkte für die Kontoeröffnung", "Points for creating an account"] },
    { name: "newsletter_points", type: "int", label: ["Punkte für die Newsletter-Anmeldung", "Points for the newsletter opt-in"] },
    { name: "birthday_points", type: "int", label: ["Punkte zum Geburtstag", "Birthday points"],
      hint: ["0 schaltet eine Art zu sammeln ab.", "0 switches a way to earn off."] },
  ];

  function reasonText(ctx, key) {
    const pair = REASONS[key];
    return pair ? ctx.t(pair[0], pair[1]) : key;
  }

  function statusText(ctx, key) {
    const pair = STATUS[key];
    return pair ? ctx.t(pair[0], pair[1]) : key;
  }

  function rewardText(ctx, r) {
    if (r.referrer_coupon_code) return ctx.h("code", {}, r.referrer_coupon_code);
    return r.referrer_points ? `+${ctx.number(r.referrer_points)} ${ctx.t("Punkte", "points")}` : "–";
  }

  function field(ctx, prefix, spec, value) {
    const id = `${prefix}-${spec.name}`;
    const label = ctx.t(spec.label[0], spec.label[1]);
    if (spec.type === "checkbox") {
      return ctx.h("div", { class: "la-field la-field-inline" },
        ctx.h("input", { type: "checkbox", id, name: spec.name, checked: Boolean(value), "data-testid": id }),
        ctx.h("label", { for: id }, label));
    }
    const input = spec.type === "select"
      ? ctx.h("select", { id, name: spec.name, "data-testid": id },
        spec.options.map(([v, de, en]) => ctx.h("option", { value: v, selected: String(value) === v }, ctx.t(de, en))))
      : ctx.numberInput(spec.type === "money" ? "money" : "integer", { id, name: spec.name, value, "data-testid": id });
    const wrapper = ctx.h("div", { class: "la-field", "data-testid": `${id}-field` }, ctx.h("label", { for: id }, label),
      input, spec.hint ? ctx.h("span", { class: "la-hint" }, ctx.t(spec.hint[0], spec.hint[1])) : null);
    if (spec.showWhen) wrapper.dataset.showWhen = spec.showWhen.join("=");
    return wrapper;
  }

  function showChosen(form) {
    // Fields that only matter for one choice (the referrer's points or coupon) are shown with that choice.
    for (const el of form.querySelectorAll("[data-show-when]")) {
      const [name, value] = el.dataset.showWhen.split("=");
      el.hidden = form.elements[name].value !== value;
    }
  }

  /** The form as the API takes it; throws (ctx.numbers) when a number field holds no number. */
  function collect(ctx, form, specs) {
    const body = ctx.numbers(form);
    for (const spec of specs) {
      const input = form.elements[spec.name];
      if (spec.type === "checkbox") body[spec.name] = input.checked;
      else if (spec.type === "select") body[spec.name] = input.value;
    }
    return body;
  }

  function settingsForm(ctx, opts) {
    const form = ctx.h("form", { class: "la-card", "data-testid": `${opts.id}-form`, novalidate: true },
      ctx.h("h2", {}, opts.title),
      opts.specs.map((spec) => field(ctx, opts.id, spec, opts.values[spec.name])),
      ctx.h("button", { type: "submit", class: "la-primary", "data-testid": `${opts.id}-save` }, ctx.t("Speichern", "Save")));
    showChosen(form);
    form.addEventListener("change", () => showChosen(form));
    ctx.onSubmit(form, async () => {
      ctx.fieldErrors(form, {});
      try {
        await ctx.api(opts.path, { method: "PUT", body: collect(ctx, form, opts.specs) });
        ctx.toast(ctx.t("Einstellungen gespeichert.", "Settings saved."));
      } catch (error) {
        if (error.status === 422) ctx.fieldErrors(form, (error.body && error.body.errors) || {});
        ctx.toast(ctx.errorText ? ctx.errorText(error) : ctx.t("Fehler", "Error"), "error");
      }
    });
    return form;
  }

  function statsCard(ctx, stats, testid) {
    // The share is of referrals (a friend signed up through the link), not of link visits: it stands with the
    // referrals, and the visits come after them ("Quote 100 %" beside the visits read as visits that ordered).
    const rows = [
      [ctx.t("Empfehlungen", "Referrals"), stats.total],
      [ctx.t("Empfehlungen mit Bestellung", "Referrals that ordered"), stats.converted],
      [ctx.t("Anteil der Empfehlungen mit Bestellung", "Share of referrals that ordered"), ctx.percent((stats.conversion || 0) * 100)],
      [ctx.t("Link-Aufrufe", "Link visits"), stats.clicks],
      [ctx.t("belohnt", "rewarded"), stats.by_status.rewarded],
      [ctx.t("zu prüfen", "to review"), stats.by_status.flagged],
      [ctx.t("vergebene Punkte", "points awarded"), stats.points_awarded],
      [ctx.t("vergebene Gutscheine", "coupons awarded"), stats.coupons_awarded || 0],
    ];
    // one tile per figure (a div may group a dt with its dd): the number large, its label under it
    return ctx.h("dl", { class: "la-stats", "data-testid": testid },
      rows.map(([label, value]) => ctx.h("div", { class: "la-stat" }, ctx.h("dt", {}, label),
        ctx.h("dd", {}, typeof value === "number" ? ctx.number(value) : String(value)))));
  }

  function referralRow(ctx, r, onDecide) {
    const actions = r.status === "flagged"
      ? ctx.h("td", {},
        ctx.h("button", { type: "button", class: "la-primary", "data-testid": `referral-approve-${r.id}`,
          onclick: (event) => ctx.pending(event.currentTarget, () => onDecide(r, "approve")) }, ctx.t("Freigeben", "Approve")), " ",
        ctx.h("button", { type: "button", "data-testid": `referral-reject-${r.id}`,
          onclick: (event) => ctx.pending(event.currentTarget, () => onDecide(r, "reject")) }, ctx.t("Ablehnen", "Reject")))
      : ctx.h("td", { "data-testid": `referral-decided-${r.id}`, title: r.decided_by || "" },
        r.decided_by ? `${ctx.t("entschieden von", "decided by")} ${ctx.actorLabel(r.decided_by)}` : "");
    return ctx.h("tr", { "data-testid": `referral-${r.id}` },
      ctx.h("td", {}, ctx.date(r.created_at)),
      ctx.h("td", {}, r.referrer_name || r.referrer_email || `#${r.referrer_id}`),
      ctx.h("td", {}, r.friend_email || "–"),
      ctx.h("td", {}, r.order_name || "–"),
      ctx.h("td", {}, statusText(ctx, r.status)),
      ctx.h("td", { "data-testid": `referral-reward-${r.id}` }, rewardText(ctx, r)),
      ctx.h("td", { "data-testid": `referral-friend-coupon-${r.id}` }, r.friend_coupon_code ? ctx.h("code", {}, r.friend_coupon_code) : "–"),
      ctx.h("td", { "data-testid": `referral-reasons-${r.id}` },
        ctx.h("ul", { class: "la-reasons" }, (r.flags || []).map((f) => ctx.h("li", {}, reasonText(ctx, f))))),
      actions);
  }

  function referralTable(ctx, rows, onDecide) {
    if (!rows.length) return ctx.h("p", { class: "la-muted" }, ctx.t("Noch keine Empfehlungen.", "No referrals yet."));
    const head = [ctx.t("Datum", "Date"), ctx.t("Werber", "Referrer"), ctx.t("Freund", "Friend"),
      ctx.t("Bestellung", "Order"), ctx.t("Status", "Status"), ctx.t("Belohnung", "Reward"),
      ctx.t("Willkommensgutschein", "Welcome coupon"), ctx.t("Gründe", "Reasons"),
      ""];
    return ctx.h("div", { class: "la-table-scroll" }, ctx.h("table", { class: "la-table", "data-testid": "referral-table" },
      ctx.h("thead", {}, ctx.h("tr", {}, head.map((label) => ctx.h("th", {}, label)))),
      ctx.h("tbody", {}, rows.map((r) => referralRow(ctx, r, onDecide)))));
  }

  async function render(el, ctx) {
    const [settings, earning, stats, rows] = await Promise.all([
      ctx.api("/admin/api/referrals/settings"), ctx.api("/admin/api/earning/settings"),
      ctx.api("/admin/api/referrals/stats"), ctx.api("/admin/api/referrals"),
    ]);
    const queue = ctx.h("section", { class: "la-card" });
    async function decide(referral, decision) {
      try {
        await ctx.api(`/admin/api/referrals/${referral.id}/${decision}`, { method: "POST" });
        ctx.toast(decision === "approve" ? ctx.t("Empfehlung freigegeben.", "Referral approved.")
          : ctx.t("Empfehlung abgelehnt.", "Referral rejected."));
        el.replaceChildren();
        await render(el, ctx);
      } catch (error) {
        ctx.toast(ctx.errorText ? ctx.errorText(error) : ctx.t("Fehler", "Error"), "error");
      }
    }
    queue.append(ctx.h("h2", {}, ctx.t("Empfehlungen (zu prüfende zuerst)", "Referrals (to review first)")),
      referralTable(ctx, rows, decide));
    el.append(
      ctx.h("section", { class: "la-card" }, ctx.h("h2", {}, ctx.t("Statistik", "Statistics")),
        statsCard(ctx, stats, "referral-stats")),
      queue,
      settingsForm(ctx, { id: "referral-settings", path: "/admin/api/referrals/settings", specs: REFERRAL_FIELDS,
        values: settings, title: ctx.t("Freunde werben", "Refer a friend") }),
      settingsForm(ctx, { id: "earning-settings", path: "/admin/api/earning/settings", specs: EARNING_FIELDS,
        values: earning, title: ctx.t("Weitere Wege, Punkte zu sammeln", "More ways to earn") }));
  }

  async function renderMember(el, member, ctx) {
    const data = await ctx.api(`/admin/api/members/${member.id}/referrals`);
    const parts = [
      ctx.h("p", {}, ctx.t("Empfehlungscode: ", "Referral code: "),
        ctx.h("code", { "data-testid": "member-referral-code" }, data.code || "–")),
      // who referred the member is named, as a link, at the top of the member's page (60-members.js)
      statsCard(ctx, data.stats, "member-referral-stats"),
      referralTable(ctx, data.referrals, () => null)];
    el.append(...parts.filter(Boolean));  // append() would print a null as the text "null"
  }

  window.LoyaltyAdmin.registerTab({ id: "referrals", order: 50, title: { de: "Empfehlungen", en: "Referrals" }, render });
  window.LoyaltyAdmin.registerMemberSection({ id: "referrals", order: 50, title: { de: "Empfehlungen", en: "Referrals" },
    render: renderMember });
})();
