"""What the chapters' sources may and may not contain (fast: no execution, no build).

nbval compares outputs only in cells tagged ``nbval-check-output`` (under --nbval-lax),
and only where the notebook stores a run of the cell: an unrun cell is never compared,
so a tag on it would check nothing."""
from __future__ import annotations

import json
import re

import pytest

from helpers import ROOT, book_sources

_, _, CHAPTERS = book_sources()
CHECK_TAG = "nbval-check-output"


def _cells(docname: str) -> list[dict]:
    return json.loads((ROOT / f"{docname}.ipynb").read_text(encoding="utf-8"))["cells"]


def _source(cell: dict) -> str:
    return "".join(cell["source"])


@pytest.mark.parametrize("docname", CHAPTERS)
def test_output_checks_are_tags_on_cells_with_stored_outputs(docname):
    for cell in _cells(docname):
        if cell["cell_type"] != "code":
            continue
        assert "NBVAL_" not in _source(cell), f"{docname} {cell['id']}: use the {CHECK_TAG} tag, not a comment"
        if CHECK_TAG in cell["metadata"].get("tags", []):
            assert cell["execution_count"] is not None and cell["outputs"], (
                f"{docname} {cell['id']}: tagged {CHECK_TAG} but stores no run to compare with"
            )


def test_some_cells_check_their_outputs():
    tagged = [c for d in CHAPTERS for c in _cells(d) if CHECK_TAG in c["metadata"].get("tags", [])]
    assert len(tagged) >= 20, len(tagged)


# The book cites the paper and its own pages; private working notes are not sources.
PRIVATE_SOURCE = re.compile(r"\bSPEC\b|PROBE\.md|shared/")
# One note in the introduction says what works where; chapters do not repeat it.
KERNEL_NOTE = re.compile(r"(running|need[s]?\s+a)\s+kernel|without\s+a\s+(running\s+)?kernel", re.I)


def _all_text(cell: dict) -> str:
    return _source(cell) + json.dumps(cell["metadata"])


@pytest.mark.parametrize("docname", CHAPTERS)
def test_no_private_sources_cited(docname):
    for cell in _cells(docname):
        found = PRIVATE_SOURCE.search(_all_text(cell))
        assert not found, f"{docname} {cell['id']} cites {found.group()!r}: cite the paper or the book"


@pytest.mark.parametrize("docname", CHAPTERS)
def test_no_kernel_notes_in_chapters(docname):
    for cell in _cells(docname):
        if cell["cell_type"] == "markdown" and docname != "chapters/intro":
            found = KERNEL_NOTE.search(_source(cell))
            assert not found, f"{docname} {cell['id']}: {found.group()!r}; the introduction says what works where"


def test_introduction_says_what_works_where():
    text = "\n".join(_source(c) for c in _cells("chapters/intro") if c["cell_type"] == "markdown")
    assert "What works where" in text
    for place in ("static web site", "JupyterLab", "Colab", "VS Code"):
        assert place in text, place


# Figures: every cell that draws one (its source ends with plt.show(), as the book's plot
# cells do) has a caption saying what to look at and a name fig-ch<N>-<slug>, where N is
# the chapter's number (tools/ntm_book_ext.py numbers the figures "Figure N.k").
FIGURE_NAME = re.compile(r"^fig-ch(\d+)-[a-z0-9]+(?:-[a-z0-9]+)*$")
GUIDES = re.compile(r"\b(look|compare|watch|notice|note|read|see|where|whether|which|how|should)\b", re.I)


def _chapter_number(docname: str) -> int:
    title = next(_source(c) for c in _cells(docname) if c["cell_type"] == "markdown")
    return int(re.match(r"#\s*(\d+)\.", title).group(1))


@pytest.mark.parametrize("docname", CHAPTERS)
def test_every_figure_has_a_caption_and_a_chapter_name(docname):
    number = _chapter_number(docname)
    for cell in _cells(docname):
        if cell["cell_type"] != "code" or "plt.show()" not in _source(cell):
            continue
        figure = cell["metadata"].get("mystnb", {}).get("figure")
        assert figure, f"{docname} {cell['id']} draws a figure without a caption"
        found = FIGURE_NAME.match(figure.get("name", ""))
        assert found and int(found.group(1)) == number, (
            f"{docname} {cell['id']}: name {figure.get('name')!r} should be fig-ch{number}-<slug>")
        caption = figure.get("caption", "")
        assert len(caption) >= 40 and GUIDES.search(caption), (
            f"{docname} {cell['id']}: the caption should say what to look at: {caption!r}")


def test_figure_names_are_unique():
    names = [c["metadata"]["mystnb"]["figure"]["name"] for d in CHAPTERS for c in _cells(d)
             if c["metadata"].get("mystnb", {}).get("figure")]
    assert len(names) == len(set(names)), sorted(n for n in names if names.count(n) > 1)


@pytest.mark.parametrize("docname", CHAPTERS)
def test_the_paper_s_figures_are_always_paper_fig(docname):
    """The book's figures are "Figure 7.2"; the paper's are always "paper Fig. N"."""
    for cell in _cells(docname):
        figure = cell["metadata"].get("mystnb", {}).get("figure") or {}
        for text in (_source(cell), figure.get("caption", "")):
            for found in re.finditer(r"(.{0,6})\b(Figs?\.|Figures?)\s+\d", text):
                assert re.search(r"[Pp]aper\s*$", found.group(1)), (
                    f"{docname} {cell['id']}: write 'paper Fig. N' for the paper's figures: {found.group()!r}")


# Exercises: every one has a collapsed hint (an HTML <details> block, which every notebook front end renders collapsed), and the analytical ones a
# collapsed solution; those that retrain a model say so.
def _exercises(docname: str) -> list[str]:
    for cell in _cells(docname):
        text = _source(cell)
        if cell["cell_type"] == "markdown" and "## Exercises" in text:
            block = re.split(r"\n## (?!Exercises)", text[text.index("## Exercises"):])[0]
            return re.split(r"(?m)^(?=\d+\. )", block)[1:]
    return []


@pytest.mark.parametrize("docname", [d for d in CHAPTERS if d != "chapters/intro"])
def test_every_exercise_has_a_collapsed_hint(docname):
    exercises = _exercises(docname)
    assert exercises or _chapter_number(docname) > 12, f"{docname} has no exercises"
    for number, text in enumerate(exercises, start=1):
        assert "<details><summary>Hint</summary>" in text, f"{docname} exercise {number} has no hint"
        if "retrain" in text.lower() or "RETRAIN = True" in text:
            assert "*(Retrains a model: minutes.)*" in text, f"{docname} exercise {number} retrains: say so"


def test_most_exercises_have_solutions():
    exercises = [text for d in CHAPTERS for text in _exercises(d)]
    solved = [text for text in exercises if "<details><summary>Solution</summary>" in text]
    assert len(exercises) >= 60 and len(solved) >= len(exercises) // 2, (len(solved), len(exercises))


def test_nothing_in_the_repository_points_at_private_notes():
    """Code, tests, tools, docs and data notes cite the paper or the repository's own
    documentation (docs/tasks.md), never private working notes."""
    roots = [ROOT / name for name in ("ntmlib", "tests", "tools", "docs", "data")] + [ROOT / "README.md"]
    files = [p for root in roots for p in ([root] if root.is_file() else root.rglob("*"))
             if p.suffix in {".py", ".md", ".js", ".css", ".yml", ".json", ".txt"} and p.is_file()
             and p.name != "test_chapter_text.py" and p.stat().st_size < 2_000_000]
    found = [f"{p.relative_to(ROOT)}: {m.group()}" for p in files
             for m in [PRIVATE_SOURCE.search(p.read_text(encoding="utf-8", errors="replace"))] if m]
    assert found == []
