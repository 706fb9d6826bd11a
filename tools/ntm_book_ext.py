"""A small Sphinx extension for the NTM book, loaded from _config.yml.

1. Every chapter is re-read on every build. Sphinx builds incrementally: it
   re-reads only the source files that changed since the last build. For this
   book that is wrong, because a chapter's output depends on `ntmlib`, not only
   on the notebook's own text. With `execute_notebooks: force`, myst-nb executes
   every notebook that Sphinx reads; this makes Sphinx read every chapter on
   every build (the equivalent of `jupyter-book build --all`, without losing the
   rest of the cache).
2. Figures are numbered per chapter, "Figure 7.2" for the second figure of the
   chapter titled "7. Copy", so that the book's numbers never look like the
   paper's (which the chapters always call "paper Fig. N"). Sphinx on its own
   numbers figures across the whole book when the table of contents is not
   numbered; we renumber after it, from the number in each chapter's title.
3. The browser assets the pages load (require.js, the widget manager, MathJax)
   are fetched, pinned and checksummed, into site/npm/ before the build
   (tools/fetch_assets.py), so the site reads offline.
4. Widget front-end modules named in the `ntm_widget_modules` config value
   ({module name: file, relative to the book's root}) are copied to
   _static/widgets/<module name>.js, where the page's require.js finds them.
5. An inline script registered while the documents are read (sphinx-thebe's
   `const THEBE_JS_URL = ...`) is written into each page once, not twice.
6. Lighter pages (`lighten`, at build-finished; it also runs on an already built
   tree): the theme's fontawesome.js (0.53 MB gzip; site/ntm-book.css draws the
   icons the theme uses as inline SVG masks) is dropped from every page; MathJax
   (its config and script) from pages without math; the widget manager (require.js,
   ntm-widgets.js, embed-amd.js) from pages without a widget state; and the theme
   CSS's Font Awesome @font-face rules (no glyph of those fonts is drawn any more, so
   no browser would fetch them, and no measure counts them).
"""

from __future__ import annotations

import re
from pathlib import Path

from sphinx.util.fileutil import copy_asset_file

import fetch_assets

_CHAPTER_NUMBER = re.compile(r"\s*(\d+)\.\s")


def _every_document(app, env, added, changed, removed):
    return sorted(set(env.found_docs) - set(added) - set(changed) - set(removed))


def chapter_number(title: str) -> int | None:
    """7 for a chapter titled "7. Copy"; None for a title without a number."""
    found = _CHAPTER_NUMBER.match(title)
    return int(found.group(1)) if found else None


def _number_per_chapter(app, env):
    """Runs after Sphinx's own numbering: (7, k) for the k-th figure of chapter 7."""
    renumbered = []
    for docname, by_type in env.toc_fignumbers.items():
        title = env.titles.get(docname)
        chapter = chapter_number(title.astext()) if title is not None else None
        if chapter is None:
            continue
        for numbers in by_type.values():
            in_order = sorted(numbers, key=numbers.get)
            numbers.update({ident: (chapter, k) for k, ident in enumerate(in_order, start=1)})
        renumbered.append(docname)
    return renumbered


def _fetch_assets(app, config):
    try:
        fetch_assets.ensure(log=lambda line: print(f"[ntm_book_ext] {line}"))
    except fetch_assets.AssetError as exc:
        raise RuntimeError(f"the book's browser assets: {exc}") from None


def _copy_widget_modules(app, exception):
    if exception is not None or app.builder.format != "html":
        return
    target = Path(app.outdir) / "_static" / "widgets"
    for name, source in app.config.ntm_widget_modules.items():
        path = Path(app.srcdir) / source
        if not path.is_file():
            raise FileNotFoundError(f"ntm_widget_modules[{name!r}]: no file {path}")
        target.mkdir(parents=True, exist_ok=True)
        copy_asset_file(str(path), str(target / f"{name}.js"))


def _scripts_once(app, pagename, templatename, context, doctree):
    """Sphinx 7 registers an inline script added during reading both as filename None and ''."""
    scripts, seen = context.get("script_files", []), set()
    for script in list(scripts):
        key = (script.filename or "", tuple(sorted(script.attributes.items())))
        if key in seen:
            scripts.remove(script)
        seen.add(key)


_FONTAWESOME = re.compile(r'[ \t]*<script[^>]*src="[^"]*/scripts/fontawesome\.js[^"]*"[^>]*></script>\n?')
_MATHJAX = re.compile(r'[ \t]*(<script>window\.MathJax = .*?</script>|<script[^>]*src="[^"]*mathjax/[^"]*"[^>]*></script>)\n?')
_WIDGET_MANAGER = re.compile(
    r'[ \t]*<script[^>]*src="[^"]*(requirejs/require\.js|ntm-widgets\.js|html-manager/dist/embed-amd\.js)[^"]*"[^>]*></script>\n?')
_HAS_MATH = re.compile(r'class="[^"]*\bmath\b|\\\(|\\\[|\$\$')
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"


def lighten_html(text: str) -> str:
    """One page without the scripts it does not need (see 6. above)."""
    text = _FONTAWESOME.sub("", text)
    body = text.split("<body", 1)[-1]
    if not _HAS_MATH.search(body):
        text = _MATHJAX.sub("", text)
    if WIDGET_STATE not in text:
        text = _WIDGET_MANAGER.sub("", text)
    return text


_FA_FONT_FACE = re.compile(r"@font-face\{[^}]*Font Awesome[^}]*\}")


def lighten(outdir) -> list[Path]:
    """Rewrite every HTML page under `outdir` with `lighten_html` (and the theme's CSS
    without Font Awesome's @font-face); the files changed."""
    changed = []
    for css in (Path(outdir) / "_static" / "styles").glob("*.css"):
        text = css.read_text(encoding="utf-8")
        light = _FA_FONT_FACE.sub("", text)
        if light != text:
            css.write_text(light, encoding="utf-8")
            changed.append(css)
    for page in Path(outdir).rglob("*.html"):
        if "_static" in page.relative_to(outdir).parts:
            continue
        text = page.read_text(encoding="utf-8")
        light = lighten_html(text)
        if light != text:
            page.write_text(light, encoding="utf-8")
            changed.append(page)
    return changed


def _lighten(app, exception):
    if exception is None and app.builder.format == "html":
        lighten(app.outdir)


def setup(app):
    app.add_config_value("ntm_widget_modules", {}, "html", types=[dict])
    app.connect("config-inited", _fetch_assets)
    app.connect("env-get-outdated", _every_document)
    app.connect("env-get-updated", _number_per_chapter, priority=900)  # after Sphinx's numbering (500)
    app.connect("html-page-context", _scripts_once, priority=900)
    app.connect("build-finished", _copy_widget_modules)
    app.connect("build-finished", _lighten)
    return {"version": "1.1", "parallel_read_safe": True, "parallel_write_safe": True}
