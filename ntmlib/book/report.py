"""Our models beside the paper's: the book's "ours vs the paper" boxes and the figures
its prose quotes, read from the zoo (``data/<task>/<arch>/results.json``, ``config.json``,
``curve.csv``) every time a chapter runs, so that no number about our models is typed.

- :func:`result` and :func:`budget` read one figure or one training budget.
- :data:`CLAIMS` lists, per task, the paper's headline results in our words, each with
  the test that decides whether our model meets it.
- :func:`ours_vs_paper` builds a task chapter's box from both; it renders as an HTML
  table in the book and in Jupyter, and as plain text elsewhere.
- :func:`prose` turns a sentence computed in a code cell into Markdown for the page.
"""
from __future__ import annotations

import html
import json
from dataclasses import dataclass

from .. import zoo
from ..paper import ARCHITECTURES, TASK_NAMES

__all__ = ["Claim", "CLAIMS", "PAPER_BUDGET", "LABELS", "result", "results", "budget",
           "ours_vs_paper", "Box", "prose", "Prose"]

LABELS = {"ntm-lstm": "NTM-LSTM", "ntm-ff": "NTM-FF", "lstm": "LSTM"}
METRICS = {"cost_bits": "cost (bits/seq)", "bit_errors": "bit errors/seq"}


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


def converged_row(rows, threshold: float = 0.1) -> dict | None:
    """The first learning-curve row with fewer than ``threshold`` bit errors per sequence on
    fresh sequences (None if the curve never gets there)."""
    return next((row for row in rows if row["eval_bit_errors"] < threshold), None)


@dataclass(frozen=True)
class Claim:
    """One of the paper's headline results, and the test our model must pass to meet it.

    ``kind``: "at most" (our figure <= ``bound``), "at least" (>= ``bound``; for the paper's
    failures, which we meet by failing too) or "below" (our figure is below the same
    figure of the architecture ``bound`` names)."""

    arch: str
    case: str
    metric: str
    paper: str
    kind: str
    bound: float | str

    def ours(self, figures: dict[str, dict[str, dict]]) -> float:
        """Our figure, from ``figures`` = ``{arch: results(task, arch)}`` (read once per box)."""
        return float(figures[self.arch][self.case][self.metric])

    def criterion(self) -> str:
        """The test in symbols, e.g. "≤ 1", "≥ 96", "< LSTM's"."""
        if self.kind == "below":
            return f"< {LABELS[self.bound]}'s"
        return f"{'≤' if self.kind == 'at most' else '≥'} {self.bound:g}"

    def met(self, figures: dict[str, dict[str, dict]]) -> bool:
        """Whether our figure passes the test (``figures`` as for :meth:`ours`)."""
        ours = self.ours(figures)
        if self.kind == "at most":
            return ours <= self.bound
        if self.kind == "at least":
            return ours >= self.bound
        if self.kind == "below":
            return ours < float(figures[self.bound][self.case][self.metric])
        raise ValueError(f"unknown claim kind {self.kind!r}")


def _both_ntms(case, metric, paper, kind, bound):
    return [Claim(arch, case, metric, paper, kind, bound) for arch in ("ntm-lstm", "ntm-ff")]


# The paper reports results as learning curves and pictures; where it gives no number, a
# bound in our words stands for its words ("near zero": under 1 bit per sequence; "few
# mistakes": under 1% of the target bits wrong; "fails": over 10% wrong). Target bits per
# sequence: copy 8L; repeat copy 9(RL + 1); associative recall 18; priority sort 128.
CLAIMS: dict[str, list[Claim]] = {
    "copy": [
        *_both_ntms("training", "cost_bits", "near 0 (paper Fig. 3)", "at most", 1.0),
        Claim("lstm", "training", "cost_bits", "low, but above the NTMs' (paper Fig. 3)", "at most", 10.0),
        Claim("lstm", "L=20", "bit_errors", "almost none (paper Fig. 5)", "at most", 1.6),
        *_both_ntms("L=50", "bit_errors", "very few (paper Fig. 4)", "at most", 4.0),
        *_both_ntms("L=120", "bit_errors", "a few local errors (paper Fig. 4)", "at most", 9.6),
        Claim("lstm", "L=120", "bit_errors", "fails (paper Fig. 5)", "at least", 96.0),
    ],
    "repeat-copy": [
        *[Claim(arch, "training", "cost_bits", "near 0 (paper Fig. 7)", "at most", 1.0) for arch in ARCHITECTURES],
        *_both_ntms("L=20,R=10", "bit_errors", "almost none (paper Fig. 8)", "at most", 18.0),
        *_both_ntms("L=10,R=20", "bit_errors", "data right, end marker wrong (paper Fig. 8)", "at most", 90.0),
        Claim("lstm", "L=20,R=10", "bit_errors", "fails (paper Fig. 8)", "at least", 180.0),
    ],
    "associative-recall": [
        *_both_ntms("training", "cost_bits", "near 0 (paper Fig. 10)", "at most", 1.0),
        Claim("ntm-ff", "K=12", "bit_errors", "nearly perfect at twice the training length (paper Fig. 11)",
              "at most", 0.18),
        Claim("ntm-lstm", "K=12", "cost_bits", "below the LSTM's (paper Fig. 11)", "below", "lstm"),
        Claim("ntm-ff", "K=20", "cost_bits", "below the LSTM's (paper Fig. 11)", "below", "lstm"),
    ],
    "ngrams": [
        *_both_ntms("training", "cost_bits", "below the LSTM's (paper Fig. 13)", "below", "lstm"),
    ],
    "priority-sort": [
        *_both_ntms("training", "cost_bits", "about 15-20 (read off paper Fig. 18)", "at most", 20.0),
        Claim("lstm", "training", "cost_bits", "about 55 (read off paper Fig. 18)", "at most", 60.0),
    ],
}

#: The paper's training budget: how far the x axis of its learning curves runs.
PAPER_BUDGET = {
    "copy": "curves to about 1,000,000 (paper Fig. 3)",
    "repeat-copy": "curves to about 500,000 (paper Fig. 7)",
    "associative-recall": "curves to about 1,000,000 (paper Fig. 10)",
    "ngrams": "curves to about 1,000,000 (paper Fig. 13)",
    "priority-sort": "curves to about 1,000,000 (paper Fig. 18)",
}


def _figure(value: float) -> str:
    return f"{value:,.0f}" if abs(value) >= 100 else f"{value:.3g}" if abs(value) < 1 else f"{value:.1f}"


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
    the paper's headline results (:data:`CLAIMS`) beside our figure, met or not."""
    if task not in TASK_NAMES:
        raise ValueError(f"task must be one of {TASK_NAMES}, not {task!r}")
    figures = {arch: results(task, arch) for arch in ARCHITECTURES}
    rows = []
    for arch in ARCHITECTURES:
        spent = budget(task, arch)
        rows.append({"model": LABELS[arch], "what": "training sequences",
                     "ours": f"{spent['sequences']:,} ({spent['minutes']:.0f} min)",
                     "paper": PAPER_BUDGET[task], "met": "—"})
    for claim in CLAIMS[task]:
        rows.append({"model": LABELS[claim.arch], "what": f"{METRICS[claim.metric]}, {claim.case}",
                     "ours": _figure(claim.ours(figures)), "paper": claim.paper,
                     "met": f"{'yes' if claim.met(figures) else 'no'} ({claim.criterion()})"})
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
