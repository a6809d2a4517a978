/* Core tab: program settings (earning rate, what counts, point value, pending period, expiry, shop language). */
(function () {
  "use strict";

  const FIELDS = [
    { name: "points_per_unit", type: "decimal",
      label: ["Punkte je Währungseinheit", "Points per currency unit"],
      hint: ["z. B. 1 Punkt je 1 € Umsatz", "e.g. 1 point per 1 € spent"] },
    { name: "include_shipping", type: "checkbox", label: ["Versandkosten zählen mit", "Shipping counts"] },
    { name: "include_tax", type: "checkbox", label: ["Steuern zählen mit", "Tax counts"] },
    { name: "rounding", type: "select", label: ["Rundung", "Rounding"],
      options: [["down", "abrunden", "round down"], ["nearest", "kaufmännisch", "nearest"], ["up", "aufrunden", "round up"]] },
    { name: "point_value_points", type: "integer", label: ["Punktwert: Punkte", "Point value: points"] },
    { name: "point_value_amount", type: "money", label: ["… sind so viel wert", "… are worth"],
      hint: ["z. B. 100 Punkte = 1,00 €", "e.g. 100 points = 1.00 €"] },
    { name: "pending_days", type: "integer", label: ["Wartezeit (Tage)", "Pending period (days)"],
      hint: ["Punkte werden erst nach dieser Zeit einlösbar (Rückgabefrist).", "Points become spendable after this period (return window)."] },
    { name: "expiry_policy", type: "select", label: ["Verfall", "Expiry"],
      options: [["never", "nie", "never"], ["per_lot", "je Gutschrift nach Monaten", "per credit after months"],
        ["inactivity", "nach Inaktivität", "after inactivity"]] },
    { name: "expiry_months", type: "integer", label: ["Verfall nach (Monaten)", "Expire after (months)"] },
    { name: "expiry_reminder_days", type: "integer",
      label: ["Erinnerung vor Verfall (Tage)", "Reminder before expiry (days)"] },
    { name: "locale", type: "select", label: ["Sprache des Shops", "Shop language"],
      options: [["de", "Deutsch", "German"], ["en", "Englisch", "English"]] },
  ];

  function field(spec, value, ctx) {
    const id = `setting-${spec.name}`;
    const label = ctx.t(spec.label[0], spec.label[1]);
    let input;
    if (spec.type === "checkbox") {
      input = ctx.h("input", { type: "checkbox", id, name: spec.name, checked: Boolean(value), "data-testid": id });
      return ctx.h("div", { class: "la-field la-field-inline" }, input, ctx.h("label", { for: id }, label));
    }
    if (spec.type === "select") {
      input = ctx.h("select", { id, name: spec.name, "data-testid": id },
        spec.options.map(([v, de, en]) => ctx.h("option", { value: v, selected: String(value) === v }, ctx.t(de, en))));
    } else {
      input = ctx.numberInput(spec.type, { id, name: spec.name, value, "data-testid": id });
    }
    return ctx.h("div", { class: "la-field" }, ctx.h("label", { for: id }, label), input,
      spec.hint ? ctx.h("span", { class: "la-hint" }, ctx.t(spec.hint[0], spec.hint[1])) : null);
  }

  /** The form as the API takes it; throws (ctx.numbers) when a number field holds no number. */
  function collect(form, ctx) {
    const body = ctx.numbers(form);
    for (const spec of FIELDS) {
      const input = form.elements[spec.name];
      if (spec.type === "checkbox") body[spec.name] = input.checked;
      else if (spec.type === "select") body[spec.name] = input.value;
    }
    return body;
  }

  async function render(el, ctx) {
    const settings = await ctx.api("/admin/api/settings");
    const form = ctx.h("form", { class: "la-card", "data-testid": "settings-form", novalidate: true },
      ctx.h("h2", {}, ctx.t("Punkte sammeln und einlösen", "Earning and redeeming points")),
      FIELDS.map((spec) => field(spec, settings[spec.name], ctx)),
      ctx.h("button", { type: "submit", class: "la-primary", "data-testid": "settings-save" }, ctx.t("Speichern", "Save")));
    ctx.onSubmit(form, async () => {
      ctx.fieldErrors(form, {});
      try {
        await ctx.api("/admin/api/settings", { method: "PUT", body: collect(form, ctx) });
        ctx.toast(ctx.t("Einstellungen gespeichert.", "Settings saved."));
      } catch (error) {
        if (error.status === 422) ctx.fieldErrors(form, error.body.errors || {});
        ctx.toast(ctx.errorText(error), "error");
      }
    });
    el.appendChild(form);
  }

  window.LoyaltyAdmin.registerTab({ id: "settings", order: 20, title: { de: "Programm", en: "Program" }, render });
})();
