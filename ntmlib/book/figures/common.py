"""What the figures of chapters 7-12 share, in the manner of the paper's Figures 3-18.

Conventions shared by all of them:

- time runs along x, channels / memory locations along y (as in the paper);
- bits, sigmoid outputs and weightings are drawn in grey on a fixed 0..1
  scale, black = 0 and white = 1 (the paper's Fig. 6 convention), so that
  a blurry weighting or an unsure output shows up as grey;
- every function draws into a new figure (or the ``ax`` given), returns the
  Figure, and never calls ``plt.show()`` (the chapters do, last in a cell);
- tensors may be torch tensors or numpy arrays, batched ``(B, T, W)``
  (``index`` picks the example) or one example ``(T, W)``.
"""
from __future__ import annotations

import matplotlib as mpl
import numpy as np

from ...analysis import to_numpy
from ..style import ARCH_LABELS, ARCH_MARKERS, COLORS, GREY, arch_of

__all__ = ["METRIC_LABELS", "example", "heatmap", "line_style", "mark_wrong_bits", "mask_example", "time_ticks"]

#: Axis labels of the learning-curve metrics (columns of ``curve.csv``) and of
#: the evaluation results (:func:`ntmlib.evaluate.evaluate_task`).
METRIC_LABELS: dict[str, str] = {
    "eval_cost_bits": "cost per sequence (bits)",
    "eval_bit_errors": "bit errors per sequence",
    "train_cost": "training cost per sequence (bits)",
    "train_bit_errors": "training bit errors per sequence",
    "cost_bits": "cost per sequence (bits)",
    "bit_errors": "bit errors per sequence",
    "excess_bits": "cost above the optimal estimator (bits)",
    "data_bit_errors": "data bit errors per sequence",
    "end_marker_correct": "sequences with a correct end marker",
}


def line_style(name: str) -> dict:
    """Colour, marker and label of a line named by an architecture (or any other name)."""
    arch = arch_of(name)
    return {"color": COLORS.get(arch), "marker": ARCH_MARKERS.get(arch, "D"),
            "label": ARCH_LABELS.get(arch, name) if arch == name else name}


def example(value, index: int = 0) -> np.ndarray:
    """One example ``(T, ...)`` from a batched ``(B, T, ...)`` value (or the value itself
    when it is already one example: 2-D for sequences, 1-D for masks)."""
    array = to_numpy(value)
    return array[index] if array.ndim == 3 else array


def mask_example(mask, index: int, length: int) -> np.ndarray | None:
    """One example's mask ``(T,)`` of ``length`` steps (None for None)."""
    if mask is None:
        return None
    array = to_numpy(mask)
    array = array[index] if array.ndim == 2 else array
    if array.shape != (length,):
        raise ValueError(f"mask of shape {array.shape} does not match {length} time steps")
    return array


def heatmap(ax, image: np.ndarray, *, vmin=0.0, vmax=1.0, cmap=GREY, ylabels=None,
            ylabel=None, title=None, extent_start: int = 0):
    """Draw ``image`` (rows = channels/locations, columns = time) with time on x."""
    n_rows, n_cols = image.shape
    artist = ax.imshow(image, cmap=cmap, vmin=vmin, vmax=vmax, aspect="auto", interpolation="nearest",
                       extent=(extent_start - 0.5, extent_start + n_cols - 0.5, n_rows - 0.5, -0.5))
    ax.grid(False)
    if ylabels is not None:
        step = max(1, int(np.ceil(len(ylabels) / 10)))
        ax.set_yticks(range(0, n_rows, step))
        ax.set_yticklabels([ylabels[i] for i in range(0, n_rows, step)], fontsize=8)
    if ylabel:
        ax.set_ylabel(ylabel)
    if title:
        ax.set_title(title, fontsize=11, loc="left")
    return artist


def time_ticks(ax) -> None:
    """At most ten integer ticks on the time axis."""
    ax.xaxis.set_major_locator(mpl.ticker.MaxNLocator(nbins=10, integer=True))


def mark_wrong_bits(ax, outputs: np.ndarray, targets: np.ndarray) -> int:
    """A red dot on every bit of ``outputs`` ``(T, W)`` (probabilities) on the wrong side of
    1/2 from ``targets``, drawn on a heatmap of ``(W, T)``; returns how many."""
    wrong = (outputs > 0.5) != (targets > 0.5)
    ts, cs = np.nonzero(wrong)
    if len(ts):
        ax.plot(ts, cs, linestyle="none", marker="o", markersize=3.2, color="#e41a1c",
                markeredgecolor="white", markeredgewidth=0.4)
    return int(wrong.sum())
