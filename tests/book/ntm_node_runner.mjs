// Runs the page's NTM forward pass (static/ntm.js after equations.js) under Node for
// tests/book/test_js_forward.py: reads {models: {name: {config, tensors}}, cases: [...]}
// from argv[2], writes every case's trace fields as base64 float64 to argv[3].
import { readFileSync, writeFileSync } from "node:fs";

const decode = (packed) => new Float32Array(Uint8Array.from(Buffer.from(packed.b64, "base64")).buffer);
const encode = (array) => Buffer.from(Float64Array.from(array).buffer).toString("base64");

const job = JSON.parse(readFileSync(process.argv[2], "utf8"));
const nets = {};
for (const [name, { config, tensors }] of Object.entries(job.models)) {
  nets[name] = makeNTM(config, Object.fromEntries(Object.entries(tensors).map(([k, v]) => [k, decode(v)])));
}
const out = job.cases.map(({ model, inputs, steps, interventions, fields }) => {
  const trace = runNTM(nets[model], Float64Array.from(inputs), steps, interventions);
  return Object.fromEntries(fields.map((f) => [f, encode(trace[f])]));
});
writeFileSync(process.argv[3], JSON.stringify(out));
