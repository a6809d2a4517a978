/* Core tab: privacy — data exports to download, anonymising a member, deleting all of the shop's data. */
(function () {
  "use strict";

  async function download(ctx, id) {
    const data = await ctx.api(`/admin/api/privacy/exports/${id}`);
    const blob = new Blob([JSON.stringify(data, null, 2)], { type: "application/json" });
    const link = ctx.h("a", { href: URL.createObjectURL(blob), download: `loyalty-export-${id}.json` });
    document.body.appendChild(link);
    link.click();
    link.remove();
  }

  function memberForm(ctx, { testid, label, button, danger, confirmText, run }) {
    const form = ctx.h("form", { class: "la-card", "data-testid": testid, novalidate: true }, ctx.h("h3", {}, label),
      ctx.h("div", { class: "la-row" },
        ctx.h("div", { class: "la-field" },
          ctx.h("label", { for: `${testid}-member` }, ctx.t("E-Mail-Adresse oder Mitglieds-Nr.", "Email address or member no.")),
          ctx.h("input", { id: `${testid}-member`, name: "member", type: "text", maxlength: "320", autocomplete: "off",
            "aria-describedby": `${testid}-member-hint`, "data-testid": `${testid}-member` }),
          ctx.h("span", { class: "la-hint", id: `${testid}-member-hint` },
            ctx.t("Die Mitglieds-Nr. steht auf der Seite des Mitglieds (Tab „Mitglieder“).",
              "The member no. is shown on the member's page (Members tab)."))),
        ctx.h("button", { type: "submit", class: danger ? "la-danger" : "la-primary" }, button)));
    ctx.onSubmit(form, async () => {
      ctx.fieldErrors(form, {});
      if (confirmText && !window.confirm(confirmText)) return;
      try {
        await run({ member: form.elements.member.value.trim() });
      } catch (error) {
        if (error.status === 422) ctx.fieldErrors(form, error.body.errors || {});
        if (error.status === 404) {
          ctx.fieldErrors(form, { member: [ctx.t("Kein Mitglied mit dieser E-Mail-Adresse oder Nummer.", "No member with this email address or number.")] });
        }
        ctx.toast(ctx.errorText(error), "error");
      }
    });
    return form;
  }

  async function render(el, ctx) {
    const list = ctx.h("div", { "data-testid": "export-list" });
    async function load() {
      const rows = await ctx.api("/admin/api/privacy/exports");
      list.textContent = "";
      if (!rows.length) {
        list.appendChild(ctx.h("p", { class: "la-muted" }, ctx.t("Noch keine Datenauskünfte.", "No data exports yet.")));
        return;
      }
      list.appendChild(ctx.h("table", { class: "la-table" }, ctx.h("tbody", {}, rows.map((x) => ctx.h("tr", {},
        ctx.h("td", {}, ctx.date(x.created_at)), ctx.h("td", {}, x.source === "webhook" ? "Shopify" : ctx.t("Admin", "Admin")),
        ctx.h("td", {}, x.found ? ctx.t(`Mitglieds-Nr. ${x.member_id ?? "–"}`, `member no. ${x.member_id ?? "–"}`) : ctx.t("keine Daten gespeichert", "no data held")),
        ctx.h("td", {}, ctx.h("button", { type: "button", class: "la-secondary", "data-testid": `export-download-${x.id}`,
          onclick: (event) => ctx.pending(event.currentTarget, () => download(ctx, x.id).catch((e) => ctx.toast(ctx.errorText(e), "error"))) }, ctx.t("Herunterladen", "Download"))))))));
    }
    const exportForm = memberForm(ctx, { testid: "privacy-export", label: ctx.t("Datenauskunft erstellen", "Create a data export"),
      button: ctx.t("Exportieren", "Export"), run: async (body) => {
        await ctx.api("/admin/api/privacy/exports", { method: "POST", body });
        ctx.toast(ctx.t("Datenauskunft erstellt.", "Data export created."));
        await load();
      } });
    const redactForm = memberForm(ctx, { testid: "privacy-redact", label: ctx.t("Mitglied anonymisieren", "Anonymise a member"), danger: true,
      button: ctx.t("Anonymisieren", "Anonymise"),
      confirmText: ctx.t("Name, E-Mail und Adressen werden unwiderruflich entfernt. Fortfahren?", "Name, email and addresses are removed for good. Continue?"),
      run: async (body) => {
        await ctx.api("/admin/api/privacy/redact", { method: "POST", body });
        ctx.toast(ctx.t("Mitglied anonymisiert.", "Member anonymised."));
      } });
    const confirm = ctx.h("input", { id: "privacy-shop-confirm", name: "confirm", type: "text", placeholder: ctx.shop.domain });
    const shopForm = ctx.h("form", { class: "la-card", "data-testid": "privacy-shop", novalidate: true },
      ctx.h("h3", {}, ctx.t("Alle Daten des Shops löschen", "Delete all of the shop's data")),
      ctx.h("div", { class: "la-field" }, ctx.h("label", { for: "privacy-shop-confirm" },
        ctx.t("Zum Bestätigen die Shop-Adresse eingeben", "Type the shop's address to confirm")), confirm),
      ctx.h("button", { type: "submit", class: "la-danger" }, ctx.t("Endgültig löschen", "Delete for good")));
    ctx.onSubmit(shopForm, async () => {
      ctx.fieldErrors(shopForm, {});
      try {
        await ctx.api("/admin/api/privacy/shop", { method: "DELETE", body: { confirm: confirm.value } });
        document.body.textContent = ctx.t("Alle Daten wurden gelöscht.", "All data has been deleted.");
      } catch (error) {
        if (error.body && error.body.errors) ctx.fieldErrors(shopForm, error.body.errors);
        ctx.toast(ctx.errorText(error), "error");
      }
    });
    el.append(ctx.h("section", { class: "la-card" }, ctx.h("h2", {}, ctx.t("Datenauskünfte", "Data exports")), list),
      exportForm, redactForm, shopForm);
    await load();
  }

  window.LoyaltyAdmin.registerTab({ id: "privacy", order: 90, title: { de: "Datenschutz", en: "Privacy" }, render });
})();
