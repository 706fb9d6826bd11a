"""How fast the explorers redraw in the reader's page: slider input event -> finished redraw.

    python tools/bench_explorers.py [--moves 100] [--site _build/html]

Serves the built book from 127.0.0.1 (requests leaving it are aborted), opens every
explorer page in headless Chromium and presses an arrow key on one slider handle of each
explorer ``--moves`` times (real keyboard events, alternating direction at the ends).
For each press it measures, with performance.now() in the page, the time from the
keydown event to the end of the redraw (the explorer's canvases painted) and to the
next animation frame, and prints the median and 95th percentile per explorer, with the
machine's load. A benchmark, not a test: it prints figures and asserts nothing.
"""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
from explorer_page import wait_for_explorers  # noqa: E402
from site_server import local_only, serve  # noqa: E402

# (page, slider moved, what it recomputes)
CASES = [
    ("chapters/02_memory", "erase", "write: erase and add (eq. 3-4)"),
    ("chapters/03_content_addressing", "beta", "content: eq. 5-6"),
    ("chapters/04_location_addressing", "beta", "addressing: Figure 2, eq. 5-9"),
    ("chapters/05_controllers_and_heads", "x", "scalar shift"),
    ("chapters/07_copy", "t", "replay: copy"),
    ("chapters/08_repeat_copy", "t", "replay: repeat copy"),
    ("chapters/09_associative_recall", "t", "replay: associative recall"),
    ("chapters/10_ngrams", "t", "replay: n-grams"),
    ("chapters/11_priority_sort", "t", "replay: priority sort"),
]

# Records, for every keydown, when it happened and when the explorer finished drawing.
TIMER = """(k) => {
  const el = window.ntmTest.explorers()[k];
  window.ntmBench = [];
  document.addEventListener('keydown', (event) => {
    const start = event.timeStamp, draws = el.ntm.draws;
    requestAnimationFrame(() => window.ntmBench.push({
      drawn: el.ntm.draws > draws ? el.ntm.drawnAt - start : null, frame: performance.now() - start }));
  }, { capture: true });
}"""


def bench_page(browser, base: str, docname: str, slider: str, moves: int) -> dict[str, np.ndarray]:
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    local_only(page, base, [])
    page.goto(f"{base}/{docname}.html", wait_until="load")
    wait_for_explorers(page, 1)
    index = page.evaluate("""(name) => {
      const el = window.ntmTest.sliderElements(0)[name];
      return [...document.querySelectorAll('.widget-slider')].indexOf(el);
    }""", slider)
    handle = page.locator(".widget-slider").nth(index).locator(".noUi-handle")
    handle.scroll_into_view_if_needed()
    handle.focus()
    page.evaluate(TIMER, 0)
    key = "ArrowRight"
    for _ in range(moves):
        handle_now = page.evaluate("""(name) => {
          const m = window.ntmTest.explorers()[0].ntm.values[name]; return m; }""", slider)
        ends = page.evaluate("""(name) => { const h = window.ntmTest.sliderElements(0)[name]
          .querySelector('.noUi-handle'); return [+h.getAttribute('aria-valuemin'), +h.getAttribute('aria-valuemax')]; }""",
                             slider)
        if handle_now >= ends[1]:
            key = "ArrowLeft"
        elif handle_now <= ends[0]:
            key = "ArrowRight"
        count = page.evaluate("window.ntmBench.length")
        page.keyboard.press(key)
        page.wait_for_function("(n) => window.ntmBench.length > n", arg=count)
    records = page.evaluate("window.ntmBench")
    page.close()
    drawn = np.array([r["drawn"] for r in records if r["drawn"] is not None], dtype=float)
    return {"drawn": drawn, "frame": np.array([r["frame"] for r in records], dtype=float),
            "missed": len(records) - len(drawn)}


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--moves", type=int, default=100, help="arrow-key presses per explorer (default 100)")
    parser.add_argument("--site", type=Path, default=ROOT / "_build" / "html", help="the built book")
    args = parser.parse_args(argv)
    if args.moves < 1:
        parser.error("--moves must be >= 1")
    if not (args.site / "index.html").exists():
        parser.error(f"no built book at {args.site}: run `make book` first")
    from playwright.sync_api import sync_playwright

    print(f"load before: {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} {os.getloadavg()[2]:.2f} "
          f"(1/5/15 min, {os.cpu_count()} CPUs)")
    print(f"{'explorer':34s} {'moves':>5s} {'redraw median':>14s} {'p95':>7s} {'to frame median':>16s} {'p95':>7s}")
    with serve(args.site) as base, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=os.environ.get("NTM_CHROMIUM", "/usr/bin/chromium"),
                                    args=["--headless", "--no-sandbox", "--disable-gpu"])
        for docname, slider, label in CASES:
            result = bench_page(browser, base, docname, slider, args.moves)
            drawn, frame = result["drawn"], result["frame"]
            print(f"{label:34s} {len(drawn):5d} {np.median(drawn):11.2f} ms {np.percentile(drawn, 95):5.2f} ms"
                  f" {np.median(frame):13.2f} ms {np.percentile(frame, 95):5.2f} ms"
                  + (f"  ({result['missed']} presses without a redraw)" if result["missed"] else ""))
        browser.close()
    print(f"load after: {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} {os.getloadavg()[2]:.2f}")


if __name__ == "__main__":
    main()
