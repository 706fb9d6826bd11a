// Drawing on canvases: decoding the widget's buffers, colour maps, panels, bars, heatmaps
// and legends (the explorers' ES module, after equations.js).

// ---------------------------------------------------------------- data and colours
function decode(packed) { // {b64, shape} of little-endian float32, or a nested list
  if (packed === null || packed === undefined) return null;
  if (Array.isArray(packed)) return Float64Array.from(packed.flat(Infinity));
  const bytes = Uint8Array.from(atob(packed.b64), (c) => c.charCodeAt(0));
  return new Float32Array(bytes.buffer);
}

const RDBU_R = [[5, 48, 97], [33, 102, 172], [67, 147, 195], [146, 197, 222], [209, 229, 240], [247, 247, 247],
  [253, 219, 199], [244, 165, 130], [214, 96, 77], [178, 24, 43], [103, 0, 31]];
const CMAPS = {
  diverging(u) {
    const x = Math.min(Math.max(u, 0), 1) * (RDBU_R.length - 1), i = Math.min(Math.floor(x), RDBU_R.length - 2);
    const f = x - i, a = RDBU_R[i], b = RDBU_R[i + 1];
    return [0, 1, 2].map((c) => Math.round(a[c] + f * (b[c] - a[c])));
  },
  gray(u) {
    const v = Math.round(255 * Math.min(Math.max(u, 0), 1));
    return [v, v, v];
  },
};
const COLORS = { read: "#0173b2", write: "#de8f05", content: "#0173b2", gated: "#029e73", shifted: "#de8f05",
  sharpened: "#cc78bc", previous: "#777777", memory: "#949494", focus: "#e41a1c" };

function h(tag, className, text) {
  const e = document.createElement(tag);
  if (className) e.className = className;
  if (text !== undefined) e.textContent = text;
  return e;
}

const fmt = (v, d = 2) => Number(v).toFixed(d);

// ---------------------------------------------------------------- panels and plots
class Panel { // a caption above a canvas that fills the panel's width
  constructor(parent, { height = 170, basis = 190, grow = 1 } = {}) {
    this.box = h("div", "ntm-panel");
    this.box.style.flex = `${grow} 1 ${basis}px`;
    this.caption = h("div", "ntm-caption");
    this.canvas = h("canvas");
    this.canvas.style.height = `${height}px`;
    this.height = height;
    this.basis = basis;
    this.box.append(this.caption, this.canvas);
    parent.append(this.box);
  }

  measure(ink) { // layout reads, done for every panel before any panel writes
    this.width = this.canvas.clientWidth || this.basis;
    this.ink = ink;
  }

  begin(caption) {
    if (this.caption.textContent !== caption) this.caption.textContent = caption;
    const dpr = window.devicePixelRatio || 1, w = this.width || this.basis;
    const pw = Math.round(w * dpr), ph = Math.round(this.height * dpr);
    if (this.canvas.width !== pw || this.canvas.height !== ph) {
      this.canvas.width = pw;
      this.canvas.height = ph;
    }
    const ctx = this.canvas.getContext("2d");
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, w, this.height);
    const ink = this.ink || "#222";
    ctx.font = "11px system-ui, sans-serif";
    ctx.fillStyle = ink;
    ctx.strokeStyle = ink;
    return { ctx, w, h: this.height, ink };
  }
}

const FRAME = { left: 30, right: 6, top: 6, bottom: 18 };

function axisLabels(ctx, labels, place) { // labels: [[position, text]], place(pos) -> [x, y, align]
  for (const [pos, text] of labels) {
    const [x, y, align, base] = place(pos);
    ctx.textAlign = align;
    ctx.textBaseline = base;
    ctx.fillText(text, x, y);
  }
}

// The frame with a left margin wide enough for the longest row label.
function fit(ctx, frame, labels) {
  let widest = 0;
  for (const label of labels || []) widest = Math.max(widest, ctx.measureText(label).width);
  return { ...frame, left: Math.max(frame.left, Math.ceil(widest) + 6) };
}

function ticks(count, max = 8) { // indices to label: about max of them
  const step = Math.max(1, Math.ceil(count / max)), out = [];
  for (let i = 0; i < count; i += step) out.push(i);
  return out;
}

// Bars over locations. horizontal: locations top to bottom, values along x in [lo, hi].
function bars(panel, caption, series, { horizontal = false, lo = 0, hi = 1, labels = null, frame = FRAME } = {}) {
  const { ctx, w, h: ht } = panel.begin(caption);
  const count = series[0].values.length;
  const names = labels || Array.from({ length: count }, (_, i) => String(i));
  if (horizontal) frame = fit(ctx, frame, names);
  const x0 = frame.left, y0 = frame.top, pw = w - frame.left - frame.right, ph = ht - frame.top - frame.bottom;
  const band = (horizontal ? ph : pw) / count;
  const scale = (v) => (Math.min(Math.max(v, lo), hi) - lo) / (hi - lo);
  const zero = scale(0);
  series.forEach(({ values, color, outline = false, offset = 0, thickness = 0.8 }) => {
    for (let i = 0; i < count; i++) {
      const a = Math.min(zero, scale(values[i])), b = Math.max(zero, scale(values[i]));
      const along = (i + 0.5 + offset - thickness / 2) * band;
      const rect = horizontal ? [x0 + a * pw, y0 + along, (b - a) * pw, thickness * band]
        : [x0 + along, y0 + ph - b * ph, thickness * band, (b - a) * ph];
      if (outline) {
        ctx.save();
        ctx.setLineDash([3, 2]);
        ctx.strokeStyle = color;
        ctx.lineWidth = 1.2;
        ctx.strokeRect(...rect);
        ctx.restore();
      } else {
        ctx.fillStyle = color;
        ctx.fillRect(...rect);
      }
    }
  });
  ctx.fillStyle = ctx.strokeStyle; // the ink again, for the frame and labels
  ctx.globalAlpha = 0.6;
  ctx.strokeRect(x0, y0, pw, ph);
  ctx.globalAlpha = 1;
  const idx = ticks(count, horizontal ? Math.max(2, ph / 14) : Math.max(2, pw / 22));
  const valueTicks = [[lo, fmt(lo, lo % 1 ? 2 : 0)], [hi, fmt(hi, hi % 1 ? 2 : 0)]];
  if (horizontal) {
    axisLabels(ctx, idx.map((i) => [i, names[i]]), (i) => [x0 - 3, y0 + (i + 0.5) * band, "right", "middle"]);
    axisLabels(ctx, valueTicks, (v) => [x0 + scale(v) * pw, y0 + ph + 3, v === lo ? "left" : "right", "top"]);
  } else {
    axisLabels(ctx, idx.map((i) => [i, names[i]]), (i) => [x0 + (i + 0.5) * band, y0 + ph + 3, "center", "top"]);
    axisLabels(ctx, valueTicks, (v) => [x0 - 3, y0 + ph - scale(v) * ph, "right", v === lo ? "bottom" : "top"]);
  }
  return { x0, y0, pw, ph, band };
}

// A rows x cols matrix as coloured cells; columns >= shownCols are left grey (the future).
function heatmap(panel, caption, data, rows, cols, { vmin = -1, vmax = 1, cmap = "diverging", rowLabels = null,
  shownCols = cols, frame = FRAME, colTicks = true } = {}) {
  const { ctx, w, h: ht } = panel.begin(caption);
  const labels = rowLabels || Array.from({ length: rows }, (_, i) => String(i));
  frame = fit(ctx, frame, labels);
  const x0 = frame.left, y0 = frame.top, pw = w - frame.left - frame.right, ph = ht - frame.top - frame.bottom;
  const image = new ImageData(cols, rows), colour = CMAPS[cmap];
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      const p = 4 * (r * cols + c);
      const rgb = c < shownCols ? colour((data[r * cols + c] - vmin) / (vmax - vmin)) : [232, 232, 232];
      image.data[p] = rgb[0];
      image.data[p + 1] = rgb[1];
      image.data[p + 2] = rgb[2];
      image.data[p + 3] = 255;
    }
  }
  panel.scratch = panel.scratch || document.createElement("canvas");
  panel.scratch.width = cols;
  panel.scratch.height = rows;
  panel.scratch.getContext("2d").putImageData(image, 0, 0);
  ctx.imageSmoothingEnabled = false;
  ctx.drawImage(panel.scratch, x0, y0, pw, ph);
  axisLabels(ctx, ticks(rows, Math.max(2, ph / 14)).map((r) => [r, labels[r]]),
    (r) => [x0 - 3, y0 + ((r + 0.5) * ph) / rows, "right", "middle"]);
  if (colTicks) {
    axisLabels(ctx, ticks(cols, Math.max(2, pw / 24)).map((c) => [c, String(c)]),
      (c) => [x0 + ((c + 0.5) * pw) / cols, y0 + ph + 3, "center", "top"]);
  }
  return { ctx, x0, y0, pw, ph, cellW: pw / cols, cellH: ph / rows };
}

function legend(parent, items) {
  const box = h("div", "ntm-legend");
  for (const [color, text, dashed] of items) {
    const item = h("span", "ntm-legend-item");
    const swatch = h("span", "ntm-swatch");
    swatch.style[dashed ? "borderColor" : "background"] = color;
    if (dashed) swatch.style.borderStyle = "dashed";
    item.append(swatch, document.createTextNode(text));
    box.append(item);
  }
  parent.append(box);
}
