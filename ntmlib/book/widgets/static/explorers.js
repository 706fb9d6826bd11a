// The book's explorers, drawn in the reader's page (an anywidget ES module).
//
// Each explorer is one widget whose state holds its data (memory, key, trace ...) and
// references to its ipywidgets sliders. A slider move recomputes here, in JavaScript,
// and redraws canvases: no kernel is needed, so the static book stays live.
// The arithmetic mirrors ntmlib.addressing and ntmlib.memory (a browser test pins the
// two equal): float64 here, the same EPS, the same numerically safe sharpening.

const EPS = 1e-8; // ntmlib.addressing.EPS

// ---------------------------------------------------------------- the equations
export function cosineSimilarity(key, memory, n, m) {
  const out = new Float64Array(n);
  let kk = 0;
  for (let j = 0; j < m; j++) kk += key[j] * key[j];
  const keyNorm = Math.sqrt(kk + EPS);
  for (let i = 0; i < n; i++) {
    let dot = 0, rr = 0;
    for (let j = 0; j < m; j++) {
      const v = memory[i * m + j];
      dot += key[j] * v;
      rr += v * v;
    }
    out[i] = dot / (keyNorm * Math.sqrt(rr + EPS));
  }
  return out;
}

export function softmax(x) {
  let top = -Infinity;
  for (const v of x) top = Math.max(top, v);
  const out = new Float64Array(x.length);
  let total = 0;
  for (let i = 0; i < x.length; i++) total += (out[i] = Math.exp(x[i] - top));
  for (let i = 0; i < x.length; i++) out[i] /= total;
  return out;
}

export const contentFocus = (similarity, beta) => softmax(similarity.map((s) => beta * s)); // eq. 5

export const interpolate = (content, previous, g) => content.map((c, i) => g * c + (1 - g) * previous[i]); // eq. 7

export function convolveShift(w, shift) { // eq. 8: an offset of +1 moves a focus from i to i+1
  const n = w.length, k = (shift.length - 1) / 2, out = new Float64Array(n);
  for (let s = 0; s < shift.length; s++) {
    const offset = s - k;
    for (let i = 0; i < n; i++) out[i] += shift[s] * w[(((i - offset) % n) + n) % n];
  }
  return out;
}

export const sharpen = (w, gamma) => softmax(w.map((v) => gamma * Math.log(v + EPS))); // eq. 9

export function scalarShift(x, maxShift) { // §3.3.2: the triangle max(0, 1 - |x - offset|)
  const out = new Float64Array(2 * maxShift + 1);
  for (let s = 0; s < out.length; s++) out[s] = Math.max(0, 1 - Math.abs(x - (s - maxShift)));
  return out;
}

export function normaliseShift(masses) { // the sliders' masses as a distribution (all 0: uniform)
  const s = masses.map((v) => Math.max(0, v));
  const total = s.reduce((a, b) => a + b, 0);
  return Float64Array.from(s, (v) => (total > 0 ? v / total : 1 / s.length));
}

export function eraseAdd(memory, w, erase, add, n, m) { // eq. 3 then eq. 4, one head
  const erased = new Float64Array(n * m), after = new Float64Array(n * m);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < m; j++) {
      const e = memory[i * m + j] * (1 - w[i] * erase[j]);
      erased[i * m + j] = e;
      after[i * m + j] = e + w[i] * add[j];
    }
  }
  return { erased, after };
}

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

// ---------------------------------------------------------------- the explorers
// Each kind: setup(x) builds its panels once; compute(x, values) returns the stages;
// draw(x, stages, values) paints them; wire(x), when there, listens to more than the
// sliders. x: {model, el, data, root, panels, widgets, values, listen, setSlider, redraw}.

const KINDS = {};

KINDS.write = {
  setup(x) {
    const [n, m] = x.data.shape;
    x.memory = decode(x.data.memory);
    x.pattern = decode(x.data.pattern);
    x.n = n;
    x.m = m;
    x.vmax = x.data.vmax;
    x.panels = [new Panel(x.root, { basis: 150 }), ...[0, 1, 2].map(() => new Panel(x.root, { basis: 170 }))];
  },
  compute(x, v) {
    const w = new Float64Array(x.n).map((_, i) => v.focus * (i === v.location ? 1 : 0) + (1 - v.focus) / x.n);
    const erase = new Float64Array(x.m).fill(v.erase), add = x.pattern.map((p) => v.add * p);
    return { weighting: w, erase_vector: erase, add_vector: Float64Array.from(add), ...eraseAdd(x.memory, w, erase, add, x.n, x.m) };
  },
  draw(x, s, v) {
    bars(x.panels[0], `write weighting w (e = ${fmt(v.erase)}, a = ${v.add >= 0 ? "+" : ""}${fmt(v.add)}·pattern)`,
      [{ values: s.weighting, color: COLORS.write }], { horizontal: true });
    const opts = { vmin: -x.vmax, vmax: x.vmax };
    heatmap(x.panels[1], "M(t-1), before", x.memory, x.n, x.m, opts);
    heatmap(x.panels[2], "after erase (eq. 3)", s.erased, x.n, x.m, opts);
    heatmap(x.panels[3], "M(t) after add (eq. 4)", s.after, x.n, x.m, opts);
  },
};

KINDS.content = {
  setup(x) {
    [x.n, x.m] = x.data.shape;
    x.memory = decode(x.data.memory);
    x.vmax = x.data.vmax;
    x.panels = [new Panel(x.root, { basis: 170, height: 190 }), new Panel(x.root, { basis: 170, height: 190 }),
      new Panel(x.root, { basis: 170, height: 190 })];
  },
  compute(x, v) {
    const key = Float64Array.from(x.data.key_names, (name) => v[name]);
    const similarity = cosineSimilarity(key, x.memory, x.n, x.m);
    return { key, similarity, content: contentFocus(similarity, v.beta) };
  },
  draw(x, s, v) {
    const withKey = new Float64Array((x.n + 1) * x.m);
    withKey.set(x.memory);
    withKey.set(s.key, x.n * x.m);
    const labels = [...Array.from({ length: x.n }, (_, i) => String(i)), "key"];
    heatmap(x.panels[0], "memory M (rows) and the key k (last row)", withKey, x.n + 1, x.m,
      { vmin: -x.vmax, vmax: x.vmax, rowLabels: labels });
    bars(x.panels[1], "cosine similarity K[k, M(i)] (eq. 6)", [{ values: s.similarity, color: COLORS.memory }],
      { horizontal: true, lo: -1, hi: 1 });
    bars(x.panels[2], `content weighting w^c (eq. 5), β = ${fmt(v.beta, 1)}`,
      [{ values: s.content, color: COLORS.content }], { horizontal: true });
  },
  wire(x) { // the "key := row i" picker copies a memory row into the key sliders
    const picker = x.widgets.picker;
    if (!picker) return;
    x.listen(picker, "change:index", () => {
      const row = picker.get("index") - 1;
      if (row < 0) return;
      x.data.key_names.forEach((name, j) => x.setSlider(name, x.memory[row * x.m + j]));
    });
  },
};

KINDS.addressing = {
  stages: ["content", "gated", "shifted", "sharpened"],
  setup(x) {
    [x.n, x.m] = x.data.shape;
    x.memory = decode(x.data.memory);
    x.fixedKey = decode(x.data.fixed_key);
    x.previous = Float64Array.from(x.model.get("previous"));
    const buttons = h("div", "ntm-buttons");
    const step = h("button", "ntm-button", "step: w(t-1) := w(t)");
    const reset = h("button", "ntm-button", "reset w(t-1)");
    step.addEventListener("click", () => this.setPrevious(x, x.stages.sharpened));
    reset.addEventListener("click", () => this.setPrevious(x, x.data.initial_previous));
    buttons.append(step, reset);
    x.el.insertBefore(buttons, x.root);
    x.panels = this.stages.map(() => new Panel(x.root, { basis: 160, height: 160 }));
    legend(x.el, [[COLORS.content, "w^c, content"], [COLORS.previous, "w(t-1), previous", true]]);
  },
  setPrevious(x, previous) { // the view's w(t-1): the listener in wire() redraws, a kernel follows
    x.model.set("previous", Array.from(previous));
    x.model.save_changes();
  },
  wire(x) { // w(t-1) changes with the step and reset buttons, or from Python (explorer.previous = ...)
    x.listen(x.model, "change:previous", () => {
      x.previous = Float64Array.from(x.model.get("previous"));
      x.redraw();
    });
  },
  compute(x, v) {
    const key = x.fixedKey || x.memory.subarray(v["key row"] * x.m, (v["key row"] + 1) * x.m);
    const shift = normaliseShift(x.data.shift_names.map((name) => v[name]));
    const content = contentFocus(cosineSimilarity(key, x.memory, x.n, x.m), v.beta);
    const gated = interpolate(content, x.previous, v.g);
    const shifted = convolveShift(gated, shift);
    return { previous: Float64Array.from(x.previous), shift, content, gated, shifted, sharpened: sharpen(shifted, v.gamma) };
  },
  draw(x, s, v) {
    const key = x.fixedKey ? "" : `, key = row ${v["key row"]}`;
    const titles = [`1. content w^c (eq. 5): β = ${fmt(v.beta, 1)}${key}`, `2. gated w^g (eq. 7): g = ${fmt(v.g)}`,
      `3. shifted w̃ (eq. 8): s = (${Array.from(s.shift, (p) => fmt(p)).join(", ")})`,
      `4. sharpened w (eq. 9): γ = ${fmt(v.gamma, 1)}`];
    this.stages.forEach((name, k) => {
      const series = [{ values: s[name], color: COLORS[name] }];
      if (name === "content") series.push({ values: s.previous, color: COLORS.previous, outline: true });
      bars(x.panels[k], titles[k], series);
    });
  },
};

KINDS.scalar = {
  setup(x) {
    x.start = Float64Array.from(x.data.start);
    x.panels = [new Panel(x.root, { basis: 150 }), new Panel(x.root, { basis: 280, grow: 2 })];
    legend(x.el, [[COLORS.previous, "before the shift", true], [COLORS.shifted, "after (eq. 8)"]]);
  },
  compute(x, v) {
    const shift = scalarShift(v.x, x.data.max_shift);
    return { shift, previous: x.start, shifted: convolveShift(x.start, shift) };
  },
  draw(x, s, v) {
    const k = x.data.max_shift;
    bars(x.panels[0], `shift weighting s for x = ${fmt(v.x)}`, [{ values: s.shift, color: COLORS.shifted }],
      { labels: Array.from(s.shift, (_, i) => String(i - k)) });
    bars(x.panels[1], "a one-hot weighting, rotated by s", [{ values: s.shifted, color: COLORS.shifted },
      { values: s.previous, color: COLORS.previous, outline: true }]);
  },
};

KINDS.replay = {
  setup(x) {
    const d = x.data;
    for (const key of ["inputs", "targets", "mask", "write_w", "read_w", "memory", "erase", "add", "read", "output"]) {
      x[key] = decode(d[key]);
    }
    x.T = d.steps;
    x.N = d.memory_size;
    x.locs = d.locations;
    x.L = x.locs.length;
    x.M = d.width;
    x.I = d.input_width;
    x.O = d.output_width;
    x.rowLabels = x.locs.map(String);
    const bar = h("div", "ntm-buttons");
    x.play = h("button", "ntm-button ntm-play", "▶ play");
    x.play.setAttribute("aria-label", "play");
    x.play.addEventListener("click", () => this.toggle(x));
    bar.append(x.play);
    x.el.insertBefore(bar, x.root);
    x.title = h("div", "ntm-title");
    x.el.insertBefore(x.title, x.root);
    const top = { height: 150, basis: 240 };
    const rowsHeight = Math.min(520, Math.max(220, 4 * x.L)); // every memory row at least 4 px when it can
    x.panels = {
      inputs: new Panel(x.root, top), write: new Panel(x.root, top), read: new Panel(x.root, top),
      memory: new Panel(x.root, { height: rowsHeight, basis: 240 }), bars: new Panel(x.root, { height: rowsHeight, basis: 150 }),
      erase: new Panel(x.root, { height: 46, basis: 240 }), add: new Panel(x.root, { height: 46, basis: 240 }),
      readv: new Panel(x.root, { height: 46, basis: 240 }), output: new Panel(x.root, { height: 70, basis: 240 }),
    };
    legend(x.el, [[COLORS.write, "write"], [COLORS.read, "read"], [COLORS.focus, "step t"]]);
    x.firstTarget = x.mask ? x.mask.findIndex((v) => v > 0) : -1;
    x.barMax = d.bar_max; // 1, or the largest weight the rows shown ever get (blurry heads)
  },
  toggle(x) {
    if (x.timer) {
      clearInterval(x.timer);
      x.timer = null;
      x.play.textContent = "▶ play";
      return;
    }
    if (x.values.t >= x.T - 1) x.setSlider("t", 0);
    x.play.textContent = "❚❚ pause";
    x.timer = setInterval(() => {
      if (x.values.t >= x.T - 1) return this.toggle(x);
      x.setSlider("t", x.values.t + 1);
    }, x.data.interval);
  },
  compute(x, v) {
    const t = v.t, L = x.L, M = x.M, row = (a, width) => a.subarray(t * width, (t + 1) * width);
    const pick = (a) => Float64Array.from(x.locs, (r) => a[t * x.N + r]);
    return {
      t, memory: row(x.memory, L * M), write_weighting: pick(x.write_w), read_weighting: pick(x.read_w),
      write_full: row(x.write_w, x.N), read_full: row(x.read_w, x.N), erase: row(x.erase, M), add: row(x.add, M),
      read: row(x.read, M), output: row(x.output, x.O), input: row(x.inputs, x.I),
      target: x.targets ? row(x.targets, x.O) : null,
    };
  },
  soFar(x, series, width, rows, t) { // (T, width) -> rows x T image of the chosen rows
    const out = new Float64Array(rows.length * x.T);
    rows.forEach((r, k) => { for (let s = 0; s <= t; s++) out[k * x.T + s] = series[s * width + r]; });
    return out;
  },
  timeLine(x, plot, t) {
    const { ctx, x0, y0, ph, cellW } = plot;
    ctx.save();
    ctx.strokeStyle = COLORS.focus;
    ctx.lineWidth = 1.6;
    ctx.beginPath();
    ctx.moveTo(x0 + (t + 0.5) * cellW, y0);
    ctx.lineTo(x0 + (t + 0.5) * cellW, y0 + ph);
    ctx.stroke();
    if (x.firstTarget > 0) {
      ctx.strokeStyle = COLORS.write;
      ctx.setLineDash([4, 3]);
      ctx.beginPath();
      ctx.moveTo(x0 + x.firstTarget * cellW, y0);
      ctx.lineTo(x0 + x.firstTarget * cellW, y0 + ph);
      ctx.stroke();
    }
    ctx.restore();
  },
  argmax(a) {
    let best = 0;
    for (let i = 1; i < a.length; i++) if (a[i] > a[best]) best = i;
    return best;
  },
  phase(x, t) {
    if (!x.mask) return "";
    if (x.mask[t] > 0) {
      let count = 0;
      for (const v of x.mask) count += v > 0 ? 1 : 0;
      return `output phase, target step ${t - x.firstTarget + 1} of ${count}`;
    }
    return x.firstTarget > t ? "input phase" : "";
  },
  draw(x, s, v) {
    const t = s.t, allRows = Array.from({ length: x.I }, (_, i) => i);
    const timeFrame = { ...FRAME, left: 34 };
    let plot = heatmap(x.panels.inputs, "inputs x (steps along x)", this.soFar(x, x.inputs, x.I, allRows, t), x.I, x.T,
      { vmin: 0, vmax: 1, cmap: "gray", shownCols: t + 1, frame: timeFrame, rowLabels: x.data.input_names });
    this.timeLine(x, plot, t);
    for (const [key, series, title] of [["write", x.write_w, "write weightings w (locations down)"],
      ["read", x.read_w, "read weightings w (locations down)"]]) {
      plot = heatmap(x.panels[key], title, this.soFar(x, series, x.N, x.locs, t), x.L, x.T,
        { vmin: 0, vmax: 1, cmap: "gray", shownCols: t + 1, frame: timeFrame, rowLabels: x.rowLabels });
      this.timeLine(x, plot, t);
    }
    const mem = heatmap(x.panels.memory, "memory M(t) after the write", s.memory, x.L, x.M,
      { vmin: -x.data.memory_max, vmax: x.data.memory_max, frame: timeFrame, rowLabels: x.rowLabels });
    // Outline the row each head focuses on, when that row is one of the rows shown.
    const focus = {};
    for (const [key, full, color, dash] of [["write", s.write_full, COLORS.write, []], ["read", s.read_full, COLORS.read, [4, 3]]]) {
      const at = this.argmax(full), k = x.locs.indexOf(at), shown = k >= 0 && full[at] >= 0.2;
      focus[key] = { at, shown, outside: k < 0 };
      if (!shown) continue;
      mem.ctx.save();
      mem.ctx.strokeStyle = color;
      mem.ctx.lineWidth = 2.2;
      mem.ctx.setLineDash(dash);
      mem.ctx.strokeRect(mem.x0 + 1, mem.y0 + k * mem.cellH, mem.pw - 2, mem.cellH);
      mem.ctx.restore();
    }
    bars(x.panels.bars, `w(t), 0..${x.barMax}`, [
      { values: s.write_weighting, color: COLORS.write, offset: -0.2, thickness: 0.45 },
      { values: s.read_weighting, color: COLORS.read, offset: 0.2, thickness: 0.45 }],
    { horizontal: true, hi: x.barMax, labels: x.rowLabels, frame: timeFrame });
    const vm = x.data.vector_max, strip = { ...FRAME, left: 8, top: 2, bottom: 2 };
    heatmap(x.panels.erase, "erase e(t)", s.erase, 1, x.M, { vmin: 0, vmax: 1, cmap: "gray", frame: strip, rowLabels: [""], colTicks: false });
    heatmap(x.panels.add, "add a(t)", s.add, 1, x.M, { vmin: -vm, vmax: vm, frame: strip, rowLabels: [""], colTicks: false });
    heatmap(x.panels.readv, "read r(t)", s.read, 1, x.M, { vmin: -vm, vmax: vm, frame: strip, rowLabels: [""], colTicks: false });
    const hasTarget = s.target && (!x.mask || x.mask[t] > 0);
    const out = s.target ? Float64Array.from([...s.target, ...s.output]) : s.output;
    let caption = "output (sigmoid)";
    if (s.target) {
      let wrong = 0;
      for (let j = 0; j < x.O; j++) wrong += (s.output[j] > 0.5) !== (s.target[j] > 0.5) ? 1 : 0;
      caption = "target (top) and output (sigmoid)" + (hasTarget ? `: ${wrong} wrong bit(s)` : "");
    }
    heatmap(x.panels.output, caption, out, s.target ? 2 : 1, x.O,
      { vmin: 0, vmax: 1, cmap: "gray", frame: { ...FRAME, left: 44 }, rowLabels: s.target ? ["target", "output"] : ["output"] });
    const where = (f) => `${f.at}${f.outside ? " (outside the rows shown)" : ""}`;
    const phase = this.phase(x, t);
    x.title.textContent = `step t = ${t}${phase ? ` (${phase})` : ""}: write focus at location ${where(focus.write)}, `
      + `read focus at ${where(focus.read)}`;
  },
};

// ---------------------------------------------------------------- the widget
async function render({ model, el }) {
  const kind = KINDS[model.get("kind")];
  const x = { model, el, data: model.get("data"), widgets: {}, values: {}, draws: 0 };
  const manager = model.widget_manager;
  const refs = { ...model.get("sliders"), ...model.get("extras") };
  for (const [name, ref] of Object.entries(refs)) {
    x.widgets[name] = await manager.get_model(String(ref).replace(/^IPY_MODEL_/, ""));
  }
  const offs = [];
  x.listen = (target, event, fn) => {
    target.on(event, fn);
    offs.push(() => target.off(event, fn));
  };
  x.setSlider = (name, value) => {
    const slider = x.widgets[name];
    slider.set("value", value);
    slider.save_changes(); // reaches the kernel when there is one; nothing happens on a static page
  };
  el.classList.add("ntm-explorer", `ntm-${model.get("kind")}`);
  el.ntmData = x.data; // for tests and curious readers: what the page computes from ...
  el.ntmSliders = model.get("sliders"); // ... and the sliders it follows
  x.root = h("div", "ntm-panels");
  el.append(x.root);
  kind.setup(x);
  const redraw = x.redraw = () => {
    const ink = getComputedStyle(el).color;
    for (const panel of Object.values(x.panels)) panel.measure(ink);
    x.stages = kind.compute(x, x.values);
    kind.draw(x, x.stages, x.values);
    x.draws += 1;
    el.ntm = { kind: model.get("kind"), values: { ...x.values }, stages: x.stages, draws: x.draws, drawnAt: performance.now() };
    el.dataset.draws = String(x.draws);
  };
  for (const name of Object.keys(model.get("sliders"))) {
    x.values[name] = x.widgets[name].get("value");
    x.listen(x.widgets[name], "change:value", () => {
      x.values[name] = x.widgets[name].get("value");
      redraw();
    });
  }
  if (kind.wire) kind.wire(x);
  const resize = new ResizeObserver(() => redraw());
  resize.observe(x.root);
  redraw();
  return () => {
    offs.forEach((off) => off());
    resize.disconnect();
    if (x.timer) clearInterval(x.timer);
  };
}

export default { render };
