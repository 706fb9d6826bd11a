"""Print each chapter page's weight: the bytes a reader's browser transfers to show it.

Serves a built site (default _build/html) from 127.0.0.1, opens every chapter page in
headless Chromium with an empty cache, scrolls to the end (so lazy images load), waits
for the network to settle, and sums the bytes of every response (Chrome's
encodedDataLength: bodies plus headers, as sent). Requests that leave localhost are
blocked and listed. Usage: python tools/page_weight.py [SITE_DIR]
"""

from __future__ import annotations

import sys
from pathlib import Path

from site_server import local_only, serve

CHROMIUM = "/usr/bin/chromium"


def page_weight(context, url: str) -> tuple[int, int, list[str]]:
    """(bytes transferred, number of responses, blocked external URLs) for one page."""
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
    sizes: dict[str, int] = {}
    cdp.on("Network.loadingFinished", lambda e: sizes.__setitem__(e["requestId"], e["encodedDataLength"]))
    blocked: list[str] = []
    local_only(page, url, blocked)
    page.goto(url, wait_until="load")
    page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(500)
    page.close()
    return sum(sizes.values()), len(sizes), blocked


def main(site: Path) -> None:
    from playwright.sync_api import sync_playwright

    pages = sorted((site / "chapters").glob("*.html"))
    with serve(site) as base, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--headless", "--no-sandbox"])
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        print(f"{'page':32} {'kB':>8} {'requests':>9}  blocked")
        for path in pages:
            total, count, blocked = page_weight(context, f"{base}/chapters/{path.name}")
            print(f"{path.stem:32} {total / 1024:8.0f} {count:9d}  {len(blocked)}")
        browser.close()


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parent.parent / "_build" / "html")
