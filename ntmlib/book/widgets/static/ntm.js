// A trained NTM running in the page: the forward pass of ntmlib.ntm.NTM.step in float64
// (after equations.js, whose addressing, eq. 5-9, it reuses). A test pins it equal to
// ntmlib's float64 forward for every NTM of the zoo, with and without interventions.
//
// makeNTM(config, tensors): config as ntmlib.book.widgets.live_model.model_config writes
// it; tensors the model's state_dict by name, each a flat Float32Array or Float64Array.
// runNTM(net, inputs, steps, interventions) -> the trace (flat Float64Arrays, step-major).

const softplus = (v) => (v > 20 ? v : Math.log1p(Math.exp(v))); // torch's threshold 20
const sigmoid = (v) => 1 / (1 + Math.exp(-v));

function affine(weight, bias, input, rows, cols, out, offset = 0) { // out[offset + r] += W[r] . input + b[r]
  for (let r = 0; r < rows; r++) {
    let total = bias ? bias[r] : 0;
    const base = r * cols;
    for (let c = 0; c < cols; c++) total += weight[base + c] * input[c];
    out[offset + r] += total;
  }
  return out;
}

export function makeNTM(config, tensors) {
  const need = (name) => {
    if (!(name in tensors)) throw new Error(`the model's weights lack ${name}`);
    return tensors[name];
  };
  const sizes = config.controller_sizes, layers = [];
  let width = config.input_width + config.num_read_heads * config.memory_width;
  sizes.forEach((size, l) => {
    layers.push(config.controller === "lstm"
      ? { size, inWidth: width, wIh: need(`controller.cells.${l}.weight_ih`), wHh: need(`controller.cells.${l}.weight_hh`),
        bIh: need(`controller.cells.${l}.bias_ih`), bHh: need(`controller.cells.${l}.bias_hh`),
        h0: need(`controller.initial_h.${l}`), c0: need(`controller.initial_c.${l}`) }
      : { size, inWidth: width, w: need(`controller.layers.${l}.weight`), b: need(`controller.layers.${l}.bias`) });
    width = size;
  });
  const heads = config.num_read_heads + config.num_write_heads, shiftWidth = 2 * config.max_shift + 1;
  return {
    ...config, layers, heads, shiftWidth, hidden: width, addressingWidth: config.memory_width + 3 + shiftWidth,
    projection: { w: need("heads.projection.weight"), b: need("heads.projection.bias") },
    output: { w: need("output.weight"), b: need("output.bias") },
    initialMemory: need("initial_memory"), initialReads: need("initial_reads"),
    initialLogits: need("initial_weighting_logits"),
  };
}

function controllerStep(net, input, state) { // (output, new state) of one step (ntmlib.controllers)
  let x = input;
  const next = [];
  net.layers.forEach((layer, l) => {
    const n = layer.size;
    if (net.controller !== "lstm") {
      x = affine(layer.w, layer.b, x, n, layer.inWidth, new Float64Array(n)).map(Math.tanh);
      return;
    }
    const { h, c } = state[l], gates = new Float64Array(4 * n);
    affine(layer.wIh, layer.bIh, x, 4 * n, layer.inWidth, gates);
    affine(layer.wHh, layer.bHh, h, 4 * n, n, gates);
    const hNew = new Float64Array(n), cNew = new Float64Array(n);
    for (let j = 0; j < n; j++) { // torch's LSTMCell: gates i, f, g, o
      cNew[j] = sigmoid(gates[n + j]) * c[j] + sigmoid(gates[j]) * Math.tanh(gates[2 * n + j]);
      hNew[j] = sigmoid(gates[3 * n + j]) * Math.tanh(cNew[j]);
    }
    next.push({ h: hNew, c: cNew });
    x = hNew;
  });
  return [x, next];
}

function headParameters(net, hidden) { // ntmlib.heads.HeadBank.forward, per head
  const m = net.memory_width, raw = new Float64Array(net.projection.b.length);
  affine(net.projection.w, net.projection.b, hidden, raw.length, net.hidden, raw);
  const out = [], vectors = net.heads * net.addressingWidth;
  for (let k = 0; k < net.heads; k++) {
    const at = k * net.addressingWidth, shiftAt = at + m + 2;
    const head = {
      key: raw.subarray(at, at + m), beta: softplus(raw[at + m]), gate: sigmoid(raw[at + m + 1]),
      shift: softmax(raw.subarray(shiftAt, shiftAt + net.shiftWidth)), gamma: 1 + softplus(raw[shiftAt + net.shiftWidth]),
    };
    const w = k - net.num_read_heads;
    if (w >= 0) {
      const e = vectors + w * m, a = vectors + (net.num_write_heads + w) * m;
      head.erase = raw.subarray(e, e + m).map(sigmoid);
      head.add = raw.slice(a, a + m);
    }
    out.push(head);
  }
  return out;
}

// The switches of ntmlib.heads.Intervention: [{gamma_one, gate, no_shift, beta_cap,
// write_at_peak, heads}], each for the heads listed (null: every head), applied in turn.
const applies = (switch_, k) => !switch_.heads || switch_.heads.includes(k);

function intervene(net, params, interventions) {
  for (const s of interventions) {
    params.forEach((p, k) => {
      if (!applies(s, k)) return;
      if (s.beta_cap !== null && s.beta_cap !== undefined) p.beta = Math.min(p.beta, s.beta_cap);
      if (s.gate !== null && s.gate !== undefined) p.gate = s.gate;
      if (s.gamma_one) p.gamma = 1;
      if (s.no_shift) p.shift = Float64Array.from(p.shift, (_, i) => (i === net.max_shift ? 1 : 0));
    });
  }
}

function focusWrites(net, weightings, interventions) {
  for (const s of interventions) {
    if (!s.write_at_peak) continue;
    weightings.forEach((w, k) => {
      if (k < net.num_read_heads || !applies(s, k)) return;
      let best = 0;
      for (let i = 1; i < w.length; i++) if (w[i] > w[best]) best = i;
      weightings[k] = Float64Array.from(w, (_, i) => (i === best ? 1 : 0));
    });
  }
}

function writeMemory(net, memory, weightings, params) { // eq. 3 (erase factors multiply), then eq. 4
  const n = net.memory_size, m = net.memory_width, out = Float64Array.from(memory);
  for (let k = net.num_read_heads; k < net.heads; k++) {
    const w = weightings[k], e = params[k].erase;
    for (let i = 0; i < n; i++) for (let j = 0; j < m; j++) out[i * m + j] *= 1 - w[i] * e[j];
  }
  for (let k = net.num_read_heads; k < net.heads; k++) {
    const w = weightings[k], a = params[k].add;
    for (let i = 0; i < n; i++) for (let j = 0; j < m; j++) out[i * m + j] += w[i] * a[j];
  }
  return out;
}

function initialState(net) {
  const n = net.memory_size, m = net.memory_width;
  return {
    memory: Float64Array.from(net.initialMemory),
    weightings: Array.from({ length: net.heads }, (_, k) => softmax(net.initialLogits.subarray(k * n, (k + 1) * n))),
    reads: Float64Array.from(net.initialReads.subarray(0, net.num_read_heads * m)),
    controller: net.layers.map((layer) => ({ h: Float64Array.from(layer.h0 || []), c: Float64Array.from(layer.c0 || []) })),
  };
}

function ntmStep(net, x, state, interventions) { // ntmlib.ntm.NTM.step
  const n = net.memory_size, m = net.memory_width, R = net.num_read_heads;
  const input = new Float64Array(x.length + state.reads.length);
  input.set(x);
  input.set(state.reads, x.length);
  const [hidden, controller] = controllerStep(net, input, state.controller);
  const params = headParameters(net, hidden);
  intervene(net, params, interventions);
  const weightings = params.map((p, k) => sharpen(convolveShift(
    interpolate(contentFocus(cosineSimilarity(p.key, state.memory, n, m), p.beta), state.weightings[k], p.gate),
    p.shift), p.gamma));
  focusWrites(net, weightings, interventions);
  const reads = new Float64Array(R * m);
  for (let k = 0; k < R; k++) {
    for (let i = 0; i < n; i++) for (let j = 0; j < m; j++) reads[k * m + j] += weightings[k][i] * state.memory[i * m + j];
  }
  const memory = writeMemory(net, state.memory, weightings, params);
  const joined = new Float64Array(net.hidden + R * m);
  joined.set(hidden);
  joined.set(reads, net.hidden);
  const logits = affine(net.output.w, net.output.b, joined, net.output_width, joined.length, new Float64Array(net.output_width));
  return { logits, params, state: { memory, weightings, reads, controller } };
}

// The trace of a run, like ntmlib.ntm.NTMTrace for one sequence: every field a flat
// Float64Array, step-major (memory: steps x N x M; read_weightings: steps x R x N; ...).
export function runNTM(net, inputs, steps, interventions = []) {
  const n = net.memory_size, m = net.memory_width, R = net.num_read_heads, W = net.num_write_heads, H = net.heads;
  const I = net.input_width, O = net.output_width, S = net.shiftWidth;
  const make = (width) => new Float64Array(steps * width);
  const trace = {
    steps, logits: make(O), output: make(O), read_weightings: make(R * n), write_weightings: make(W * n),
    read_vectors: make(R * m), erase_vectors: make(W * m), add_vectors: make(W * m), memory: make(n * m),
    beta: make(H), gate: make(H), gamma: make(H), shift: make(H * S),
  };
  let state = initialState(net);
  for (let t = 0; t < steps; t++) {
    const result = ntmStep(net, inputs.subarray(t * I, (t + 1) * I), state, interventions);
    state = result.state;
    trace.logits.set(result.logits, t * O);
    trace.output.set(result.logits.map(sigmoid), t * O);
    trace.memory.set(state.memory, t * n * m);
    trace.read_vectors.set(state.reads, t * R * m);
    state.weightings.forEach((w, k) => (k < R ? trace.read_weightings.set(w, (t * R + k) * n)
      : trace.write_weightings.set(w, (t * W + k - R) * n)));
    result.params.forEach((p, k) => {
      trace.beta[t * H + k] = p.beta;
      trace.gate[t * H + k] = p.gate;
      trace.gamma[t * H + k] = p.gamma;
      trace.shift.set(p.shift, (t * H + k) * S);
      if (k >= R) {
        trace.erase_vectors.set(p.erase, (t * W + k - R) * m);
        trace.add_vectors.set(p.add, (t * W + k - R) * m);
      }
    });
  }
  return trace;
}
