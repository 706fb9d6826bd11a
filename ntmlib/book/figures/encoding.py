"""The encoding of one example (docs/tasks.md): input, target and mask as the network sees them."""
from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.patches import Rectangle

from ..style import channel_names, task_name
from .common import example, heatmap, mask_example, time_ticks

__all__ = ["plot_encoding"]


def plot_encoding(batch, index: int = 0, *, task=None, title: str | None = None,
                  figsize: tuple[float, float] | None = None) -> plt.Figure:
    """Draw one example of a task as the network sees it: input, target and mask.

    Three stacked panels share the time axis: the input ``x`` (one row per
    input channel), the target ``y`` (one row per output channel; steps
    without targets are hatched) and the mask (which steps carry targets).
    Bits are black (0) and white (1). Values that are neither 0 nor 1, such
    as repeat copy's normalised repeat count or a priority, are written into
    their cell.

    Parameters
    ----------
    batch:
        A :class:`ntmlib.tasks.Batch` (or any ``(x, y, mask)`` triple) with
        ``x`` of shape ``(B, T, input_width)``, ``y`` ``(B, T, output_width)``
        and ``mask`` ``(B, T)``; unbatched ``(T, W)`` / ``(T,)`` also work.
    index:
        Which example of the batch to draw.
    task:
        A task name or :class:`ntmlib.tasks.Task`; names the channels on the
        y axes (``"bit 0"``..., ``"delimiter"``, ``"repeats"``).
    """
    x_all, y_all, mask_all = batch
    x, y = example(x_all, index), example(y_all, index)
    length = x.shape[0]
    mask = mask_example(mask_all, index, length)
    in_names, out_names = channel_names(task, x.shape[1], 0), channel_names(task, y.shape[1], 1)
    if figsize is None:
        figsize = (min(13.0, 2.5 + 0.22 * length), 1.4 + 0.19 * (x.shape[1] + y.shape[1] + 1))
    fig, axes = plt.subplots(3, 1, figsize=figsize, sharex=True,
                             gridspec_kw={"height_ratios": [x.shape[1], y.shape[1], 1.3]})
    heatmap(axes[0], x.T, vmin=0, vmax=1, ylabels=in_names or list(range(x.shape[1])), title="input $x$")
    _write_values(axes[0], x, cell_inches=figsize[0] * 0.8 / max(length, 1))
    heatmap(axes[1], y.T, vmin=0, vmax=1, ylabels=out_names or list(range(y.shape[1])), title="target $y$")
    if mask is not None:
        for t in np.nonzero(mask == 0)[0]:  # no target at this step: hatch it
            axes[1].add_patch(Rectangle((t - 0.5, -0.5), 1, y.shape[1], facecolor="#bbbbbb", edgecolor="#888888",
                                        hatch="///", linewidth=0, alpha=0.9))
        heatmap(axes[2], mask[None, :], vmin=0, vmax=1, ylabels=["mask"], title=None)
    else:
        axes[2].set_visible(False)
    axes[2].set_xlabel("time step $t$")
    time_ticks(axes[2])
    for ax in axes:
        ax.tick_params(axis="x", labelbottom=ax is axes[2])
    name = task_name(task)
    fig.suptitle(title if title is not None else (f"{name}: " if name else "") + f"one example, T = {length} steps",
                 x=0.01, ha="left", fontsize=12)
    return fig


def _write_values(ax, x: np.ndarray, *, cell_inches: float) -> None:
    """Write the inputs that are neither 0 nor 1 (repeat count, priority) into their cells."""
    cells = list(zip(*np.nonzero((np.abs(x) > 1e-6) & (np.abs(x - 1) > 1e-6))))
    fmt, size = (".2g", 7) if len(cells) <= 6 or cell_inches > 0.45 else (".1f", 7)
    for t, c in cells:
        ax.text(t, c, format(x[t, c], fmt), ha="center", va="center", fontsize=size, color="#d55e00",
                fontweight="bold", clip_on=True)
