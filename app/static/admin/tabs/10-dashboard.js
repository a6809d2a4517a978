/* Analytics tabs: the dashboard (figures with definitions and charts), segments (counts, members, CSV) and
 * campaigns (segment + action, preview, run, progress). Plain JS; every shop-supplied string via ctx.h text nodes. */
(function () {
  "use strict";

  const STYLE = `
    .ld-grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(min(210px, 100%), 1fr)); gap: 12px; }
    .ld-figure { background: var(--la-bg, #f6f6f7); border-radius: 8px; padding: 10px 12px; }
    .ld-figure strong { display: block; font-size: 20px; margin: 2px 0; }
    .ld-figure p { margin: 0; font-size: 12px; color: var(--la-muted, #666); }
    .ld-charts { display: grid; grid-template-columns: repeat(auto-fill, minmax(min(460px, 100%), 1fr)); gap: 16px; }
    .lc-figure { margin: 0; }
    .lc-figure figcaption, .ld-chart-title { font-weight: 600; margin: 0 0 4px; font-size: 14px; }
    .ld-caption { font-size: 12px; margin: 6px 0 0; }
    .lc-legend { display: flex; gap: 12px; font-size: 12px; color: #555; margin-top: 4px; }
    .lc-swatch { display: inline-block; width: 10px; height: 10px; border-radius: 2px; margin-right: 4px; }
    .ld-progress { background: #e5e5e5; border-radius: 4px; height: 8px; min-width: 120px; }
    .ld-progress span { display: block; height: 8px; border-radius: 4px; background: var(--la-accent, #2c6ecb); }
  `;

  const SECTIONS = [
    ["retention", "Kundenbindung", "Retention", ["customers_at_start", "customers_at_end", "new_customers",
      "lost_customers", "won_back_customers", "retention_rate", "churn_rate", "repeat_purchase_rate", "avg_lifetime"]],
    // the CLV's parts beside it (orders per customer per year too), as `loyalty report` lists them
    ["value", "Bestellungen und Kundenwert", "Orders and customer value", ["orders", "revenue", "customers", "aov",
      "purchase_frequency", "purchase_frequency_year", "clv", "ltv_cac", "members_aov", "guests_aov",
      "members_frequency", "guests_frequency"]],
    ["programme", "Treueprogramm", "Loyalty program", ["members", "active_members", "points_issued",
      "points_redeemed", "points_expired", "redemption_rate", "points_outstanding", "points_liability",
      "coupon_use_rate", "coupon_revenue", "review_response_rate", "average_rating", "nps"]],
  ];

  function injectStyle() {
    if (document.getElementById("ld-style")) return;
    const style = document.createElement("style");
    style.id = "ld-style";
    style.textContent = STYLE;
    document.head.appendChild(style);
  }

  function isoDay(date) {
    return date.toISOString().slice(0, 10);
  }

  function formatFigure(figure, ctx) {
    const v = figure.value;
    if (v === null || v === undefined) return "–";
    const n = Number(v);
    if (figure.unit === "money") return ctx.money(n);
    if (figure.unit === "percent") return ctx.percent(n);
    // ratios and years with their two places ("1,00" orders per customer beside "1,46"), as the API sends them
    const places = { minimumFractionDigits: 2, maximumFractionDigits: 2 };
    if (figure.unit === "years") return ctx.t(`${ctx.number(n, places)} Jahre`, `${ctx.number(n, places)} years`);
    if (figure.unit === "ratio") return ctx.number(n, places);
    return ctx.number(n);
  }

  function figureCard(key, figure, ctx) {
    return ctx.h("div", { class: "ld-figure", "data-testid": `figure-${key}`, title: figure.definition },
      ctx.h("span", {}, figure.label),
      ctx.h("strong", {}, formatFigure(figure, ctx)),
      ctx.h("p", {}, figure.definition));
  }

  function periodPicker(ctx, onChange) {
    const today = new Date();
    const yearAgo = new Date(today.getTime() - 364 * 86400000);
    const from = ctx.h("input", { type: "date", name: "from", value: isoDay(yearAgo), max: isoDay(today),
      "data-testid": "period-from" });
    const to = ctx.h("input", { type: "date", name: "to", value: isoDay(today), max: isoDay(today),
      "data-testid": "period-to" });
    const preset = (days) => () => {
      from.value = isoDay(new Date(today.getTime() - (days - 1) * 86400000));
      to.value = isoDay(today);
      onChange(from.value, to.value);
    };
    const form = ctx.h("form", { class: "la-row la-card", "data-testid": "period-form",
      onsubmit: (event) => { event.preventDefault(); onChange(from.value, to.value); } },
      ctx.h("div", { class: "la-field" }, ctx.h("label", {}, ctx.t("Von", "From")), from),
      ctx.h("div", { class: "la-field" }, ctx.h("label", {}, ctx.t("Bis", "To")), to),
      ctx.h("button", { type: "submit", class: "la-primary", "data-testid": "period-apply" }, ctx.t("Anzeigen", "Show")),
      ctx.h("button", { type: "button", class: "la-secondary", onclick: preset(90) }, ctx.t("90 Tage", "90 days")),
      ctx.h("button", { type: "button", class: "la-secondary", onclick: preset(365) }, ctx.t("12 Monate", "12 months")));
    return { form, from, to };
  }

  /** A chart, or the sentence `spec.empty` when there is nothing to draw; `spec.caption` says what it measures. */
  function chartCard(ctx, testid, spec) {
    const card = ctx.h("div", { class: "la-card", "data-testid": testid });
    if (spec.empty) {
      card.append(ctx.h("h3", { class: "ld-chart-title" }, spec.title),
        ctx.h("p", { class: "la-muted", "data-testid": `${testid}-empty` }, spec.empty));
      return card;
    }
    ctx.chart(card, spec);
    if (spec.caption) card.appendChild(ctx.h("p", { class: "la-muted ld-caption", "data-testid": `${testid}-caption` }, spec.caption));
    return card;
  }

  /** "2026-01" → "Jan. 26" (de) / "Jan 26" (en). */
  function monthLabel(ctx, month) {
    const match = /^(\d{4})-(\d{2})/.exec(String(month));
    if (!match) return String(month);
    const when = new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, 1));
    return new Intl.DateTimeFormat(ctx.locale, { month: "short", year: "2-digit", timeZone: "UTC" }).format(when);
  }

  function liabilitySpec(ctx, rows) {
    const title = ctx.t("Verfallsprognose (Geldwert)", "Expiry forecast (money value)");
    if (!rows.some((r) => Number(r.amount) > 0)) {
      return { title, empty: ctx.t("Keine Punkte verfallen in den kommenden Monaten: Entweder ist kein Verfall eingestellt " +
        "(Einstellungen) oder es gibt noch keine Punkte, die verfallen.", "No points expire in the coming months: either " +
        "no expiry is set (Settings) or there are no points yet that will expire.") };
    }
    return { type: "bar", title, format: (n) => ctx.money(n), labels: rows.map((r) => monthLabel(ctx, r.month)),
      series: [{ name: ctx.t("verfällt", "expires"), values: rows.map((r) => Number(r.amount)) }] };
  }

  /** "No data yet" for a chart with nothing to draw, and what would fill it. */
  function noData(ctx, de, en) {
    return ctx.t(`Noch keine Daten: ${de}`, `No data yet: ${en}`);
  }

  /** The charts' specs with a "no data yet" sentence instead of an empty drawing (an empty range has no axis). */
  function withEmptyStates(ctx, c, segments, specs, figures) {
    const none = (values) => !values.some((v) => v !== null && v !== undefined && Number(v) !== 0);
    // a rate of 0 is a result (everyone churned); only months without any rate are no data
    if (!c.retention.some((r) => r.retention_rate !== null || r.churn_rate !== null)) {
      specs.retention.empty = noData(ctx, "Die Kundenbindung erscheint, sobald Kunden in zwei Monaten bestellt haben.",
        "retention shows once customers have ordered across two months.");
    }
    if (!c.cohorts.some((row) => row.customers > 0)) {
      // customers who are not new (they ordered before the period) are data: only the cohorts are empty
      const customers = Number(figures.customers_at_start.value) + Number(figures.customers_at_end.value);
      specs.cohorts.empty = customers > 0
        ? ctx.t("Keine Neukunden in diesem Zeitraum: Die Kohorten zeigen, wie die Neukunden eines Monats später " +
          "wieder bestellen.", "No new customers in this period: the cohorts show how a month's new customers " +
          "order again later.")
        : noData(ctx, "Die Kohorten erscheinen, sobald Neukunden bestellt haben.",
          "cohorts show once new customers have ordered.");
    }
    if (!segments.abc.some((row) => row.members > 0)) {
      specs.abc.empty = noData(ctx, "Die A/B/C-Einteilung erscheint, sobald Kunden Umsatz gebracht haben.",
        "the A/B/C split shows once customers have brought revenue.");
    }
    if (none(c.points.flatMap((r) => [r.issued, r.redeemed, r.expired]))) {
      specs.points.empty = noData(ctx, "In diesem Zeitraum wurden keine Punkte vergeben, eingelöst oder verfallen.",
        "no points were issued, redeemed or expired in this period.");
    }
    return specs;
  }

  function charts(report, segments, ctx) {
    const c = report.charts;
    const pct = (n) => ctx.percent(n);
    const retention = {
      type: "line", title: ctx.t("Kundenbindung pro Monat (12 Monate bis Periodenende)",
        "Retention per month (12 months to the period's end)"), format: pct,
      labels: c.retention.map((r) => monthLabel(ctx, r.month)),
      caption: ctx.t("Je Monat die Rechnung der Kennzahl „Kundenbindungsrate“: Anteil der Kunden am Monatsanfang, die am " +
        "Monatsende noch Kunden sind (eine Bestellung im Abwanderungsfenster). Die Kennzahl rechnet über den ganzen Zeitraum.",
      "Per month, the calculation of the “Retention rate” figure: share of the customers at the month's start still " +
        "customers at its end (an order within the churn window). The figure covers the whole chosen period."),
      series: [
        { name: ctx.t("Kundenbindungsrate", "Retention rate"), values: c.retention.map((r) => r.retention_rate === null ? null : Number(r.retention_rate)) },
        { name: ctx.t("Abwanderungsrate", "Churn rate"), values: c.retention.map((r) => r.churn_rate === null ? null : Number(r.churn_rate)) },
      ],
    };
    const width = Math.max(0, ...c.cohorts.map((row) => row.shares.length));
    const cohorts = {
      type: "heatmap", max: 100, format: pct,
      title: ctx.t("Kohorten: Anteil, der in späteren Monaten wieder bestellt", "Cohorts: share ordering again in later months"),
      rows: c.cohorts.map((row) => `${monthLabel(ctx, row.cohort)} (${ctx.number(row.customers)})`),
      caption: ctx.t("Jede Zeile: die Neukunden eines Monats; Spalte n: Anteil, der genau im n-ten Monat danach wieder " +
        "bestellte. Die Kundenbindungsrate zählt dagegen jeden, der im Abwanderungsfenster noch bestellt hat – daher höher.",
      "Each row: a month's new customers; column n: the share who ordered again exactly n months later. The retention " +
        "rate counts anyone who still ordered within the churn window, so it is higher."),
      columns: Array.from({ length: width }, (_, i) => String(i + 1)),
      values: c.cohorts.map((row) => Array.from({ length: width }, (_, i) => (i < row.shares.length ? Number(row.shares[i]) : null))),
    };
    const abc = {
      type: "stacked", title: ctx.t("A/B/C-Kunden", "A/B/C customers"),
      labels: [ctx.t("Kunden", "Customers"), ctx.t("Umsatz (%)", "Revenue (%)")],
      series: segments.abc.map((row) => {
        const revenue = segments.abc.reduce((sum, r) => sum + Number(r.revenue), 0) || 1;
        const members = segments.abc.reduce((sum, r) => sum + r.members, 0) || 1;
        return { name: row.label, values: [(100 * row.members) / members, (100 * Number(row.revenue)) / revenue] };
      }),
      format: (n) => ctx.percent(n, 0),
    };
    const points = {
      type: "bar", title: ctx.t("Ausgegebene und eingelöste Punkte", "Points issued vs redeemed"),
      labels: c.points.map((r) => monthLabel(ctx, r.month)),
      series: [
        { name: ctx.t("ausgegeben", "issued"), values: c.points.map((r) => r.issued) },
        { name: ctx.t("eingelöst", "redeemed"), values: c.points.map((r) => r.redeemed) },
        { name: ctx.t("verfallen", "expired"), values: c.points.map((r) => r.expired) },
      ],
    };
    const liability = liabilitySpec(ctx, c.liability || []);
    withEmptyStates(ctx, c, segments, { retention, cohorts, abc, points }, report.figures);
    return ctx.h("div", { class: "ld-charts" },
      chartCard(ctx, "chart-retention", retention), chartCard(ctx, "chart-cohorts", cohorts),
      chartCard(ctx, "chart-abc", abc), chartCard(ctx, "chart-points", points),
      chartCard(ctx, "chart-liability", liability));
  }

  // the API's bounds (0.05–0.99 and 0.05–1) in percent, as the fields show them
  const SHARE_BOUNDS = [["a_share", 5, 99], ["b_share", 5, 100]];

  /** The API keeps shares as fractions ("0.80"); the merchant reads and types percentages (80). */
  function asPercent(share) {
    return share === null || share === undefined || share === "" ? null : String(Math.round(Number(share) * 10000) / 100);
  }

  function settingsForm(ctx, reload) {
    const form = ctx.h("form", { class: "la-card la-row", "data-testid": "analytics-settings", novalidate: true });
    ctx.api("/admin/api/analytics/settings").then((s) => {
      const input = (name, label, value, kind) => ctx.h("div", { class: "la-field" }, ctx.h("label", { for: `as-${name}` }, label),
        ctx.numberInput(kind, { id: `as-${name}`, name, value, "data-testid": `as-${name}` }));
      form.append(
        input("churn_window_days", ctx.t("Verloren nach (Tagen ohne Bestellung)", "Lost after (days without an order)"), s.churn_window_days, "integer"),
        input("acquisition_cost", ctx.t("Kundengewinnungskosten", "Acquisition cost per customer"), s.acquisition_cost, "money"),
        input("a_share", ctx.t("A-Kunden: Umsatzanteil (%)", "A customers: revenue share (%)"), asPercent(s.a_share), "decimal"),
        input("b_share", ctx.t("A+B-Kunden: Umsatzanteil (%)", "A+B customers: revenue share (%)"), asPercent(s.b_share), "decimal"),
        ctx.h("button", { type: "submit", class: "la-primary", "data-testid": "as-save" }, ctx.t("Speichern", "Save")));
    });
    ctx.onSubmit(form, async () => {
      let values;
      try {
        values = ctx.numbers(form);
      } catch (error) {
        ctx.fieldErrors(form, error.body.errors);
        ctx.toast(ctx.errorText(error), "error");
        return;
      }
      const wrong = shareErrors(values, ctx);
      ctx.fieldErrors(form, wrong);
      if (Object.keys(wrong).length) return;
      const body = { churn_window_days: values.churn_window_days, acquisition_cost: values.acquisition_cost };
      // the shares as the API keeps them: fractions ("0.8" for 80 %), as exact strings
      for (const name of ["a_share", "b_share"]) body[name] = values[name] === null ? null : String(Number(values[name]) / 100);
      try {
        await ctx.api("/admin/api/analytics/settings", { method: "PUT", body });
        ctx.fieldErrors(form, {});
        ctx.toast(ctx.t("Gespeichert", "Saved"));
        reload();
      } catch (error) {
        if (error.status === 422) ctx.fieldErrors(form, error.body.errors);
        ctx.toast(ctx.errorText(error), "error");
      }
    });
    return form;
  }

  /** The shares' bounds checked in the unit the merchant types (%): the API's messages speak of fractions
   *  ("between 0.05 and 0.99"), which would not match a field that shows 80 for 0.80. */
  function shareErrors(values, ctx) {
    const errors = {};
    for (const [name, low, high] of SHARE_BOUNDS) {
      const value = Number(values[name]);
      if (values[name] === null || values[name] === undefined || (value >= low && value <= high)) continue;
      errors[name] = [ctx.t(`Muss zwischen ${ctx.number(low)} und ${ctx.number(high)} % liegen.`,
        `Must be between ${ctx.number(low)} and ${ctx.number(high)} %.`)];
    }
    const a = Number(values.a_share);
    const b = Number(values.b_share);
    if (!errors.a_share && !errors.b_share && values.b_share !== null && values.b_share !== undefined && b <= a) {
      errors.b_share = [ctx.t("Muss größer als der Anteil der A-Kunden sein.", "Must be larger than the A customers' share.")];
    }
    return errors;
  }

  async function renderDashboard(el, ctx) {
    injectStyle();
    const body = ctx.h("div", { "data-testid": "dashboard-body" });
    const latest = ctx.latestOnly();
    const load = async (from, to) => {
      body.replaceChildren(ctx.h("p", { class: "la-muted" }, ctx.t("Lädt …", "Loading …")));
      ctx.fieldErrors(picker.form, {});
      try {
        const [report, segments] = await latest(Promise.all([
          ctx.api(`/admin/api/analytics/report?from=${from}&to=${to}&lang=${ctx.locale}`),
          ctx.api(`/admin/api/segments?lang=${ctx.locale}`),
        ]));
        // the period measured: one reaching past today ends today (days to come have no orders, no lapses yet);
        // dates the merchant typed meanwhile stay as typed
        if (picker.from.value === from && picker.to.value === to) {
          picker.from.value = report.period.from;
          picker.to.value = report.period.to;
        }
        const cards = SECTIONS.map(([id, de, en, keys]) => ctx.h("section", { class: "la-card", "data-testid": `section-${id}` },
          ctx.h("h2", {}, ctx.t(de, en)),
          ctx.h("div", { class: "ld-grid" }, keys.map((key) => figureCard(key, report.figures[key], ctx)))));
        body.replaceChildren(charts(report, segments, ctx), ...cards);
      } catch (error) {
        if (error.status === 422) ctx.fieldErrors(picker.form, error.body.errors);
        body.replaceChildren(ctx.h("p", { class: "la-error", "data-testid": "dashboard-error" }, ctx.errorText(error)));
      }
    };
    const picker = periodPicker(ctx, load);
    el.append(ctx.h("h1", {}, ctx.t("Übersicht", "Dashboard")), picker.form, body,
      ctx.h("h2", {}, ctx.t("Einstellungen der Auswertung", "Analytics settings")),
      settingsForm(ctx, () => load(picker.from.value, picker.to.value)));
    await load(picker.from.value, picker.to.value);
  }

  window.LoyaltyAdmin.registerTab({ id: "dashboard", order: 10, title: { de: "Übersicht", en: "Dashboard" },
    render: renderDashboard });
})();
