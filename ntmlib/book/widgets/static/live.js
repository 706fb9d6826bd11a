// A trained NTM live in the page (chapters 7-11): an input editor and interventions,
// the model run by ntm.js on every edit, and the replay (replay.js) of what it computed.
// A kind of KINDS (after replay.js). The widget's synced state: `example` (the task's
// editable input, e.g. {bits: [[0/1 x 8] x L]} for copy), `interventions` (a list of
// ntmlib.Intervention's fields) and `result` (what the page computed, for Python).

const randomBits = (rows, width) => Array.from({ length: rows }, () => Array.from({ length: width }, () => (Math.random() < 0.5 ? 1 : 0)));

// Each task: encode(example) -> {steps, inputs, targets, mask} (ntmlib.tasks' wire format,
// mirrored by ntmlib.book.widgets.live.encode_example), and its editor's controls.
const copyBits = (ex) => ex.bits.map((row) => row.slice());
const resized = (bits, L) => bits.slice(0, L).concat(randomBits(Math.max(0, L - bits.length), 8));
const flipBit = (ex, t, channel) => { // a click on input cell (t, channel): only data bits can flip
  if (t >= ex.bits.length || channel >= 8) return null;
  const bits = copyBits(ex);
  bits[t][channel] = 1 - bits[t][channel];
  return { ...ex, bits };
};

const LIVE_TASKS = {
  copy: {
    ranges: [["length", "length L", 1, 120]],
    presets: [10, 20, 30, 50, 120].map((L) => [`L = ${L}`, { length: L }]), // the lengths of paper Figs. 4-5
    params: (ex) => ({ length: ex.bits.length }),
    withParams: (ex, p) => ({ bits: resized(ex.bits, p.length) }), // keep the bits there are
    random: (ex) => ({ bits: randomBits(ex.bits.length, 8) }),
    flip: flipBit,
    encode(ex) {
      const L = ex.bits.length, T = 2 * L + 1, I = 9, O = 8;
      const inputs = new Float64Array(T * I), targets = new Float64Array(T * O), mask = new Float64Array(T);
      ex.bits.forEach((row, t) => row.forEach((bit, j) => {
        inputs[t * I + j] = bit;
        targets[(L + 1 + t) * O + j] = bit;
      }));
      inputs[L * I + 8] = 1; // the delimiter
      for (let t = L + 1; t < T; t++) mask[t] = 1;
      return { steps: T, inputs, targets, mask };
    },
  },
  "repeat-copy": {
    ranges: [["length", "length L", 1, 20], ["repeats", "repeats R", 1, 20]],
    presets: [["L = 5, R = 5", { length: 5, repeats: 5 }], ["R = 15", { repeats: 15 }],
      ["L = 20, R = 10", { length: 20, repeats: 10 }], ["L = 10, R = 20", { length: 10, repeats: 20 }]], // paper Fig. 8
    params: (ex) => ({ length: ex.bits.length, repeats: ex.repeats }),
    withParams: (ex, p) => ({ bits: resized(ex.bits, p.length ?? ex.bits.length), repeats: p.repeats ?? ex.repeats }),
    random: (ex) => ({ bits: randomBits(ex.bits.length, 8), repeats: ex.repeats }),
    flip: flipBit,
    encode(ex) { // ntmlib.tasks.RepeatCopyTask: channel 9 holds (R - 5.5) / sqrt(8.25)
      const L = ex.bits.length, R = ex.repeats, T = L + 1 + R * L + 1, I = 10, O = 9;
      const inputs = new Float64Array(T * I), targets = new Float64Array(T * O), mask = new Float64Array(T);
      ex.bits.forEach((row, t) => row.forEach((bit, j) => {
        inputs[t * I + j] = bit;
        for (let r = 0; r < R; r++) targets[(L + 1 + r * L + t) * O + j] = bit;
      }));
      inputs[L * I + 8] = 1;
      inputs[L * I + 9] = Math.fround((R - 5.5) / Math.sqrt(8.25)); // float32, as the Python input
      targets[(T - 1) * O + 8] = 1; // the end marker
      for (let t = L + 1; t < T; t++) mask[t] = 1;
      return { steps: T, inputs, targets, mask };
    },
  },
};

function usedLocations(series, steps, n, threshold = 0.05, pad = 1) { // ntmlib.analysis.used_locations
  const peak = new Float64Array(n);
  for (const s of series) for (let t = 0; t < steps; t++) for (let i = 0; i < n; i++) peak[i] = Math.max(peak[i], s[t * n + i]);
  let used = [];
  peak.forEach((v, i) => { if (v >= threshold) used.push(i); });
  if (!used.length) used = [peak.indexOf(Math.max(...peak))];
  let k = 0, gap = -1;
  used.forEach((u, j) => {
    const g = (j + 1 < used.length ? used[j + 1] : used[0] + n) - u;
    if (g > gap) { gap = g; k = j; }
  });
  const start = used[(k + 1) % used.length] - pad, length = n - gap + 1 + 2 * pad;
  if (length >= 0.85 * n) return Array.from({ length: n }, (_, i) => i);
  return Array.from({ length }, (_, i) => (((start + i) % n) + n) % n);
}

function headSeries(series, steps, width, heads, head) { // (steps, heads, width) -> (steps, width) of one head
  const out = new Float64Array(steps * width);
  for (let t = 0; t < steps; t++) out.set(series.subarray((t * heads + head) * width, (t * heads + head + 1) * width), t * width);
  return out;
}

function costAndErrors(run, trace, O) { // cost in bits and bit errors over the target steps (ntmlib.metrics)
  let cost = 0, errors = 0;
  for (let t = 0; t < run.steps; t++) {
    if (!(run.mask[t] > 0)) continue;
    for (let j = 0; j < O; j++) {
      const z = trace.logits[t * O + j], y = run.targets[t * O + j];
      cost += (Math.max(z, 0) - z * y + Math.log1p(Math.exp(-Math.abs(z)))) / Math.LN2;
      errors += (z > 0) !== (y > 0.5) ? 1 : 0;
    }
  }
  return { cost_bits: cost, bit_errors: errors };
}

KINDS.live = {
  setup(x) {
    const d = x.data;
    x.net = makeNTM(d.config, Object.fromEntries(Object.entries(d.tensors).map(([k, v]) => [k, decode(v)])));
    x.task = LIVE_TASKS[d.task];
    x.example = x.model.get("example");
    x.interventions = x.model.get("interventions");
    x.heads = { read: 0, write: 0 };
    x.editor = h("div", "ntm-editor");
    x.el.insertBefore(x.editor, x.root);
    LIVE_EDITOR.build(x, this);
    x.summary = h("div", "ntm-summary");
    x.summary.setAttribute("aria-live", "polite");
    x.el.insertBefore(x.summary, x.root);
    KINDS.replay.build(x, this.run(x));
    x.panels.inputs.canvas.addEventListener("click", (event) => this.flipAt(x, event));
    x.el.ntmInputPlot = () => { // for tests: where the input cells are on the screen
      const box = x.panels.inputs.canvas.getBoundingClientRect(), p = x.inputPlot;
      return { x0: box.left + p.x0, y0: box.top + p.y0, cellW: p.cellW, cellH: p.cellH };
    };
  },
  run(x) { // run the model on the current input and take the run up for the replay
    const started = performance.now(), net = x.net, run = x.task.encode(x.example);
    const trace = runNTM(net, run.inputs, run.steps, x.interventions);
    const R = net.num_read_heads, W = net.num_write_heads, n = net.memory_size, m = net.memory_width;
    const wr = x.heads.write, rd = x.heads.read;
    const one = (series, width, heads, head) => headSeries(series, run.steps, width, heads, head);
    const series = {
      inputs: run.inputs, targets: run.targets, mask: run.mask, output: trace.output,
      write_w: one(trace.write_weightings, n, W, wr), read_w: one(trace.read_weightings, n, R, rd),
      erase: one(trace.erase_vectors, m, W, wr), add: one(trace.add_vectors, m, W, wr), read: one(trace.read_vectors, m, R, rd),
    };
    const locations = usedLocations([series.read_w, series.write_w], run.steps, n);
    series.memory = new Float64Array(run.steps * locations.length * m);
    for (let t = 0; t < run.steps; t++) {
      locations.forEach((r, k) => series.memory.set(trace.memory.subarray((t * n + r) * m, (t * n + r + 1) * m), (t * locations.length + k) * m));
    }
    const absMax = (a) => a.reduce((top, v) => Math.max(top, Math.abs(v)), 0);
    let top = 0;
    for (const s of [series.read_w, series.write_w]) for (let t = 0; t < run.steps; t++) for (const r of locations) top = Math.max(top, s[t * n + r]);
    const rows = KINDS.replay.load(x, series, {
      steps: run.steps, memory_size: n, locations, width: m, input_width: net.input_width, output_width: net.output_width,
      input_names: x.data.input_names, memory_max: absMax(series.memory) || 1,
      vector_max: Math.max(absMax(series.add), absMax(series.read), 1e-6),
      bar_max: top > 0.5 ? 1 : Math.max(0.05, Math.ceil(top * 20) / 20),
    });
    x.trace = trace;
    x.result = { ...costAndErrors(run, trace, net.output_width), steps: run.steps, target_bits: run.mask.reduce((a, b) => a + b, 0) * net.output_width };
    x.el.ntmRun = { run, trace, example: x.example, interventions: x.interventions, ms: performance.now() - started };
    this.report(x);
    return rows;
  },
  report(x) {
    const r = x.result;
    x.summary.textContent = `this input: ${r.steps} steps; cost ${fmt(r.cost_bits, 2)} bits, `
      + `${r.bit_errors} bit error(s) of ${r.target_bits} target bits`;
    x.model.set("result", { cost_bits: r.cost_bits, bit_errors: r.bit_errors, steps: r.steps });
    x.model.save_changes(); // reaches the kernel when there is one
  },
  edit(x, example, interventions = x.interventions) { // a reader's edit: run, show the whole run, tell Python
    x.example = example;
    x.interventions = interventions;
    x.model.set("example", example);
    x.model.set("interventions", interventions);
    x.model.save_changes();
    this.rerun(x);
  },
  rerun(x) {
    this.run(x);
    LIVE_EDITOR.sync(x);
    const t = x.widgets.t;
    t.set("max", x.T - 1);
    if (x.values.t !== x.T - 1) x.setSlider("t", x.T - 1); // redraws through the slider
    else x.redraw();
  },
  flipAt(x, event) { // a click on the inputs panel flips the bit under the pointer
    const plot = x.inputPlot, box = x.panels.inputs.canvas.getBoundingClientRect();
    if (!plot) return;
    const px = event.clientX - box.left, py = event.clientY - box.top;
    const t = Math.floor((px - plot.x0) / plot.cellW), channel = Math.floor((py - plot.y0) / plot.cellH);
    if (t < 0 || t > x.values.t || channel < 0 || channel >= x.I) return;
    const example = x.task.flip(x.example, t, channel);
    if (example) this.edit(x, example);
  },
  wire(x) { // Python set the input or the interventions
    for (const name of ["example", "interventions"]) {
      x.listen(x.model, `change:${name}`, () => {
        if (x.model.get(name) === x[name]) return; // the page's own edit
        x[name] = x.model.get(name);
        this.rerun(x);
      });
    }
  },
  compute: (x, v) => KINDS.replay.compute(x, v),
  draw(x, s, v) {
    KINDS.replay.draw(x, s, v);
  },
};
