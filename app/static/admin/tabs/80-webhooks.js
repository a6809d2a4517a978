/* Core tab: the webhook inbox (failed deliveries first), retry, and re-creating the shop's subscriptions. */
(function () {
  "use strict";

  const STATUS = { processed: ["verarbeitet", "processed"], failed: ["fehlgeschlagen", "failed"],
    ignored: ["ignoriert", "ignored"], duplicate: ["doppelt", "duplicate"] };

  function statusLabel(ctx, status) {
    const pair = STATUS[status];
    return pair ? ctx.t(pair[0], pair[1]) : String(status);
  }

  async function render(el, ctx) {
    const status = ctx.h("select", { name: "status", "data-testid": "webhook-status", "aria-label": ctx.t("Status der Zustellungen", "Delivery status") },
      [["failed", "fehlgeschlagen", "failed"], ["processed", "verarbeitet", "processed"], ["ignored", "ignoriert", "ignored"], ["all", "alle", "all"]]
        .map(([v, de, en]) => ctx.h("option", { value: v }, ctx.t(de, en))));
    const list = ctx.h("div", { "data-testid": "webhook-list" });
    const register = ctx.h("button", { type: "button", class: "la-secondary", "data-testid": "webhooks-register" },
      ctx.t("Webhooks neu einrichten", "Register webhooks again"));
    register.addEventListener("click", () => ctx.pending(register, async () => {
      try {
        const result = await ctx.api("/admin/api/webhooks/register", { method: "POST" });
        ctx.toast(ctx.t(`${ctx.number(result.topics)} Webhooks eingerichtet.`, `${ctx.number(result.topics)} webhooks registered.`));
      } catch (error) { ctx.toast(ctx.errorText(error), "error"); }
      await ctx.refreshConnection();  // registering verifies the connection (or records why it failed): the banner follows
    }));
    const latest = ctx.latestOnly();  // a new status also drops a pending "load more" of the old one
    const PAGE = 100;
    async function retry(d) {
      try {
        const result = await ctx.api(`/admin/api/webhooks/${d.id}/retry`, { method: "POST" });
        ctx.toast(result.status === "processed" ? ctx.t("Erneut verarbeitet.", "Processed again.") : ctx.t("Weiterhin fehlerhaft.", "Still failing."),
          result.status === "processed" ? "ok" : "error");
        await load();  // the button stays disabled until the list shows the delivery's new state
      } catch (error) { ctx.toast(ctx.errorText(error), "error"); }
    }
    // The status and, for a failed delivery, its retry button come first: on a phone the table scrolls sideways,
    // and a button in the last column was out of sight behind the error text.
    function row(d) {
      return ctx.h("tr", { "data-testid": `delivery-${d.id}` },
        ctx.h("td", {}, ctx.h("span", { class: `la-badge la-badge-${d.status}`, "data-testid": `delivery-status-${d.id}` }, statusLabel(ctx, d.status)),
          d.status === "failed" ? ctx.h("div", {}, ctx.h("button", { type: "button", class: "la-secondary la-nowrap", "data-testid": `retry-${d.id}`,
            onclick: (event) => ctx.pending(event.currentTarget, () => retry(d)) }, ctx.t("Erneut versuchen", "Retry"))) : null),
        ctx.h("td", { class: "la-date" }, ctx.date(d.received_at)), ctx.h("td", {}, d.topic),
        ctx.h("td", { class: "la-num" }, ctx.number(d.attempts)), ctx.h("td", { class: "la-text" }, d.last_error || ""));
    }
    async function load(beforeId) {
      const more = beforeId ? `&before_id=${beforeId}` : "";
      const rows = await latest(ctx.api(`/admin/api/webhooks?status=${status.value}&limit=${PAGE}${more}`));
      if (!beforeId) list.textContent = "";
      if (!rows.length && !beforeId) {
        list.appendChild(ctx.h("p", { class: "la-muted" }, ctx.t("Keine Zustellungen.", "No deliveries.")));
        return;
      }
      let body = list.querySelector("tbody");
      if (!body) {
        body = ctx.h("tbody", {});
        list.appendChild(ctx.h("table", { class: "la-table", "data-testid": "delivery-table" },
          ctx.h("thead", {}, ctx.h("tr", {}, [["Status", "Status"], ["Empfangen", "Received"], ["Thema", "Topic"],
            ["Versuche", "Attempts", "la-num"], ["Fehler", "Error"]].map(([de, en, cls]) => ctx.h("th", { class: cls }, ctx.t(de, en))))), body));
      }
      body.append(...rows.map(row));
      if (rows.length === PAGE) {
        const next = ctx.h("button", { type: "button", class: "la-secondary", "data-testid": "deliveries-more",
          onclick: () => { next.remove(); load(rows[rows.length - 1].id); } }, ctx.t("Weitere laden", "Load more"));
        list.appendChild(next);
      }
    }
    status.addEventListener("change", () => load());
    el.append(ctx.h("section", { class: "la-card" }, ctx.h("h2", {}, ctx.t("Webhook-Eingang", "Webhook inbox")),
      ctx.h("div", { class: "la-row" }, status, register), list));
    await load();
  }

  window.LoyaltyAdmin.registerTab({ id: "webhooks", order: 80, title: { de: "Webhooks", en: "Webhooks" }, render });
})();
