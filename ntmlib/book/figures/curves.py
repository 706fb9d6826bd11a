"""Learning curves (the paper's Figs 3, 7, 10, 13, 18) and generalisation against a task
parameter (Fig. 11 and the copy / repeat-copy sweeps)."""
from __future__ import annotations

from typing import Sequence

import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np

from ... import zoo
from ...paper import ARCHITECTURES
from ..style import COLORS
from .common import METRIC_LABELS, line_style

__all__ = ["plot_generalisation", "plot_learning_curves"]


def plot_learning_curves(task: str, archs: Sequence[str] = ARCHITECTURES,
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
    curves = dict(curves or {})
    if ax is None:
        fig, ax = plt.subplots(figsize=(7.5, 4.2))
    else:
        fig = ax.figure
    names = list(archs) + [key for key in curves if key not in archs]
    optimal = []
    missing = []
    for name in names:
        rows = curves.get(name)
        if rows is None:
            rows = _zoo_curve(task, name)
        style = line_style(name)
        if not rows:
            missing.append(style["label"])
            continue
        optimal += _draw_curve(ax, rows, metric, style, logy=logy, max_sequences=max_sequences)
    if show_optimal and optimal and metric == "eval_cost_bits":
        ax.axhline(float(np.mean(optimal)), color=COLORS["optimal"], linestyle="--", linewidth=1.4,
                   label="optimal estimator (eq. 10)")
    for label in missing:
        ax.plot([], [], linestyle="none", label=f"{label}: not trained yet")
    _label_curve_axes(ax, metric, logy=logy, ylim=ylim)
    ax.set_title(title if title is not None else f"{task}: learning curves", loc="left")
    return fig


def _label_curve_axes(ax, metric: str, *, logy: bool, ylim: tuple[float, float] | None) -> None:
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


def _zoo_curve(task: str, name: str) -> list[dict] | None:
    """The zoo's learning curve of ``task`` and architecture ``name`` (None if not trained)."""
    try:
        return zoo.curve(task, name)
    except FileNotFoundError:
        return None


def _draw_curve(ax, rows: list[dict], metric: str, style: dict, *, logy: bool,
                max_sequences: float | None) -> list[float]:
    """One learning curve; returns the optimal estimator's costs its rows record (N-grams)."""
    rows = [r for r in rows if r.get(metric) is not None
            and (max_sequences is None or r["sequences"] <= max_sequences)]
    xs = np.array([r["sequences"] for r in rows], dtype=float) / 1000.0
    ys = np.array([r[metric] for r in rows], dtype=float)
    if logy:
        ys[ys <= 0] = np.nan  # zero has no place on a log axis: leave a gap
    every = 1 if logy else max(1, len(xs) // 25)  # on a log axis, isolated points need their marker
    ax.plot(xs, ys, markersize=4.5, markevery=every, linewidth=1.6, **style)
    return [r["eval_optimal_cost_bits"] for r in rows if r.get("eval_optimal_cost_bits") is not None]


def plot_generalisation(results: dict, *, x: str = "value", metric: str = "cost_bits", ax: plt.Axes | None = None,
                        xlabel: str | None = None, ylabel: str | None = None, title: str | None = None,
                        train_range: tuple[float, float] | None = None, logy: bool = False) -> plt.Figure:
    """Cost (or another metric) against a task parameter, one line per model.

    Drawn like the paper's Fig. 11 (associative recall: cost per sequence
    against the number of items). ``results`` maps a model name to either

    - ``{parameter value: metric value}``, or
    - a list of row dicts holding ``row[x]`` and ``row[metric]`` (e.g. the
      rows of :func:`ntmlib.analysis.sweep_generalisation`, or of
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
        ax.plot(xs, ys, linewidth=1.6, markersize=5, **line_style(name))
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
