/* Sync tab: order reconciliation runs (pulled, repaired, errors) and the orders each one repaired. */
(function () {
  "use strict";

  const STATUS = { ok: ["erfolgreich", "ok"], failed: ["mit Fehlern", "with errors"], running: ["läuft", "running"] };
  const TRIGGER = { job: ["automatisch", "scheduled"], admin: ["manuell", "manual"] };

  function label(map, key, ctx) {
    const pair = map[key];
    return pair ? ctx.t(pair[0], pair[1]) : String(key);
  }

  /** A run's errors as the merchant's sentences; `detail` ("PlatformNotConnected: …") is for the log, not the page. */
  function errorList(run, ctx) {
    if (!run.errors || !run.errors.length) return null;
    return ctx.h("ul", { class: "la-errors", "data-testid": `sync-errors-${run.id}` },
      run.errors.map((error) => ctx.h("li", {},
        (error.texts && (error.texts[ctx.locale] || error.texts.de)) || ctx.t("Unbekannter Fehler.", "Unknown error."),
        error.order_ref ? ` (${ctx.t("Bestellung", "order")} ${error.order_ref})` : "")));
  }

  function repairTable(detail, ctx) {
    if (!detail.repairs.length) {
      return ctx.h("p", { class: "la-muted" }, ctx.t("Keine Punkte geändert.", "No points changed."));
    }
    return ctx.h("table", { class: "la-table", "data-testid": `sync-repairs-${detail.id}` },
      ctx.h("thead", {}, ctx.h("tr", {},
        ctx.h("th", {}, ctx.t("Bestellung", "Order")), ctx.h("th", {}, ctx.t("Mitglied", "Member")),
        ctx.h("th", {}, ctx.t("Punkte vorher", "Points before")), ctx.h("th", {}, ctx.t("Punkte nachher", "Points after")))),
      ctx.h("tbody", {}, detail.repairs.map((repair) => ctx.h("tr", { "data-testid": "sync-repair" },
        ctx.h("td", {}, repair.order_name || repair.order_ref),
        ctx.h("td", {}, repair.member_id
          ? ctx.h("a", { href: "#", onclick: (event) => { event.preventDefault(); ctx.openMember(repair.member_id); } },
            repair.member_email || `#${repair.member_id}`)
          : "–"),
        ctx.h("td", {}, ctx.number(repair.points_before)),
        ctx.h("td", {}, ctx.number(repair.points_after))))));
  }

  async function toggleDetail(row, run, ctx) {
    const next = row.nextElementSibling;
    if (next && next.dataset.detailFor === String(run.id)) {
      next.remove();
      return;
    }
    const cell = ctx.h("td", { colspan: "7" }, ctx.t("Wird geladen …", "Loading …"));
    row.after(ctx.h("tr", { class: "la-detail", dataset: { detailFor: String(run.id) } }, cell));
    try {
      const detail = await ctx.api(`/admin/api/sync/runs/${run.id}`);
      cell.replaceChildren(repairTable(detail, ctx), errorList(detail, ctx) || "");
    } catch (error) {
      cell.replaceChildren(ctx.errorText(error));
    }
  }

  function runRow(run, ctx) {
    const row = ctx.h("tr", { "data-testid": `sync-run-${run.id}` },
      ctx.h("td", {}, ctx.date(run.started_at)),
      ctx.h("td", {}, label(TRIGGER, run.trigger, ctx)),
      ctx.h("td", {}, label(STATUS, run.status, ctx)),
      ctx.h("td", {}, ctx.date(run.since)),
      ctx.h("td", {}, ctx.number(run.pulled)),
      ctx.h("td", { "data-testid": `sync-repaired-${run.id}` }, ctx.number(run.repaired)),
      ctx.h("td", {}, ctx.h("button", { type: "button", "data-testid": `sync-details-${run.id}`,
        onclick: () => toggleDetail(row, run, ctx) }, ctx.t("Details", "Details"))));
    return row;
  }

  function runTable(data, ctx, onlyRepaired) {
    if (!data.runs.length) {
      return ctx.h("p", { class: "la-muted", "data-testid": "sync-empty" }, onlyRepaired
        ? ctx.t("Kein Abgleich hat bisher Punkte repariert.", "No sync has repaired any points yet.")
        : ctx.t("Noch kein Abgleich gelaufen.", "No sync has run yet."));
    }
    return ctx.h("table", { class: "la-table", "data-testid": "sync-runs" },
      ctx.h("thead", {}, ctx.h("tr", {},
        ["Beginn|Started", "Auslöser|Trigger", "Status|Status", "Geändert seit|Changed since",
          "Abgerufen|Pulled", "Repariert|Repaired", "|"].map((pair) => {
          const [de, en] = pair.split("|");
          return ctx.h("th", {}, ctx.t(de, en));
        }))),
      ctx.h("tbody", {}, data.runs.map((run) => runRow(run, ctx))));
  }

  async function render(el, ctx) {
    const body = ctx.h("div", {});
    const onlyRepaired = ctx.h("input", { type: "checkbox", id: "sync-only-repaired", "data-testid": "sync-only-repaired" });
    const latest = ctx.latestOnly();
    async function load() {
      const query = onlyRepaired.checked ? "?repaired_only=true" : "";
      const data = await latest(ctx.api(`/admin/api/sync/runs${query}`));
      const table = runTable(data, ctx, onlyRepaired.checked);
      body.replaceChildren(
        ctx.h("p", { "data-testid": "sync-last" }, ctx.t("Letzter Abgleich bis: ", "Last synced up to: "), ctx.date(data.last_synced_at)),
        table);
      // The newest failed run opens its details (its errors): listing them again below the table said it twice.
      const failed = data.runs.find((r) => r.errors && r.errors.length && !r.repaired);
      const row = failed && table.querySelector(`[data-testid="sync-run-${failed.id}"]`);
      if (row) await toggleDetail(row, failed, ctx);
    }
    const button = ctx.h("button", { type: "button", class: "la-primary", "data-testid": "sync-now",
      onclick: async () => {
        button.disabled = true;
        try {
          const run = await ctx.api("/admin/api/sync/run", { method: "POST" });
          const counts = [ctx.number(run.pulled), ctx.number(run.repaired), ctx.number(run.error_count)];
          if (run.status === "ok") {
            ctx.toast(ctx.t(`Abgleich fertig: ${counts[0]} abgerufen, ${counts[1]} repariert.`,
              `Sync finished: ${counts[0]} pulled, ${counts[1]} repaired.`), "ok");
          } else {
            const one = Number(run.error_count) === 1;
            ctx.toast(ctx.t(`Abgleich mit ${counts[2]} ${one ? "Fehler" : "Fehlern"} beendet (${counts[0]} abgerufen, ${counts[1]} repariert); Details unten.`,
              `Sync ended with ${counts[2]} ${one ? "error" : "errors"} (${counts[0]} pulled, ${counts[1]} repaired); details below.`), "error");
          }
        } catch (error) {
          ctx.toast(ctx.errorText(error), "error");
          return;
        } finally {
          button.disabled = false;
        }
        // not awaited inside try: a reload that a newer one overtakes never settles (ctx.latestOnly)
        load().catch((error) => ctx.toast(ctx.errorText(error), "error"));
      } }, ctx.t("Jetzt abgleichen", "Sync now"));
    onlyRepaired.addEventListener("change", load);
    el.appendChild(ctx.h("div", { class: "la-card" },
      ctx.h("h2", {}, ctx.t("Abgleich der Bestellungen", "Order sync")),
      ctx.h("p", { class: "la-muted" }, ctx.t(
        "Holt regelmäßig die geänderten Bestellungen aus dem Shop und bucht Punkte nach, deren Webhook nie ankam.",
        "Regularly pulls changed orders from the shop and books the points of webhooks that never arrived.")),
      ctx.h("div", { class: "la-field la-field-inline" }, button, onlyRepaired,
        ctx.h("label", { for: "sync-only-repaired" }, ctx.t("Nur Läufe mit Reparaturen", "Only runs with repairs"))),
      body));
    await load();
  }

  window.LoyaltyAdmin.registerTab({ id: "sync", order: 65, title: { de: "Abgleich", en: "Sync" }, render });
})();
