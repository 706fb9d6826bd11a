"""Priority sort (paper §4.5): one example with the model's answer (Fig. 16), and where each
input was written against its priority and read back (Fig. 17)."""
from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from ...analysis import sigmoid, to_numpy, used_locations
from ..style import COLORS, location_ticks
from .common import mark_wrong_bits

__all__ = ["plot_priority_example", "plot_priority_memory"]


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
    wrong = mark_wrong_bits(axes[1, 1], outputs, targets)
    axes[1, 1].set_title(f"outputs: {wrong} bit errors", loc="left", fontsize=10)
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
        location_ticks(ax, locations)
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
