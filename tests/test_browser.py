"""The built book, opened in a real (headless) browser, one test per chapter.

For every page of _toc.yml: it is served (HTTP 200) with the chapter's title,
every image has loaded, no error output or traceback appears, widgets (if any)
have their state embedded, and the Colab launch button opens that chapter's
notebook. A full-page screenshot of each page goes to artifacts/screenshots/.

The site is _build/html; `make test` builds it first (`make book`), and the
fixture below builds it only when _build/html/index.html is missing. The
browser is Debian's Chromium at /usr/bin/chromium driven by the `playwright`
package (no browser download). Without Chromium the tests are skipped, unless
the CI environment variable is set, in which case they fail.

The browser may not reach the network: requests to anything but the local
server are aborted, so the test sees the book as an offline reader would
(MathJax and the ipywidgets manager come from CDNs and do not load here).
"""

from __future__ import annotations

import functools
import http.server
import json
import os
import re
import subprocess
import sys
import threading
from pathlib import Path
from urllib.parse import urlparse

import pytest

from helpers import ROOT, book_sources

pytestmark = pytest.mark.browser

SITE = ROOT / "_build" / "html"
SCREENSHOTS = ROOT / "artifacts" / "screenshots"
CHROMIUM = os.environ.get("NTM_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# myst-nb's classes for stderr streams and error tracebacks (myst_nb/core/render.py),
# plus "error" for safety.
ERROR_OUTPUT_SELECTOR = ".output.stderr, .output.traceback, .output.error"

colab_cell, CONFIG, CHAPTERS = book_sources()


def _in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def _skip_or_fail(reason: str):
    if _in_ci():
        pytest.fail(f"{reason} (CI is set, so this is a failure, not a skip)", pytrace=False)
    pytest.skip(reason)


def chapter_title(docname: str) -> str:
    """The text of the notebook's first '# ' heading, without Markdown markup."""
    nb = json.loads((ROOT / f"{docname}.ipynb").read_text(encoding="utf-8"))
    for cell in nb["cells"]:
        if cell["cell_type"] != "markdown":
            continue
        src = cell["source"] if isinstance(cell["source"], str) else "".join(cell["source"])
        for line in src.splitlines():
            if line.startswith("# "):
                return re.sub(r"[`*_$]", "", line[2:]).strip()
    raise AssertionError(f"{docname}: no '# Title' heading")


def colab_href(docname: str) -> str:
    """Where the Colab launch button of a chapter must point."""
    url, branch, path_to_book = colab_cell.repository(CONFIG)
    org_repo = urlparse(url).path.strip("/").removesuffix(".git")
    colab = CONFIG["launch_buttons"]["colab_url"].rstrip("/")
    prefix = f"{path_to_book}/" if path_to_book else ""
    return f"{colab}/github/{org_repo}/blob/{branch}/{prefix}{docname}.ipynb"


# --------------------------------------------------------------------------
# Fixtures


@pytest.fixture(scope="session")
def site() -> Path:
    """The built HTML book; built here only if `make book` has not built it."""
    if not (SITE / "index.html").exists():
        jb = Path(sys.executable).parent / "jupyter-book"
        cmd = [str(jb), "build", ".", "--builder", "html", "-W", "-n", "--keep-going"]
        result = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
        if result.returncode != 0 or not (SITE / "index.html").exists():
            pytest.fail(
                f"building the book failed ({' '.join(cmd)}):\n{result.stdout[-4000:]}"
                f"\n{result.stderr[-4000:]}",
                pytrace=False,
            )
    return SITE


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):  # keep pytest's output clean
        pass


@pytest.fixture(scope="session")
def base_url(site):
    """The site served by http.server on a free localhost port."""
    handler = functools.partial(_QuietHandler, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="session")
def browser():
    """Headless Debian Chromium through playwright (never a downloaded browser)."""
    if not (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
        _skip_or_fail(
            f"Chromium not found at {CHROMIUM}; install it with "
            "`apt-get install chromium` (or `make browser-deps` as root)"
        )
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _skip_or_fail("the playwright package is not installed (pip install -e '.[dev]')")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def page(browser, base_url):
    """A fresh page that may only talk to the local server."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    local = urlparse(base_url).netloc

    def only_local(route):
        if urlparse(route.request.url).netloc == local:
            route.continue_()
        else:
            route.abort()

    context.route("**/*", only_local)
    page = context.new_page()
    page.set_default_timeout(30_000)
    try:
        yield page
    finally:
        context.close()


# --------------------------------------------------------------------------
# Tests


def test_index_redirects_to_the_first_chapter(page, base_url):
    response = page.goto(f"{base_url}/index.html", wait_until="load")
    assert response is not None and response.status == 200
    page.wait_for_url(f"**/{CHAPTERS[0]}.html")


@pytest.mark.parametrize("docname", CHAPTERS)
def test_chapter_page(page, base_url, docname):
    url = f"{base_url}/{docname}.html"
    response = page.goto(url, wait_until="load")
    assert response is not None, f"no response for {url}"
    assert response.status == 200, (
        f"{url}: HTTP {response.status}; is _build/html stale? run `make book`"
    )

    # The chapter's title, in the tab title and as the page's heading.
    title = chapter_title(docname)
    assert title in page.title(), f"page title {page.title()!r} lacks {title!r}"
    h1 = page.locator("main h1, article h1").first.inner_text()
    assert title in h1, f"first heading {h1!r} is not {title!r}"

    # Every image has loaded (scroll through the page first, for lazy ones).
    page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    page.wait_for_function(
        "() => Array.from(document.images).every(img => img.complete)", timeout=15_000
    )
    page.evaluate("window.scrollTo(0, 0)")
    broken = page.evaluate(
        "() => Array.from(document.images)"
        ".filter(img => !(img.complete && img.naturalWidth > 0))"
        ".map(img => img.getAttribute('src'))"
    )
    assert not broken, f"images that did not load: {broken}"

    # No error output: no stderr/traceback blocks, no 'Traceback' anywhere.
    errors = page.evaluate(
        "sel => Array.from(document.querySelectorAll(sel)).map(e => e.innerText.slice(0, 500))",
        ERROR_OUTPUT_SELECTOR,
    )
    assert not errors, f"error or stderr output on the page: {errors}"
    text = page.locator("main").first.inner_text()
    assert "Traceback" not in text, "the page shows a Python traceback"

    # Widgets, if any, have their state embedded (or they render as nothing).
    views = page.evaluate(
        "() => Array.from(document.querySelectorAll("
        "'script[type=\"application/vnd.jupyter.widget-view+json\"]'))"
        ".map(s => JSON.parse(s.textContent).model_id)"
    )
    if views:
        states = page.evaluate(
            "() => Array.from(document.querySelectorAll("
            "'script[type=\"application/vnd.jupyter.widget-state+json\"]'))"
            ".map(s => Object.keys(JSON.parse(s.textContent).state))"
        )
        known = {model for state in states for model in state}
        missing = [v for v in views if v not in known]
        assert not missing, f"widgets without embedded state: {missing}"

    # The Colab launch button opens this chapter's notebook.
    hrefs = page.evaluate(
        "() => Array.from(document.querySelectorAll('a[href*=\"colab.research.google.com\"]'))"
        ".map(a => a.getAttribute('href'))"
    )
    assert hrefs, "no Colab launch button on the page"
    expected = colab_href(docname)
    assert set(hrefs) == {expected}, f"Colab links {hrefs}, expected {expected}"

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{Path(docname).name}.png"), full_page=True)
