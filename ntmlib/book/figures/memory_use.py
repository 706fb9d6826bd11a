"""How an NTM used its memory on one sequence (the paper's Figs 6, 9, 12, 15 and 17)."""
from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from ...analysis import sigmoid, to_numpy, used_locations
from ..style import COLORS, channel_names, location_ticks
from .common import example, heatmap, mask_example

__all__ = ["plot_memory_use"]


def plot_memory_use(trace, x, index: int = 0, *, read_heads=None, write_heads=None, locations="auto",
                    threshold: float = 0.05, mask=None, task=None, title: str | None = None,
                    figsize: tuple[float, float] | None = None) -> plt.Figure:
    """How an NTM used its memory on one sequence, laid out like the paper's Fig. 6.

    Left column (writing): the inputs, then for each write head the add
    vectors ``a_t`` (eq. 4) and the write weightings. Right column
    (reading): the outputs (sigmoid of the logits), then for each read head
    the read vectors ``r_t`` (eq. 2) and the read weightings. Time runs along
    x in every panel; weightings have one row per memory location, black 0
    and white 1. Add and read vectors share one grey scale, so that a read
    vector that returns what was written looks the same as the add vector.

    ``trace`` is :class:`ntmlib.ntm.NTMTrace` from ``model.trace(x)``, ``x`` its inputs
    ``(B, T, input_width)``, ``index`` the example drawn; ``read_heads``/``write_heads``: head
    indices (int or list; ``None``: all); ``locations``: ``"auto"`` (the locations in use,
    :func:`ntmlib.analysis.used_locations` with ``threshold``), ``None`` (all N) or explicit
    indices; ``mask`` ``(B, T)``: a dashed line where the targets begin; ``task`` names the
    channels. Weighting panels are titled "write/read weightings" (with the head number when
    several are drawn); their ``images[0]`` holds ``trace.*_weightings[index, :, h, locations].T``.
    """
    reads = _select_heads(read_heads, trace.read_weightings.shape[2], "read")
    writes = _select_heads(write_heads, trace.write_weightings.shape[2], "write")
    read_w = to_numpy(trace.read_weightings[index])  # (T, R, N)
    write_w = to_numpy(trace.write_weightings[index])  # (T, W, N)
    n = read_w.shape[-1]
    locs = _shown_locations(locations, read_w[:, reads], write_w[:, writes], threshold)
    inputs = example(x, index)
    outputs = sigmoid(example(trace.logits, index))
    length = inputs.shape[0]
    adds = to_numpy(trace.add_vectors[index])  # (T, W, M)
    read_vectors = to_numpy(trace.read_vectors[index])  # (T, R, M)
    vector_max = max(float(np.abs(adds[:, writes]).max(initial=0)), float(np.abs(read_vectors[:, reads]).max(initial=0)),
                     1e-6)
    n_heads = max(len(reads), len(writes))
    heights = _panel_heights(max(inputs.shape[1], outputs.shape[1]), adds.shape[-1], len(locs), n_heads)
    if figsize is None:
        figsize = (min(14.0, 5.0 + 0.12 * length), sum(heights) + 0.9)
    fig, axes = plt.subplots(1 + 2 * n_heads, 2, figsize=figsize, sharex=True, squeeze=False,
                             gridspec_kw={"height_ratios": heights})
    _draw_signals(axes[0], inputs, outputs, task)
    for column, (heads, kind, vectors, weights, vec_name) in enumerate((
            (writes, "write", adds, write_w, "add vectors"),
            (reads, "read", read_vectors, read_w, "read vectors"))):
        _draw_heads(axes[1:, column], heads, kind, vectors, weights[..., locs], vec_name, vector_max, locs)
    _mark_targets_start(axes, mask_example(mask, index, length) if mask is not None else None)
    _time_labels(axes)
    note = f"locations {locs[0]}..{locs[-1]} of 0..{n - 1} shown" if len(locs) < n else f"all {n} locations"
    fig.suptitle(title if title is not None else f"memory use ({note}); black = 0, white = 1 in weightings",
                 x=0.01, ha="left", fontsize=11)
    return fig


def _select_heads(heads, count: int, kind: str) -> list[int]:
    if heads is None:
        return list(range(count))
    heads = [heads] if isinstance(heads, (int, np.integer)) else list(heads)
    for h in heads:
        if not 0 <= h < count:
            raise ValueError(f"{kind} head {h} does not exist: the model has {count} {kind} head(s)")
    return heads


def _shown_locations(locations, read_w: np.ndarray, write_w: np.ndarray, threshold: float) -> np.ndarray:
    """The locations to draw: ``"auto"`` (those the drawn heads use), None (all) or given."""
    if isinstance(locations, str):
        if locations != "auto":
            raise ValueError(f"locations must be 'auto', None or a sequence of indices, got {locations!r}")
        return used_locations(np.concatenate([read_w, write_w], axis=1), threshold=threshold)
    if locations is None:
        return np.arange(read_w.shape[-1])
    return np.asarray(locations, dtype=int)


def _panel_heights(signal_width: int, vector_width: int, n_locations: int, n_heads: int) -> list[float]:
    """Panel heights in inches; with many heads every panel shrinks, so that the figure
    stays within about 16 inches (pass read_heads / write_heads to show fewer)."""
    loc_height = min(4.5, max(1.7, 0.6 + 0.045 * n_locations), max(1.0, 7.0 / n_heads))
    vec_height = min(0.08 * vector_width + 0.45, max(0.7, 4.0 / n_heads))
    return [signal_width * 0.12 + 0.5] + [vec_height, loc_height] * n_heads


def _draw_signals(row, inputs: np.ndarray, outputs: np.ndarray, task) -> None:
    """The inputs (left) and outputs (right) across the top row."""
    in_names, out_names = channel_names(task, inputs.shape[1], 0), channel_names(task, outputs.shape[1], 1)
    heatmap(row[0], inputs.T, vmin=0, vmax=1, title="inputs", ylabel="channel")
    heatmap(row[1], outputs.T, vmin=0, vmax=1, title="outputs", ylabel="channel")
    for ax, names in ((row[0], in_names), (row[1], out_names)):
        if names is not None:
            ax.set_yticks([0, len(names) - 1])
            ax.set_yticklabels([names[0], names[-1]], fontsize=8)


def _draw_heads(column, heads: list[int], kind: str, vectors: np.ndarray, weights: np.ndarray, vec_name: str,
                vector_max: float, locs: np.ndarray) -> None:
    """For each head of one kind, its vectors ``(T, H, M)`` and its weightings ``(T, H, len(locs))``
    down one column; the column's spare panels are hidden."""
    for k, h in enumerate(heads):
        suffix = f" (head {h})" if len(heads) > 1 else ""
        heatmap(column[2 * k], vectors[:, h].T, vmin=-vector_max, vmax=vector_max,
                title=vec_name + suffix, ylabel="component")
        column[2 * k].set_yticks([0, vectors.shape[-1] - 1])
        ax = column[2 * k + 1]
        heatmap(ax, weights[:, h].T, vmin=0, vmax=1, title=f"{kind} weightings{suffix}", ylabel="location")
        location_ticks(ax, locs)
    for k in range(len(heads), len(column) // 2):
        column[2 * k].set_visible(False)
        column[2 * k + 1].set_visible(False)


def _mark_targets_start(axes, mask: np.ndarray | None) -> None:
    """A dashed line on every panel where the targets begin."""
    if mask is not None and (mask > 0).any():
        first = int(np.nonzero(mask > 0)[0][0])
        for ax in axes.ravel():
            if ax.get_visible():
                ax.axvline(first - 0.5, color=COLORS["write"], linestyle="--", linewidth=1.0)


def _time_labels(axes) -> None:
    """The time label and tick labels on the lowest visible panel of each column only."""
    for column in range(2):
        visible = [ax for ax in axes[:, column] if ax.get_visible()]
        visible[-1].set_xlabel("time step $t$")
        for ax in visible:
            ax.tick_params(axis="x", labelbottom=ax is visible[-1])
