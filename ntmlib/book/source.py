"""Showing the real source of ``ntmlib``: the chapters *show* the code that runs, read with
:func:`inspect.getsource`; they never retype it, so the book cannot drift from the package."""
from __future__ import annotations

import ast
import inspect
import textwrap
from typing import Any

__all__ = ["Source", "show", "source_of"]


class Source:
    """The source code of one or more objects, displayed as a highlighted code block.

    In Jupyter, JupyterLab, Colab and the built book it renders as Markdown holding a
    fenced ``python`` block (the book's theme highlights it like any other code); as
    plain text (a terminal, ``print``) it is the source itself. ``.text`` is the code.
    """

    def __init__(self, text: str, captions: list[str], fold: bool = False):
        self.text = text
        self.captions = captions
        self.fold = fold

    def _repr_markdown_(self) -> str:
        fence = "```"
        while fence in self.text:
            fence += "`"
        caption = "; ".join(self.captions)
        block = f"{fence}python\n{self.text.rstrip()}\n{fence}\n"
        if self.fold:  # collapsed, like the chapters' hints: the caption opens it
            return f"<details><summary>{caption} ({len(self.text.splitlines())} lines)</summary>\n\n{block}\n</details>\n"
        return f"{caption}\n\n{block}"

    def __repr__(self) -> str:
        return self.text

    __str__ = __repr__


def _unwrap(obj: Any) -> Any:
    """The function behind a property, staticmethod, classmethod or compiled wrapper."""
    if isinstance(obj, property):
        return obj.fget
    if isinstance(obj, (staticmethod, classmethod)):
        return obj.__func__
    return inspect.unwrap(obj)


def _qualified_name(obj: Any) -> str:
    module = getattr(obj, "__module__", None) or ""
    name = getattr(obj, "__qualname__", None) or getattr(obj, "__name__", repr(obj))
    return f"{module}.{name}" if module else name


def source_of(obj: Any) -> str:
    """The exact source text of ``obj`` (dedented, so that methods read naturally)."""
    return textwrap.dedent(inspect.getsource(_unwrap(obj)))


def without_docstring(text: str) -> str:
    """``text`` (the source of one function or class) without its own docstring."""
    node = ast.parse(text).body[0]
    if ast.get_docstring(node) is None:
        return text
    lines = text.splitlines(keepends=True)
    first = node.body[0]
    return "".join(lines[:first.lineno - 1] + lines[first.end_lineno:])


def show(*objects: Any, docstrings: bool = True, fold: bool = False) -> Source:
    """Display the real source of ntmlib functions, classes or methods.

    ``show(ntmlib.memory.read)`` or ``show(NTM.step, HeadBank.forward)``: the code
    comes from the installed package through :func:`inspect.getsource`, so what the
    chapter shows is what the chapter runs. ``docstrings=False`` leaves out each
    object's own docstring (the code alone, for a listing read top to bottom);
    ``fold=True`` shows the listing collapsed under its caption. Returns a
    :class:`Source`; its ``.text`` is the code.
    """
    if not objects:
        raise TypeError("show() needs at least one function, class or method")
    texts, captions = [], []
    for obj in objects:
        target = _unwrap(obj)
        text = source_of(target)
        texts.append(text if docstrings else without_docstring(text))
        path = inspect.getsourcefile(target) or "?"
        short = path[path.rfind("ntmlib"):] if "ntmlib" in path else path
        line = inspect.getsourcelines(target)[1]
        captions.append(f"`{_qualified_name(target)}` ({short}, line {line})")
    return Source("\n\n".join(t.rstrip() for t in texts) + "\n", captions, fold)
