"""N-grams (paper §4.4): predictions against the optimal estimator (Fig. 14) and how the 32
contexts map to memory locations (the question behind Fig. 15)."""
from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from ...analysis import to_numpy
from ...analysis.ngrams import context_string

__all__ = ["plot_context_locations", "plot_ngram_predictions"]


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
