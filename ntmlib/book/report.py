"""Our models beside the paper's: the book's "ours vs the paper" boxes and the figures
its prose quotes, read from the zoo (``data/<task>/<arch>/results.json``, ``config.json``,
``curve.csv``) every time a chapter runs, so that no number about our models is typed.

- :func:`result` and :func:`budget` read one figure or one training budget;
  :func:`training_budgets` states a task's budgets as its recipes set them, in words.
- :func:`ours_vs_paper` builds a task chapter's box from the budgets and the task's
  targets (:mod:`ntmlib.book.targets`, the one source of every verdict); it renders as an HTML
  table in the book and in Jupyter, and as plain text elsewhere.
- :func:`prose` turns a sentence computed in a code cell into Markdown for the page.
"""
from __future__ import annotations

import html
import json

from .. import zoo
from ..paper import ARCHITECTURES, TASK_NAMES
from ..training.recipes import recipe
from .targets import MEASURES, targets_of

__all__ = ["PAPER_BUDGET", "LABELS", "result", "results", "budget",
           "training_budgets",            "ours_vs_paper", "Box", "prose", "Prose"]

LABELS = {"ntm-lstm": "NTM-LSTM", "ntm-ff": "NTM-FF", "lstm": "LSTM"}
METRICS = {**MEASURES, "cost_bits": "cost (bits/seq)"}


def results(task: str, arch: str) -> dict[str, dict]:
    """``results.json`` of (task, arch) by case name ("training", "L=120", ...)."""
    path = zoo.model_dir(task, arch) / "results.json"
    if not path.exists():
        raise FileNotFoundError(f"no results for {task} {arch}: {path} does not exist; "
                                f"run tools/results.py after training the model")
    with open(path, encoding="utf-8") as handle:
        return {row["case"]: row for row in json.load(handle)}


def result(task: str, arch: str, case: str = "training", metric: str = "cost_bits") -> float:
    """One figure of ``results.json``: e.g. ``result("copy", "lstm", "L=20", "bit_errors")``."""
    if metric not in METRICS:
        raise ValueError(f"metric must be one of {sorted(METRICS)}, not {metric!r}")
    rows = results(task, arch)
    if case not in rows:
        raise ValueError(f"{task} {arch} has no case {case!r}; it has {sorted(rows)}")
    return float(rows[case][metric])


def budget(task: str, arch: str) -> dict:
    """How long (task, arch) trained: ``sequences``, ``minutes`` (wall time) and ``device``."""
    info = zoo.info(task, arch)
    return {"sequences": int(info["sequences"]), "minutes": info["wall_seconds"] / 60, "device": info["device"]}


def _budget_words(task: str, arch: str) -> str:
    """One model's budget as its recipe sets it: wall time or iterations, then any fine-tune;
    the wall time it took (from ``config.json``) wherever the recipe does not fix it."""
    stage = recipe(task, arch)
    config, fine_tune = stage.config, stage.fine_tune
    words = (f"{config.max_seconds / 60:g} min" if config.max_seconds is not None
             else f"{config.steps:,} iterations")
    if fine_tune is not None:
        words += f" + a {fine_tune.config.steps:,}-iteration fine-tune"
    if config.max_seconds is None or fine_tune is not None:
        words += f", {budget(task, arch)['minutes']:.1f} min" + (" in all" if fine_tune is not None else "")
    return words


def training_budgets(task: str) -> str:
    """The budgets of a task's three models in one phrase, architectures with equal budgets
    together: e.g. ``"NTM-LSTM 5 min, NTM-FF 5 min + a 1,200-iteration fine-tune, 20.9 min in
    all, LSTM 40,000 iterations, 73.5 min"``."""
    groups: dict[str, list[str]] = {}
    for arch in ARCHITECTURES:
        groups.setdefault(_budget_words(task, arch), []).append(LABELS[arch])
    names = {len(ARCHITECTURES): "all three"}
    return "; ".join(f"{names.get(len(labels), ' and '.join(labels))} {words}" for words, labels in groups.items())


def converged_row(rows, threshold: float = 0.1) -> dict | None:
    """The first learning-curve row with fewer than ``threshold`` bit errors per sequence on
    fresh sequences (None if the curve never gets there)."""
    return next((row for row in rows if row["eval_bit_errors"] < threshold), None)


#: The paper's training budget: how far the x axis of its learning curves runs.
PAPER_BUDGET = {
    "copy": "curves to about 1,000,000 (paper Fig. 3)",
    "repeat-copy": "curves to about 500,000 (paper Fig. 7)",
    "associative-recall": "curves to about 1,000,000 (paper Fig. 10)",
    "ngrams": "curves to about 1,000,000 (paper Fig. 13)",
    "priority-sort": "curves to about 1,000,000 (paper Fig. 18)",
}


def _figure(value: float) -> str:
    return f"{value:,.0f}" if abs(value) >= 100 else f"{value:.3g}"


class Box:
    """A table of rows (model, what, ours, paper, met) with a title; HTML in the book."""

    def __init__(self, title: str, rows: list[dict]):
        self.title = title
        self.rows = rows

    def _repr_html_(self) -> str:
        head = "".join(f"<th>{html.escape(h)}</th>" for h in ("model", "figure", "ours", "paper", "met? (test)"))
        body = "".join("<tr>" + "".join(f"<td>{html.escape(str(row[key]))}</td>"
                                        for key in ("model", "what", "ours", "paper", "met")) + "</tr>"
                       for row in self.rows)
        return (f'<div class="ours-vs-paper admonition note"><p class="admonition-title">'
                f'{html.escape(self.title)}</p><div style="overflow-x: auto">'
                f'<table class="table" style="font-size: 0.9em"><thead><tr>{head}</tr></thead>'
                f"<tbody>{body}</tbody></table></div></div>")

    def __repr__(self) -> str:
        lines = [self.title]
        lines += [f"{row['model']:<9} {row['what']:<32} {row['ours']:>22}   paper: {row['paper']}   met: {row['met']}"
                  for row in self.rows]
        return "\n".join(lines)


def ours_vs_paper(task: str) -> Box:
    """The box of a task chapter: each model's training budget in sequences, then each of
    the task's targets (:data:`ntmlib.book.targets.TARGETS`, the one source of the verdicts)
    beside our figure, met or not."""
    if task not in TASK_NAMES:
        raise ValueError(f"task must be one of {TASK_NAMES}, not {task!r}")
    figures = {arch: results(task, arch) for arch in ARCHITECTURES}
    rows = []
    for arch in ARCHITECTURES:
        spent = budget(task, arch)
        rows.append({"model": LABELS[arch], "what": "training sequences",
                     "ours": f"{spent['sequences']:,} ({spent['minutes']:.0f} min)",
                     "paper": PAPER_BUDGET[task], "met": "—"})
    for target in targets_of(task):
        value = float(figures[target.arch][target.case][target.metric])
        met = target.met(value)
        verdict = "reported" if met is None else f"{'yes' if met else 'no'} ({target.criterion()})"
        rows.append({"model": LABELS[target.arch], "what": f"{METRICS[target.metric]}, {target.case}",
                     "ours": _figure(value), "paper": target.paper(), "met": verdict})
    return Box(f"Ours vs the paper: {task}", rows)


class Prose:
    """Markdown computed in a code cell (numbers about our models are never typed)."""

    def __init__(self, text: str):
        self.text = " ".join(text.split())

    def _repr_markdown_(self) -> str:
        return self.text

    def __repr__(self) -> str:
        return self.text


def prose(text: str) -> Prose:
    """``prose(f"... {figure:.1f} bits ...")`` as the last line of a cell shows the sentence
    as a paragraph of the page (tag the cell ``remove-input``)."""
    return Prose(text)
