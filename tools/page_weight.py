"""Each page's weight: the files a reader's browser fetches to show it, at gzip size.

For every HTML page of a built site (default _build/html) this lists the files the
page loads: scripts, stylesheets (and, from the CSS, its @imports, fonts and images),
preloads, icons, images, iframes (and what they load in turn). Relative URLs are
resolved against the file that names them; query strings and fragments are dropped;
external URLs are not counted; each file is counted once per page. A file's weight
is its size after gzip -6, as a static host serves it compressed.

Files a script fetches at run time (MathJax's fonts and extensions, the widget
modules require.js loads) are not visible in the markup; `_static/widgets/*.js`
are counted on every page that carries a widget state.

Usage: python tools/page_weight.py [SITE_DIR] [--json FILE]
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import sys
from dataclasses import dataclass, field
from functools import lru_cache
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

# <link rel=...> values whose target the browser fetches when it shows the page.
_FETCHED_RELS = {"stylesheet", "preload", "modulepreload", "icon", "shortcut"}
_CSS_URL = re.compile(r"""url\(\s*(['"]?)([^'")]+)\1\s*\)""")
_CSS_IMPORT = re.compile(r"""@import\s+(['"])([^'"]+)\1""")
_FONT_SRC = re.compile(r"(\bsrc\s*:)[^;}]*")
_CSS_COMMENT = re.compile(r"/\*.*?\*/", re.S)
WIDGET_STATE = 'application/vnd.jupyter.widget-state+json'


@lru_cache(maxsize=None)
def gzip_size(path: Path) -> int:
    """Bytes of the file after gzip -6."""
    return len(gzip.compress(path.read_bytes(), compresslevel=6, mtime=0))


class _Refs(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.urls: list[str] = []
        self.iframes: list[str] = []
        self.inline_css: list[str] = []
        self._in_style = False

    def handle_starttag(self, tag, attrs):
        a = {k: (v or "") for k, v in attrs}
        if tag == "script" and a.get("src"):
            self.urls.append(a["src"])
        elif tag == "link" and a.get("href"):
            rels = set(a.get("rel", "").lower().split())
            if rels & _FETCHED_RELS:
                self.urls.append(a["href"])
        elif tag in ("img", "source", "video", "audio", "embed", "input"):
            if a.get("src"):
                self.urls.append(a["src"])
            for part in a.get("srcset", "").split(","):
                if part.strip():
                    self.urls.append(part.split()[0])
        elif tag == "iframe" and a.get("src"):
            self.iframes.append(a["src"])
        elif tag == "object" and a.get("data"):
            self.urls.append(a["data"])
        elif tag == "style":
            self._in_style = True
        if "style" in a and "url(" in a["style"]:
            self.inline_css.append(a["style"])

    def handle_endtag(self, tag):
        if tag == "style":
            self._in_style = False

    def handle_data(self, data):
        if self._in_style:
            self.inline_css.append(data)


def _local(url: str, base: Path, site: Path) -> Path | None:
    """The file a URL names, relative to the file `base`; None if external or absent."""
    parts = urlsplit(url.strip())
    if parts.scheme or parts.netloc or not parts.path or url.startswith("data:"):
        return None
    path = unquote(parts.path)
    target = (site / path.lstrip("/")) if path.startswith("/") else (base.parent / path)
    target = target.resolve()
    return target if target.is_file() else None


def _css_refs(text: str) -> list[str]:
    """URLs a stylesheet makes the browser fetch. Of an @font-face `src` list (woff2, then
    ttf, ...) the browser fetches one format: the first is counted."""
    text = _CSS_COMMENT.sub("", text)
    first_of_src = lambda m: m.group(1) + (" ".join(m.group(0)[len(m.group(1)):].split(",")[:1]))
    text = _FONT_SRC.sub(first_of_src, text)
    return [m.group(2) for m in _CSS_URL.finditer(text)] + [m.group(2) for m in _CSS_IMPORT.finditer(text)]


def page_files(page: Path, site: Path) -> list[Path]:
    """Every local file showing `page` fetches (the page itself first), once each."""
    site, page = site.resolve(), page.resolve()
    seen: dict[Path, None] = {}

    def add(path: Path | None):
        if path is None or path in seen:
            return
        seen[path] = None
        if path.suffix == ".css":
            for ref in _css_refs(path.read_text(errors="replace")):
                add(_local(ref, path, site))
        elif path.suffix in (".html", ".htm"):
            text = path.read_text(errors="replace")
            refs = _Refs()
            refs.feed(text)
            for ref in refs.urls + refs.iframes:
                add(_local(ref, path, site))
            for css in refs.inline_css:
                for ref in _css_refs(css):
                    add(_local(ref, path, site))
            if WIDGET_STATE in text:
                for module in sorted((site / "_static" / "widgets").glob("*.js")):
                    add(module.resolve())

    add(page)
    return list(seen)


@dataclass
class Weight:
    page: str
    files: int
    raw: int
    gzip: int
    largest: list[tuple[str, int]] = field(default_factory=list)  # (path, gzip bytes)

    def as_dict(self):
        return {"page": self.page, "files": self.files, "raw_bytes": self.raw, "gzip_bytes": self.gzip,
                "largest": [{"file": f, "gzip_bytes": g} for f, g in self.largest]}


def weigh(page: Path, site: Path, top: int = 5) -> Weight:
    site = site.resolve()
    files = page_files(page, site)
    sizes = [(f, f.stat().st_size, gzip_size(f)) for f in files]
    largest = sorted(sizes, key=lambda s: -s[2])[:top]
    return Weight(page=page.resolve().relative_to(site).as_posix(), files=len(files),
                  raw=sum(s[1] for s in sizes), gzip=sum(s[2] for s in sizes),
                  largest=[(f.relative_to(site).as_posix(), g) for f, _, g in largest])


def site_pages(site: Path) -> list[Path]:
    skip = {"_static", "_sources", "_images"}
    return sorted(p for p in site.rglob("*.html") if not (set(p.relative_to(site).parts[:-1]) & skip))


def weigh_site(site: Path) -> list[Weight]:
    return [weigh(p, site) for p in site_pages(site)]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("site", nargs="?", default="_build/html", type=Path)
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    parser.add_argument("--parts", action="store_true", help="print each page's 5 largest files")
    args = parser.parse_args(argv)
    if not args.site.is_dir():
        print(f"no built site at {args.site}", file=sys.stderr)
        return 1
    weights = weigh_site(args.site)
    print(f"{'page':36} {'files':>5} {'raw KB':>9} {'gzip KB':>9}")
    for w in weights:
        print(f"{w.page:36} {w.files:5d} {w.raw / 1024:9.0f} {w.gzip / 1024:9.0f}")
        if args.parts:
            for f, g in w.largest:
                print(f"    {g / 1024:8.0f}  {f}")
    if args.json:
        args.json.write_text(json.dumps([w.as_dict() for w in weights], indent=1) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
