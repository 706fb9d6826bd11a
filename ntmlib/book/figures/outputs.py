"""Targets against outputs (the paper's Figs 4, 5, 8 and 16)."""
from __future__ import annotations

import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np

from ...analysis import sigmoid
from ..style import channel_names
from .common import example, heatmap, mark_wrong_bits, mask_example

__all__ = ["plot_outputs"]


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
    masks = _as_cases(mask) if mask is not None else [None] * len(cases_y)
    prepared = _prepare_cases(cases_y, masks, outputs_by_model, index=index, logits=logits)
    labels = list(case_labels) if case_labels is not None else [None] * len(cases_y)
    blocks = _pack_blocks([y.shape[0] for y, _ in prepared], max_steps_per_row)
    n_rows = 1 + len(outputs_by_model)
    width_channels = prepared[0][0].shape[1]
    row_height = 0.32 + 0.11 * width_channels
    fig = plt.figure(figsize=(panel_width, n_rows * row_height * len(blocks) + 0.6 * len(blocks) + 0.4),
                     layout="constrained")
    subfigs = np.atleast_1d(fig.subfigures(len(blocks), 1)) if len(blocks) > 1 else [fig]
    names = channel_names(task, width_channels, 1)
    for subfig, block in zip(subfigs, blocks):
        axes = _block_axes(subfig, [prepared[c][0].shape[0] for c in block], n_rows, max_steps_per_row)
        for j, c in enumerate(block):
            _draw_case(axes[:, j], *prepared[c], label=labels[c], mark=mark_errors)
            _label_case_axes(axes[:, j], list(prepared[c][1]), width_channels, first=j == 0, names=names)
        axes[-1, 0].set_xlabel("output step")
    if title:
        fig.suptitle(title, x=0.01, ha="left", fontsize=12)
    return fig


def _as_cases(value) -> list:
    """A single tensor/array becomes a one-case list; lists and tuples stay."""
    return list(value) if isinstance(value, (list, tuple)) else [value]


def _prepare_cases(cases_y: list, masks: list, outputs_by_model: dict, *, index: int,
                   logits: bool) -> list[tuple[np.ndarray, dict]]:
    """Every case cut down to the steps that carry targets: ``(targets, {model: outputs})``,
    outputs as probabilities."""
    n_cases = len(cases_y)
    if len(masks) != n_cases:
        raise ValueError(f"{len(masks)} masks for {n_cases} cases")
    models = {}
    for name, outputs in outputs_by_model.items():
        outputs = _as_cases(outputs)
        if len(outputs) != n_cases:
            raise ValueError(f"model {name!r}: {len(outputs)} outputs for {n_cases} cases")
        models[name] = outputs
    prepared = []
    for c in range(n_cases):
        y = example(cases_y[c], index)
        keep = np.arange(y.shape[0])
        m = mask_example(masks[c], index, y.shape[0]) if masks[c] is not None else None
        if m is not None:
            keep = np.nonzero(m > 0)[0]
        outs = {}
        for name, outputs in models.items():
            o = example(outputs[c], index)
            if o.shape != y.shape:
                raise ValueError(f"model {name!r}, case {c}: outputs {o.shape} do not match targets {y.shape}")
            outs[name] = (sigmoid(o) if logits else o)[keep]
        prepared.append((y[keep], outs))
    return prepared


def _pack_blocks(steps: list[int], max_steps_per_row: int) -> list[list[int]]:
    """The cases (by their numbers of steps) packed into blocks of at most
    ``max_steps_per_row`` steps, in order."""
    blocks, current, used = [], [], 0
    for c, length in enumerate(steps):
        if current and used + length > max_steps_per_row:
            blocks.append(current)
            current, used = [], 0
        current.append(c)
        used += length
    blocks.append(current)
    return blocks


def _block_axes(subfig, steps: list[int], n_rows: int, max_steps_per_row: int) -> np.ndarray:
    """One block's axes ``(n_rows, cases)``, each case as wide as its steps."""
    total = max(sum(steps), 1)
    ratios = list(steps)
    if total < 0.5 * max_steps_per_row:  # a short block: do not stretch it over the page
        ratios.append(max_steps_per_row * 0.6 - total)
    axes = subfig.subplots(n_rows, len(ratios), squeeze=False,
                           gridspec_kw={"width_ratios": [max(r, 1) for r in ratios]})
    if len(ratios) > len(steps):
        for ax in axes[:, -1]:
            ax.set_visible(False)
    return axes


def _draw_case(column, y: np.ndarray, outs: dict, *, label, mark: bool) -> None:
    """One case: its targets in the top axes of ``column``, each model's outputs below."""
    heatmap(column[0], y.T)
    if label:
        column[0].set_title(label, fontsize=10, loc="left")
    for ax, o in zip(column[1:], outs.values()):
        heatmap(ax, o.T)
        if mark:
            count = mark_wrong_bits(ax, o, y)
            ax.set_title(f"{count} error{'' if count == 1 else 's'}", fontsize=8, loc="right",
                         color="#c00000" if count else "#333333", pad=2)


def _label_case_axes(column, models: list[str], width_channels: int, *, first: bool,
                     names: list[str] | None) -> None:
    """Row labels and channel ticks on the first case of a block, time ticks on all."""
    for i, ax in enumerate(column):
        if first:
            ax.set_ylabel("targets" if i == 0 else models[i - 1], fontsize=9, rotation=0,
                          ha="right", va="center")
            ax.set_yticks([0, width_channels - 1] if names is None else [width_channels - 1])
            if names is not None:
                ax.set_yticklabels([names[-1]], fontsize=7)
        else:
            ax.set_yticks([])
        ax.tick_params(axis="x", labelsize=8, labelbottom=(i == len(column) - 1))
        ax.xaxis.set_major_locator(mpl.ticker.MaxNLocator(nbins=4, integer=True))
