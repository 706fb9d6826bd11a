"""The built book, opened in a real (headless) browser, as an offline reader sees it.

The site (_build/html) is served from 127.0.0.1. Every request that leaves
localhost is blocked, and counts as a failure: the book must read offline
(require.js, the widget manager, MathJax and their fonts come from its own
_static, see tools/SITE_ASSETS.md). On every page of _toc.yml, in three views
(1280 px, a 390 px phone, dark mode), the tests fail on any console error, page
error, failed request or HTTP error, and save a full-page screenshot to
artifacts/screenshots/<chapter>-<view>.png.

Per page they also check: the chapter's title, every image loaded, no error
output, widget state embedded and every widget rendered, the Colab launch
button; that printed outputs stay inside the text column; that every figure's
smallest text is at least 9 px as displayed at 1280 px; at 390 px, that no
widget control, readout or panel is clipped or runs off the screen; in dark
mode, that widget readouts are whole and widget text is legible (contrast).

`make test` builds the site first (`make book`); the `site` fixture
(tests/browser_fixtures.py, shared with tests/book/test_browser_explorers.py) builds it
only when _build/html/index.html is missing. The browser is Debian's Chromium
(/usr/bin/chromium) driven by the `playwright` package (no browser download).
Without Chromium the tests are skipped, unless CI is set: then they fail.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest
from PIL import Image

from helpers import ROOT, book_sources

pytestmark = pytest.mark.browser

SCREENSHOTS = ROOT / "artifacts" / "screenshots"
# myst-nb's classes for stderr streams and error tracebacks (myst_nb/core/render.py),
# plus "error" for safety.
ERROR_OUTPUT_SELECTOR = ".output.stderr, .output.traceback, .output.error"
#: The PNG text chunk in which ntmlib.book.figure_png records a figure's smallest text (px).
SMALLEST_TEXT_KEY = "NTM smallest text px"
MIN_TEXT_PX = 9.0  # the smallest figure text a reader must be able to read at 1280 px
MIN_CONTRAST = 4.5  # WCAG AA for normal text
VIEWS = {
    "1280": dict(viewport={"width": 1280, "height": 900}),
    "390": dict(viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True,
                has_touch=True),
    "dark": dict(viewport={"width": 1280, "height": 900}, color_scheme="dark"),
}

colab_cell, CONFIG, CHAPTERS = book_sources()


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


@dataclass
class PageWatch:
    """Everything that went wrong while a page loaded and ran."""

    external: list[str] = field(default_factory=list)  # requests that tried to leave localhost
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    failed_requests: list[str] = field(default_factory=list)  # network failures and HTTP >= 400

    def problems(self) -> list[str]:
        return ([f"request leaving localhost (blocked): {u}" for u in self.external]
                + [f"console error: {m}" for m in self.console_errors]
                + [f"page error: {m}" for m in self.page_errors]
                + [f"failed request: {m}" for m in self.failed_requests])


def open_view(browser, base_url: str, view: str):
    """(context, page, watch): a fresh browser context for a view of VIEWS that may only talk
    to the local server, with its page's errors and failed requests collected in watch."""
    context = browser.new_context(**VIEWS[view])
    local = urlparse(base_url).netloc
    watch = PageWatch()

    def only_local(route):
        if urlparse(route.request.url).netloc == local:
            route.continue_()
        else:
            watch.external.append(route.request.url)
            route.abort()

    context.route("**/*", only_local)
    page = context.new_page()
    page.set_default_timeout(30_000)
    page.on("console", lambda m: watch.console_errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: watch.page_errors.append(str(e)))
    page.on("requestfailed", lambda r: None if urlparse(r.url).netloc != local
            else watch.failed_requests.append(f"{r.url} ({r.failure})"))
    page.on("response", lambda r: watch.failed_requests.append(f"HTTP {r.status} {r.url}")
            if r.status >= 400 else None)
    return context, page, watch


@pytest.fixture
def view(browser, base_url):
    """view(name) -> (page, watch); the contexts close after the test."""
    contexts = []

    def make(name: str):
        context, page, watch = open_view(browser, base_url, name)
        contexts.append(context)
        return page, watch

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def page(view):
    """A 1280 px page that may only talk to the local server (for other test files)."""
    return view("1280")[0]


def load_chapter(page, base_url: str, docname: str):
    """Open a chapter and wait until its images, widgets and mathematics are all drawn."""
    url = f"{base_url}/{docname}.html"
    response = page.goto(url, wait_until="load")
    assert response is not None, f"no response for {url}"
    assert response.status == 200, f"{url}: HTTP {response.status}; is _build/html stale? run `make book`"
    page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    page.wait_for_function("() => Array.from(document.images).every(img => img.complete)", timeout=15_000)
    page.wait_for_function(
        "() => document.querySelectorAll('.widget-subarea').length >= document.querySelectorAll("
        "'script[type=\"application/vnd.jupyter.widget-view+json\"]').length", timeout=30_000)
    page.evaluate("() => window.MathJax && MathJax.startup ? MathJax.startup.promise : null")
    page.wait_for_load_state("networkidle")
    page.evaluate("window.scrollTo(0, 0)")
    return response


def finish(page, watch: PageWatch, docname: str, view_name: str):
    """Save the page's screenshot, then fail on anything the watch saw."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{Path(docname).name}-{view_name}.png"), full_page=True)
    problems = watch.problems()
    assert not problems, f"{docname} ({view_name}): " + "\n".join(problems)


# --------------------------------------------------------------------------
# What the page measures (JavaScript run in the page)

# Printed outputs (and output HTML) wider than the text column, or scrolling sideways.
WIDE_OUTPUTS_JS = """() => {
  const bad = [];
  document.querySelectorAll('div.cell_output').forEach((out, i) => {
    const column = out.closest('.cell').getBoundingClientRect();
    out.querySelectorAll(':scope > .output, :scope > .output pre, :scope > .output table').forEach(el => {
      if (el.closest('.widget-subarea')) return;
      const r = el.getBoundingClientRect();
      const hidden = el.tagName === 'TABLE' ? 0 : el.scrollWidth - el.clientWidth;  // a table's own box is its width
      if (r.right > column.right + 1 || hidden > 1)
        bad.push(`output ${i} (${el.tagName.toLowerCase()}): ${Math.round(Math.max(r.width, el.scrollWidth))}`
                 + ` px in a ${Math.round(column.width)} px column`);
    });
  });
  return bad;
}"""

# Output images: their displayed / natural width and where their file is.
FIGURES_JS = """() => Array.from(document.querySelectorAll('div.cell_output img'))
  .filter(img => !img.closest('.widget-subarea'))
  .map((img, index) => ({index, src: new URL(img.src).pathname, natural: img.naturalWidth,
                         shown: img.getBoundingClientRect().width,
                         zoomable: img.classList.contains('ntm-zoomable')}))"""

# Widget parts that are cut off: by their own box (readouts, labels), by a box around them
# that hides overflow, or by the screen's edge; and controls drawn over one another.
CLIPPED_WIDGETS_JS = """() => {
  const vw = document.documentElement.clientWidth, bad = [];
  const name = el => el.tagName.toLowerCase() + '.' + Array.from(el.classList).join('.')
    + (el.textContent.trim() ? ` "${el.textContent.trim().slice(0, 20)}"` : '');
  if (document.documentElement.scrollWidth > vw + 1)
    bad.push(`the page scrolls sideways: ${document.documentElement.scrollWidth} px wide in ${vw} px`);
  const PARTS = '.widget-readout, .widget-label, .widget-inline-hbox > label, button, .slider-container,'
    + ' .widget-html-content, img, canvas, svg, input, select';
  document.querySelectorAll('.widget-subarea').forEach((area, i) => {
    const parts = Array.from(area.querySelectorAll(PARTS)).filter(el => {
      const r = el.getBoundingClientRect();
      return r.width > 0 && r.height > 0 && getComputedStyle(el).visibility !== 'hidden'
        && !el.parentElement.closest('button, svg');
    });
    parts.forEach(el => {
      const r = el.getBoundingClientRect();
      if (r.left < -1 || r.right > vw + 1) bad.push(`widget ${i}: ${name(el)} runs off the screen`);
      if (el.matches('.widget-readout, .widget-label, label, button') && el.scrollWidth > el.clientWidth + 1)
        bad.push(`widget ${i}: ${name(el)} clipped (${el.scrollWidth} px in ${el.clientWidth} px)`);
      for (let up = el.parentElement; up && up !== area.parentElement; up = up.parentElement) {
        if (getComputedStyle(up).overflowX === 'visible') continue;
        const c = up.getBoundingClientRect();
        if (r.left < c.left - 1 || r.right > c.right + 1) {
          bad.push(`widget ${i}: ${name(el)} clipped by ${name(up).split(' ')[0]}`); break;
        }
      }
    });
    const boxes = parts.filter(el => !el.querySelector(PARTS)).map(el => [el, el.getBoundingClientRect()]);
    boxes.forEach(([a, ra], j) => boxes.slice(j + 1).forEach(([b, rb]) => {
      const dx = Math.min(ra.right, rb.right) - Math.max(ra.left, rb.left);
      const dy = Math.min(ra.bottom, rb.bottom) - Math.max(ra.top, rb.top);
      if (dx > 2 && dy > 2 && !a.contains(b) && !b.contains(a))
        bad.push(`widget ${i}: ${name(a)} overlaps ${name(b)}`);
    }));
  });
  return bad;
}"""

# Widget text whose colour is too close to the colour behind it.
LOW_CONTRAST_JS = """(minimum) => {
  const rgba = s => (s.match(/[\\d.]+/g) || []).map(Number);
  const lum = ([r, g, b]) => {
    const f = c => { c /= 255; return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4; };
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
  };
  const background = el => {
    for (; el; el = el.parentElement) {
      const c = rgba(getComputedStyle(el).backgroundColor);
      if (c.length >= 3 && (c.length === 3 || c[3] > 0.5)) return c;
    }
    return [255, 255, 255];
  };
  const bad = [];
  document.querySelectorAll('.widget-subarea').forEach((area, i) => {
    area.querySelectorAll('.widget-readout, .widget-label, label, button, .widget-html-content').forEach(el => {
      if (!el.textContent.trim() || el.getBoundingClientRect().width === 0) return;
      const fg = lum(rgba(getComputedStyle(el).color)), bg = lum(background(el));
      const ratio = (Math.max(fg, bg) + 0.05) / (Math.min(fg, bg) + 0.05);
      if (ratio < minimum) bad.push(`widget ${i}: "${el.textContent.trim().slice(0, 30)}" contrast ${ratio.toFixed(2)}`);
    });
  });
  return bad;
}"""


def smallest_text_px(site: Path, src: str) -> float | None:
    """The smallest text of a figure, in the pixels of its PNG (as ntmlib.book recorded it)."""
    path = site / unquote(src).lstrip("/")
    with Image.open(path) as image:
        value = getattr(image, "text", {}).get(SMALLEST_TEXT_KEY)
    return None if value is None else float(value)


def enlarged_width(page, index: int) -> float:
    """Click output figure `index`, measure it in the full-size overlay, close it (Escape)."""
    page.locator("div.cell_output img:not(.widget-subarea img)").nth(index).click()
    width = page.locator(".ntm-zoom img").evaluate("img => img.getBoundingClientRect().width")
    page.keyboard.press("Escape")
    assert page.locator(".ntm-zoom").count() == 0, "the full-size figure did not close on Escape"
    return width


def figure_text_problems(page, site: Path) -> list[str]:
    """Figures whose smallest text is under MIN_TEXT_PX as shown in the column and, where the
    column shrinks them, also as shown enlarged (click to enlarge)."""
    problems = []
    for figure in page.evaluate(FIGURES_JS):
        px = smallest_text_px(site, figure["src"])
        where = f"{figure['src']} ({figure['natural']} px wide, shown at {figure['shown']:.0f} px)"
        if px is None:
            problems.append(f"{where}: records no text size (not drawn through ntmlib.book.use_style)")
            continue
        if px * figure["shown"] / figure["natural"] >= MIN_TEXT_PX:
            continue
        if not figure["zoomable"]:
            problems.append(f"{where}: smallest text {px * figure['shown'] / figure['natural']:.1f} px, "
                            "and it does not enlarge")
            continue
        enlarged = px * enlarged_width(page, figure["index"]) / figure["natural"]
        if enlarged < MIN_TEXT_PX:
            problems.append(f"{where}: smallest text {enlarged:.1f} px even at full size")
    return problems


# --------------------------------------------------------------------------
# Tests


def test_index_redirects_to_the_first_chapter(view, base_url):
    page, watch = view("1280")
    response = page.goto(f"{base_url}/index.html", wait_until="load")
    assert response is not None and response.status == 200
    page.wait_for_url(f"**/{CHAPTERS[0]}.html")
    assert not watch.problems(), watch.problems()


@pytest.mark.parametrize("docname", CHAPTERS)
def test_chapter_page(view, base_url, site, docname):
    page, watch = view("1280")
    load_chapter(page, base_url, docname)

    # The chapter's title, in the tab title and as the page's heading.
    title = chapter_title(docname)
    assert title in page.title(), f"page title {page.title()!r} lacks {title!r}"
    h1 = page.locator("main h1, article h1").first.inner_text()
    assert title in h1, f"first heading {h1!r} is not {title!r}"

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

    # Widgets, if any, have their state embedded (load_chapter waited for each to render).
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

    clipped = page.evaluate(CLIPPED_WIDGETS_JS)
    assert not clipped, "at 1280 px:\n" + "\n".join(clipped)

    # Printed outputs stay in the text column.
    wide = page.evaluate(WIDE_OUTPUTS_JS)
    assert not wide, "outputs wider than the text column:\n" + "\n".join(wide)

    # Every figure's smallest text is readable as displayed, in the column or enlarged.
    small = figure_text_problems(page, site)
    assert not small, f"figure text under {MIN_TEXT_PX} px at 1280 px:\n" + "\n".join(small)

    finish(page, watch, docname, "1280")


@pytest.mark.parametrize("docname", CHAPTERS)
def test_chapter_on_a_phone(view, base_url, docname):
    page, watch = view("390")
    load_chapter(page, base_url, docname)
    clipped = page.evaluate(CLIPPED_WIDGETS_JS)
    assert not clipped, "at 390 px:\n" + "\n".join(clipped)
    wide = page.evaluate(WIDE_OUTPUTS_JS)
    assert not wide, "at 390 px, outputs wider than the text column:\n" + "\n".join(wide)
    finish(page, watch, docname, "390")


@pytest.mark.parametrize("docname", CHAPTERS)
def test_chapter_in_dark_mode(view, base_url, docname):
    page, watch = view("dark")
    load_chapter(page, base_url, docname)
    assert page.evaluate("document.documentElement.dataset.theme") == "dark"
    clipped = [c for c in page.evaluate(CLIPPED_WIDGETS_JS) if "clipped" in c]
    assert not clipped, "in dark mode:\n" + "\n".join(clipped)
    faint = page.evaluate(LOW_CONTRAST_JS, MIN_CONTRAST)
    assert not faint, f"in dark mode, widget text with contrast under {MIN_CONTRAST}:\n" + "\n".join(faint)
    finish(page, watch, docname, "dark")
