// The book's explorers, drawn in the reader's page (an anywidget ES module).
//
// Each explorer is one widget whose state holds its data (memory, key, trace ...) and
// references to its ipywidgets sliders. A slider move recomputes here, in JavaScript,
// and redraws canvases: no kernel is needed, so the static book stays live.
//
// The module is the concatenation (ntmlib/book/widgets/base.py joins them) of
// equations.js (the arithmetic of ntmlib.addressing and ntmlib.memory), canvas.js (drawing),
// mechanisms.js (the explorers of chapters 2-5), replay.js and this file (a widget's render).

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
