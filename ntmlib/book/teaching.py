"""Measurements and figures for the book's teaching sections: one NTM step taken apart,
the paper's Figure 2 as a block diagram, weighting entropy (a stuck-head check), a
trained model moved to another memory size, the copy ablations, and step timing.

Nothing here re-implements the machine: every number comes from the real modules of
:mod:`ntmlib` (the step is :meth:`ntmlib.ntm.NTM.step`, the stages
:func:`ntmlib.addressing.address_stages`).

>>> from ntmlib import zoo
>>> from ntmlib.book import teaching
>>> model = teaching.with_memory_size(zoo.load("copy", "ntm-lstm"), 8)   # doctest: +SKIP
>>> parts = teaching.explain_step(model, x, t=2)                        # doctest: +SKIP
"""
from __future__ import annotations

import copy
import json
import time
from contextlib import contextmanager
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import torch

from .. import addressing, memory as memory_ops
from .style import COLORS
from .figures.diagrams import arrow, box
from ..validation import torch_threads

__all__ = ["explain_step", "draw_addressing_flow", "weighting_entropy", "with_memory_size", "load_ablations",
           "plot_ablations", "time_steps", "writes_suppressed", "curve_events", "STAGES"]

#: The four stages of Figure 2 in pipeline order, with the equation each implements.
STAGES = (("content", "content addressing", "eq. 5-6"), ("gated", "interpolation", "eq. 7"),
          ("shifted", "convolutional shift", "eq. 8"), ("sharpened", "sharpening", "eq. 9"))


@torch.no_grad()
def explain_step(model, x: torch.Tensor, t: int) -> dict:
    """Everything an NTM computes at step ``t`` of input ``x`` ``(B, T, input_width)``.

    Runs the real step function up to and including step t and returns, for step t:
    ``controller_input``, ``controller_output``, ``raw_heads`` (the projection's output cut
    into each head's slices before activation, :meth:`~ntmlib.heads.HeadBank.split`),
    ``heads`` (the activated :class:`~ntmlib.heads.HeadParameters`), ``stages`` (the four weightings of Figure 2
    for every head, from :func:`~ntmlib.addressing.address_stages` on the step's own
    inputs), ``previous_memory``, ``erased_memory`` (eq. 3), ``memory`` (after the add,
    eq. 4), ``reads`` (eq. 2) and ``logits``. The recomputed final stage is checked
    against the weighting the step itself produced.
    """
    if not 0 <= t < x.shape[1]:
        raise ValueError(f"t must be a step of the input, 0 <= t < {x.shape[1]}, got {t!r}")
    seen = {}
    hook = model.controller.register_forward_hook(lambda _m, args, out: seen.update(input=args[0], output=out[0]))
    try:
        state = model.initial_state(x.shape[0])
        for step in range(t + 1):
            before = state
            logits, state, heads = model.step(x[:, step], state)
    finally:
        hook.remove()
    previous_memory, previous_weightings = before[0], before[1]
    stages = addressing.address_stages(previous_memory, previous_weightings, heads.key, heads.beta, heads.gate,
                                       heads.shift, heads.gamma)
    if not torch.allclose(stages["sharpened"], state[1], atol=1e-6):
        raise RuntimeError("the recomputed addressing stages disagree with the model's step")
    write_weighting = state[1][:, model.num_read_heads:]
    raw_heads = model.heads.split(model.heads.projection(seen["output"]))
    return {"controller_input": seen["input"], "controller_output": seen["output"], "raw_heads": raw_heads, "heads": heads,
            "previous_weightings": previous_weightings, "stages": stages, "previous_memory": previous_memory,
            "erased_memory": memory_ops.erase(previous_memory, write_weighting, heads.erase),
            "memory": state[0], "reads": state[2], "logits": logits}


def draw_addressing_flow(parts: dict | None = None, *, head: int = 0, index: int = 0) -> plt.Figure:
    """The paper's Figure 2 as a block diagram: the controller's outputs (top) and the
    previous state (bottom) feed the four stages, left to right, into w_t.

    With ``parts`` (from :func:`explain_step`) each stage also shows head ``head``'s
    actual weighting of batch element ``index`` as bars, and the inputs their values.
    """
    fig, ax = plt.subplots(figsize=(11, 4.6 if parts is not None else 3.6), layout="constrained")
    ax.set_xlim(0, 11)
    ax.set_ylim(-1.9 if parts is not None else 0, 4.2)
    ax.axis("off")
    values = _flow_values(parts, head, index) if parts is not None else {}
    inputs = (("$k_t$, $\\beta_t$", "key", "beta"), ("$g_t$", "gate"), ("$s_t$", "shift"), ("$\\gamma_t$", "gamma"))
    xs = [1.5 + 2.3 * k for k in range(4)]
    for k, ((name, title, equation), x) in enumerate(zip(STAGES, xs)):
        box(ax, x, 2.0, 1.9, 0.9, f"{title}\n({equation})", COLORS[name], fontsize=10)
        label = inputs[k][0] + "".join(f"\n{values[key]}" for key in inputs[k][1:] if key in values)
        ax.text(x, 3.75, label, ha="center", va="center", fontsize=10)
        arrow(ax, (x, 3.35), (x, 2.5))
        end = (x + 1.4, 2.0) if k < 3 else (10.4, 2.0)
        arrow(ax, (x + 0.95, 2.0), end, color=COLORS[name])
        ax.text(x + 1.15, 2.15, ("$w^c_t$", "$w^g_t$", "$\\tilde w_t$", "")[k], ha="center", va="bottom", fontsize=10)
        if parts is not None:
            _stage_bars(ax, x, values["stages"][name], COLORS[name])
    ax.text(10.6, 2.0, "$w_t$", ha="left", va="center", fontsize=13)
    ax.text(5.5, 4.15, "controller outputs (one head)", ha="center", va="center", fontsize=10, color="#555555")
    ax.text(xs[0], 0.85, "$M_{t-1}$", ha="center", va="center", fontsize=11)
    ax.text(xs[1], 0.85, "$w_{t-1}$", ha="center", va="center", fontsize=11)
    arrow(ax, (xs[0], 1.05), (xs[0], 1.5))
    arrow(ax, (xs[1], 1.05), (xs[1], 1.5))
    ax.text(0.1, 0.85, "previous state", ha="left", va="center", fontsize=10, color="#555555")
    return fig


def _flow_values(parts: dict, head: int, index: int) -> dict:
    p = parts["heads"]
    shift = ", ".join(f"{v:.2f}" for v in p.shift[index, head].tolist())
    return {"beta": f"$\\beta$ = {float(p.beta[index, head]):.2f}", "gate": f"g = {float(p.gate[index, head]):.2f}",
            "shift": f"s = ({shift})", "gamma": f"$\\gamma$ = {float(p.gamma[index, head]):.2f}",
            "stages": {name: parts["stages"][name][index, head].numpy() for name, _, _ in STAGES}}


def _stage_bars(ax, x: float, weighting: np.ndarray, color: str) -> None:
    """A small bar chart of one weighting under the stage box centred at data x."""
    inset = ax.inset_axes((x - 0.85, -1.75, 1.7, 2.0), transform=ax.transData)
    inset.bar(np.arange(len(weighting)), weighting, color=color, width=0.8)
    inset.set_ylim(0, 1)
    inset.set_xticks(range(len(weighting)))
    inset.tick_params(labelsize=7, length=2)
    inset.set_yticks([0, 1])
    inset.set_xlabel("location", fontsize=7, labelpad=1)


def weighting_entropy(weightings: torch.Tensor) -> torch.Tensor:
    """Entropy in bits of weightings ``(..., N)``: 0 for a one-hot focus, log2 N for the
    uniform weighting. A head whose entropy stays near log2 N never focuses."""
    w = weightings.clamp_min(0)
    return -(w * torch.log2(w.clamp_min(1e-30))).sum(-1)


@contextmanager
def writes_suppressed(model, from_step: int):
    """Inside the block, every ``model(x)`` call writes nothing from step ``from_step``
    (0-based) on: the write heads' erase and add vectors are replaced by zeros, so the
    memory keeps what the earlier steps wrote. An intervention for diagnosis only."""
    if not isinstance(from_step, int) or from_step < 0:
        raise ValueError(f"from_step must be a non-negative integer, got {from_step!r}")
    steps = {"done": 0}

    def reset(_module, _args):
        steps["done"] = 0

    def silence(_module, _args, heads):
        steps["done"] += 1
        if steps["done"] > from_step:
            return heads._replace(erase=torch.zeros_like(heads.erase), add=torch.zeros_like(heads.add))
        return None

    handles = [model.register_forward_pre_hook(reset), model.heads.register_forward_hook(silence)]
    try:
        yield model
    finally:
        for handle in handles:
            handle.remove()


def with_memory_size(model, memory_size: int):
    """A copy of a trained NTM with ``memory_size`` locations instead of its own.

    No weight of an NTM depends on N except the learned start of the weightings and of
    the memory; these are cut (or, for more locations, padded: weighting logits with
    their minimum, memory with its last row) to the new size.
    """
    if not isinstance(memory_size, int) or memory_size < 2 * model.heads.max_shift + 1:
        raise ValueError(f"memory_size must be an integer >= {2 * model.heads.max_shift + 1}, got {memory_size!r}")
    moved = copy.deepcopy(model)
    logits, memory = moved.initial_weighting_logits.data, moved.initial_memory.data
    if memory_size <= moved.memory_size:
        logits, memory = logits[:, :memory_size], memory[:memory_size]
    else:
        extra = memory_size - moved.memory_size
        logits = torch.cat([logits, logits.min(dim=-1, keepdim=True).values.expand(-1, extra)], dim=-1)
        memory = torch.cat([memory, memory[-1:].expand(extra, -1)], dim=0)
    moved.initial_weighting_logits.data = logits.clone()
    moved.initial_memory.data = memory.clone()
    moved.memory_size = memory_size
    return moved


def curve_events(rows: list[dict], key: str = "eval_cost_bits", *, spike_factor: float = 3.0,
                 floor: float = 1.0) -> dict:
    """The plateau and the spikes of a learning curve (rows of ``curve.csv``).

    ``plateau_end``: the sequences at the first evaluation below half the first one
    (None if never). ``spikes``: evaluations whose cost is above ``spike_factor`` times
    the best so far and at least ``floor`` bits above it, as dicts ``{"sequences",
    "best_before", "cost"}``.
    """
    if not rows:
        raise ValueError("a learning curve needs at least one row")
    first = rows[0][key]
    plateau_end = next((r["sequences"] for r in rows if r[key] < first / 2), None)
    spikes, best = [], first
    for row in rows[1:]:
        cost = row[key]
        if cost > spike_factor * best and cost > best + floor:
            spikes.append({"sequences": row["sequences"], "best_before": best, "cost": cost})
        best = min(best, cost)
    return {"first": first, "plateau_end": plateau_end, "spikes": spikes}


def load_ablations(directory: str | Path) -> dict[str, list[dict]]:
    """``{variant: [result per seed]}`` from ``<directory>/<variant>-seed<S>.json``
    (written by ``tools/ablations.py``), variants in the order the files sort."""
    results: dict[str, list[dict]] = {}
    for path in sorted(Path(directory).glob("*-seed*.json")):
        document = json.loads(path.read_text(encoding="utf-8"))
        results.setdefault(document["variant"], []).append(document)
    return results


ABLATION_LABELS = {"full": "full NTM", "gamma-1": "no sharpening ($\\gamma$ = 1)",
                   "gate-1": "no interpolation (g = 1)", "no-shift": "no shift"}


def plot_ablations(results: dict[str, list[dict]], ax: plt.Axes | None = None) -> plt.Figure:
    """Bit errors per sequence against copy length, one line per variant (the mean over
    its seeds), with the training range (1-20) shaded."""
    if ax is None:
        fig, ax = plt.subplots(figsize=(7.5, 4.0), layout="constrained")
    else:
        fig = ax.figure
    ax.axvspan(1, 20, color="#dddddd", zorder=0, label="training lengths")
    for variant, documents in results.items():
        lengths = [row["length"] for row in documents[0]["lengths"]]
        errors = np.mean([[row["bit_errors"] for row in d["lengths"]] for d in documents], axis=0)
        ax.plot(lengths, errors, marker="o", label=ABLATION_LABELS.get(variant, variant))
    ax.set_yscale("symlog", linthresh=1)
    ax.set_xlabel("copy length L")
    ax.set_ylabel("bit errors per sequence")
    ax.legend(fontsize=9)
    return fig


def time_steps(make_model, memory_sizes, *, steps: int = 20, batch_size: int = 1, repeats: int = 5,
               threads: int = 1) -> list[dict]:
    """Milliseconds per time step of ``make_model(N)`` (an NTM, eager, no gradients) on
    a random input, for every N in ``memory_sizes``: the fastest of ``repeats`` runs,
    the least disturbed by other processes on a shared machine. Runs on ``threads`` torch
    threads (restored afterwards): two threads on busy shared cores were measured 30x
    slower than one at N = 128."""
    with torch_threads(threads):
        return [_time_one(make_model(size).eval(), size, steps, batch_size, repeats) for size in memory_sizes]


@torch.no_grad()
def _time_one(model, size: int, steps: int, batch_size: int, repeats: int) -> dict:
    x = torch.rand(batch_size, steps, model.input_width, generator=torch.Generator().manual_seed(0))
    model(x)  # warm-up
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        model(x)
        times.append(time.perf_counter() - start)
    return {"memory_size": size, "ms_per_step": 1000 * min(times) / steps}
