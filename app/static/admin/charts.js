/* Small dependency-free SVG charts for the admin page: line, bar, stacked bar and heat map.
 *
 *   window.LoyaltyCharts.render(el, spec)
 *   spec = {type: "line" | "bar" | "stacked", labels: [...], series: [{name, values: [number|null]}],
 *           format?: (n) => string, title?: string}
 *        | {type: "heatmap", rows: [...], columns: [...], values: [[number|null]], max?: number,
 *           format?: (n) => string, title?: string}
 * Every text goes in as textContent; labels come from the shop's data and are never parsed as markup.
 *
 * A chart is drawn at the width it is shown at (its viewBox is that width in CSS pixels) and drawn again when
 * that width changes: a 640-unit drawing shrunk onto a phone rendered its 11-unit labels at 6 px. Texts are
 * 12 px at every width; a narrow chart shows fewer axis labels instead of smaller ones.
 */
(function () {
  "use strict";

  const NS = "http://www.w3.org/2000/svg";
  const COLORS = ["#2c6ecb", "#e07a1f", "#3a9b5c", "#8a5cc2", "#c23a5c", "#5c8ac2"];
  const DEFAULT_WIDTH = 640;  // before the chart is on the page and has a width of its own
  const FONT = 12;
  const SMALL_FONT = 11;  // numbers inside a narrow heat-map cell
  const CHAR = 0.62;  // a generous average glyph width, in ems, for the system sans-serif fonts
  const PAD = { top: 16, right: 16, bottom: 32 };
  const HEAT = { top: 28, row: 24, minCell: 28, maxCell: 44 };

  function svgEl(tag, attrs, text) {
    const node = document.createElementNS(NS, tag);
    for (const [key, value] of Object.entries(attrs || {})) node.setAttribute(key, String(value));
    if (text !== undefined) node.textContent = String(text);
    return node;
  }

  function textWidth(text, size) {
    return String(text).length * (size || FONT) * CHAR;
  }

  function frame(type, title, width, height) {
    const svg = svgEl("svg", { viewBox: `0 0 ${width} ${height}`, width: "100%", role: "img",
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

  /** The plot area for a width: the left margin fits the widest value label, the height suits a phone too. */
  function plotBox(width, s, format) {
    const widest = Math.max(1, ...s.ticks.map((tick) => textWidth(format(tick))));
    const left = Math.max(36, Math.ceil(widest + 10));
    const height = width < 480 ? 220 : 240;
    return { width, height, left, right: width - PAD.right, top: PAD.top, bottom: height - PAD.bottom };
  }

  function axes(svg, labels, s, format, band, box) {
    const y = (v) => box.bottom - ((v - s.lo) / (s.hi - s.lo || 1)) * (box.bottom - box.top);
    let previous = null;
    for (const tick of s.ticks) {
      // a small range in a coarse format ("0 %, 0 %, 1 %, 1 %") would repeat a label: each label once
      const label = format(tick);
      if (label === previous) continue;
      previous = label;
      svg.appendChild(svgEl("line", { x1: box.left, x2: box.right, y1: y(tick), y2: y(tick),
        stroke: tick === 0 ? "#999" : "#e5e5e5" }));
      svg.appendChild(svgEl("text", { x: box.left - 6, y: y(tick) + 4, "text-anchor": "end", "font-size": FONT,
        fill: "#555" }, label));
    }
    // Skip labels so that none overlaps its neighbour: a narrow chart shows every second or third month.
    const widest = Math.max(1, ...labels.map((label) => textWidth(label))) + 10;
    const every = Math.max(1, Math.ceil(widest / band.width));
    labels.forEach((label, i) => {
      if (i % every) return;
      svg.appendChild(svgEl("text", { x: band.center(i), y: box.bottom + 18, "text-anchor": "middle",
        "font-size": FONT, fill: "#555" }, label));
    });
    return y;
  }

  function band(count, padding, box) {
    const width = (box.right - box.left) / Math.max(1, count);
    return { width, inner: width * (1 - padding), center: (i) => box.left + width * (i + 0.5) };
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

  function line(spec, format, width) {
    const s = scale(Math.min(0, ...numbers(spec.series)), Math.max(0, ...numbers(spec.series)));
    const box = plotBox(width, s, format);
    const svg = frame("line", spec.title, width, box.height);
    const b = band(spec.labels.length, 0, box);
    const y = axes(svg, spec.labels, s, format, b, box);
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

  function bars(spec, format, stacked, width) {
    const totals = spec.labels.map((_, i) => spec.series.reduce((sum, s) => sum + Math.max(0, Number(s.values[i]) || 0), 0));
    const values = stacked ? totals : numbers(spec.series);
    const s = scale(Math.min(0, ...values, ...numbers(spec.series)), Math.max(0, ...values));
    const box = plotBox(width, s, format);
    const svg = frame(stacked ? "stacked" : "bar", spec.title, width, box.height);
    const b = band(spec.labels.length, 0.3, box);
    const y = axes(svg, spec.labels, s, format, b, box);
    spec.labels.forEach((label, i) => {
      let base = 0;
      spec.series.forEach((series, k) => {
        const v = Number(series.values[i]) || 0;
        const barWidth = stacked ? b.inner : b.inner / spec.series.length;
        const x = b.center(i) - b.inner / 2 + (stacked ? 0 : k * barWidth);
        const from = stacked ? base : 0;
        const to = stacked ? base + Math.max(0, v) : v;
        const rect = svgEl("rect", { x, width: Math.max(1, barWidth - 1), y: Math.min(y(from), y(to)),
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

  /** Cells never shrink below a legible number: a heat map wider than its place scrolls sideways instead, its
   * row labels drawn apart and kept in view (sticky) so a phone still shows which month a row is. */
  function heatmap(spec, format, width) {
    const rows = spec.rows || [];
    const columns = spec.columns || [];
    const labelWidth = Math.ceil(Math.max(40, ...rows.map((label) => textWidth(label))) + 12);
    const count = Math.max(1, columns.length);
    const cell = Math.max(HEAT.minCell, Math.min(HEAT.maxCell, Math.floor((width - labelWidth) / count)));
    const height = HEAT.top + rows.length * HEAT.row + 8;
    if (labelWidth + count * cell <= width) {
      const svg = frame("heatmap", spec.title, width, height);
      heatLabels(svg, rows, labelWidth);
      heatCells(svg, spec, format, labelWidth, cell);
      return svg;
    }
    const labels = frame("heatmap-labels", "", labelWidth, height);
    labels.setAttribute("width", String(labelWidth));
    labels.setAttribute("aria-hidden", "true");
    heatLabels(labels, rows, labelWidth);
    const cells = frame("heatmap", spec.title, count * cell, height);
    cells.setAttribute("width", String(count * cell));
    heatCells(cells, spec, format, 0, cell);
    const wide = document.createElement("div");
    wide.className = "lc-heat-wide";
    wide.append(labels, cells);
    return wide;
  }

  function heatLabels(svg, rows, labelWidth) {
    rows.forEach((label, i) => svg.appendChild(svgEl("text", { x: labelWidth - 6, y: HEAT.top + i * HEAT.row + 16,
      "text-anchor": "end", "font-size": FONT, fill: "#333" }, label)));
  }

  function heatCells(svg, spec, format, left, cell) {
    const rows = spec.rows || [];
    const columns = spec.columns || [];
    const numberFont = cell >= 36 ? FONT : SMALL_FONT;
    const max = spec.max || Math.max(1, ...spec.values.flat().filter((v) => v !== null).map(Number));
    columns.forEach((label, j) => svg.appendChild(svgEl("text", { x: left + j * cell + cell / 2, y: 18,
      "text-anchor": "middle", "font-size": FONT, fill: "#555" }, label)));
    rows.forEach((label, i) => {
      const top = HEAT.top + i * HEAT.row;
      (spec.values[i] || []).forEach((v, j) => {
        const rect = svgEl("rect", { x: left + j * cell, y: top, width: cell - 2, height: HEAT.row - 2, rx: 3,
          fill: heat(v, max) });
        const shown = v === null || v === undefined ? "–" : format(Number(v));
        rect.appendChild(svgEl("title", {}, `${label} +${columns[j]}: ${shown}`));
        svg.appendChild(rect);
        if (v !== null && v !== undefined) {
          svg.appendChild(svgEl("text", { x: left + j * cell + cell / 2 - 1, y: top + 15, "text-anchor": "middle",
            "font-size": numberFont, fill: Number(v) / max > 0.5 ? "#fff" : "#333" }, Math.round(Number(v))));
        }
      });
    });
  }

  /** The admin page's language (its toggle sets <html lang>), not the browser's: a German page groups "10.000". */
  function pageLocale(ctx) {
    return (ctx && ctx.locale) || document.documentElement.lang || "de";
  }

  function draw(spec, format, width) {
    if (spec.type === "line") return line(spec, format, width);
    if (spec.type === "bar") return bars(spec, format, false, width);
    if (spec.type === "stacked") return bars(spec, format, true, width);
    if (spec.type === "heatmap") return heatmap(spec, format, width);
    throw new Error(`unknown chart type ${spec.type}`);
  }

  /** Draws again whenever the figure's width changes (shown, window resized, phone turned). */
  function followWidth(wrap, redraw) {
    if (typeof ResizeObserver !== "function") return;
    new ResizeObserver((entries) => {
      const width = Math.floor(entries[entries.length - 1].contentRect.width);
      if (width > 0) redraw(width);
    }).observe(wrap);
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
    if (spec.type !== "heatmap") legend(wrap, spec.series);
    el.appendChild(wrap);
    // a figure already on the page is drawn at its width at once; one still being built is drawn once shown
    let width = Math.floor(wrap.clientWidth) || DEFAULT_WIDTH;
    let svg = draw(spec, format, width);
    wrap.insertBefore(svg, wrap.querySelector(".lc-legend"));
    followWidth(wrap, (next) => {
      if (next === width) return;
      width = next;
      const fresh = draw(spec, format, width);
      svg.replaceWith(fresh);
      svg = fresh;
    });
    return wrap;
  }

  window.LoyaltyCharts = { render, chart: (el, spec, ctx) => render(el, spec, ctx) };
})();
