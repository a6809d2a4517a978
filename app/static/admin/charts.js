/* Small dependency-free SVG charts for the admin page: line, bar, stacked bar and heat map.
 *
 *   window.LoyaltyCharts.render(el, spec)
 *   spec = {type: "line" | "bar" | "stacked", labels: [...], series: [{name, values: [number|null]}],
 *           format?: (n) => string, title?: string}
 *        | {type: "heatmap", rows: [...], columns: [...], values: [[number|null]], max?: number,
 *           format?: (n) => string, title?: string}
 * Every text goes in as textContent; labels come from the shop's data and are never parsed as markup.
 */
(function () {
  "use strict";

  const NS = "http://www.w3.org/2000/svg";
  const COLORS = ["#2c6ecb", "#e07a1f", "#3a9b5c", "#8a5cc2", "#c23a5c", "#5c8ac2"];
  const W = 640;
  const H = 240;
  const PAD = { top: 16, right: 16, bottom: 40, left: 52 };

  function svgEl(tag, attrs, text) {
    const node = document.createElementNS(NS, tag);
    for (const [key, value] of Object.entries(attrs || {})) node.setAttribute(key, String(value));
    if (text !== undefined) node.textContent = String(text);
    return node;
  }

  function frame(type, title, height) {
    const svg = svgEl("svg", { viewBox: `0 0 ${W} ${height || H}`, width: "100%", role: "img",
      class: `lc-chart lc-${type}`, "data-testid": `chart-${type}`, preserveAspectRatio: "xMidYMid meet" });
    if (title) svg.appendChild(svgEl("title", {}, title));
    return svg;
  }

  function numbers(series) {
    return series.flatMap((s) => s.values).filter((v) => v !== null && v !== undefined && !Number.isNaN(Number(v)))
      .map(Number);
  }

  /** A "nice" scale from min to max with about five ticks. */
  function scale(min, max) {
    if (min === max) { max = min + 1; }
    const raw = (max - min) / 5;
    const magnitude = Math.pow(10, Math.floor(Math.log10(raw)));
    const step = [1, 2, 2.5, 5, 10].map((m) => m * magnitude).find((s) => s >= raw) || raw;
    const lo = Math.floor(min / step) * step;
    const hi = Math.ceil(max / step) * step;
    const ticks = [];
    for (let v = lo; v <= hi + step / 2; v += step) ticks.push(Number(v.toFixed(6)));
    return { lo, hi, ticks };
  }

  function axes(svg, labels, s, format, band) {
    const plotH = H - PAD.top - PAD.bottom;
    const y = (v) => PAD.top + plotH - ((v - s.lo) / (s.hi - s.lo || 1)) * plotH;
    let previous = null;
    for (const tick of s.ticks) {
      // a small range in a coarse format ("0 %, 0 %, 1 %, 1 %") would repeat a label: each label once
      const label = format(tick);
      if (label === previous) continue;
      previous = label;
      svg.appendChild(svgEl("line", { x1: PAD.left, x2: W - PAD.right, y1: y(tick), y2: y(tick),
        stroke: tick === 0 ? "#999" : "#e5e5e5" }));
      svg.appendChild(svgEl("text", { x: PAD.left - 6, y: y(tick) + 4, "text-anchor": "end", "font-size": 11,
        fill: "#666" }, label));
    }
    // Skip labels so that none overlaps its neighbour: about 6.5 units per character at font-size 11, plus a gap.
    const widest = Math.max(1, ...labels.map((label) => String(label).length)) * 6.5 + 10;
    const every = Math.max(1, Math.ceil((labels.length * widest) / (W - PAD.left - PAD.right)));
    labels.forEach((label, i) => {
      if (i % every) return;
      svg.appendChild(svgEl("text", { x: band.center(i), y: H - PAD.bottom + 16, "text-anchor": "middle",
        "font-size": 11, fill: "#666" }, label));
    });
    return y;
  }

  function band(count, padding) {
    const plotW = W - PAD.left - PAD.right;
    const width = plotW / Math.max(1, count);
    return { width, inner: width * (1 - padding), center: (i) => PAD.left + width * (i + 0.5) };
  }

  function legend(el, series) {
    if (series.length < 2) return;
    const box = document.createElement("div");
    box.className = "lc-legend";
    series.forEach((s, i) => {
      const item = document.createElement("span");
      item.className = "lc-legend-item";
      const swatch = document.createElement("span");
      swatch.className = "lc-swatch";
      swatch.style.background = s.color || COLORS[i % COLORS.length];
      item.appendChild(swatch);
      item.appendChild(document.createTextNode(s.name));
      box.appendChild(item);
    });
    el.appendChild(box);
  }

  function line(spec, format) {
    const svg = frame("line", spec.title);
    const s = scale(Math.min(0, ...numbers(spec.series)), Math.max(0, ...numbers(spec.series)));
    const b = band(spec.labels.length, 0);
    const y = axes(svg, spec.labels, s, format, b);
    spec.series.forEach((series, k) => {
      const color = series.color || COLORS[k % COLORS.length];
      const points = series.values.map((v, i) => [i, v]).filter(([, v]) => v !== null && v !== undefined);
      const path = points.map(([i, v], n) => `${n ? "L" : "M"}${b.center(i).toFixed(1)},${y(Number(v)).toFixed(1)}`);
      svg.appendChild(svgEl("path", { d: path.join(""), fill: "none", stroke: color, "stroke-width": 2 }));
      for (const [i, v] of points) {
        const dot = svgEl("circle", { cx: b.center(i), cy: y(Number(v)), r: 3, fill: color });
        dot.appendChild(svgEl("title", {}, `${series.name} ${spec.labels[i]}: ${format(Number(v))}`));
        svg.appendChild(dot);
      }
    });
    return svg;
  }

  function bars(spec, format, stacked) {
    const svg = frame(stacked ? "stacked" : "bar", spec.title);
    const totals = spec.labels.map((_, i) => spec.series.reduce((sum, s) => sum + Math.max(0, Number(s.values[i]) || 0), 0));
    const values = stacked ? totals : numbers(spec.series);
    const s = scale(Math.min(0, ...values, ...numbers(spec.series)), Math.max(0, ...values));
    const b = band(spec.labels.length, 0.3);
    const y = axes(svg, spec.labels, s, format, b);
    spec.labels.forEach((label, i) => {
      let base = 0;
      spec.series.forEach((series, k) => {
        const v = Number(series.values[i]) || 0;
        const width = stacked ? b.inner : b.inner / spec.series.length;
        const x = b.center(i) - b.inner / 2 + (stacked ? 0 : k * width);
        const from = stacked ? base : 0;
        const to = stacked ? base + Math.max(0, v) : v;
        const rect = svgEl("rect", { x, width: Math.max(1, width - 1), y: Math.min(y(from), y(to)),
          height: Math.abs(y(from) - y(to)), fill: series.color || COLORS[k % COLORS.length] });
        rect.appendChild(svgEl("title", {}, `${series.name} ${label}: ${format(v)}`));
        svg.appendChild(rect);
        if (stacked) base = to;
      });
    });
    return svg;
  }

  function heat(value, max) {
    if (value === null || value === undefined) return "#f4f4f4";
    const share = Math.max(0, Math.min(1, Number(value) / (max || 1)));
    const light = Math.round(96 - share * 56);
    return `hsl(214, 62%, ${light}%)`;
  }

  function heatmap(spec, format) {
    const rows = spec.rows || [];
    const columns = spec.columns || [];
    const cell = Math.max(18, Math.min(44, Math.floor((W - 80) / Math.max(1, columns.length))));
    const height = 28 + rows.length * 22 + 8;
    const svg = frame("heatmap", spec.title, height);
    const max = spec.max || Math.max(1, ...spec.values.flat().filter((v) => v !== null).map(Number));
    columns.forEach((label, j) => svg.appendChild(svgEl("text", { x: 80 + j * cell + cell / 2, y: 16,
      "text-anchor": "middle", "font-size": 11, fill: "#666" }, label)));
    rows.forEach((label, i) => {
      const top = 26 + i * 22;
      svg.appendChild(svgEl("text", { x: 74, y: top + 15, "text-anchor": "end", "font-size": 11, fill: "#333" }, label));
      (spec.values[i] || []).forEach((v, j) => {
        const rect = svgEl("rect", { x: 80 + j * cell, y: top, width: cell - 2, height: 20, rx: 3, fill: heat(v, max) });
        const shown = v === null || v === undefined ? "–" : format(Number(v));
        rect.appendChild(svgEl("title", {}, `${label} +${columns[j]}: ${shown}`));
        svg.appendChild(rect);
        if (v !== null && v !== undefined && cell >= 30) {
          svg.appendChild(svgEl("text", { x: 80 + j * cell + cell / 2 - 1, y: top + 14, "text-anchor": "middle",
            "font-size": 10, fill: Number(v) / max > 0.5 ? "#fff" : "#333" }, Math.round(Number(v))));
        }
      });
    });
    return svg;
  }

  /** The admin page's language (its toggle sets <html lang>), not the browser's: a German page groups "10.000". */
  function pageLocale(ctx) {
    return (ctx && ctx.locale) || document.documentElement.lang || "de";
  }

  function render(el, spec, ctx) {
    const numberFormat = new Intl.NumberFormat(pageLocale(ctx), { maximumFractionDigits: 2 });
    const format = spec.format || ((n) => numberFormat.format(n));
    const wrap = document.createElement("figure");
    wrap.className = "lc-figure";
    if (spec.title) {
      const caption = document.createElement("figcaption");
      caption.textContent = spec.title;
      wrap.appendChild(caption);
    }
    let svg;
    if (spec.type === "line") svg = line(spec, format);
    else if (spec.type === "bar") svg = bars(spec, format, false);
    else if (spec.type === "stacked") svg = bars(spec, format, true);
    else if (spec.type === "heatmap") svg = heatmap(spec, format);
    else throw new Error(`unknown chart type ${spec.type}`);
    wrap.appendChild(svg);
    if (spec.type !== "heatmap") legend(wrap, spec.series);
    el.appendChild(wrap);
    return wrap;
  }

  window.LoyaltyCharts = { render, chart: (el, spec, ctx) => render(el, spec, ctx) };
})();
