"""The book's sources are consistent: _config.yml, _toc.yml and the chapter notebooks.

Fast (no execution, no build). The Colab set-up cell is checked against
tools/colab_cell.py, its single source of truth; fix a failure with
``.venv/bin/python tools/colab_cell.py --write``.
"""

from __future__ import annotations

import ast
import json
import re

import pytest

from helpers import ROOT, book_sources

colab_cell, CONFIG, CHAPTERS = book_sources()


def _notebook(docname: str) -> dict:
    return json.loads((ROOT / f"{docname}.ipynb").read_text(encoding="utf-8"))


def _source(cell: dict) -> str:
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else src


def _code_cells(nb: dict) -> list[dict]:
    return [c for c in nb["cells"] if c["cell_type"] == "code"]


# --------------------------------------------------------------------------
# _config.yml


def test_config_repository_and_launch_buttons():
    repo = CONFIG["repository"]
    assert repo["url"].startswith("https://github.com/"), repo
    assert repo.get("branch"), "repository.branch is needed for the Colab links"
    assert CONFIG["launch_buttons"]["colab_url"] == "https://colab.research.google.com"
    assert CONFIG["html"]["use_repository_button"] is True


def test_config_executes_every_notebook_and_fails_on_errors():
    execute = CONFIG["execute"]
    assert execute["execute_notebooks"] == "force"
    assert execute["allow_errors"] is False
    assert execute["timeout"] >= 60
    assert CONFIG["only_build_toc_files"] is True
    for pattern in (".venv", "_build", "data", "tests", "artifacts", "runs"):
        assert pattern in CONFIG["exclude_patterns"], pattern


def test_every_build_executes_every_chapter():
    """tools/ntm_book_ext.py makes Sphinx re-read (so myst-nb re-execute) all chapters."""
    assert CONFIG["sphinx"]["local_extensions"] == {"ntm_book_ext": "tools"}
    assert (ROOT / "tools" / "ntm_book_ext.py").is_file()


def test_chapters_name_the_repository_as_config_does():
    """repository.url is set once, in _config.yml. Code cells never spell it out
    (the generated Colab cell aside); prose that mentions the repository must
    agree with it, so that a move of the repository shows up here."""
    url = CONFIG["repository"]["url"].rstrip("/")
    name = url.rsplit("/", 1)[-1]
    pattern = re.compile(r"https?://github\.com/[\w.-]+/" + re.escape(name) + r"(?:\.git)?\b")
    for docname in CHAPTERS:
        for cell in _notebook(docname)["cells"]:
            if "colab-setup" in cell.get("metadata", {}).get("tags", []):
                continue
            src = _source(cell)
            if cell["cell_type"] == "code":
                assert url not in src, f"{docname}: read the URL from _config.yml, not a literal"
            for found in pattern.findall(src):
                assert found.removesuffix(".git") == url, (
                    f"{docname} links to {found}, but _config.yml says {url}"
                )


# --------------------------------------------------------------------------
# _toc.yml and the chapters


def test_toc_format_and_root():
    toc = colab_cell.load_toc(ROOT)
    assert toc["format"] == "jb-book"
    assert CHAPTERS[0] == toc["root"] == "chapters/intro"
    assert len(CHAPTERS) == len(set(CHAPTERS)), "a chapter is listed twice"


@pytest.mark.parametrize("docname", CHAPTERS)
def test_chapter_is_a_notebook(docname):
    path = ROOT / f"{docname}.ipynb"
    assert path.is_file(), f"_toc.yml lists {docname}, but {path.name} does not exist"
    nb = _notebook(docname)
    assert nb["nbformat"] == 4
    assert nb["metadata"]["kernelspec"]["name"] == "python3"
    first_md = next(c for c in nb["cells"] if c["cell_type"] == "markdown")
    assert _source(first_md).lstrip().startswith("# "), f"{docname}: must start with a '# Title'"
    ids = [cell.get("id") for cell in nb["cells"]]
    assert None not in ids, f"{docname}: cell {ids.index(None)} has no id (nbformat 4.5 requires one)"
    assert len(ids) == len(set(ids)), f"{docname}: two cells share an id"


@pytest.mark.parametrize("docname", CHAPTERS)
def test_first_code_cell_is_the_colab_cell(docname):
    code = _code_cells(_notebook(docname))
    assert code, f"{docname} has no code cell"
    first = code[0]
    expected = colab_cell.cell_source(docname, CONFIG)
    assert _source(first) == expected, (
        f"{docname}: the first code cell is not the canonical Colab cell; "
        "run `.venv/bin/python tools/colab_cell.py --write`"
    )
    tags = first.get("metadata", {}).get("tags", [])
    assert "colab-setup" in tags and "remove-cell" in tags, tags
    assert sum("colab-setup" in c.get("metadata", {}).get("tags", []) for c in code) == 1


def test_colab_cell_does_nothing_outside_colab():
    """Executing the cell here (not in Colab) must not clone, install or chdir."""
    import os
    import sys

    src = colab_cell.cell_source("chapters/intro", CONFIG)
    assert "google.colab" not in sys.modules
    cwd, path = os.getcwd(), list(sys.path)
    exec(compile(src, "<colab-cell>", "exec"), {})
    assert os.getcwd() == cwd and sys.path == path


def test_colab_cell_uses_config():
    src = colab_cell.cell_source("chapters/intro", CONFIG)
    repo = CONFIG["repository"]
    assert f'"{repo["url"]}"' in src
    assert f'"--branch", "{repo["branch"]}"' in src
    ast.parse(src)


@pytest.mark.parametrize("docname", CHAPTERS)
def test_plot_cells_end_with_show(docname):
    """Plot cells end with plt.show(), not a trailing ';' to hide a return value."""
    for cell in _code_cells(_notebook(docname)):
        lines = [ln for ln in _source(cell).rstrip().splitlines() if ln.strip()]
        if not lines or "colab-setup" in cell.get("metadata", {}).get("tags", []):
            continue
        last = lines[-1].split("#")[0].rstrip()
        assert not last.endswith(";"), (
            f"{docname}: a cell ends with ';' ({last!r}); end plot cells with plt.show()"
        )


@pytest.mark.parametrize("docname", CHAPTERS)
def test_no_committed_errors(docname):
    """Stored outputs (if any) contain no errors; the build re-executes anyway."""
    for cell in _code_cells(_notebook(docname)):
        for out in cell.get("outputs", []):
            assert out.get("output_type") != "error", f"{docname}: committed error output"
