"""Driving the book's explorers in a real page, and what ntmlib says they must draw.

Shared by tests/book/test_browser_explorers.py (equality with ntmlib) and
tools/bench_explorers.py (redraw latency). The page's explorers are the anywidget views
of ntmlib/book/widgets/static/*.js: each rendered one is an element ``.ntm-explorer`` whose
``el.ntm`` holds what it last drew (``values``, ``stages``, ``draws``, ``drawnAt``).
Their sliders are ipywidgets sliders, found by their label (the slider's description).
"""
from __future__ import annotations

import base64
import json

import numpy as np
import torch

from ntmlib import addressing
from ntmlib import memory as memory_ops
from ntmlib.book.widgets import normalise_shift

# The page side: find an explorer's sliders and move them with input events (the
# readout's keydown Enter, as a reader typing a value), then read back what it drew.
PAGE_HELPERS = r"""
() => {
  const explorers = () => [...document.querySelectorAll('.ntm-explorer')];
  const state = () => {
    const all = {};
    for (const s of document.querySelectorAll('script[type="application/vnd.jupyter.widget-state+json"]')) {
      Object.assign(all, JSON.parse(s.textContent).state);
    }
    return all;
  };
  // The slider DOM elements of explorer k, by slider name, in the order the page lays them out.
  const sliderElements = (k) => {
    const el = explorers()[k], models = state(), refs = el.ntmSliders, out = {};
    const root = el.closest('.widget-vbox') || document;
    for (const [name, ref] of Object.entries(refs)) {
      const description = models[ref.replace(/^IPY_MODEL_/, '')].state.description;
      out[name] = [...root.querySelectorAll('.widget-slider')].find(
        (s) => (s.querySelector('.widget-label') || {}).textContent === description);
    }
    return out;
  };
  const enter = (readout, value) => {
    readout.textContent = String(value);
    const ev = new KeyboardEvent('keydown', { key: 'Enter', bubbles: true, cancelable: true });
    Object.defineProperty(ev, 'keyCode', { get: () => 13 });
    readout.dispatchEvent(ev);
  };
  const snapshot = (el) => ({
    values: el.ntm.values, draws: el.ntm.draws,
    stages: Object.fromEntries(Object.entries(el.ntm.stages).map(([k, v]) => [k, v === null ? null
      : (typeof v === 'number' ? v : Array.from(v))])),
  });
  window.ntmTest = {
    explorers, sliderElements, snapshot,
    // Apply each setting ({name: value}) in turn; after each, what the explorer drew.
    apply(k, settings) {
      const el = explorers()[k], sliders = sliderElements(k), out = [];
      for (const setting of settings) {
        for (const [name, value] of Object.entries(setting)) enter(sliders[name].querySelector('.widget-readout'), value);
        out.push(snapshot(el));
      }
      return out;
    },
    fingerprint(k) { // what the canvases show, as one string (to see that the figure changed)
      return [...explorers()[k].querySelectorAll('canvas')].map((c) => c.toDataURL()).join('|');
    },
  };
}
"""


def wait_for_explorers(page, count: int, timeout: float = 60_000) -> None:
    page.wait_for_function(
        f"() => {{ const e = [...document.querySelectorAll('.ntm-explorer')];"
        f" return e.length >= {count} && e.every(x => x.ntm && x.ntm.draws > 0); }}", timeout=timeout)
    page.evaluate(PAGE_HELPERS)


def unpack(packed):
    """A view's float32 buffer ({b64, shape}) or nested list, as float64 numpy."""
    if packed is None:
        return None
    if isinstance(packed, dict):
        raw = np.frombuffer(base64.b64decode(packed["b64"]), dtype="<f4")
        return raw.reshape(packed["shape"]).astype(np.float64)
    return np.asarray(packed, dtype=np.float64)


def _t(x) -> torch.Tensor:
    return torch.as_tensor(np.asarray(x, dtype=np.float64))


def _s(x) -> torch.Tensor:
    return torch.tensor([[float(x)]], dtype=torch.float64)


# What ntmlib computes (in float64) for a view's data and the values the page drew with.
def expected(kind: str, data: dict, values: dict, previous=None) -> dict[str, np.ndarray]:
    memory = _t(unpack(data.get("memory"))) if kind != "replay" else None
    if kind == "write":
        n, m = memory.shape
        w = torch.full((1, n), 1 / n, dtype=torch.float64)
        onehot = torch.zeros(1, n, dtype=torch.float64)
        onehot[0, int(values["location"])] = 1
        w = addressing.interpolate(onehot, w, torch.tensor([float(values["focus"])], dtype=torch.float64))
        e = torch.full((1, 1, m), float(values["erase"]), dtype=torch.float64)
        a = (float(values["add"]) * _t(unpack(data["pattern"]))).view(1, 1, m)
        erased = memory_ops.erase(memory[None], w[:, None], e)
        after = memory_ops.add(erased, w[:, None], a)
        return {"weighting": w[0], "erased": erased[0].flatten(), "after": after[0].flatten()}
    if kind == "content":
        key = _t([values[name] for name in data["key_names"]])[None]
        beta = torch.tensor([float(values["beta"])], dtype=torch.float64)
        return {"key": key[0], "similarity": addressing.cosine_similarity(key, memory[None])[0],
                "content": addressing.content_focus(key, beta, memory[None])[0]}
    if kind == "addressing":
        key = _t(unpack(data["fixed_key"])) if data["fixed_key"] is not None else memory[int(values["key row"])]
        shift = normalise_shift([values[name] for name in data["shift_names"]]).double()
        stages = addressing.address_stages(memory[None], _t(previous).view(1, 1, -1), key.view(1, 1, -1),
                                           _s(values["beta"]), _s(values["g"]), shift.view(1, 1, -1),
                                           _s(values["gamma"]))
        return {"shift": shift, **{name: w[0, 0] for name, w in stages.items()}}
    if kind == "scalar":
        start = _t(data["start"])
        shift = addressing.scalar_shift_distribution(torch.tensor([float(values["x"])], dtype=torch.float64),
                                                     data["max_shift"])
        return {"shift": shift[0], "shifted": addressing.convolve_shift(start[None], shift)[0]}
    if kind == "replay":
        t, locs, n = int(values["t"]), data["locations"], data["memory_size"]
        at = lambda key: unpack(data[key])[t]  # noqa: E731
        return {"memory": at("memory").flatten(), "write_weighting": at("write_w")[locs],
                "read_weighting": at("read_w")[locs], "erase": at("erase"), "add": at("add"), "read": at("read"),
                "output": at("output"), "write_full": at("write_w")[:n]}
    raise ValueError(f"unknown explorer kind {kind!r}")


def max_difference(drawn: dict, want: dict) -> tuple[float, str]:
    """The largest |drawn - want| over the stages ntmlib computed, and where."""
    worst, where = 0.0, ""
    for name, value in want.items():
        value = np.asarray(value, dtype=np.float64).ravel()
        got = np.asarray(drawn[name], dtype=np.float64).ravel()
        if got.shape != value.shape:
            return float("inf"), f"{name}: shape {got.shape} != {value.shape}"
        diff = float(np.max(np.abs(got - value))) if value.size else 0.0
        if not np.isfinite(got).all():
            diff = float("inf")
        if diff > worst:
            worst, where = diff, name
    return worst, where


def page_views(page) -> list[dict]:
    """Each rendered explorer's model state (kind, data, sliders), in page order."""
    return json.loads(page.evaluate("""() => JSON.stringify(window.ntmTest.explorers().map(
      el => ({kind: el.ntm.kind, data: el.ntmData, sliders: el.ntmSliders})))"""))
