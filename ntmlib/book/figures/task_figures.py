"""Figures and small analyses of chapters 9-12 that the generic ones of
:mod:`ntmlib.book.figures.plots` do not cover.

- Associative recall (paper §4.3): :func:`recall_read_sources` (what the read head's
  location held while the NTM answered, the question behind Fig. 12).
- N-grams (paper §4.4): :func:`ngram_contexts`, :func:`context_estimator` (eq. 10 with
  shorter contexts, a yardstick), :func:`plot_ngram_predictions` (Fig. 14),
  :func:`context_locations` and :func:`plot_context_locations` (how the 32 contexts map
  to memory locations, the question behind Fig. 15).
- Priority sort (paper §4.5): :func:`plot_priority_example` (Fig. 16),
  :func:`write_location_fit`, :func:`priority_head_fits`, :func:`priority_read_order`,
  :func:`priority_read_matches` and :func:`plot_priority_memory` (Fig. 17: where each
  input is written against its priority, with a linear fit, and the read weightings).
- Chapter 12: :func:`load_beyond`, :func:`plot_memory_init`, :func:`plot_throughput`,
  :func:`zoo_table` (the measurements of ``tools/beyond.py`` and the zoo's wall times).

Every plotting function returns a matplotlib Figure and never calls ``plt.show()``;
tensors may be torch tensors or numpy arrays.
"""
from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Sequence

import matplotlib.pyplot as plt
import numpy as np

from ...analysis import sigmoid, to_numpy, used_locations
from ..style import ARCH_LABELS, COLORS

__all__ = [
    # associative recall
    "recall_read_sources",
    # N-grams
    "ngram_contexts", "context_string", "context_estimator", "sequence_cost_bits", "plot_ngram_predictions",
    "context_locations", "context_consistency", "plot_context_locations",
    # priority sort
    "unwrap_locations", "write_location_fit", "priority_head_fits", "priority_read_order", "priority_read_matches",
    "plot_priority_example", "plot_priority_memory",
    # chapter 12
    "beyond_dir", "load_beyond", "current_runs", "plot_memory_init", "plot_throughput", "zoo_table", "SCHEME_LABELS",
]

CONTEXT_BITS = 5


# --------------------------------------------------------------------------------------
# Associative recall (§4.3)


def recall_read_sources(trace, x, *, read_head: int = 0, write_head: int = 0, item_length: int = 3,
                        lead: int = 0) -> list[dict]:
    """Where did the read head look while the NTM answered an associative-recall query?

    For every sequence of the batch and every answer step s (the last ``item_length``
    steps), take the location the read head focused on (argmax of its weighting) and
    find the last input step before s at which the write head focused on that same
    location: that is the step whose write the read could return. Each answer step
    becomes a dict ``{"sequence", "answer_step", "location", "source_step", "item",
    "position", "expected_item"}``: ``item`` the item (0-based) whose block contained the
    source step (``"query"`` for the query section, None if nothing was written there),
    ``position`` 0 for the item's delimiter step and 1..item_length for its data steps,
    ``expected_item`` the item after the query item (the answer). The paper's reading of
    Fig. 12 predicts ``item == expected_item`` and ``position == answer_step + 1``.

    ``lead`` > 0 also analyses that many steps before the answer (``answer_step`` -1 is
    the second query delimiter): a controller can read a vector one step before it
    outputs it and carry it in its own state.
    """
    xs = to_numpy(x)
    read_w = to_numpy(trace.read_weightings)[:, :, read_head]
    write_w = to_numpy(trace.write_weightings)[:, :, write_head]
    B, T, _ = xs.shape
    block = item_length + 1
    K = (T - 2 * item_length - 2) // block
    rows = []
    for b in range(B):
        items = xs[b, : K * block].reshape(K, block, -1)[:, 1:, :6]
        query = xs[b, K * block + 1: K * block + 1 + item_length, :6]
        matches = [k for k in range(K - 1) if np.array_equal(items[k], query)]
        expected = matches[0] + 1 if matches else None
        write_peak = write_w[b].argmax(axis=-1)
        for j in range(-lead, item_length):
            s = T - item_length + j
            location = int(read_w[b, s].argmax())
            earlier = np.nonzero(write_peak[:s] == location)[0]
            source = int(earlier[-1]) if len(earlier) else None
            if source is None:
                item = position = None
            elif source < K * block:
                item, position = source // block, source % block
            else:
                item, position = "query", source - K * block
            rows.append({"sequence": b, "answer_step": j, "location": location, "source_step": source,
                         "item": item, "position": position, "expected_item": expected})
    return rows


# --------------------------------------------------------------------------------------
# N-grams (§4.4)


def ngram_contexts(bits) -> np.ndarray:
    """The 5-bit context of every step of a bit sequence ``(T,)``: at step t >= 5 the
    integer whose binary digits, most significant first, are b[t-5] .. b[t-1] (what the
    network has seen when it predicts b[t]); -1 for t < 5, where there is no context.

    The same numbering as :func:`ntmlib.tasks.optimal_estimator` uses, so
    ``context_string(c)`` reads the five bits in the order they arrived.
    """
    b = to_numpy(bits).astype(int).ravel()
    contexts = np.full(len(b), -1, dtype=int)
    for t in range(CONTEXT_BITS, len(b)):
        value = 0
        for bit in b[t - CONTEXT_BITS:t]:
            value = (value << 1) | int(bit)
        contexts[t] = value
    return contexts


def context_estimator(bits, order: int):
    """Eq. 10 with a context of ``order`` bits instead of five: P(b[t] = 1) =
    (N1 + 1/2) / (N1 + N0 + 1), N1 and N0 counting what followed the same ``order``-bit
    context earlier in the sequence (1/2 while t < order). ``order=5`` is the optimal
    estimator of the task; ``order=0`` counts the ones and zeros of the whole sequence so
    far. ``bits``: ``(B, T)``; returns a ``(B, T)`` torch tensor."""
    import torch
    import torch.nn.functional as F

    b = torch.as_tensor(bits, dtype=torch.float32)
    if b.dim() != 2:
        raise ValueError(f"expected bits of shape (B, T), got {tuple(b.shape)}")
    if not 0 <= order <= 16:
        raise ValueError(f"order must be between 0 and 16, got {order}")
    B, T = b.shape
    context = torch.zeros(B, T, dtype=torch.long)
    for i in range(1, order + 1):  # b[t-1] is the least significant bit, as in ntmlib.tasks
        if T > order:
            context[:, order:] += b[:, order - i: T - i].long() << (i - 1)
    valid = (torch.arange(T) >= order).float()
    onehot = F.one_hot(context, 2 ** order).float() * valid[None, :, None]
    ones = onehot * b[..., None]
    zeros = onehot - ones
    n1 = (torch.cumsum(ones, dim=1) - ones).gather(2, context[..., None]).squeeze(-1)
    n0 = (torch.cumsum(zeros, dim=1) - zeros).gather(2, context[..., None]).squeeze(-1)
    return (n1 + 0.5) / (n1 + n0 + 1.0)


def sequence_cost_bits(bits, p_one):
    """Cost in bits of each sequence, ``(B,)``, of the predictions ``p_one`` = P(b[t] = 1)."""
    import torch

    b = torch.as_tensor(bits, dtype=torch.float32)
    p = torch.as_tensor(p_one, dtype=torch.float32)
    return -torch.log2(torch.where(b > 0.5, p, 1.0 - p)).sum(dim=1)


def context_string(context: int) -> str:
    """``'00010'``: the five bits of a context, oldest first."""
    return format(int(context), f"0{CONTEXT_BITS}b")


def plot_ngram_predictions(bits, predictions: dict, *, costs: dict | None = None, colors: dict | None = None,
                           steps: slice | None = None, figsize=(13.0, 4.2)) -> plt.Figure:
    """The paper's Fig. 14: a test sequence and, below it, the probability that the next
    bit is a one as each predictor saw it, as grey strips (black 0, white 1).

    ``bits``: ``(T,)`` the sequence b; ``predictions``: ``{name: (T,) P(b[t] = 1)}`` in
    the order to draw (e.g. optimal estimator, NTM, LSTM); ``costs``: ``{name: bits}``
    written beside each row; ``colors``: ``{name: colour}`` of the lines. A lower panel
    draws each later predictor's difference from the first (the optimal one) as lines.
    """
    b = to_numpy(bits).ravel()
    steps = steps or slice(0, len(b))
    b = b[steps]
    names = list(predictions)
    rows = [b] + [to_numpy(predictions[n]).ravel()[steps] for n in names]
    fig, axes = plt.subplots(2, 1, figsize=figsize, sharex=True, gridspec_kw={"height_ratios": [len(rows), 2.2]})
    ax = axes[0]
    ax.imshow(np.stack(rows), cmap="gray", vmin=0, vmax=1, aspect="auto", interpolation="nearest",
              extent=(steps.start - 0.5, steps.start + len(b) - 0.5, len(rows) - 0.5, -0.5))
    ax.grid(False)
    labels = ["input bits"] + [n + (f"  ({costs[n]:.1f} bits)" if costs and n in costs else "") for n in names]
    ax.set_yticks(range(len(rows)))
    ax.set_yticklabels(labels, fontsize=9)
    ax.set_title("sequence and predictions P(next bit = 1): black 0, white 1", loc="left", fontsize=11)
    ax = axes[1]
    reference = rows[1]
    palette = ["#029e73", "#d55e00", "#0173b2", "#555555", "#cc78bc"]
    t = np.arange(steps.start, steps.start + len(b))
    for k, (name, row) in enumerate(zip(names[1:], rows[2:])):
        color = (colors or {}).get(name, palette[k % len(palette)])
        ax.plot(t, row - reference, color=color, linewidth=1.2, label=f"{name} - {names[0]}")
    ax.axhline(0, color="#333333", linewidth=0.8)
    ax.set_ylim(-1, 1)
    ax.set_ylabel("difference")
    ax.set_xlabel("time step $t$")
    ax.legend(loc="lower left", fontsize=8, ncol=2)
    return fig


def context_locations(weightings, contexts, *, head: int = 0, delay: int = 0) -> np.ndarray:
    """How often each context led a head to each location: ``counts[c, i]`` is the
    number of steps t with context ``c`` whose weighting at step ``t + delay`` has its
    maximum at location ``i``.

    ``weightings``: ``(T, N)`` or ``(T, H, N)`` (``head`` picks one) of one sequence or
    ``(B, T, H, N)`` with ``contexts`` ``(B, T)`` for several; ``contexts`` from
    :func:`ngram_contexts` (steps with -1 are skipped). ``delay=0`` for the read that
    predicts b[t], ``delay=1`` for the write one step later, when b[t] has been seen.
    """
    w = to_numpy(weightings)
    c = np.asarray(contexts, dtype=int)
    if w.ndim == 4:
        w = w[:, :, head]
    elif w.ndim == 3 and c.ndim == 1:
        w = w[:, head]
    if w.ndim == 2:
        w, c = w[None], c[None]
    if w.shape[:2] != c.shape:
        raise ValueError(f"weightings {w.shape[:2]} and contexts {c.shape} cover different steps")
    n = w.shape[-1]
    counts = np.zeros((2 ** CONTEXT_BITS, n), dtype=int)
    peak = w.argmax(axis=-1)
    T = c.shape[1]
    for b in range(c.shape[0]):
        for t in range(T - delay):
            if c[b, t] >= 0:
                counts[c[b, t], peak[b, t + delay]] += 1
    return counts


def context_consistency(counts: np.ndarray) -> float:
    """The share of steps at which a context sent the head to that context's most usual
    location (counts from :func:`context_locations`): 1.0 means every context has one
    location of its own, every time it occurs."""
    counts = np.asarray(counts)
    total = counts.sum()
    return float(counts.max(axis=1).sum() / total) if total else float("nan")


def plot_context_locations(counts: np.ndarray, *, title: str | None = None, ax=None,
                           max_locations: int = 64) -> plt.Figure:
    """``counts`` of :func:`context_locations` as an image: one row per context (its five
    bits as the label), one column per memory location that any context used (at most
    ``max_locations``, the most used). Each row is normalised to sum to one, so a row with
    one bright cell means: this context always sent the head to one location."""
    counts = np.asarray(counts, dtype=float)
    used = np.nonzero(counts.sum(axis=0) > 0)[0]
    if len(used) > max_locations:
        used = np.sort(np.argsort(counts.sum(axis=0))[::-1][:max_locations])
    rows = counts[:, used]
    totals = rows.sum(axis=1, keepdims=True)
    share = np.divide(rows, totals, out=np.zeros_like(rows), where=totals > 0)
    if ax is None:
        fig, ax = plt.subplots(figsize=(min(13.0, 3.0 + 0.22 * len(used)), 6.4))
    else:
        fig = ax.figure
    image = ax.imshow(share, cmap="gray", vmin=0, vmax=1, aspect="auto", interpolation="nearest")
    ax.grid(False)
    ax.set_yticks(range(counts.shape[0]))
    ax.set_yticklabels([context_string(c) + f" ({int(totals[c, 0])})" for c in range(counts.shape[0])],
                       fontsize=6.5, family="monospace")
    step = max(1, int(np.ceil(len(used) / 20)))
    ax.set_xticks(range(0, len(used), step))
    ax.set_xticklabels([str(i) for i in used[::step]], fontsize=8)
    ax.set_xlabel("memory location (only those used)")
    ax.set_ylabel("context (times seen)")
    fig.colorbar(image, ax=ax, shrink=0.6, label="share of the context's steps")
    ax.set_title(title or "where each context sends the head", loc="left", fontsize=11)
    return fig


# --------------------------------------------------------------------------------------
# Priority sort (§4.5)


def unwrap_locations(locations, n: int) -> np.ndarray:
    """Memory is circular: write locations such as 126, 127, 0, 1 are neighbours.
    Return the locations shifted by multiples of ``n`` so that they lie on one
    unbroken stretch (the largest circular gap between used locations is where the
    stretch is cut), ready for a linear fit."""
    loc = np.asarray(locations, dtype=int) % n
    used = np.unique(loc)
    if len(used) < 2:
        return loc.astype(float)
    gaps = np.diff(np.concatenate([used, [used[0] + n]]))
    start = used[(int(np.argmax(gaps)) + 1) % len(used)]
    return (start + (loc - start) % n).astype(float)


def write_location_fit(priorities, write_weightings, n: int | None = None) -> dict:
    """The test behind the paper's Fig. 17: is an input written at a location that is a
    linear function of its priority?

    ``priorities``: ``(K,)`` the priorities of the K input steps; ``write_weightings``:
    ``(K, N)`` one write head's weightings on those steps. The observed location of step k
    is the argmax of its weighting (unwrapped around the circular memory, see
    :func:`unwrap_locations`). Fits location = slope * priority + intercept with
    ``numpy.polyfit`` and returns ``{"priorities", "locations", "slope", "intercept",
    "r", "predicted", "peak"}`` (``r``: Pearson correlation; ``peak``: the weight at
    each argmax, how sharp the write was).
    """
    p = to_numpy(priorities).ravel()
    w = to_numpy(write_weightings)
    n = n or w.shape[-1]
    raw = w.argmax(axis=-1)
    locations = unwrap_locations(raw, n)
    if np.ptp(locations) == 0 or np.ptp(p) == 0:
        slope, intercept, r = 0.0, float(locations.mean()), 0.0
    else:
        slope, intercept = np.polyfit(p, locations, 1)
        r = float(np.corrcoef(p, locations)[0, 1])
    return {"priorities": p, "locations": locations, "raw_locations": raw, "slope": float(slope),
            "intercept": float(intercept), "r": r, "predicted": slope * p + intercept,
            "peak": w.max(axis=-1)}


def priority_head_fits(trace, x, *, num_inputs: int = 20) -> np.ndarray:
    """``r[b, h]``: the correlation of write location and priority (:func:`write_location_fit`)
    for every sequence b of a priority-sort batch and every write head h."""
    xs = to_numpy(x)
    w = to_numpy(trace.write_weightings)
    return np.array([[write_location_fit(xs[b, :num_inputs, 8], w[b, :num_inputs, h])["r"]
                      for h in range(w.shape[2])] for b in range(w.shape[0])])


def priority_read_order(trace, *, num_inputs: int = 20) -> np.ndarray:
    """``r[b, h]``: the correlation between the output step and the location read head h
    focused on (argmax, unwrapped around the circular memory) for every sequence b of a
    priority-sort batch. Near +1 or -1: the head sweeps through memory in one direction
    while the sorted vectors come out, the second half of the paper's Fig. 17."""
    read = to_numpy(trace.read_weightings)
    B, T, R, N = read.shape
    steps = np.arange(T - num_inputs - 1)
    r = np.zeros((B, R))
    for b in range(B):
        for h in range(R):
            locations = unwrap_locations(read[b, num_inputs + 1:, h].argmax(axis=-1), N)
            r[b, h] = 0.0 if np.ptp(locations) == 0 else float(np.corrcoef(steps, locations)[0, 1])
    return r


def priority_read_matches(trace, x, *, num_inputs: int = 20, lead: int = 0) -> np.ndarray:
    """``m[r, h]``: the share of output steps at which read head r focused on the location
    where write head h had focused when the vector that step should output came in
    (the k-th output step should return the input with the k-th highest priority), and
    no other input of the sequence was written there by that head (a head that writes
    everything to one place matches nothing). 1.0 for some pair (r, h) means: the
    machine reads its writes back in priority order. ``lead=1`` compares the read of the
    step *before* each output step (the delimiter's read for the first output): a
    controller that takes in the previous read vectors (§3.4) outputs what it read then."""
    if isinstance(lead, bool) or not isinstance(lead, int) or not 0 <= lead <= num_inputs + 1:
        raise ValueError(f"lead must be an integer from 0 to num_inputs + 1 = {num_inputs + 1}, got {lead!r}")
    xs = to_numpy(x)
    write_peak = to_numpy(trace.write_weightings).argmax(axis=-1)  # (B, T, W)
    read_peak = to_numpy(trace.read_weightings).argmax(axis=-1)  # (B, T, R)
    B, T, R = read_peak.shape
    W = write_peak.shape[2]
    outputs = T - num_inputs - 1
    hits = np.zeros((R, W))
    for b in range(B):
        order = np.argsort(-xs[b, :num_inputs, 8])[:outputs]
        for h in range(W):
            written = write_peak[b, :num_inputs, h]
            unique = np.array([np.sum(written == written[k]) == 1 for k in order])
            for r in range(R):
                reads = read_peak[b, num_inputs + 1 - lead:num_inputs + 1 - lead + outputs, r]
                hits[r, h] += np.sum((reads == written[order]) & unique)
    return hits / (B * outputs)


def plot_priority_example(x, y, logits, *, index: int = 0, num_inputs: int = 20,
                          figsize=(12.0, 5.2)) -> plt.Figure:
    """The paper's Fig. 16 with the model's answer: the priority of each input vector
    (bars), the input vectors, the targets (the top vectors in descending priority) and
    the outputs (sigmoid of the logits; red dots mark wrong bits). Each target column is
    labelled with the input step it comes from."""
    xs, ys, out = to_numpy(x), to_numpy(y), sigmoid(to_numpy(logits))
    if xs.ndim == 3:
        xs, ys, out = xs[index], ys[index], out[index]
    priorities = xs[:num_inputs, 8]
    inputs = xs[:num_inputs, :8]
    targets, outputs = ys[num_inputs + 1:], out[num_inputs + 1:]
    order = np.argsort(-priorities)[: len(targets)]
    fig, axes = plt.subplots(2, 2, figsize=figsize, gridspec_kw={"height_ratios": [1.2, 1.0],
                                                                 "width_ratios": [num_inputs, len(targets)]})
    ax = axes[0, 0]
    ax.bar(range(num_inputs), priorities, color=[COLORS["write"] if k in order else "#bbbbbb"
                                                 for k in range(num_inputs)])
    ax.set_xlim(-0.5, num_inputs - 0.5)
    ax.set_ylim(-1.05, 1.05)
    ax.set_ylabel("priority")
    ax.set_title("priorities (orange: among the top %d)" % len(targets), loc="left", fontsize=10)
    ax.set_xticks(range(num_inputs))
    ax.tick_params(axis="x", labelsize=7)
    ax = axes[1, 0]
    ax.imshow(inputs.T, cmap="gray", vmin=0, vmax=1, aspect="auto", interpolation="nearest")
    ax.set_title("input vectors", loc="left", fontsize=10)
    ax.set_xticks(range(num_inputs))
    ax.tick_params(axis="x", labelsize=7)
    ax.set_xlabel("input step")
    ax.set_ylabel("bit")
    for a, image, title in ((axes[0, 1], targets, "targets (sorted)"), (axes[1, 1], outputs, "outputs")):
        a.imshow(image.T, cmap="gray", vmin=0, vmax=1, aspect="auto", interpolation="nearest")
        a.set_xticks(range(len(targets)))
        a.set_xticklabels([str(k) for k in order], fontsize=7)
        a.set_title(title, loc="left", fontsize=10)
    wrong = (outputs > 0.5) != (targets > 0.5)
    ts, cs = np.nonzero(wrong)
    axes[1, 1].plot(ts, cs, linestyle="none", marker="o", markersize=3.2, color="#e41a1c",
                    markeredgecolor="white", markeredgewidth=0.4)
    axes[1, 1].set_title(f"outputs: {int(wrong.sum())} bit errors", loc="left", fontsize=10)
    axes[1, 1].set_xlabel("output step, labelled by the input step it should copy")
    for a in axes.ravel():
        a.grid(False)
    return fig


def plot_priority_memory(fit: dict, write_weightings, read_weightings, *, locations=None,
                         figsize=(13.0, 4.2)) -> plt.Figure:
    """The paper's Fig. 17 with the fit drawn out: (left) observed write location of each
    input against its priority with the fitted line and r; (middle) the locations the
    line predicts (red circles) and the observed argmax (orange dots) over the write
    weightings of the input steps;
    (right) the read weightings of the output steps on the same locations.

    ``fit`` from :func:`write_location_fit`; ``write_weightings`` ``(K, N)`` of the input
    steps, ``read_weightings`` ``(S, N)`` of the output steps (one head each);
    ``locations``: the locations to draw (default: the written and read ones).
    """
    w = to_numpy(write_weightings)
    r = to_numpy(read_weightings)
    n = w.shape[-1]
    if locations is None:

        # The strongly weighted locations, and every location the figure marks: observed
        # and fitted write locations, the read focus.
        marks = np.zeros((1, n))
        marks[0, np.concatenate([fit["raw_locations"], np.round(fit["predicted"]).astype(int) % n,
                                 r.argmax(axis=-1)])] = 1.0
        locations = used_locations(np.concatenate([w, r, marks])[:, None, :], threshold=0.1)
    locations = np.asarray(locations, dtype=int)
    fig, axes = plt.subplots(1, 3, figsize=figsize, gridspec_kw={"width_ratios": [1.1, 1, 1]})
    ax = axes[0]
    p = fit["priorities"]
    ax.scatter(p, fit["locations"], color=COLORS["write"], s=28, zorder=3, label="observed (argmax)")
    grid = np.linspace(-1, 1, 50)
    ax.plot(grid, fit["slope"] * grid + fit["intercept"], color="#333333", linewidth=1.3,
            label=f"fit: {fit['slope']:.1f} x priority + {fit['intercept']:.1f}")
    ax.set_xlabel("priority")
    ax.set_ylabel("write location")
    # Unwrapped locations may run past N - 1: label them modulo N, as the memory does.
    ax.yaxis.set_major_locator(plt.MaxNLocator(integer=True))
    ax.yaxis.set_major_formatter(plt.FuncFormatter(lambda v, _: f"{int(round(v)) % n}"))
    ax.set_title(f"write location against priority, r = {fit['r']:.2f}", loc="left", fontsize=10)
    ax.legend(fontsize=8)
    # Row of each unwrapped location in the drawn list of locations.
    position = {int(loc): k for k, loc in enumerate(locations)}
    for ax, image, title in ((axes[1], w, "write weightings (input steps)"),
                             (axes[2], r, "read weightings (output steps)")):
        ax.imshow(image[:, locations].T, cmap="gray", vmin=0, vmax=1, aspect="auto", interpolation="nearest")
        ax.grid(False)
        ax.set_title(title, loc="left", fontsize=10)
        ax.set_xlabel("step")
        step = max(1, int(np.ceil(len(locations) / 8)))
        ax.set_yticks(range(0, len(locations), step))
        ax.set_yticklabels([str(locations[k]) for k in range(0, len(locations), step)], fontsize=8)
        ax.set_ylabel("location")
    observed = [position.get(int(v)) for v in fit["raw_locations"]]
    ks = [k for k, row in enumerate(observed) if row is not None]
    axes[1].plot(ks, [observed[k] for k in ks], linestyle="none", marker=".", markersize=6,
                 color=COLORS["write"], label="observed (argmax)")
    predicted = [position.get(int(round(v)) % n) for v in fit["predicted"]]
    ks = [k for k, row in enumerate(predicted) if row is not None]
    axes[1].plot(ks, [predicted[k] for k in ks], linestyle="none", marker="o", markersize=6,
                 markerfacecolor="none", markeredgecolor="#e41a1c", label="fitted location")
    axes[1].legend(fontsize=8, loc="upper right", framealpha=0.8)
    return fig


# --------------------------------------------------------------------------------------
# Chapter 12: tools/beyond.py's measurements and the zoo's wall times

SCHEME_LABELS = {"constant": "constant 1e-6", "learned": "learned", "random": "random (fixed)"}


def beyond_dir() -> Path:
    """``data/beyond`` of the zoo's data directory (``$NTM_DATA_DIR`` if set)."""
    from ...zoo import data_dir

    return data_dir() / "beyond"


def load_beyond(name: str, directory: str | os.PathLike | None = None) -> dict | None:
    """The JSON document ``<name>.json`` written by ``tools/beyond.py`` (None if absent)."""
    path = Path(directory or beyond_dir()) / f"{name}.json"
    if not path.exists():
        return None
    with open(path, encoding="utf-8") as handle:
        return json.load(handle)


def current_runs(document: dict) -> list[dict]:
    """The results of a beyond document measured with its current settings."""
    return [r for r in document.get("results", {}).values() if r.get("settings") == document.get("settings")]


def plot_memory_init(document: dict, *, figsize=(12.0, 3.8)) -> plt.Figure:
    """Memory initialisation schemes compared (``memory_init.json``): for each scheme one
    dot per seed, (left) sequences until converged, (middle) wall seconds until converged,
    (right) bit errors per sequence at length 120; a bar marks the median. Runs that
    did not converge are drawn at the cap as crosses (diverged: red)."""
    runs = current_runs(document)
    settings = document["settings"]
    schemes = [s for s in SCHEME_LABELS if any(r.get("scheme") == s for r in runs)]
    fig, axes = plt.subplots(1, 3, figsize=figsize)
    cap_sequences = settings["max_steps"] * 32
    specs = (("sequences", "sequences until converged", cap_sequences),
             ("seconds", "seconds until converged", settings["max_seconds"]),
             ("length120_bit_errors", "bit errors / sequence at length 120", None))
    rng = np.random.default_rng(0)
    for ax, (key, label, cap) in zip(axes, specs):
        for k, scheme in enumerate(schemes):
            rows = [r for r in runs if r.get("scheme") == scheme and "error" not in r]
            done = [r[key] for r in rows if r.get("converged") and r.get(key) is not None]
            jitter = rng.uniform(-0.12, 0.12, len(done))
            ax.scatter(k + jitter, done, color=COLORS["ntm-lstm"], s=30, zorder=3)
            if done:
                ax.hlines(np.median(done), k - 0.3, k + 0.3, color="#333333", linewidth=2, zorder=4)
            if cap is not None:
                for r in rows:
                    if not r.get("converged"):
                        value = r.get(key) if key == "seconds" and r.get(key) is not None else cap
                        ax.scatter(k + rng.uniform(-0.12, 0.12), value, marker="x", s=40, zorder=3,
                                   color="#e41a1c" if r.get("diverged") else "#777777")
        ax.set_xticks(range(len(schemes)))
        ax.set_xticklabels([SCHEME_LABELS[s] for s in schemes], fontsize=9)
        ax.set_xlim(-0.6, len(schemes) - 0.4)
        ax.set_ylim(bottom=0)
        ax.set_title(label, loc="left", fontsize=10)
    axes[0].yaxis.set_major_formatter(plt.FuncFormatter(lambda v, _: f"{v:,.0f}"))
    return fig


def plot_throughput(document: dict, devices: dict | None = None, *, figsize=(11.0, 3.8)) -> plt.Figure:
    """Training throughput (``throughput.json``): sequences per second (left) and
    milliseconds per iteration (right) against batch size, eager and compiled; GPU rows
    of ``devices.json`` too when there are any."""
    rows = [r for r in current_runs(document) if "error" not in r]
    fig, axes = plt.subplots(1, 2, figsize=figsize)
    series = {"eager (CPU)": [r for r in rows if not r["compile"]],
              "torch.compile (CPU)": [r for r in rows if r["compile"]]}
    if devices and devices.get("summary", {}).get("cuda_available"):
        series["eager (GPU)"] = [r for r in devices["summary"]["rows"] if r["device"].startswith("cuda")]
    colors = {"eager (CPU)": "#0173b2", "torch.compile (CPU)": "#de8f05", "eager (GPU)": "#029e73"}
    for name, data in series.items():
        data = sorted(data, key=lambda r: r["batch_size"])
        if not data:
            continue
        b = [r["batch_size"] for r in data]
        axes[0].plot(b, [r["sequences_per_second"] for r in data], marker="o", color=colors[name], label=name)
        axes[1].plot(b, [r["ms_per_iteration"] for r in data], marker="o", color=colors[name], label=name)
    sizes = sorted({r["batch_size"] for data in series.values() for r in data})
    for ax, label in zip(axes, ("sequences per second", "milliseconds per training iteration")):
        ax.set_xscale("log", base=2)
        ax.set_xticks(sizes)
        ax.xaxis.set_major_formatter(plt.FuncFormatter(lambda v, _: f"{v:g}"))
        ax.xaxis.set_minor_locator(plt.NullLocator())
        ax.set_xlabel("batch size")
        ax.set_title(label, loc="left", fontsize=10)
        ax.set_ylim(bottom=0)
        ax.legend(fontsize=8)
    return fig


def zoo_table(tasks: Sequence[str] | None = None, archs: Sequence[str] | None = None) -> list[dict]:
    """One row per trained model of the zoo: task, architecture, parameters, steps,
    sequences, wall seconds, why training stopped, best evaluation cost and bit errors
    (from :func:`ntmlib.zoo.info`). Models not trained yet are left out."""
    from ... import zoo
    from ...paper import ARCHITECTURES, TASK_NAMES

    rows = []
    for task in tasks or TASK_NAMES:
        for arch in archs or ARCHITECTURES:
            try:
                info = zoo.info(task, arch)
            except FileNotFoundError:
                continue
            best = info.get("best") or {}
            rows.append({"task": task, "arch": arch, "label": ARCH_LABELS.get(arch, arch),
                         "parameters": info.get("parameters"), "steps": info.get("steps"),
                         "sequences": info.get("sequences"), "wall_seconds": info.get("wall_seconds"),
                         "stopped": info.get("stopped"), "finished": info.get("finished"),
                         "memory_init": (info.get("model_kwargs") or {}).get("memory_init", "constant")
                         if arch != "lstm" else None,
                         "best_cost_bits": best.get("eval_cost_bits"),
                         "best_bit_errors": best.get("eval_bit_errors"),
                         "best_sequences": best.get("sequences")})
    return rows
