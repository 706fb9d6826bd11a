// The explorers' equations in the page: they mirror ntmlib.addressing and ntmlib.memory
// (a browser test pins the two equal): float64 here, the same EPS, the same numerically
// safe sharpening. The first part of the explorers' ES module (ExplorerView._esm).

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
