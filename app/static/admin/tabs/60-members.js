/* Core tab: member search and a member's page (balances, lots, ledger, orders, adjustment, other areas' sections). */
(function () {
  "use strict";

  /** A table of `headers` ([label, class]). On a phone (shell.css `la-table-stack`) each row stacks into tiles of
   *  a label over its value, so the points and balances are on screen instead of off its right edge; a cell of
   *  class `la-wide` spans the row, one of class `la-lead` (a name) shows without a label. */
  function table(ctx, headers, rows, testid) {
    for (const row of rows) {
      [...row.children].forEach((cell, i) => {
        if (headers[i] && !cell.classList.contains("la-lead")) cell.dataset.label = headers[i][0];
      });
    }
    return ctx.h("table", { class: "la-table la-table-stack", "data-testid": testid },
      ctx.h("thead", {}, ctx.h("tr", {}, headers.map(([label, cls]) => ctx.h("th", { class: cls }, label)))),
      ctx.h("tbody", {}, rows));
  }

  const PAGE_SIZE = 50;

  /** One row of the members list; the name is a real link, so each row is reachable and opens by keyboard. */
  function memberRow(ctx, m) {
    const link = ctx.h("a", { href: `#members/${m.id}`, "data-testid": `member-link-${m.id}` }, m.name || ctx.t("(ohne Namen)", "(no name)"));
    return ctx.h("tr", { class: "la-clickable", "data-testid": `member-row-${m.id}`,
      onclick: (event) => { if (event.target !== link) ctx.openMember(m.id); } },
      ctx.h("td", { class: "la-wide la-lead" }, link), ctx.h("td", { class: "la-wide" }, m.email || "–"), ctx.h("td", {}, m.tier || "–"),
      ctx.h("td", { class: "la-date", "data-testid": `member-joined-${m.id}` }, ctx.day(m.joined_at)),
      ctx.h("td", { class: "la-num" }, ctx.number(m.balance)), ctx.h("td", { class: "la-num" }, ctx.number(m.pending)));
  }

  function pager(ctx, page, go) {
    const first = page.total ? page.offset + 1 : 0;
    const last = page.offset + page.members.length;
    return ctx.h("div", { class: "la-row la-pager" },
      ctx.h("span", { class: "la-muted", "data-testid": "member-count" },
        ctx.t(`${ctx.number(first)}–${ctx.number(last)} von ${ctx.number(page.total)} Mitgliedern`,
          `${ctx.number(first)}–${ctx.number(last)} of ${ctx.number(page.total)} members`)),
      ctx.h("button", { type: "button", class: "la-secondary", "data-testid": "member-prev", disabled: page.offset <= 0,
        onclick: () => go(Math.max(0, page.offset - PAGE_SIZE)) }, ctx.t("← Zurück", "← Previous")),
      ctx.h("button", { type: "button", class: "la-secondary", "data-testid": "member-next", disabled: last >= page.total,
        onclick: () => go(page.offset + PAGE_SIZE) }, ctx.t("Weiter →", "Next →")));
  }

  const SORTS = [
    ["joined_desc", "Mitglied seit: neueste zuerst", "Member since: newest first"],
    ["joined_asc", "Mitglied seit: älteste zuerst", "Member since: oldest first"],
    ["balance_desc", "Punkte: höchste zuerst", "Points: highest first"],
    ["balance_asc", "Punkte: niedrigste zuerst", "Points: lowest first"],
    ["name_asc", "Nachname: A–Z", "Last name: A–Z"],
    ["name_desc", "Nachname: Z–A", "Last name: Z–A"],
  ];

  /** The tier filter's choices: the programme's tiers, named in the page's language (none: no filter shown). */
  async function tierChoices(ctx) {
    try {
      const program = await ctx.api("/admin/api/tiers");
      const shopLocale = (ctx.shop && ctx.shop.locale) || "de";
      return (program.tiers || []).map((tier) => {
        const translated = ctx.locale !== shopLocale ? ((tier.translations || {})[ctx.locale] || {}).name : "";
        return [tier.key, translated || tier.name || tier.key];
      });
    } catch (error) {
      return [];  // the list works without its tier filter
    }
  }

  /** The search form; its tier filter shows once the programme's tiers are known (`showTiers`), if it has any. */
  function searchForm(ctx) {
    const input = ctx.h("input", { type: "search", name: "q", "data-testid": "member-search",
      placeholder: ctx.t("E-Mail oder Name", "Email or name"), "aria-label": ctx.t("Mitglieder suchen", "Search members") });
    const sort = ctx.h("select", { name: "sort", "data-testid": "member-sort" },
      SORTS.map(([value, de, en]) => ctx.h("option", { value }, ctx.t(de, en))));
    const tier = ctx.h("select", { name: "tier", "data-testid": "member-tier" },
      ctx.h("option", { value: "" }, ctx.t("Alle Stufen", "All tiers")));
    const tierField = ctx.h("div", { class: "la-field", hidden: true }, ctx.h("label", {}, ctx.t("Stufe", "Tier")), tier);
    const pending = ctx.h("input", { type: "checkbox", name: "with_pending", id: "member-with-pending", "data-testid": "member-with-pending" });
    const form = ctx.h("form", { class: "la-card la-row", role: "search" },
      ctx.h("div", { class: "la-field" }, input),
      ctx.h("div", { class: "la-field" }, ctx.h("label", {}, ctx.t("Sortierung", "Sort by")), sort),
      tierField,
      ctx.h("div", { class: "la-field la-field-inline" }, pending,
        ctx.h("label", { for: "member-with-pending" }, ctx.t("nur mit ausstehenden Punkten", "only with pending points"))),
      ctx.h("button", { type: "submit", class: "la-primary", "data-testid": "member-search-submit" }, ctx.t("Suchen", "Search")));
    const query = () => {
      const params = new URLSearchParams({ q: input.value.trim(), sort: sort.value });
      if (tier.value) params.set("tier", tier.value);
      if (pending.checked) params.set("with_pending", "true");
      return params;
    };
    const showTiers = (tiers) => {
      tier.append(...tiers.map(([key, name]) => ctx.h("option", { value: key }, name)));
      tierField.hidden = !tiers.length;
    };
    return { form, query, showTiers, controls: [sort, tier, pending] };
  }

  async function renderSearch(el, ctx) {
    const results = ctx.h("div", { "data-testid": "member-results" });
    const search = searchForm(ctx);
    const latest = ctx.latestOnly();
    async function run(offset = 0) {
      const params = search.query();
      params.set("offset", offset);
      params.set("limit", PAGE_SIZE);
      try {
        const page = await latest(ctx.api(`/admin/api/members?${params}`));
        results.textContent = "";
        if (!page.members.length) {
          results.appendChild(ctx.h("p", { class: "la-muted" }, ctx.t("Keine Mitglieder gefunden.", "No members found.")));
          return;
        }
        results.append(pager(ctx, page, run), table(ctx,
          [[ctx.t("Name", "Name")], [ctx.t("E-Mail", "Email")], [ctx.t("Stufe", "Tier")],
            [ctx.t("Mitglied seit", "Member since")], [ctx.t("Punkte", "Points"), "la-num"],
            [ctx.t("davon ausstehend", "of which pending"), "la-num"]],
          page.members.map((m) => memberRow(ctx, m)), "member-table"));
      } catch (error) {
        ctx.toast(ctx.errorText(error), "error");
      }
    }
    search.form.addEventListener("submit", (event) => { event.preventDefault(); run(); });
    for (const control of search.controls) control.addEventListener("change", () => run());
    el.append(search.form, ctx.h("div", { class: "la-card" }, results));
    await Promise.all([run(), tierChoices(ctx).then(search.showTiers)]);
  }

  function stats(ctx, member) {
    const items = [
      [ctx.t("Kontostand", "Balance"), member.balance, "balance"],
      [ctx.t("davon ausstehend", "of which pending"), member.pending, "pending"],
      [ctx.t("einlösbar", "spendable"), member.spendable, "spendable"],
      [ctx.t("insgesamt gesammelt", "lifetime"), member.lifetime_points, "lifetime"],
    ];
    return ctx.h("div", { class: "la-stats" }, items.map(([label, value, id]) =>
      ctx.h("div", { class: "la-stat" }, ctx.h("strong", { "data-testid": `member-${id}` }, ctx.number(value)), label)));
  }

  const PUSH_STATES = {
    done: [" · im Shop eingetragen", " · recorded at the shop"],
    pending: [" · wird an den Shop übertragen", " · being sent to the shop"],
    missing_scope: [" · nicht im Shop eingetragen: Der App fehlt die Berechtigung „Kunden bearbeiten“ " +
      "(write_customers). Öffnen Sie die App in Shopify und bestätigen Sie die neuen Berechtigungen; " +
      "die Anmeldung wird dann übertragen.", " · not recorded at the shop: the app lacks the permission to edit " +
      "customers (write_customers). Open the app in Shopify and accept the new permissions; the opt-in is sent then."],
    rejected: [" · der Shop hat die Anmeldung abgelehnt: ", " · the shop refused the opt-in: "],
  };

  function newsletterLine(ctx, member) {
    // The opt-in, and whether the shop's own list has it (Shopify's email marketing consent).
    const push = member.accepts_marketing ? member.newsletter_push : null;
    const parts = [ctx.t("Newsletter: ", "Newsletter: "),
      member.accepts_marketing ? ctx.t("angemeldet", "subscribed") : ctx.t("nicht angemeldet", "not subscribed")];
    const state = push && (push.status === "failed" ? push.reason : push.status);
    const text = state && PUSH_STATES[state];
    if (text) parts.push(ctx.t(text[0], text[1]), state === "rejected" ? push.last_error || "" : "");
    return ctx.h("p", { class: "la-muted", "data-testid": "member-newsletter" }, parts);
  }

  /** Who referred the member: their name, linking to their page. */
  function referrerLine(ctx, member) {
    const referrer = member.referred_by;
    if (!referrer) return null;
    return ctx.h("p", { class: "la-muted", "data-testid": "member-referred-by" }, ctx.t("Geworben von ", "Referred by "),
      ctx.h("a", { href: `#members/${referrer.id}`, "data-testid": "member-referrer-link" }, referrer.name));
  }

  function adjustForm(ctx, member, reload) {
    const form = ctx.h("form", { class: "la-card", "data-testid": "adjust-form", novalidate: true },
      ctx.h("h3", {}, ctx.t("Punkte manuell anpassen", "Adjust points manually")),
      ctx.h("div", { class: "la-row" },
        ctx.h("div", { class: "la-field" }, ctx.h("label", { for: "adjust-points" }, ctx.t("Punkte (+/−)", "Points (+/−)")),
          ctx.h("input", { id: "adjust-points", name: "points", type: "number", step: "1", "data-testid": "adjust-points" })),
        ctx.h("div", { class: "la-field" }, ctx.h("label", { for: "adjust-reason" }, ctx.t("Grund (Pflicht)", "Reason (required)")),
          ctx.h("input", { id: "adjust-reason", name: "reason", type: "text", maxlength: "200", "data-testid": "adjust-reason" }))),
      ctx.h("button", { type: "submit", class: "la-primary", "data-testid": "adjust-submit" }, ctx.t("Buchen", "Post")));
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      ctx.fieldErrors(form, {});
      const raw = form.elements.points.value.trim();
      if (raw !== "" && !/^[-+]?\d+$/.test(raw)) {
        ctx.fieldErrors(form, { points: [ctx.t("Bitte eine ganze Zahl eingeben.", "Please enter a whole number.")] });
        return;
      }
      const body = { points: raw === "" ? null : Number(raw), reason: form.elements.reason.value };
      try {
        await ctx.api(`/admin/api/members/${member.id}/adjust`, { method: "POST", body });
        ctx.toast(ctx.t("Punkte gebucht.", "Points posted."));
        reload();
      } catch (error) {
        if (error.status === 422) ctx.fieldErrors(form, error.body.errors || {});
        if (error.body && error.body.reason === "insufficient_points") {
          const text = ctx.t(`Abgelehnt: Der Kontostand (${ctx.number(member.balance)}) darf durch eine Anpassung nicht unter null fallen.`,
            `Refused: an adjustment must not take the balance (${ctx.number(member.balance)}) below zero.`);
          ctx.fieldErrors(form, { points: [text] });
          ctx.toast(text, "error");
          return;
        }
        ctx.toast(ctx.errorText(error), "error");
      }
    });
    return form;
  }

  function ledgerCard(ctx, member) {
    return ctx.h("section", { class: "la-card" }, ctx.h("h3", {}, ctx.t("Punkteverlauf", "Points history")),
      table(ctx, [[ctx.t("Datum", "Date")], [ctx.t("Vorgang", "Entry")], [ctx.t("von", "by")], [ctx.t("Punkte", "Points"), "la-num"], [ctx.t("Stand", "Balance"), "la-num"]],
        member.ledger.map((row) => ctx.h("tr", { "data-testid": `ledger-row-${row.id}` },
          ctx.h("td", { class: "la-date" }, ctx.date(row.at)), ctx.h("td", { class: "la-text la-wide" }, row.text),
          ctx.h("td", { title: row.actor }, ctx.actorLabel(row.actor)),
          ctx.h("td", { class: "la-num" }, ctx.number(row.delta, { signDisplay: "exceptZero" })), ctx.h("td", { class: "la-num" }, ctx.number(row.balance_after)))),
        "ledger-table"));
  }

  function lotsCard(ctx, member) {
    return ctx.h("section", { class: "la-card" }, ctx.h("h3", {}, ctx.t("Punktepakete", "Point lots")),
      table(ctx, [[ctx.t("Punkte", "Points"), "la-num"], [ctx.t("übrig", "left"), "la-num"], [ctx.t("verfügbar ab", "available from")], [ctx.t("verfällt", "expires")]],
        member.lots.map((lot) => ctx.h("tr", {}, ctx.h("td", { class: "la-num" }, ctx.number(lot.points)),
          ctx.h("td", { class: "la-num" }, ctx.number(lot.remaining)),
          ctx.h("td", {}, ctx.h("span", { class: "la-date" }, ctx.date(lot.available_at)), lot.pending ? ctx.t(" (ausstehend)", " (pending)") : ""),
          ctx.h("td", { class: "la-date" }, ctx.date(lot.expires_at)))), "lots-table"));
  }

  function ordersCard(ctx, member) {
    return ctx.h("section", { class: "la-card" }, ctx.h("h3", {}, ctx.t("Bestellungen", "Orders")),
      table(ctx, [[ctx.t("Bestellung", "Order")], [ctx.t("Datum", "Date")], [ctx.t("Summe", "Total"), "la-num"], [ctx.t("erstattet", "refunded"), "la-num"], [ctx.t("Punkte", "Points"), "la-num"]],
        member.orders.map((o) => ctx.h("tr", {}, ctx.h("td", {}, o.name || o.ref, o.cancelled ? ctx.t(" (storniert)", " (cancelled)") : ""),
          ctx.h("td", { class: "la-date" }, ctx.date(o.placed_at)), ctx.h("td", { class: "la-num" }, ctx.money(o.total)),
          ctx.h("td", { class: "la-num" }, ctx.money(o.refunded)), ctx.h("td", { class: "la-num" }, ctx.number(o.points)))), "orders-table"));
  }

  async function renderMember(el, ctx, memberId) {
    const member = await ctx.api(`/admin/api/members/${memberId}`);
    const reload = () => { el.textContent = ""; renderMember(el, ctx, memberId).catch((e) => ctx.toast(ctx.errorText(e), "error")); };
    el.append(
      ctx.h("p", {}, ctx.h("a", { href: "#members", "data-testid": "back-to-members" }, ctx.t("← alle Mitglieder", "← all members"))),
      ctx.h("section", { class: "la-card", "data-testid": "member-page" },
        ctx.h("h2", { "data-testid": "member-name" }, member.name),
        ctx.h("p", { class: "la-muted" }, member.email || ctx.t("(anonymisiert)", "(anonymised)"), " · ",
          ctx.h("span", { "data-testid": "member-number" }, ctx.t(`Mitglieds-Nr. ${member.id}`, `Member no. ${member.id}`)), " · ",
          ctx.h("span", { "data-testid": "member-joined" }, ctx.t(`Mitglied seit ${ctx.day(member.joined_at)}`,
            `Member since ${ctx.day(member.joined_at)}`))),
        referrerLine(ctx, member),
        newsletterLine(ctx, member),
        stats(ctx, member)),
      adjustForm(ctx, member, reload), ledgerCard(ctx, member), lotsCard(ctx, member), ordersCard(ctx, member));
    const sections = ctx.h("div", { "data-testid": "member-sections" });
    el.appendChild(sections);
    ctx.renderMemberSections(sections, member);
  }

  function render(el, ctx) {
    const memberId = ctx.route && ctx.route[0];
    return memberId ? renderMember(el, ctx, Number(memberId)) : renderSearch(el, ctx);
  }

  window.LoyaltyAdmin.registerTab({ id: "members", order: 60, title: { de: "Mitglieder", en: "Members" }, render });
})();
