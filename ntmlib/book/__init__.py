"""Helpers that the book's chapters share.

- :func:`show` displays the real source of an ``ntmlib`` function, class or method, read
  with :func:`inspect.getsource`. The chapters *show* the code that runs; they never
  retype it, so the book cannot drift away from the package.
- :func:`style_rc` and :func:`use_style` give figures the book's look (the rcParams of
  :mod:`ntmlib.book.figures.plots` when that module is available, a close local stand-in otherwise).
- :data:`COLORS` names the colours used for reads, writes and the stages of addressing.

Typical use at the top of a chapter::

    from ntmlib.book import show, use_style
    use_style()
    show(ntmlib.memory.read)
"""
from __future__ import annotations

import inspect
import textwrap
from typing import Any

import matplotlib as mpl

__all__ = ["COLORS", "SMALLEST_TEXT_KEY", "Source", "figure_png", "record_text_size_in_pngs", "show",
           "smallest_text_pt", "source_of", "style_rc", "use_style"]

# The book's named colours (the seaborn "colorblind" palette). ntmlib.book.figures.plots.BOOK_COLORS is
# used where it exists, so chapters 1-5 agree; these are the same values.
COLORS: dict[str, str] = {
    "read": "#0173b2",
    "write": "#de8f05",
    "controller": "#029e73",
    "memory": "#949494",
    # The four stages of Figure 2, in pipeline order.
    "content": "#0173b2",
    "gated": "#029e73",
    "shifted": "#de8f05",
    "sharpened": "#cc78bc",
    "previous": "#555555",
}
try:  # pragma: no cover - depends on which modules exist in the checkout
    from .figures.plots import BOOK_COLORS as _PLOT_COLORS

    COLORS.update({k: v for k, v in _PLOT_COLORS.items() if k in ("read", "write", "controller", "memory")})
except ImportError:  # pragma: no cover
    pass


# --------------------------------------------------------------------------------------
# Showing source code


class Source:
    """The source code of one or more objects, displayed as a highlighted code block.

    In Jupyter, JupyterLab, Colab and the built book it renders as Markdown holding a
    fenced ``python`` block (the book's theme highlights it like any other code); as
    plain text (a terminal, ``print``) it is the source itself. ``.text`` is the code.
    """

    def __init__(self, text: str, captions: list[str]):
        self.text = text
        self.captions = captions

    def _repr_markdown_(self) -> str:
        fence = "```"
        while fence in self.text:
            fence += "`"
        caption = "; ".join(self.captions)
        return f"{caption}\n\n{fence}python\n{self.text.rstrip()}\n{fence}\n"

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


def show(*objects: Any) -> Source:
    """Display the real source of ntmlib functions, classes or methods.

    ``show(ntmlib.memory.read)`` or ``show(NTM.step, HeadBank.forward)``: the code
    comes from the installed package through :func:`inspect.getsource`, so what the
    chapter shows is what the chapter runs. Returns a :class:`Source`; its ``.text`` is
    the code.
    """
    if not objects:
        raise TypeError("show() needs at least one function, class or method")
    texts, captions = [], []
    for obj in objects:
        target = _unwrap(obj)
        texts.append(source_of(target))
        path = inspect.getsourcefile(target) or "?"
        short = path[path.rfind("ntmlib"):] if "ntmlib" in path else path
        line = inspect.getsourcelines(target)[1]
        captions.append(f"`{_qualified_name(target)}` ({short}, line {line})")
    return Source("\n\n".join(t.rstrip() for t in texts) + "\n", captions)


# --------------------------------------------------------------------------------------
# Figure style

_FALLBACK_RC: dict[str, Any] = {
    "figure.facecolor": "white",
    "figure.edgecolor": "white",
    "axes.facecolor": "white",
    "savefig.facecolor": "white",
    "savefig.transparent": False,
    "axes.edgecolor": "#333333",
    "axes.grid": True,
    "axes.axisbelow": True,
    "grid.color": "#dddddd",
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.prop_cycle": mpl.cycler(color=["#0173b2", "#de8f05", "#029e73", "#d55e00", "#cc78bc",
                                         "#ca9161", "#fbafe4", "#949494", "#ece133", "#56b4e9"]),
    "font.size": 11,
    "axes.titlesize": 11,
    "figure.dpi": 100,
    "savefig.dpi": 150,
    "figure.figsize": (7.0, 4.0),
    "figure.constrained_layout.use": True,
    "image.cmap": "viridis",
    "image.interpolation": "nearest",
}


def style_rc(**overrides: Any) -> dict[str, Any]:
    """The book's rcParams (``ntmlib.book.figures.plots.book_rc`` if present, else a local copy)."""
    try:
        from .figures.plots import book_rc
    except ImportError:  # pragma: no cover - depends on the checkout
        rc = dict(_FALLBACK_RC)
    else:
        rc = book_rc()
    rc.update(overrides)
    return rc


def use_style(**overrides: Any) -> None:
    """Apply the book's figure style for the rest of the session (once per chapter)."""
    import matplotlib.pyplot as plt

    plt.get_backend()  # settle the (inline) backend first, so it cannot undo the style
    mpl.rcParams.update(style_rc(**overrides))
    record_text_size_in_pngs()


#: The PNG text chunk (tEXt keyword) in which a chapter's figures record their smallest text.
SMALLEST_TEXT_KEY = "NTM smallest text px"


def smallest_text_pt(fig) -> float | None:
    """The font size (points) of the smallest text that drawing ``fig`` draws; None if none."""
    from matplotlib.text import Text

    sizes: list[float] = []
    draw = Text.draw

    def recording_draw(text, renderer):
        if text.get_visible() and text.get_text().strip():
            sizes.append(text.get_fontsize())
        return draw(text, renderer)

    Text.draw = recording_draw
    try:
        fig.canvas.draw()
    finally:
        Text.draw = draw
    return min(sizes) if sizes else None


def figure_png(fig) -> bytes:
    """``fig`` as the inline backend's PNG (figure dpi, tight box), with its smallest text
    size in pixels recorded under :data:`SMALLEST_TEXT_KEY`, for the book's browser test."""
    import io

    smallest = smallest_text_pt(fig)
    metadata = {} if smallest is None else {SMALLEST_TEXT_KEY: f"{smallest * fig.dpi / 72:.2f}"}
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=fig.dpi, bbox_inches="tight", metadata=metadata,
                facecolor=fig.get_facecolor(), edgecolor=fig.get_edgecolor())
    return buffer.getvalue()


def record_text_size_in_pngs() -> None:
    """In IPython, show figures as :func:`figure_png` (outside IPython: nothing to do)."""
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - ntmlib runs without IPython too
        return
    shell = get_ipython()
    if shell is None:
        return
    import matplotlib.pyplot as plt

    if "inline" in plt.get_backend():
        # Importing the inline backend registers its own PNG formatter: do that first.
        import matplotlib_inline.backend_inline  # noqa: F401
    from matplotlib.figure import Figure

    shell.display_formatter.formatters["image/png"].for_type(Figure, figure_png)
