// The live model's controls (before live.js): the input editor (length, presets, random
// bits; a click on an input cell flips it) and the interventions, per head, as
// ntmlib.Intervention names them. Every control is a native input or button, so it
// works by keyboard and touch and announces its value.

const GATES = [["learned", null], ["1 (content only)", 1], ["0 (location only)", 0]];
const BETA_CAPS = [["none", null], ["20", 20], ["5", 5], ["1", 1]];

function control(parent, labelText, input) {
  const label = h("label", "ntm-control");
  label.append(h("span", "ntm-control-name", labelText), input);
  parent.append(label);
  return input;
}

function choice(parent, labelText, options, name) {
  const select = h("select", "ntm-select");
  select.name = name;
  options.forEach(([text], i) => select.append(Object.assign(h("option", "", text), { value: String(i) })));
  return control(parent, labelText, select);
}

function checkbox(parent, labelText, name) {
  const box = Object.assign(h("input"), { type: "checkbox", name });
  return control(parent, labelText, box);
}

const LIVE_EDITOR = {
  build(x, live) {
    const task = x.task, net = x.net, row = h("div", "ntm-buttons");
    x.controls = {};
    x.controls.ranges = task.ranges.map(([name, text, low, high]) => {
      const range = Object.assign(h("input", "ntm-range"), { type: "range", min: String(low), max: String(high), step: "1", name });
      control(row, text, range);
      const readout = h("output", "ntm-readout");
      row.append(readout);
      range.addEventListener("input", () => live.edit(x, task.withParams(x.example, { [name]: Number(range.value) })));
      return { name, range, readout };
    });
    for (const [text, params] of task.presets) {
      const preset = h("button", "ntm-button", text);
      preset.addEventListener("click", () => live.edit(x, task.withParams(x.example, params)));
      row.append(preset);
    }
    const fresh = h("button", "ntm-button", "new random bits");
    fresh.addEventListener("click", () => live.edit(x, task.random(x.example)));
    row.append(fresh);
    x.editor.append(row, h("div", "ntm-hint", "Click an input cell to flip its bit."));
    const switches = h("fieldset", "ntm-switches");
    switches.append(h("legend", "", "Interventions (while the model runs)"));
    const headNames = [["every head", null]];
    for (let k = 0; k < net.heads; k++) {
      headNames.push([k < net.num_read_heads ? `read head ${k}` : `write head ${k - net.num_read_heads}`, [k]]);
    }
    x.controls.heads = choice(switches, "apply to", headNames, "heads");
    x.controls.gamma_one = checkbox(switches, "γ = 1 (no sharpening)", "gamma_one");
    x.controls.gate = choice(switches, "gate g", GATES, "gate");
    x.controls.no_shift = checkbox(switches, "shift forced to 0", "no_shift");
    x.controls.beta_cap = choice(switches, "β at most", BETA_CAPS, "beta_cap");
    x.controls.write_at_peak = checkbox(switches, "write only at the strongest location", "write_at_peak");
    x.headNames = headNames;
    for (const name of ["heads", "gamma_one", "gate", "no_shift", "beta_cap", "write_at_peak"]) {
      x.controls[name].addEventListener("change", () => live.edit(x, x.example, this.read(x)));
    }
    x.editor.append(switches);
    this.sync(x);
  },
  read(x) { // the controls as the list of interventions ([] when every switch is off)
    const c = x.controls;
    const one = {
      gamma_one: c.gamma_one.checked, gate: GATES[Number(c.gate.value)][1], no_shift: c.no_shift.checked,
      beta_cap: BETA_CAPS[Number(c.beta_cap.value)][1], write_at_peak: c.write_at_peak.checked,
      heads: x.headNames[Number(c.heads.value)][1],
    };
    const any = one.gamma_one || one.gate !== null || one.no_shift || one.beta_cap !== null || one.write_at_peak;
    return any ? [one] : [];
  },
  sync(x) { // the controls show the current input and (the first) intervention
    const c = x.controls, params = x.task.params(x.example), s = x.interventions[0] || {};
    for (const { name, range, readout } of c.ranges) {
      range.value = String(params[name]);
      range.setAttribute("aria-valuetext", `${name} ${params[name]}`);
      readout.textContent = String(params[name]);
    }
    const index = (options, value) => Math.max(0, options.findIndex(([, v]) => JSON.stringify(v) === JSON.stringify(value ?? null)));
    c.heads.value = String(index(x.headNames, s.heads));
    c.gate.value = String(index(GATES, s.gate));
    c.beta_cap.value = String(index(BETA_CAPS, s.beta_cap));
    for (const name of ["gamma_one", "no_shift", "write_at_peak"]) c[name].checked = Boolean(s[name]);
  },
};
