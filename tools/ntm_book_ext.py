"""A small Sphinx extension for the NTM book, loaded from _config.yml.

1. Sphinx builds incrementally: it re-reads only the source files that changed
   since the last build. For this book that is wrong, because a chapter's output
   depends on `ntmlib`, not only on the notebook's own text. With
   `execute_notebooks: force`, myst-nb executes every notebook that Sphinx reads;
   this extension makes Sphinx read every chapter on every build, so that
   `make book` always shows what the current code computes (the equivalent of
   `jupyter-book build --all`, without losing the rest of the cache).
2. Figures are numbered per chapter, "Figure 7.2" for the second figure of the
   chapter titled "7. Copy", so that the book's numbers never look like the
   paper's (which the chapters always call "paper Fig. N"). Sphinx on its own
   numbers figures across the whole book when the table of contents is not
   numbered; we renumber after it, from the number in each chapter's title.
"""

from __future__ import annotations

import re

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


def setup(app):
    app.connect("env-get-outdated", _every_document)
    app.connect("env-get-updated", _number_per_chapter, priority=900)  # after Sphinx's numbering (500)
    return {"version": "1.1", "parallel_read_safe": True, "parallel_write_safe": True}
