// The replay of a trained model (chapters 7-11): a kind of KINDS (after mechanisms.js).

KINDS.replay = {
  setup(x) {
    const d = x.data, series = {};
    for (const key of ["inputs", "targets", "mask", "write_w", "read_w", "memory", "erase", "add", "read", "output"]) {
      series[key] = decode(d[key]);
    }
    this.build(x, this.load(x, series, d));
  },
  // Take up a run to show: its series (flat arrays as view_data packs them) and shape
  // (steps, memory_size, locations, width, input_width, output_width, scales, input_names).
  load(x, series, d) {
    Object.assign(x, series);
    x.shown = d;
    x.T = d.steps;
    x.N = d.memory_size;
    x.locs = d.locations;
    x.L = x.locs.length;
    x.M = d.width;
    x.I = d.input_width;
    x.O = d.output_width;
    x.rowLabels = x.locs.map(String);
    x.firstTarget = x.mask ? x.mask.findIndex((v) => v > 0) : -1;
    x.barMax = d.bar_max; // 1, or the largest weight the rows shown ever get (blurry heads)
    const rowsHeight = Math.min(520, Math.max(220, 4 * x.L)); // every memory row at least 4 px when it can
    if (x.panels) {
      for (const panel of [x.panels.memory, x.panels.bars]) {
        panel.height = rowsHeight;
        panel.canvas.style.height = `${rowsHeight}px`;
      }
    }
    return rowsHeight;
  },
  build(x, rowsHeight, before = x.root) { // the play button, the title and the panels
    const bar = h("div", "ntm-buttons");
    x.play = h("button", "ntm-button ntm-play", "▶ play");
    x.play.setAttribute("aria-label", "play");
    x.play.addEventListener("click", () => this.toggle(x));
    bar.append(x.play);
    x.el.insertBefore(bar, before);
    x.title = h("div", "ntm-title");
    x.title.setAttribute("aria-live", "polite");
    x.el.insertBefore(x.title, before);
    const top = { height: 150, basis: 240 };
    x.panels = {
      inputs: new Panel(x.root, top), write: new Panel(x.root, top), read: new Panel(x.root, top),
      memory: new Panel(x.root, { height: rowsHeight, basis: 240 }), bars: new Panel(x.root, { height: rowsHeight, basis: 150 }),
      erase: new Panel(x.root, { height: 46, basis: 240 }), add: new Panel(x.root, { height: 46, basis: 240 }),
      readv: new Panel(x.root, { height: 46, basis: 240 }), output: new Panel(x.root, { height: 70, basis: 240 }),
    };
    legend(x.el, [[COLORS.write, "write"], [COLORS.read, "read"], [COLORS.focus, "step t"]]);
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
      { vmin: 0, vmax: 1, cmap: "gray", shownCols: t + 1, frame: timeFrame, rowLabels: x.shown.input_names });
    x.inputPlot = plot; // where the input cells are (a live model's editor flips them on a click)
    this.timeLine(x, plot, t);
    for (const [key, series, title] of [["write", x.write_w, "write weightings w (locations down)"],
      ["read", x.read_w, "read weightings w (locations down)"]]) {
      plot = heatmap(x.panels[key], title, this.soFar(x, series, x.N, x.locs, t), x.L, x.T,
        { vmin: 0, vmax: 1, cmap: "gray", shownCols: t + 1, frame: timeFrame, rowLabels: x.rowLabels });
      this.timeLine(x, plot, t);
    }
    const mem = heatmap(x.panels.memory, "memory M(t) after the write", s.memory, x.L, x.M,
      { vmin: -x.shown.memory_max, vmax: x.shown.memory_max, frame: timeFrame, rowLabels: x.rowLabels });
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
    const vm = x.shown.vector_max, strip = { ...FRAME, left: 8, top: 2, bottom: 2 };
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
