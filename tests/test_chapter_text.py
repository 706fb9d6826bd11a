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
