"""The browser fixtures every browser test shares (registered in tests/conftest.py).

One session-wide Chromium per test process: playwright's sync API cannot run two at
once in a process, so test modules must not start their own.

- ``site``: the built book (_build/html), built here only when `make book` has not;
- ``base_url``: the site served on a free 127.0.0.1 port (tools/site_server.py, which
  also gives ``local_only``: a page that reaches nothing else);
- ``browser``: headless Debian Chromium (never a downloaded browser); without it the
  tests are skipped, unless CI is set: then they fail;
- ``explorer_page``: a 1280 px page that records console errors, page errors and any
  request leaving localhost (``page.problems``, ``page.external``).
"""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from helpers import ROOT, load_tool

site_server = load_tool("site_server")

SITE = ROOT / "_build" / "html"
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


def _in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def _skip_or_fail(reason: str):
    if _in_ci():
        pytest.fail(f"{reason} (CI is set, so this is a failure, not a skip)", pytrace=False)
    pytest.skip(reason)


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


@pytest.fixture(scope="session")
def base_url(site):
    """The site served on a free localhost port."""
    with site_server.serve(site) as url:
        yield url


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
def explorer_page(browser, base_url):
    """A page that records console errors, page errors and any request leaving localhost."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.problems, page.external = [], []
    site_server.local_only(page, base_url, page.external)
    page.on("console", lambda m: m.type == "error" and page.problems.append(f"console error: {m.text}"))
    page.on("pageerror", lambda e: page.problems.append(f"page error: {e}"))
    page.set_default_timeout(30_000)
    try:
        yield page
    finally:
        context.close()
