"""The book's chapter lists and exercise solutions are complete (fast: reads the notebooks only).

1. Every chapter of _toc.yml appears in each of the introduction's two chapter listings:
   the reading guide ("## How to read this book": "chapters 2 to 6 ...; chapter 12 ...")
   and the map of the book (the table under "## A map of the book", one row per chapter,
   whose bold title is the chapter's own "# N. Title").
2. Every numbered exercise of every chapter's "## Exercises" section has a
   "<details><summary>Solution" block.
"""
from __future__ import annotations

import json
import re

import pytest

from helpers import ROOT, book_sources

_, _, DOCNAMES = book_sources()
INTRO = "chapters/intro"
CHAPTERS = [d for d in DOCNAMES if d != INTRO]


def _markdown(docname: str) -> list[str]:
    cells = json.loads((ROOT / f"{docname}.ipynb").read_text(encoding="utf-8"))["cells"]
    return ["".join(c["source"]) for c in cells if c["cell_type"] == "markdown"]


def _section(docname: str, heading: str) -> str:
    """The text under the level-2 heading ``heading`` up to the next level-1 or level-2 heading."""
    text = "\n\n".join(_markdown(docname))
    match = re.search(rf"^## {re.escape(heading)}[ \t]*$(.*?)(?=^#{{1,2}} |\Z)", text, re.M | re.S)
    assert match, f"{docname} has no '## {heading}' section"
    return match.group(1)


def _number(docname: str) -> int:
    return int(re.match(r"\d+", docname.split("/")[-1]).group())


def _title(docname: str) -> str:
    first = _markdown(docname)[0].splitlines()[0]
    match = re.match(r"# (\d+)\. (.+)", first)
    assert match and int(match.group(1)) == _number(docname), f"{docname} starts with {first!r}"
    return match.group(2).strip()


def test_the_toc_has_chapters():
    assert INTRO in DOCNAMES and len(CHAPTERS) >= 12


def test_the_reading_guide_names_every_chapter():
    guide = _section(INTRO, "How to read this book").strip().split("\n\n")[0]  # its first paragraph
    named: set[int] = set()
    for first, last in re.findall(r"\bchapters?\s+(\d+)(?:\s*(?:to|-|–)\s*(\d+))?", guide, re.I):
        named.update(range(int(first), int(last or first) + 1))
    missing = [d for d in CHAPTERS if _number(d) not in named]
    assert not missing, f"the reading guide of the introduction does not mention {missing}"


def test_the_map_lists_every_chapter_with_its_title():
    rows = {int(n): title.strip() for n, title in
            re.findall(r"^\|\s*(\d+)\s*\|\s*\*\*(.+?)\*\*", _section(INTRO, "A map of the book"), re.M)}
    for docname in CHAPTERS:
        assert _number(docname) in rows, f"the map of the book has no row for {docname}"
        assert rows[_number(docname)] == _title(docname), (
            f"{docname}: the map says {rows[_number(docname)]!r}, the chapter {_title(docname)!r}")


def _exercises(docname: str) -> dict[int, str]:
    """{exercise number: its text up to the next exercise} of the chapter's Exercises section."""
    text = _section(docname, "Exercises")
    starts = list(re.finditer(r"^(\d+)\.\s", text, re.M))
    return {int(m.group(1)): text[m.start():(starts[i + 1].start() if i + 1 < len(starts) else len(text))]
            for i, m in enumerate(starts)}


def test_the_scan_finds_exercises_and_solutions():
    """The scan can fail: chapter 12's five exercises are found, each with its solution."""
    exercises = _exercises("chapters/12_beyond")
    assert sorted(exercises) == [1, 2, 3, 4, 5]
    assert all("<details><summary>Solution" in text for text in exercises.values())


@pytest.mark.parametrize("docname", CHAPTERS)
def test_every_exercise_has_a_solution(docname):
    exercises = _exercises(docname)
    assert exercises, f"{docname}: its Exercises section has no numbered exercise"
    lacking = sorted(n for n, text in exercises.items() if "<details><summary>Solution" not in text)
    assert not lacking, f"{docname}: exercises {lacking} have no Solution block"
