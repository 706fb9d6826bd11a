"""Two drawing primitives of the book: a weighting as bars, a memory as a heatmap.

Chapters 2-4 draw their static figures with them, and the explorers' galleries
(:mod:`ntmlib.book.widgets`) draw the same panels, so a weighting or a memory looks the
same wherever it appears.
"""
from __future__ import annotations

import numpy as np

from ...analysis import to_numpy
from ..style import COLORS

__all__ = ["memory_heatmap", "weighting_bars"]


def weighting_bars(ax, weighting, *, color=COLORS["content"], horizontal: bool = False, label=None,
                   ylim: float = 1.0, title: str | None = None, **bar_kw):
    """Draw a weighting over N locations as bars on ``ax``; returns the BarContainer.

    ``horizontal=True`` puts location i on the y axis (top to bottom), to sit beside a
    memory heatmap whose rows are the locations.
    """
    w = to_numpy(weighting)
    n = len(w)
    locations = np.arange(n)
    if horizontal:
        bars = ax.barh(locations, w, color=color, label=label, height=0.8, **bar_kw)
        ax.set_ylim(n - 0.5, -0.5)
        ax.set_xlim(0, 1.04 * ylim)
        ax.set_xlabel("weight")
        ax.grid(axis="y", visible=False)
    else:
        bars = ax.bar(locations, w, color=color, label=label, width=0.8, **bar_kw)
        ax.set_xlim(-0.6, n - 0.4)
        ax.set_ylim(0, 1.04 * ylim)
        ax.set_xlabel("location $i$")
        ax.grid(axis="x", visible=False)
        step = max(1, n // 8)
        ax.set_xticks(locations[::step])
    if title is not None:
        ax.set_title(title)
    return bars


def memory_heatmap(ax, matrix, *, vmax: float | None = None, title: str | None = None, cmap: str = "RdBu_r",
                   colorbar: bool = False):
    """Draw an N x M memory (locations as rows) with a diverging colour scale centred on 0."""
    m = to_numpy(matrix)
    if vmax is None:
        vmax = float(np.abs(m).max()) or 1.0
    image = ax.imshow(m, cmap=cmap, vmin=-vmax, vmax=vmax, aspect="auto")
    ax.set_xlabel("component $j$")
    ax.set_ylabel("location $i$")
    ax.grid(False)
    ax.set_xticks(range(m.shape[1]))
    ax.set_yticks(range(0, m.shape[0], max(1, m.shape[0] // 8)))
    if title is not None:
        ax.set_title(title)
    if colorbar:
        ax.figure.colorbar(image, ax=ax, shrink=0.8)
    return image
