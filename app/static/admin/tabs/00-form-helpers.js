/* Not a tab: helpers every tab's ctx carries (loaded first of tabs/, registered with the shell). Number fields
 * read in the page's language, so a German "7,50" is 7.50 and never 750 (a type=number input drops the comma), and
 * buttons and forms that send their request once however often they are clicked. */
(function () {
  "use strict";

  // Decimal places each kind of number field takes: an amount of money, another decimal (a multiplier, points per
  // euro, a share in %), a whole number (points, days).
  const PLACES = { money: 2, decimal: 2, integer: 0 };
  const SPACES = /[\s\u00a0\u202f]/g;  // "1 234,50" is grouped with spaces in some countries

  /** The separators of a decimal as typed: with a comma and a dot the later one separates the decimals and the
   *  other groups thousands ("1.234,50", "1,234.50"); one comma or one dot alone separates the decimals ("7,50",
   *  "7.50"); several of one kind group thousands ("1.234.567"). */
  function decimalParts(body) {
    const commas = body.split(",").length - 1;
    const dots = body.split(".").length - 1;
    let point = "";
    let group = "";
    if (commas && dots) {
      point = body.lastIndexOf(",") > body.lastIndexOf(".") ? "," : ".";
      group = point === "," ? "." : ",";
    } else if (commas === 1 || dots === 1) {
      point = commas ? "," : ".";
    } else if (commas || dots) {
      group = commas ? "," : ".";
    }
    const at = point ? body.indexOf(point) : body.length;
    if (point && at !== body.lastIndexOf(point)) return null;
    return { whole: body.slice(0, at), group, fraction: point ? body.slice(at + 1) : null };
  }

  /** "1.234" grouped by "." → "1234"; null unless every group after the first has three digits. */
  function wholeDigits(whole, group) {
    if (/^\d+$/.test(whole)) return whole;
    if (!group || !whole.includes(group)) return null;
    const groups = whole.split(group);
    const fine = /^\d{1,3}$/.test(groups[0]) && groups.slice(1).every((part) => /^\d{3}$/.test(part));
    return fine ? groups.join("") : null;
  }

  /** A number field's text → its value: null when empty, undefined when it is no number of the field's kind.
   *  Money and decimals come back as strings ("7.50", "10": exact, as the API's decimals are), whole numbers as
   *  numbers.
   *  A whole number may group thousands the page's way only ("1.000" in German, "1,000" in English): "1,5" and
   *  "1.5" are no whole numbers, whatever the reader meant. A minus stays: the server says what the field allows. */
  function parseNumber(text, kind, locale) {
    const raw = String(text ?? "").replace(SPACES, "");
    if (!raw) return null;
    const match = /^(-?)([\d.,]+)$/.exec(raw);
    if (!match || !/\d/.test(match[2])) return undefined;
    const [, sign, body] = match;
    const parts = kind === "integer"
      ? { whole: body, group: locale === "en" ? "," : ".", fraction: null }
      : decimalParts(body);
    if (!parts || (parts.fraction !== null && !/^\d+$/.test(parts.fraction))) return undefined;
    const fraction = parts.fraction || "";
    if (fraction.length > (PLACES[kind] ?? 2)) return undefined;
    const digits = parts.whole === "" && fraction ? "0" : wholeDigits(parts.whole, parts.group);
    if (digits === null) return undefined;
    if (kind === "integer") return Number(sign + digits);
    return fraction ? `${sign}${digits}.${fraction}` : sign + digits;
  }

  /** A value as a number field shows it, in the page's language and without grouping: "7.50" → "7,50" (de). */
  function formatNumber(value, kind, locale) {
    if (value === null || value === undefined || value === "") return "";
    const number = Number(value);
    if (!Number.isFinite(number)) return String(value);
    return new Intl.NumberFormat(locale, { useGrouping: false, minimumFractionDigits: kind === "money" ? 2 : 0,
      maximumFractionDigits: PLACES[kind] ?? 2 }).format(number);
  }

  function helpers(ctx) {
    const problem = (kind) => (kind === "integer"
      ? ctx.t("Bitte eine ganze Zahl wie 500 eingeben.", "Enter a whole number like 500.")
      : ctx.t("Bitte eine Zahl wie 7,50 eingeben.", "Enter a number like 7.50."));

    /** A number field: a text input (a type=number input reads a German "7,50" as 750) with the number keyboard,
     *  showing `value` (the API's "7.50") the page's way ("7,50"), or `text` as typed. Leaving the field shows what
     *  was understood ("7.5" becomes "7,50"); a text that is no number stays as typed, for `ctx.numbers` to refuse
     *  when the form is sent (a note appearing as the field is left would move the button being clicked). */
    function numberInput(kind, attrs = {}) {
      const { value, text, ...rest } = attrs;
      const input = ctx.h("input", Object.assign({
        type: "text", inputmode: kind === "integer" ? "numeric" : "decimal", autocomplete: "off", spellcheck: "false",
        dataset: { number: kind }, value: text !== undefined ? text : formatNumber(value, kind, ctx.locale),
      }, rest));
      input.addEventListener("change", () => {
        const parsed = parseNumber(input.value, kind, ctx.locale);
        if (parsed !== null && parsed !== undefined) input.value = formatNumber(parsed, kind, ctx.locale);
      });
      return input;
    }

    /** The values of the number fields in `scope` (an element, or a list of inputs) by name: "7.50", 500 or
     *  null (empty). Throws a 422 like the API's, naming each field that holds no number of its kind, so the
     *  caller's error path marks the fields and nothing is sent. */
    function numbers(scope) {
      const inputs = scope instanceof Element ? scope.querySelectorAll("input[data-number]") : scope;
      const values = {};
      const errors = {};
      for (const input of inputs) {
        const parsed = parseNumber(input.value, input.dataset.number, ctx.locale);
        if (parsed === undefined) errors[input.name] = [problem(input.dataset.number)];
        else values[input.name] = parsed;
      }
      if (Object.keys(errors).length) {
        throw { status: 422, body: { code: 422, status: "Unprocessable Entity", reason: "validation_error", message: "", errors } };
      }
      return values;
    }

    return {
      numberInput, numbers,
      numberText: (value, kind) => formatNumber(value, kind, ctx.locale),
      parseNumber: (text, kind) => parseNumber(text, kind, ctx.locale),
    };
  }

  const busy = new WeakSet();

  /** Run `work()` with `button` disabled (and aria-busy) until it settles: a second click cannot send the request
   *  again. A click while it runs does nothing; the button's disabled state is restored afterwards. */
  async function pending(button, work) {
    if (busy.has(button)) return undefined;
    busy.add(button);
    const wasDisabled = button.disabled;
    button.disabled = true;
    button.setAttribute("aria-busy", "true");
    try {
      return await work();
    } finally {
      busy.delete(button);
      button.disabled = wasDisabled;
      button.removeAttribute("aria-busy");
    }
  }

  /** Handle a form's submit in the page (no navigation); while `handler(event)` runs, another submit (a double
   *  click, Enter) is ignored and the form's enabled submit buttons are disabled. */
  function onSubmit(form, handler) {
    let running = false;
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      if (running) return;
      running = true;
      const buttons = [...form.querySelectorAll("button[type=submit], button:not([type])")].filter((b) => !b.disabled);
      buttons.forEach((b) => { b.disabled = true; });
      try {
        await handler(event);
      } finally {
        running = false;
        buttons.forEach((b) => { b.disabled = false; });
      }
    });
  }

  window.LoyaltyAdmin.registerHelpers((ctx) => Object.assign(helpers(ctx), { pending, onSubmit }));
})();
