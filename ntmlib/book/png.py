"""The PNGs a chapter shows: each records the size of its smallest text, so that the book's
browser test can check that every figure stays readable as displayed."""
from __future__ import annotations

import io
from contextlib import contextmanager

__all__ = ["SMALLEST_TEXT_KEY", "figure_png", "record_text_size_in_pngs", "smallest_text_pt"]

#: The PNG text chunk (tEXt keyword) in which a chapter's figures record their smallest text.
SMALLEST_TEXT_KEY = "NTM smallest text px"


@contextmanager
def _recording_text_sizes(record):
    """While active, every visible non-empty text that is drawn calls ``record(fontsize)``."""
    from matplotlib.text import Text

    draw = Text.draw

    def recording_draw(text, renderer):
        if text.get_visible() and text.get_text().strip():
            record(text.get_fontsize())
        return draw(text, renderer)

    Text.draw = recording_draw
    try:
        yield
    finally:
        Text.draw = draw


def smallest_text_pt(fig) -> float | None:
    """The font size (points) of the smallest text that drawing ``fig`` draws; None if none."""
    sizes: list[float] = []
    with _recording_text_sizes(sizes.append):
        fig.canvas.draw()
    return min(sizes) if sizes else None


def figure_png(fig) -> bytes:
    """``fig`` as the inline backend's PNG (figure dpi, tight box), with its smallest text
    size in pixels recorded under :data:`SMALLEST_TEXT_KEY`, for the book's browser test.

    The figure is drawn once: the sizes are recorded while ``savefig`` draws, into the
    metadata that it writes after drawing.
    """
    metadata: dict[str, str] = {}
    smallest = [float("inf")]

    def record(points: float) -> None:
        if points < smallest[0]:
            smallest[0] = points
            metadata[SMALLEST_TEXT_KEY] = f"{points * fig.dpi / 72:.2f}"

    buffer = io.BytesIO()
    with _recording_text_sizes(record):
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
