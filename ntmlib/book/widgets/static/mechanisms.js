// The explorers of chapters 2-5, each a kind of KINDS (the explorers' ES module, after
// canvas.js; replay.js adds the replay, explorers.js renders them).

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
