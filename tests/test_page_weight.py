"""tools/page_weight.py measures what a page makes the browser fetch, at gzip size; the
built site's pages stay light (ntm_book_ext.lighten)."""
from __future__ import annotations

import gzip
import json
import os
import sys

import pytest

from helpers import ROOT, load_tool

page_weight = load_tool("page_weight")
sys.path.insert(0, str(ROOT / "tools"))
import ntm_book_ext  # noqa: E402

BUILT = ROOT / "_build" / "html"

# gzip KB each page may weigh: the figures measured after the reductions (intro 498,
# 12 582, 13 544, chapters 2-11 1571-2220, 10 3953, search 173) plus about 10%.
LIMIT_KB = {"chapters/intro.html": 550, "chapters/12_beyond.html": 640, "chapters/13_limitations.html": 600,
            "chapters/10_ngrams.html": 4350, "genindex.html": 200, "search.html": 200, "index.html": 10}
LIMIT_EXPLORER_KB = 2450  # the other chapters, each with explorers (08, the heaviest: 2220)


def _gz(data: bytes) -> int:
    return len(gzip.compress(data, compresslevel=6, mtime=0))


@pytest.fixture
def tiny_site(tmp_path):
    site = tmp_path / "html"
    (site / "_static" / "fonts").mkdir(parents=True)
    (site / "chapters").mkdir()
    files = {
        "_static/app.js": b"console.log('hello');\n" * 50,
        "_static/style.css": (b"@import 'more.css';\n/* url(commented.woff2) */\n"
                              b"@font-face{font-family:X;src:url(fonts/x.woff2) format('woff2'),"
                              b"url(fonts/x.ttf) format('truetype')}\nbody{font-family:X}\n"),
        "_static/more.css": b"p{background:url(\"../_static/fonts/bg.png?v=1\")}\n",
        "_static/fonts/x.woff2": os.urandom(3000),
        "_static/fonts/x.ttf": os.urandom(5000),
        "_static/fonts/bg.png": os.urandom(700),
        "_static/unused.js": b"never loaded",
    }
    for name, data in files.items():
        (site / name).write_bytes(data)
    page = (b'<html><head><script src="../_static/app.js?v=1"></script>'
            b'<script src="../_static/app.js"></script>'
            b'<link rel="stylesheet" href="../_static/style.css">'
            b'<link rel="next" href="other.html"><script src="https://cdn.example/x.js"></script>'
            b'</head><body><p>text</p></body></html>')
    (site / "chapters" / "page.html").write_bytes(page)
    (site / "chapters" / "other.html").write_bytes(b"<html></html>")
    files["chapters/page.html"] = page
    return site, files


def test_every_loaded_file_counted_once_at_gzip_size(tiny_site):
    site, files = tiny_site
    loaded = {p.relative_to(site.resolve()).as_posix() for p in page_weight.page_files(site / "chapters" / "page.html", site)}
    expected = {"chapters/page.html", "_static/app.js", "_static/style.css", "_static/more.css",
                "_static/fonts/x.woff2", "_static/fonts/bg.png"}
    assert loaded == expected  # not the ttf (one format of a src list), the next page, the CDN or unused.js
    w = page_weight.weigh(site / "chapters" / "page.html", site)
    assert w.files == len(expected)
    assert w.raw == sum(len(files[f]) for f in expected)
    assert w.gzip == sum(_gz(files[f]) for f in expected)
    assert w.largest[0] == ("_static/fonts/x.woff2", _gz(files["_static/fonts/x.woff2"]))
    assert len(w.largest) == 5


def test_main_prints_table_and_writes_json(tiny_site, tmp_path, capsys):
    site, _ = tiny_site
    out = tmp_path / "w.json"
    assert page_weight.main([str(site), "--json", str(out)]) == 0
    table = capsys.readouterr().out
    assert "gzip KB" in table and "chapters/page.html" in table
    rows = {r["page"]: r for r in json.loads(out.read_text())}
    assert rows["chapters/page.html"]["files"] == 6 and rows["chapters/other.html"]["files"] == 1


def test_lighten_html_drops_what_a_page_does_not_need():
    head = ('<script defer src="../_static/scripts/fontawesome.js?digest=1"></script>\n'
            '<script>window.MathJax = {"options": {}}</script>\n'
            '<script defer="defer" src="../_static/npm/mathjax/es5/tex-mml-chtml.js?v=1"></script>\n'
            '<script src="../_static/npm/requirejs/require.js?v=1"></script>\n'
            '<script src="../_static/ntm-widgets.js?v=1"></script>\n'
            '<script data-jupyter-widgets-cdn="./" src="../_static/npm/html-manager/dist/embed-amd.js?v=1"></script>\n')
    plain = ntm_book_ext.lighten_html(f"<head>{head}</head><body><p>no maths</p></body>")
    assert "fontawesome" not in plain and "MathJax" not in plain and "mathjax" not in plain
    assert "require.js" not in plain and "embed-amd" not in plain and "ntm-widgets" not in plain
    state = f'<script type="{ntm_book_ext.WIDGET_STATE}">{{}}</script>'
    rich = ntm_book_ext.lighten_html(f'<head>{head}</head><body><span class="math notranslate">\\(x\\)</span>{state}</body>')
    assert "fontawesome" not in rich
    assert "tex-mml-chtml.js" in rich and "window.MathJax" in rich
    assert "require.js" in rich and "embed-amd.js" in rich and "ntm-widgets.js" in rich


built = pytest.mark.skipif(not (BUILT / "chapters").is_dir(), reason="no built site in _build/html")


@built
def test_built_pages_are_light():
    heavy = []
    for w in page_weight.weigh_site(BUILT):
        limit = LIMIT_KB.get(w.page, LIMIT_EXPLORER_KB)
        if w.gzip / 1024 > limit:
            heavy.append(f"{w.page}: {w.gzip / 1024:.0f} KB gzip > {limit} KB; largest {w.largest}")
    assert not heavy, "\n".join(heavy)


@built
def test_pages_without_math_load_no_mathjax_and_no_fontawesome():
    for page in page_weight.site_pages(BUILT):
        files = [p.as_posix() for p in page_weight.page_files(page, BUILT)]
        assert not any("fontawesome" in f for f in files), page
        text = page.read_text(encoding="utf-8").split("<body", 1)[-1]
        if not ntm_book_ext._HAS_MATH.search(text):
            assert not any("/mathjax/" in f for f in files), f"{page} has no math but loads MathJax"
