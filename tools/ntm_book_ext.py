"""A small Sphinx extension for the NTM book, loaded from _config.yml.

Sphinx builds incrementally: it re-reads only the source files that changed
since the last build. For this book that is wrong, because a chapter's output
depends on `ntmlib`, not only on the notebook's own text. With
`execute_notebooks: force`, myst-nb executes every notebook that Sphinx reads;
this extension makes Sphinx read every chapter on every build, so that
`make book` always shows what the current code computes (the equivalent of
`jupyter-book build --all`, without losing the rest of the cache).
"""

from __future__ import annotations


def _every_document(app, env, added, changed, removed):
    return sorted(set(env.found_docs) - set(added) - set(changed) - set(removed))


def setup(app):
    app.connect("env-get-outdated", _every_document)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
