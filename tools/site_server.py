"""The built book served from 127.0.0.1, for headless Chromium (the browser tests,
tools/page_weight.py, tools/bench_explorers.py).

``serve(site)`` serves a folder on a free localhost port without a log line per request;
``local_only(target, base_url, blocked)`` makes a playwright page or context abort every
request that leaves that server (and note its URL in ``blocked``): a page of the book
must read offline.
"""
from __future__ import annotations

import contextlib
import functools
import http.server
import threading
from pathlib import Path
from typing import Iterator
from urllib.parse import urlparse

__all__ = ["local_only", "serve"]


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):  # one line per request would bury test output and figures
        pass


@contextlib.contextmanager
def serve(site: Path) -> Iterator[str]:
    """Serve ``site`` on a free 127.0.0.1 port while the block runs; yields its base URL."""
    handler = functools.partial(_QuietHandler, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def local_only(target, base_url: str, blocked: list[str]) -> None:
    """Let ``target`` (a playwright page or context) reach only ``base_url``'s server;
    every other request is aborted and its URL appended to ``blocked``."""
    local = urlparse(base_url).netloc

    def route(request_route) -> None:
        if urlparse(request_route.request.url).netloc == local:
            request_route.continue_()
        else:
            blocked.append(request_route.request.url)
            request_route.abort()

    target.route("**/*", route)
