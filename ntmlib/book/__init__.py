"""The book: everything visual, importing anything below it and imported by nothing below.

- :mod:`~ntmlib.book.style`: the one figure style (:data:`COLORS`, :data:`ARCH_LABELS`,
  :func:`style_rc`, :class:`use_style`).
- :mod:`~ntmlib.book.source`: :func:`show` displays the real source of an ``ntmlib`` function,
  class or method, so the chapters show the code that runs.
- :mod:`~ntmlib.book.png`: the PNGs the chapters show record their smallest text size.
- :mod:`~ntmlib.book.figures`, :mod:`~ntmlib.book.widgets`, :mod:`~ntmlib.book.teaching`,
  :mod:`~ntmlib.book.report`, :mod:`~ntmlib.book.chapters`: the figures, the explorers, the
  teaching sections' measurements, the ours-vs-paper boxes and the chapters' shared cells.

Typical use at the top of a chapter::

    from ntmlib.book import show, use_style
    use_style()
    show(ntmlib.memory.read)
"""
from .png import SMALLEST_TEXT_KEY, figure_png, record_text_size_in_pngs, smallest_text_pt
from .source import Source, show, source_of
from .style import ARCH_LABELS, ARCH_MARKERS, COLORS, style_rc, use_style

__all__ = ["ARCH_LABELS", "ARCH_MARKERS", "COLORS", "SMALLEST_TEXT_KEY", "Source", "figure_png",
           "record_text_size_in_pngs", "show", "smallest_text_pt", "source_of", "style_rc", "use_style"]
