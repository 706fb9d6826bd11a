"""The task chapters are honest about our models (fast: reads the notebooks and data/).

1. No number in the prose (markdown cells) of chapters 6-12 states a result of ours: a
   number followed by a unit of results (bits, bit errors, sequences, minutes, seconds,
   per cent, parameters, "times") must either be attributed to the paper (the word
   "paper", a section sign or "Graves" shortly before it, with no "our"/"we" in between)
   or be one of the few definitions listed in DEFINITIONS (the tasks' sizes and the
   settings chosen for a run, which are not results). Results are computed in code cells
   from the zoo (ntmlib.book.report.prose) and printed, never typed.
2. No "when this chapter was written" sentences.
3. Each task chapter (7-11) shows an "ours vs the paper" box, made by
   ntmlib.book.report.ours_vs_paper, whose numbers are those of results.json and config.json
   and whose verdicts are those of the one targets table (ntmlib.book.targets), the table
   README.md shows.
"""
from __future__ import annotations

import json
import re

import pytest

from helpers import ROOT

from ntmlib.book import report, targets
from ntmlib import zoo

TASK_CHAPTERS = {"07_copy": "copy", "08_repeat_copy": "repeat-copy", "09_associative_recall": "associative-recall",
                 "10_ngrams": "ngrams", "11_priority_sort": "priority-sort"}
HONEST_CHAPTERS = ["06_training", *TASK_CHAPTERS, "12_beyond"]

NUMBER = r"(?<![\w.§$\\{-])(?:\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)"
UNIT = (r"(?:\s*%|\s*per cent|\s+(?:wrong\s+|target\s+|fresh\s+)?(?:bit\s+errors?|bits?|errors?|sequences|seconds"
        r"|minutes|min|ms|parameters|times\s+(?:as|more|fewer|faster|slower)))\b")
RESULT = re.compile(NUMBER + r"(?:\s+of\s+\d+)?" + UNIT)
PAPER_BEFORE = re.compile(r"(paper|§|Graves)(?![^.]*\b(our|ours|we)\b)[^.]*$", re.I)
STALE = re.compile(r"when this (chapter|book) was written|at the time of writing|in our tests|when we wrote", re.I)

#: Numbers that are definitions, not results: (chapter, the matched text).
DEFINITIONS = {
    ("06_training", "80 target bits"),     # a copy sequence of length 10, the task's size
    ("06_training", "8 bits"),             # the cost of guessing one 8-bit vector
    ("06_training", "42 bit errors"),      # the rounding artefact of p = 0.5, computed just above
    ("06_training", "14 bits"),            # cost of one confidently wrong bit, computed just above
    ("06_training", "0.1 bit errors"),     # the live run's stopping threshold, a setting
    ("06_training", "3 times"),            # the cap of the learning-rate rule, a setting
    ("07_copy", "8 bits"),                 # the task: 8-bit vectors
    ("07_copy", "32 sequences"),           # the batch size, a setting
    ("07_copy", "960 target bits"),        # a copy of length 120: 8 x 120 bits, the task's size
    ("07_copy", "8 sequences"),            # evaluation size of the table, a setting
    ("08_repeat_copy", "8 sequences"),
    ("08_repeat_copy", "16 sequences"),    # exercise 1's evaluation size, a setting
    ("09_associative_recall", "18 target bits"),  # the task's target size
    ("09_associative_recall", "18 bits"),
    ("09_associative_recall", "32 sequences"),
    ("10_ngrams", "1000 sequences"),       # the paper's validation set size
    ("10_ngrams", "200 bits"),             # the task's sequence length
    ("10_ngrams", "100, 200 and 400 bits"),
    ("10_ngrams", "400 bits"),
    ("10_ngrams", "50 sequences"),
    ("10_ngrams", "1000 bits"),
    ("10_ngrams", "100%"),
    ("10_ngrams", "111 bits"),             # exercise 2's solution: 200 x E[H(p)], analytic
    ("10_ngrams", "1 bit"),                # the entropy of a fair coin                 # a hypothetical share in "how to read these numbers"
    ("11_priority_sort", "128 target bits"),
    ("11_priority_sort", "128 bits"),
    ("11_priority_sort", "500 fresh sequences"),
    ("11_priority_sort", "100 sequences"),
    ("12_beyond", "32 sequences"),
    ("12_beyond", "60,000 sequences"),     # the ablation runs' training budget, a setting         # "if 32 sequences cost only a few times as much as one"
}


def _cells(name: str) -> list[dict]:
    return json.loads((ROOT / "chapters" / f"{name}.ipynb").read_text(encoding="utf-8"))["cells"]


def _prose(name: str) -> list[tuple[str, str]]:
    """(cell id, text) of every markdown cell, without code blocks and display maths."""
    out = []
    for cell in _cells(name):
        if cell["cell_type"] == "markdown":
            text = re.sub(r"```.*?```|\$\$.*?\$\$", " ", "".join(cell["source"]), flags=re.S)
            out.append((cell["id"], " ".join(text.split())))
    return out


def _without_inner_dots(text: str) -> str:
    """Dots that end no sentence ("Fig. 3", "eq. 5", "§4.3", "e.g.") removed, so that the
    attribution to the paper can be looked for within one sentence."""
    text = re.sub(r"\b(Figs?|eqs?|cf|e\.g|i\.e)\.", lambda m: m.group(1).replace(".", ""), text)
    return re.sub(r"(\d)\.(\d)", r"\1\2", text)


def untyped_results(name: str) -> list[str]:
    """The numbers of the chapter's prose that look like results of ours."""
    found = []
    for cell_id, text in _prose(name):
        for match in RESULT.finditer(text):
            before = text[max(0, match.start() - 120):match.start()]
            sentence = re.split(r"(?<=[.!?:;])\s", _without_inner_dots(before))[-1]
            if PAPER_BEFORE.search(sentence):
                continue
            if any((name, phrase) in DEFINITIONS for phrase in _phrases(match.group())):
                continue
            found.append(f"{cell_id}: {match.group()!r} in ...{before[-60:]}")
    return found


def _phrases(matched: str) -> list[str]:
    words = " ".join(matched.split())
    return [words, re.sub(r"\s+of\s+\d+", "", words)]


@pytest.mark.parametrize("name", HONEST_CHAPTERS)
def test_prose_types_no_results_of_ours(name):
    assert untyped_results(name) == [], "compute these in a code cell (ntmlib.book.report.prose) instead"


@pytest.mark.parametrize("name", HONEST_CHAPTERS)
def test_no_stale_sentences(name):
    for cell in _cells(name):
        found = STALE.search("".join(cell["source"]))
        assert not found, f"{name} {cell['id']}: {found.group()!r}"


def test_the_scan_catches_a_typed_result():
    """The rule can fail: a typed result of ours is caught, the paper's figure is not."""
    text = "Our LSTM gets 32.0 of 80 bits wrong. The paper's NTMs reach about 15-20 bits."
    caught = [m.group() for m in RESULT.finditer(text)
              if not PAPER_BEFORE.search(re.split(r"(?<=[.!?:;])\s", text[:m.start()])[-1])]
    assert caught == ["32.0 of 80 bits"]


@pytest.mark.parametrize("name,task", TASK_CHAPTERS.items())
def test_task_chapter_shows_its_box(name, task):
    sources = ["".join(c["source"]) for c in _cells(name) if c["cell_type"] == "code"]
    assert any(re.search(r"ours_vs_paper\((TASK|\"" + task + r"\")\)", s) for s in sources), (
        f"{name} has no cell calling ours_vs_paper for {task}")


@pytest.mark.parametrize("task", TASK_CHAPTERS.values())
def test_box_numbers_are_the_zoo_s(task):
    box = report.ours_vs_paper(task)
    rows = box.rows
    budgets = [r for r in rows if r["what"] == "training sequences"]
    assert [r["model"] for r in budgets] == ["NTM-LSTM", "NTM-FF", "LSTM"]
    for row, arch in zip(budgets, ("ntm-lstm", "ntm-ff", "lstm")):
        assert row["ours"].startswith(f"{zoo.info(task, arch)['sequences']:,} ")
    claims = [r for r in rows if r["what"] != "training sequences"]
    task_targets = targets.targets_of(task)
    assert len(claims) == len(task_targets) > 0
    readme = _readme_verdicts()
    for row, target in zip(claims, task_targets):
        recorded = {r["case"]: r for r in json.loads((zoo.model_dir(task, target.arch) / "results.json").read_text())}
        value = recorded[target.case][target.metric]
        assert float(row["ours"].replace(",", "")) == pytest.approx(value, rel=0.01, abs=0.005)
        assert "paper Fig." in row["paper"] and target.case in row["what"]
        # One source of verdicts: the box says what the targets table of README.md says.
        assert row["met"].split()[0] == readme[task, target.arch, target.case, target.metric], row
    assert "<table" in box._repr_html_() and task in repr(box)


def _readme_verdicts() -> dict:
    """(task, arch, case, metric) -> "yes" / "no" / "reported", read from README.md's targets table."""
    names = {measure: metric for metric, measure in targets.MEASURES.items()}
    verdicts = {}
    for line in (ROOT / "README.md").read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 7 and cells[3] in names:
            verdicts[cells[0], cells[1], cells[2], names[cells[3]]] = cells[6].strip("*")
    return verdicts


def test_every_box_row_has_a_readme_verdict():
    """The README table lists every target, so no box can judge a claim the table does not."""
    assert set(_readme_verdicts()) == {(t.task, t.arch, t.case, t.metric) for t in targets.TARGETS}


def test_targets_decide_by_their_bounds():
    below = targets.Target("copy", "lstm", "L=20", "bit_errors", "<", 1.0, "Fig 5: x")
    assert below.met(0.5) is True and below.met(1.0) is False and below.criterion() == "< 1"
    fails = targets.Target("copy", "lstm", "L=120", "bit_errors", ">=", 96.0, "Fig 5: fails")
    assert fails.met(96.0) is True and fails.met(95.9) is False and fails.criterion() == "≥ 96"
    assert fails.paper() == "fails (paper Fig. 5)"
    assert targets.Target("a", "b", "c", "bit_errors", None, None, "Fig 10: x").met(3.0) is None


def test_no_chapter_types_a_verdict():
    """Verdicts are the box's: no task chapter's prose states its own bound for a target."""
    for name in TASK_CHAPTERS:
        for cell_id, text in _prose(name):
            found = re.search(r"met: (yes|no)|\b(yes|no) \((<|≤|<=|≥)", text)
            assert not found, f"{name} {cell_id}: {found.group()!r}"


def test_a_box_reads_each_results_file_once(monkeypatch):
    reads = []
    real = report.results
    monkeypatch.setattr(report, "results", lambda task, arch: reads.append(arch) or real(task, arch))
    report.ours_vs_paper("associative-recall")  # has "below" claims, which need a second model's figure
    assert sorted(reads) == sorted(report.ARCHITECTURES)


def test_report_rejects_unknown_names():
    with pytest.raises(ValueError, match="task must be one of"):
        report.ours_vs_paper("sorting")
    with pytest.raises(ValueError, match="has no case"):
        report.result("copy", "lstm", "L=7")
    with pytest.raises(ValueError, match="metric must be one of"):
        report.result("copy", "lstm", "training", "accuracy")


def test_training_budgets_follow_the_recipes_and_the_zoo():
    """The chapters' budget sentence: wall-time recipes in minutes, step recipes in iterations
    with the minutes they took, fine-tunes with their iterations and the total from config.json."""
    from ntmlib.training.recipes import recipe

    words = report.training_budgets("copy")
    lstm = recipe("copy", "lstm").config
    assert f"LSTM {lstm.steps:,} iterations, {zoo.info('copy', 'lstm')['wall_seconds'] / 60:.1f} min" in words
    fine_tune = recipe("copy", "ntm-ff").fine_tune.config
    assert f"NTM-FF 5 min + a {fine_tune.steps:,}-iteration fine-tune" in words
    assert words.startswith("NTM-LSTM 5 min;")
    assert report.training_budgets("ngrams") == f"all three {recipe('ngrams', 'lstm').config.max_seconds / 60:g} min"
    with pytest.raises(ValueError, match="no zoo recipe"):
        report.training_budgets("sorting")


#: Claims the zoo's recipes refute: the budgets differ by model (report.training_budgets says
#: how), and §4.6 gives no batch size.
REFUTED = re.compile(r"(trained|train|trains) for the same wall time|in the same wall time|"
                     r"(paper|authors)\b[^.]*\b(used|trained (with|on)) one sequence per update", re.I)


def _captions(name: str) -> list[tuple[str, str]]:
    return [(cell["id"], cell.get("metadata", {}).get("mystnb", {}).get("figure", {}).get("caption", ""))
            for cell in _cells(name)]


@pytest.mark.parametrize("name", sorted(p.stem for p in (ROOT / "chapters").glob("*.ipynb")))
def test_no_refuted_budget_claims(name):
    found = [f"{cell_id}: {match.group()!r}" for cell_id, text in _prose(name) + _captions(name)
             for match in REFUTED.finditer(text)]
    assert found == [], "the budgets are the recipes' (report.training_budgets); §4.6 gives no batch size"


def test_the_refuted_claims_are_caught():
    assert REFUTED.search("note that the three stop early: they trained for the same wall time.")
    assert REFUTED.search("The paper used one sequence per update.")
    assert not REFUTED.search("we read its learning rates as those of one sequence per update")
