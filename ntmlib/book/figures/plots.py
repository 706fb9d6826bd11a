"""Plotting helpers shared by the chapters of the NTM book.

- :func:`book_style` sets the book's matplotlib/seaborn look. Figures get an
  opaque white background, so that they stay readable when the page is shown
  in the theme's dark mode (a transparent PNG would put black text on a dark
  page).
- :func:`draw_architecture` draws our version of the paper's Figure 1: the
  controller, the external input and output, the read and write heads and the
  memory, with the NTM's boundary dashed.

Chapters use them like this::

    import matplotlib.pyplot as plt
    from ntmlib.book.figures.plots import book_style, draw_architecture

    book_style()            # once, near the top of the chapter
    draw_architecture()
    plt.show()

or, to change the style only for a few figures, ``with book_style(): ...``.
"""

from __future__ import annotations

from typing import Any, Sequence

import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch, Rectangle

from ...analysis import sigmoid, to_numpy, used_locations
from ..style import ARCH_LABELS, ARCH_MARKERS, COLORS, GREY, arch_of, channel_names, location_ticks, task_name

__all__ = [
    "COLORS",
    "draw_architecture",
    "plot_encoding",
    "plot_generalisation",
    "plot_learning_curves",
    "plot_memory_use",
    "plot_outputs",
    "sweep_generalisation",
]

# --------------------------------------------------------------------------
# Figure 1: the architecture


def _box(ax, x, y, w, h, text, color, *, stack=1, fontsize=12, text_color="black"):
    """A rounded box centred on (x, y); ``stack > 1`` draws a pile of cards."""
    for k in reversed(range(stack)):
        dx, dy = 0.09 * k, 0.09 * k
        ax.add_patch(
            FancyBboxPatch(
                (x - w / 2 + dx, y - h / 2 + dy),
                w,
                h,
                boxstyle="round,pad=0.02,rounding_size=0.12",
                facecolor=mpl.colors.to_rgba(color, 0.22 if k == 0 else 0.12),
                edgecolor=color,
                linewidth=1.8 if k == 0 else 1.0,
                zorder=3 - 0.1 * k,
            )
        )
    ax.text(x, y, text, ha="center", va="center", fontsize=fontsize, color=text_color, zorder=4)


def _arrow(ax, start, end, color="#333333", *, style="-|>", lw=1.8, rad=0.0, ls="-"):
    ax.add_patch(
        FancyArrowPatch(
            start,
            end,
            arrowstyle=style,
            mutation_scale=16,
            color=color,
            linewidth=lw,
            linestyle=ls,
            connectionstyle=f"arc3,rad={rad}",
            shrinkA=2,
            shrinkB=2,
            zorder=5,
        )
    )


def _focus(n: int, centre: float, width: float) -> np.ndarray:
    """A blurry, normalised focus over ``n`` locations (for the drawing only)."""
    i = np.arange(n)
    w = np.exp(-0.5 * ((i - centre) / width) ** 2)
    return w / w.sum()


def draw_architecture(
    ax: plt.Axes | None = None,
    *,
    n_locations: int = 16,
    show_focus: bool = True,
    labels: bool = True,
) -> plt.Figure:
    """Draw the NTM architecture in the manner of the paper's Figure 1.

    The controller talks to the outside world through the external input and
    output, and to the memory only through its heads: read heads return read
    vectors to the controller, write heads erase from and add to the memory.
    The dashed line separates the NTM from the outside world.

    Parameters
    ----------
    ax:
        Axes to draw into; a new figure is made when ``None``.
    n_locations:
        How many memory locations (columns of the memory strip) to draw.
    show_focus:
        Shade the memory strip with an example read focus (blue) and write
        focus (orange): every head touches every location, a little or a lot.
    labels:
        Annotate the arrows with what travels along them.

    Returns
    -------
    The matplotlib Figure (the caller shows or saves it).
    """
    if ax is None:
        fig, ax = plt.subplots(figsize=(8.0, 5.6), layout="constrained")
    else:
        fig = ax.figure
    ax.set_xlim(0, 10)
    ax.set_ylim(-0.15, 7)
    ax.set_aspect("equal")
    ax.axis("off")

    read_c, write_c = COLORS["read"], COLORS["write"]
    ctrl_c, mem_c = COLORS["controller"], COLORS["memory"]
    label_kw = dict(fontsize=10.5, color="#333333", zorder=6)

    # The NTM's boundary: everything inside is the machine.
    ax.add_patch(
        FancyBboxPatch(
            (1.2, -0.05),
            7.6,
            5.6,
            boxstyle="round,pad=0.02,rounding_size=0.25",
            facecolor="none",
            edgecolor="#555555",
            linewidth=1.4,
            linestyle=(0, (5, 4)),
            zorder=1,
        )
    )
    ax.text(8.7, 0.08, "Neural Turing Machine", ha="right", va="bottom", fontsize=9.5,
            style="italic", color="#555555")

    # Outside world.
    ax.text(1.2, 6.6, "External Input", ha="center", va="center", fontsize=12)
    ax.text(8.8, 6.6, "External Output", ha="center", va="center", fontsize=12)

    # Controller.
    cx, cy, cw, ch = 5.0, 4.45, 3.2, 1.0
    _box(ax, cx, cy, cw, ch, "Controller", ctrl_c, fontsize=14)
    _arrow(ax, (1.7, 6.35), (cx - cw / 2 + 0.1, cy + 0.25))
    _arrow(ax, (cx + cw / 2 - 0.1, cy + 0.25), (8.3, 6.35))

    # Heads: a pile of cards each, for "a set of parallel heads".
    rx, wx, hy, hw, hh = 3.0, 7.0, 2.6, 2.3, 0.8
    _box(ax, rx, hy, hw, hh, "Read Heads", read_c, stack=3)
    _box(ax, wx, hy, hw, hh, "Write Heads", write_c, stack=3)

    # Controller <-> read heads: head parameters down, read vectors up.
    _arrow(ax, (cx - 1.05, cy - ch / 2), (rx + 0.35, hy + hh / 2 + 0.18))
    _arrow(ax, (rx - 0.25, hy + hh / 2 + 0.18), (cx - 1.5, cy - ch / 2), color=read_c)
    # Controller -> write heads: head parameters, erase and add vectors.
    _arrow(ax, (cx + 1.05, cy - ch / 2), (wx - 0.1, hy + hh / 2 + 0.18))

    # Memory: a strip of N locations, each a vector of M numbers.
    n = int(n_locations)
    mx0, mx1, my, mh = 1.8, 8.2, 0.85, 0.75
    cell = (mx1 - mx0) / n
    read_w = _focus(n, centre=0.3 * n, width=0.6)
    write_w = _focus(n, centre=0.72 * n, width=0.6)
    for i in range(n):
        ax.add_patch(Rectangle((mx0 + i * cell, my), cell, mh, facecolor="white",
                               edgecolor=mem_c, linewidth=1.0, zorder=2))
        if show_focus:
            for w, c in ((read_w, read_c), (write_w, write_c)):
                alpha = float(w[i] / w.max()) * 0.85
                if alpha > 0.02:
                    ax.add_patch(Rectangle((mx0 + i * cell, my), cell, mh, facecolor=c,
                                           alpha=alpha, linewidth=0, zorder=2.5))
    ax.add_patch(Rectangle((mx0, my), mx1 - mx0, mh, facecolor="none", edgecolor="#444444",
                           linewidth=1.6, zorder=3))
    ax.text(5.0, my + mh / 2, "Memory", ha="center", va="center", fontsize=14, zorder=4,
            bbox=dict(boxstyle="round,pad=0.15", facecolor="white", edgecolor="none", alpha=0.85))

    # Heads <-> memory: reading looks at the memory, writing changes it.
    _arrow(ax, (rx, my + mh + 0.05), (rx, hy - hh / 2 - 0.02), color=read_c)
    _arrow(ax, (wx, hy - hh / 2 - 0.02), (wx, my + mh + 0.05), color=write_c)

    if labels:
        ax.text(rx - 0.45, 3.75, "read\nvectors $r_t$", ha="right", va="center", **label_kw)
        ax.text(4.05, 3.4, "addressing", ha="left", va="center", **label_kw)
        ax.text(6.75, 3.75, "addressing,\nerase $e_t$, add $a_t$", ha="left", va="center",
                **label_kw)
        ax.text(rx + 0.12, (my + mh + hy - hh / 2) / 2, "weighted\nread", ha="left",
                va="center", **label_kw)
        ax.text(wx - 0.12, (my + mh + hy - hh / 2) / 2, "erase, then\nadd", ha="right",
                va="center", **label_kw)
        ax.text(mx0, my - 0.08, f"$N$ locations (here {n}), each a vector of $M$ numbers",
                ha="left", va="top", fontsize=10, color="#333333")
    return fig


# ==========================================================================
# Task figures (chapters 7-11): encodings, learning curves, outputs, memory
# use and generalisation, in the manner of the paper's Figures 3-18.
#
# Conventions shared by all of them:
#
# - time runs along x, channels / memory locations along y (as in the paper);
# - bits, sigmoid outputs and weightings are drawn in grey on a fixed 0..1
#   scale, black = 0 and white = 1 (the paper's Fig. 6 convention), so that
#   a blurry weighting or an unsure output shows up as grey;
# - every function draws into a new figure (or the ``ax`` given), returns the
#   Figure, and never calls ``plt.show()`` (the chapters do, last in a cell);
# - tensors may be torch tensors or numpy arrays, batched ``(B, T, W)``
#   (``index`` picks the example) or one example ``(T, W)``.
#
# Typical use (chapter 7)::
#
#     from ntmlib import zoo
#     from ntmlib.tasks import CopyTask
#     from ntmlib.book.figures.plots import (book_style, plot_encoding, plot_learning_curves,
#                               plot_outputs, plot_memory_use)
#     book_style()
#     batch = CopyTask(5, 5).batch(1, torch.Generator().manual_seed(0))
#     plot_encoding(batch, task="copy"); plt.show()
#     plot_learning_curves("copy"); plt.show()
#     model = zoo.load("copy", "ntm-lstm")
#     plot_outputs(batch.y, {"NTM": model(batch.x)}, mask=batch.mask); plt.show()
#     plot_memory_use(model.trace(batch.x), batch.x, mask=batch.mask); plt.show()

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

def _line_style(name: str) -> dict:
    arch = arch_of(name)
    return {"color": COLORS.get(arch), "marker": ARCH_MARKERS.get(arch, "D"),
            "label": ARCH_LABELS.get(arch, name) if arch == name else name}


def _example(value, index: int = 0) -> np.ndarray:
    """One example ``(T, ...)`` from a batched ``(B, T, ...)`` value (or the value itself
    when it is already one example: 2-D for sequences, 1-D for masks)."""
    array = to_numpy(value)
    return array[index] if array.ndim == 3 else array


def _mask_example(mask, index: int, length: int) -> np.ndarray | None:
    if mask is None:
        return None
    array = to_numpy(mask)
    array = array[index] if array.ndim == 2 else array
    if array.shape != (length,):
        raise ValueError(f"mask of shape {array.shape} does not match {length} time steps")
    return array


def _heatmap(ax, image: np.ndarray, *, vmin=0.0, vmax=1.0, cmap=GREY, ylabels=None,
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


def _time_ticks(ax, length: int) -> None:
    ax.xaxis.set_major_locator(mpl.ticker.MaxNLocator(nbins=10, integer=True))


# --------------------------------------------------------------------------
# The encoding of one example (docs/tasks.md)


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
    x, y = _example(x_all, index), _example(y_all, index)
    length = x.shape[0]
    mask = _mask_example(mask_all, index, length)
    in_names, out_names = channel_names(task, x.shape[1], 0), channel_names(task, y.shape[1], 1)
    if figsize is None:
        figsize = (min(13.0, 2.5 + 0.22 * length), 1.4 + 0.19 * (x.shape[1] + y.shape[1] + 1))
    fig, axes = plt.subplots(3, 1, figsize=figsize, sharex=True,
                             gridspec_kw={"height_ratios": [x.shape[1], y.shape[1], 1.3]})
    _heatmap(axes[0], x.T, vmin=0, vmax=1, ylabels=in_names or list(range(x.shape[1])), title="input $x$")
    # Non-binary inputs (repeat count, priority): write the value into the cell.
    cells = list(zip(*np.nonzero((np.abs(x) > 1e-6) & (np.abs(x - 1) > 1e-6))))
    cell_inches = figsize[0] * 0.8 / max(length, 1)
    fmt, size = (".2g", 7) if len(cells) <= 6 or cell_inches > 0.45 else (".1f", 7)
    for t, c in cells:
        axes[0].text(t, c, format(x[t, c], fmt), ha="center", va="center", fontsize=size, color="#d55e00",
                     fontweight="bold", clip_on=True)
    _heatmap(axes[1], y.T, vmin=0, vmax=1, ylabels=out_names or list(range(y.shape[1])), title="target $y$")
    if mask is not None:
        for t in np.nonzero(mask == 0)[0]:  # no target at this step: hatch it
            axes[1].add_patch(Rectangle((t - 0.5, -0.5), 1, y.shape[1], facecolor="#bbbbbb", edgecolor="#888888",
                                        hatch="///", linewidth=0, alpha=0.9))
        _heatmap(axes[2], mask[None, :], vmin=0, vmax=1, ylabels=["mask"], title=None)
    else:
        axes[2].set_visible(False)
    axes[2].set_xlabel("time step $t$")
    _time_ticks(axes[2], length)
    for ax in axes:
        ax.tick_params(axis="x", labelbottom=ax is axes[2])
    name = task_name(task)
    fig.suptitle(title if title is not None else (f"{name}: " if name else "") + f"one example, T = {length} steps",
                 x=0.01, ha="left", fontsize=12)
    return fig


# --------------------------------------------------------------------------
# Learning curves (Figs 3, 7, 10, 13, 18)


def plot_learning_curves(task: str, archs: Sequence[str] = ("ntm-lstm", "ntm-ff", "lstm"),
                         metric: str = "eval_cost_bits", *, curves: dict | None = None,
                         ax: plt.Axes | None = None, logy: bool = False, max_sequences: float | None = None,
                         ylim: tuple[float, float] | None = None, title: str | None = None,
                         show_optimal: bool = True) -> plt.Figure:
    """Cost per sequence against sequences seen (thousands), one line per architecture.

    The zoo's learning curves (:func:`ntmlib.zoo.curve`) of ``task`` for each
    of ``archs``, drawn like the paper's Figures 3, 7, 10, 13 and 18: NTM
    with an LSTM controller as green squares, with a feedforward controller
    as red triangles, the LSTM baseline as blue circles. An architecture
    whose curve is not in the zoo yet is listed in the legend as "not
    trained yet" instead of failing.

    Parameters
    ----------
    task, archs:
        task names (docs/tasks.md).
    metric:
        A column of ``curve.csv``: ``"eval_cost_bits"`` (the default, as in
        the paper), ``"eval_bit_errors"``, ``"train_cost"``...
    curves:
        ``{arch or label: rows}`` to draw instead of (or besides) the zoo's,
        e.g. ``{"ntm-lstm": result.curve}`` after retraining with
        :func:`ntmlib.training.train`. Keys that are not architecture names are
        drawn as extra lines labelled by the key.
    logy:
        Logarithmic y axis (useful once costs approach zero); values of
        exactly zero are left out (gaps in the line).
    max_sequences:
        Cut the x axis at this many sequences (not thousands).
    show_optimal:
        For N-grams (curves with ``eval_optimal_cost_bits``) draw the optimal
        estimator's cost as a dashed line.
    """
    from ... import zoo

    curves = dict(curves or {})
    if ax is None:
        fig, ax = plt.subplots(figsize=(7.5, 4.2))
    else:
        fig = ax.figure
    names = list(archs) + [key for key in curves if key not in archs]
    optimal = []
    missing = []
    for i, name in enumerate(names):
        rows = curves.get(name)
        if rows is None:
            try:
                rows = zoo.curve(task, name)
            except FileNotFoundError:
                rows = None
        style = _line_style(name)
        if not rows:
            missing.append(style["label"])
            continue
        rows = [r for r in rows if r.get(metric) is not None
                and (max_sequences is None or r["sequences"] <= max_sequences)]
        xs = np.array([r["sequences"] for r in rows], dtype=float) / 1000.0
        ys = np.array([r[metric] for r in rows], dtype=float)
        if logy:
            ys[ys <= 0] = np.nan  # zero has no place on a log axis: leave a gap
        every = 1 if logy else max(1, len(xs) // 25)  # on a log axis, isolated points need their marker
        ax.plot(xs, ys, markersize=4.5, markevery=every, linewidth=1.6, **style)
        optimal += [r["eval_optimal_cost_bits"] for r in rows if r.get("eval_optimal_cost_bits") is not None]
    if show_optimal and optimal and metric == "eval_cost_bits":
        ax.axhline(float(np.mean(optimal)), color=COLORS["optimal"], linestyle="--", linewidth=1.4,
                   label="optimal estimator (eq. 10)")
    for label in missing:
        ax.plot([], [], linestyle="none", label=f"{label}: not trained yet")
    ax.set_xlabel("sequence number (thousands)")
    ax.set_ylabel(METRIC_LABELS.get(metric, metric))
    if logy:
        ax.set_yscale("log")
    else:
        ax.set_ylim(bottom=0)
    if ylim is not None:
        ax.set_ylim(*ylim)
    ax.set_xlim(left=0)
    ax.legend(loc="upper right", fontsize=9)
    ax.set_title(title if title is not None else f"{task}: learning curves", loc="left")
    return fig


# --------------------------------------------------------------------------
# Targets against outputs (Figs 4, 5, 8, 16)


def _as_cases(value) -> list:
    """A single tensor/array becomes a one-case list; lists and tuples stay."""
    return list(value) if isinstance(value, (list, tuple)) else [value]


def plot_outputs(targets, outputs_by_model: dict, *, mask=None, index: int = 0, case_labels=None,
                 logits: bool = True, mark_errors: bool = True, task=None, max_steps_per_row: int = 130,
                 title: str | None = None, panel_width: float = 13.0) -> plt.Figure:
    """Targets above the outputs of one or more models, for one or more test cases.

    Drawn like the paper's Figures 4, 5 and 8: time on x, output channels on
    y, black 0 and white 1, outputs as the sigmoid of the logits in grey (an
    unsure output is grey). Every case (e.g. one sequence length) is a column
    whose width is proportional to its number of steps; cases wrap onto a
    new block of rows once a row would exceed ``max_steps_per_row`` steps
    (so lengths 10, 20, 30, 50 share a row and length 120 gets its own, as
    in Fig. 4). Within a block the first row holds the targets and each
    further row one model's outputs.

    Parameters
    ----------
    targets:
        Targets ``(B, T, W)`` (or ``(T, W)``) of one case, or a list of them,
        one per case.
    outputs_by_model:
        ``{model label: outputs}``, outputs shaped like the targets (one
        tensor, or a list with one per case). Logits unless ``logits=False``.
    mask:
        ``(B, T)`` masks (one, or a list per case): only the steps that carry
        targets are drawn (e.g. the output phase of copy). ``None`` draws all.
    index:
        Which example of each batch.
    case_labels:
        A title per case, e.g. ``["L = 10", "L = 20"]``.
    mark_errors:
        Put a red dot on every bit where the thresholded output is wrong and
        write the count in the panel title.
    task:
        A task name, to label the output channels (e.g. "end marker").
    """
    cases_y = _as_cases(targets)
    n_cases = len(cases_y)
    masks = _as_cases(mask) if mask is not None else [None] * n_cases
    if len(masks) != n_cases:
        raise ValueError(f"{len(masks)} masks for {n_cases} cases")
    models = {}
    for name, outputs in outputs_by_model.items():
        outputs = _as_cases(outputs)
        if len(outputs) != n_cases:
            raise ValueError(f"model {name!r}: {len(outputs)} outputs for {n_cases} cases")
        models[name] = outputs
    labels = list(case_labels) if case_labels is not None else [None] * n_cases

    # Cut every case down to the steps that carry targets.
    prepared = []
    for c in range(n_cases):
        y = _example(cases_y[c], index)
        keep = np.arange(y.shape[0])
        m = _mask_example(masks[c], index, y.shape[0]) if masks[c] is not None else None
        if m is not None:
            keep = np.nonzero(m > 0)[0]
        outs = {}
        for name, outputs in models.items():
            o = _example(outputs[c], index)
            if o.shape != y.shape:
                raise ValueError(f"model {name!r}, case {c}: outputs {o.shape} do not match targets {y.shape}")
            outs[name] = (sigmoid(o) if logits else o)[keep]
        prepared.append((y[keep], outs))

    # Pack the cases into blocks of at most max_steps_per_row steps.
    blocks, current, used = [], [], 0
    for c, (y, _) in enumerate(prepared):
        if current and used + y.shape[0] > max_steps_per_row:
            blocks.append(current)
            current, used = [], 0
        current.append(c)
        used += y.shape[0]
    blocks.append(current)

    n_rows = 1 + len(models)
    width_channels = prepared[0][0].shape[1]
    row_height = 0.32 + 0.11 * width_channels
    fig = plt.figure(figsize=(panel_width, n_rows * row_height * len(blocks) + 0.6 * len(blocks) + 0.4),
                     layout="constrained")
    subfigs = np.atleast_1d(fig.subfigures(len(blocks), 1)) if len(blocks) > 1 else [fig]
    names = channel_names(task, width_channels, 1)
    for subfig, block in zip(subfigs, blocks):
        steps = [prepared[c][0].shape[0] for c in block]
        total = max(sum(steps), 1)
        ratios = list(steps)
        if total < 0.5 * max_steps_per_row:  # a short block: do not stretch it over the page
            ratios.append(max_steps_per_row * 0.6 - total)
        axes = subfig.subplots(n_rows, len(ratios), squeeze=False,
                               gridspec_kw={"width_ratios": [max(r, 1) for r in ratios]})
        if len(ratios) > len(block):
            for ax in axes[:, -1]:
                ax.set_visible(False)
        for j, c in enumerate(block):
            y, outs = prepared[c]
            label = labels[c]
            _heatmap(axes[0, j], y.T)
            if label:
                axes[0, j].set_title(label, fontsize=10, loc="left")
            for i, (name, o) in enumerate(outs.items(), start=1):
                ax = axes[i, j]
                _heatmap(ax, o.T)
                if mark_errors:
                    wrong = (o > 0.5) != (y > 0.5)
                    ts, cs = np.nonzero(wrong)
                    if len(ts):
                        ax.plot(ts, cs, linestyle="none", marker="o", markersize=3.2, color="#e41a1c",
                                markeredgecolor="white", markeredgewidth=0.4)
                    count = int(wrong.sum())
                    ax.set_title(f"{count} error{'' if count == 1 else 's'}", fontsize=8, loc="right",
                                 color="#c00000" if count else "#333333", pad=2)
            for i in range(n_rows):
                ax = axes[i, j]
                if j == 0:
                    ax.set_ylabel("targets" if i == 0 else list(outs)[i - 1], fontsize=9, rotation=0,
                                  ha="right", va="center")
                    ax.set_yticks([0, width_channels - 1] if names is None else [width_channels - 1])
                    if names is not None:
                        ax.set_yticklabels([names[-1]], fontsize=7)
                else:
                    ax.set_yticks([])
                ax.tick_params(axis="x", labelsize=8, labelbottom=(i == n_rows - 1))
                ax.xaxis.set_major_locator(mpl.ticker.MaxNLocator(nbins=4, integer=True))
        axes[-1, 0].set_xlabel("output step")
    if title:
        fig.suptitle(title, x=0.01, ha="left", fontsize=12)
    return fig


# --------------------------------------------------------------------------
# Memory use (Figs 6, 9, 12, 15, 17)


def _select_heads(heads, count: int, kind: str) -> list[int]:
    if heads is None:
        return list(range(count))
    heads = [heads] if isinstance(heads, (int, np.integer)) else list(heads)
    for h in heads:
        if not 0 <= h < count:
            raise ValueError(f"{kind} head {h} does not exist: the model has {count} {kind} head(s)")
    return heads


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

    Parameters
    ----------
    trace:
        :class:`ntmlib.ntm.NTMTrace` from ``model.trace(x)``.
    x:
        The inputs the trace was made from, ``(B, T, input_width)``.
    index:
        Which example of the batch.
    read_heads, write_heads:
        Head indices (an int or a list) to draw; ``None`` draws all heads.
    locations:
        ``"auto"`` shows only the locations in use (:func:`used_locations`
        with ``threshold``, over the drawn heads), ``None`` all N, or an
        explicit sequence of location indices.
    mask:
        ``(B, T)``: a dashed line marks where the targets begin.
    task:
        A task name, to name the input and output channels.

    The figure's weighting panels are titled "write weightings" / "read
    weightings" (with the head number when several are drawn); their
    ``images[0]`` holds exactly ``trace.*_weightings[index, :, h, locations].T``.
    """
    reads = _select_heads(read_heads, trace.read_weightings.shape[2], "read")
    writes = _select_heads(write_heads, trace.write_weightings.shape[2], "write")
    read_w = to_numpy(trace.read_weightings[index])  # (T, R, N)
    write_w = to_numpy(trace.write_weightings[index])  # (T, W, N)
    n = read_w.shape[-1]
    if isinstance(locations, str):
        if locations != "auto":
            raise ValueError(f"locations must be 'auto', None or a sequence of indices, got {locations!r}")
        shown = np.concatenate([read_w[:, reads], write_w[:, writes]], axis=1)
        locs = used_locations(shown, threshold=threshold)
    elif locations is None:
        locs = np.arange(n)
    else:
        locs = np.asarray(locations, dtype=int)
    inputs = _example(x, index)
    outputs = sigmoid(_example(trace.logits, index))
    length = inputs.shape[0]
    m = _mask_example(mask, index, length) if mask is not None else None
    adds = to_numpy(trace.add_vectors[index])  # (T, W, M)
    read_vectors = to_numpy(trace.read_vectors[index])  # (T, R, M)
    vector_max = max(float(np.abs(adds[:, writes]).max(initial=0)), float(np.abs(read_vectors[:, reads]).max(initial=0)),
                     1e-6)

    n_rows = 1 + 2 * max(len(reads), len(writes))
    n_heads = max(len(reads), len(writes))
    # Panel heights in inches; with many heads every panel shrinks, so that the figure
    # stays within about 16 inches (pass read_heads / write_heads to show fewer).
    loc_height = min(4.5, max(1.7, 0.6 + 0.045 * len(locs)), max(1.0, 7.0 / n_heads))
    width_vec = adds.shape[-1]
    vec_height = min(0.08 * width_vec + 0.45, max(0.7, 4.0 / n_heads))
    heights = [max(inputs.shape[1], outputs.shape[1]) * 0.12 + 0.5]
    for _ in range(n_heads):
        heights += [vec_height, loc_height]
    if figsize is None:
        figsize = (min(14.0, 5.0 + 0.12 * length), sum(heights) + 0.9)
    fig, axes = plt.subplots(n_rows, 2, figsize=figsize, sharex=True, squeeze=False,
                             gridspec_kw={"height_ratios": heights})
    in_names, out_names = channel_names(task, inputs.shape[1], 0), channel_names(task, outputs.shape[1], 1)
    _heatmap(axes[0, 0], inputs.T, vmin=0, vmax=1, title="inputs", ylabel="channel")
    _heatmap(axes[0, 1], outputs.T, vmin=0, vmax=1, title="outputs", ylabel="channel")
    for ax, names in ((axes[0, 0], in_names), (axes[0, 1], out_names)):
        if names is not None:
            ax.set_yticks([0, len(names) - 1])
            ax.set_yticklabels([names[0], names[-1]], fontsize=8)
    for column, (heads, kind, vectors, weights, vec_name) in enumerate((
            (writes, "write", adds, write_w, "add vectors"),
            (reads, "read", read_vectors, read_w, "read vectors"))):
        for k, h in enumerate(heads):
            suffix = f" (head {h})" if len(heads) > 1 else ""
            _heatmap(axes[1 + 2 * k, column], vectors[:, h].T, vmin=-vector_max, vmax=vector_max,
                     title=vec_name + suffix, ylabel="component")
            axes[1 + 2 * k, column].set_yticks([0, vectors.shape[-1] - 1])
            ax = axes[2 + 2 * k, column]
            _heatmap(ax, weights[:, h][:, locs].T, vmin=0, vmax=1, title=f"{kind} weightings{suffix}",
                     ylabel="location")
            location_ticks(ax, locs)
        for k in range(len(heads), (n_rows - 1) // 2):
            axes[1 + 2 * k, column].set_visible(False)
            axes[2 + 2 * k, column].set_visible(False)
    if m is not None and (m > 0).any():
        first = int(np.nonzero(m > 0)[0][0])
        for ax in axes.ravel():
            if ax.get_visible():
                ax.axvline(first - 0.5, color=COLORS["write"], linestyle="--", linewidth=1.0)
    for column in range(2):
        visible = [ax for ax in axes[:, column] if ax.get_visible()]
        visible[-1].set_xlabel("time step $t$")
        for ax in visible:
            ax.tick_params(axis="x", labelbottom=ax is visible[-1])
    if len(locs) < n:
        note = f"locations {locs[0]}..{locs[-1]} of 0..{n - 1} shown"
    else:
        note = f"all {n} locations"
    fig.suptitle(title if title is not None else f"memory use ({note}); black = 0, white = 1 in weightings",
                 x=0.01, ha="left", fontsize=11)
    return fig


# --------------------------------------------------------------------------
# Generalisation against a parameter (Fig. 11 and the copy/repeat-copy sweeps)


def plot_generalisation(results: dict, *, x: str = "value", metric: str = "cost_bits", ax: plt.Axes | None = None,
                        xlabel: str | None = None, ylabel: str | None = None, title: str | None = None,
                        train_range: tuple[float, float] | None = None, logy: bool = False) -> plt.Figure:
    """Cost (or another metric) against a task parameter, one line per model.

    Drawn like the paper's Fig. 11 (associative recall: cost per sequence
    against the number of items). ``results`` maps a model name to either

    - ``{parameter value: metric value}``, or
    - a list of row dicts holding ``row[x]`` and ``row[metric]`` (e.g. the
      rows of :func:`sweep_generalisation`, or of
      :func:`ntmlib.evaluate.evaluate_task` with the parameter added).

    Names of the three architectures get the book's colours and markers.
    ``train_range=(lo, hi)`` shades the parameter values seen in training.
    """
    if ax is None:
        fig, ax = plt.subplots(figsize=(7.0, 4.0))
    else:
        fig = ax.figure
    if train_range is not None:
        ax.axvspan(train_range[0], train_range[1], color="#dddddd", alpha=0.6, zorder=0, label="training range")
    integer_x = True
    for name, data in results.items():
        if isinstance(data, dict):
            pairs = sorted((float(k), float(v)) for k, v in data.items())
        else:
            pairs = sorted((float(row[x]), float(row[metric])) for row in data)
        xs, ys = zip(*pairs) if pairs else ((), ())
        ax.plot(xs, ys, linewidth=1.6, markersize=5, **_line_style(name))
        integer_x = integer_x and all(float(v).is_integer() for v in xs)
    if integer_x:
        ax.xaxis.set_major_locator(mpl.ticker.MaxNLocator(integer=True))
    ax.set_xlabel(xlabel if xlabel is not None else x)
    ax.set_ylabel(ylabel if ylabel is not None else METRIC_LABELS.get(metric, metric))
    if logy:
        ax.set_yscale("log")
    else:
        ax.set_ylim(bottom=0)
    ax.legend(fontsize=9)
    if title:
        ax.set_title(title, loc="left")
    return fig


def sweep_generalisation(models: dict, make_task, values, *, sequences: int = 50, batch_size: int = 50,
                         seed: int = 0, x: str = "value") -> dict:
    """Evaluate several models on a family of tasks, for :func:`plot_generalisation`.

    ``make_task(value)`` returns the :class:`~ntmlib.tasks.Task` for one
    parameter value (e.g. ``lambda k: AssociativeRecallTask(k, k)``).
    Every model sees the same sequences: each value's data comes from
    :func:`ntmlib.evaluate.case_generator` seeded by ``seed`` and the value.
    Returns ``{model name: [row, ...]}``, each row
    :func:`ntmlib.evaluate.evaluate_task`'s dict plus ``row[x] = value``.
    """
    from ...evaluate import case_generator, evaluate_task

    results = {}
    for name, model in models.items():
        rows = []
        for value in values:
            row = evaluate_task(model, make_task(value), sequences=sequences, batch_size=batch_size,
                                generator=case_generator(seed, f"{x}={value}"))
            row[x] = value
            rows.append(row)
        results[name] = rows
    return results
