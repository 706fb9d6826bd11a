"""Plotting helpers shared by the chapters of the NTM book.

- :func:`book_style` sets the book's matplotlib/seaborn look. Figures get an
  opaque white background, so that they stay readable when the page is shown
  in the theme's dark mode (a transparent PNG would put black text on a dark
  page).
- :func:`draw_architecture` draws our version of the paper's Figure 1: the
  controller, the external input and output, the read and write heads and the
  memory, with the NTM's boundary dashed.

Chapters use them like this::

    import matplotlib.pyplot as plt
    from ntmlib.plots import book_style, draw_architecture

    book_style()            # once, near the top of the chapter
    draw_architecture()
    plt.show()

or, to change the style only for a few figures, ``with book_style(): ...``.
"""

from __future__ import annotations

from typing import Any

import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch, Rectangle

__all__ = ["BOOK_COLORS", "book_rc", "book_style", "draw_architecture"]

#: Named colours used across the book's figures (the seaborn "colorblind"
#: palette, so that read/write and the three architectures stay
#: distinguishable for colour-blind readers).
BOOK_COLORS: dict[str, str] = {
    "read": "#0173b2",  # blue: read heads, read weightings
    "write": "#de8f05",  # orange: write heads, write weightings
    "controller": "#029e73",  # green: the controller
    "memory": "#949494",  # grey: the memory matrix
    "ntm-lstm": "#029e73",
    "ntm-ff": "#d55e00",
    "lstm": "#0173b2",
    "target": "#000000",
    "optimal": "#cc78bc",
}


def book_rc(**overrides: Any) -> dict[str, Any]:
    """The rcParams of the book's style, with ``overrides`` applied on top.

    Seaborn's ``whitegrid`` axes and ``notebook`` context, the colour-blind
    palette, and an opaque white figure and axes background.
    """
    import seaborn as sns  # imported here: only plotting needs it

    rc: dict[str, Any] = {}
    rc.update(sns.axes_style("whitegrid"))
    rc.update(sns.plotting_context("notebook"))
    rc.update(
        {
            "axes.prop_cycle": mpl.cycler(color=sns.color_palette("colorblind").as_hex()),
            # Opaque backgrounds: readable on light and dark pages alike.
            "figure.facecolor": "white",
            "figure.edgecolor": "white",
            "axes.facecolor": "white",
            "savefig.facecolor": "white",
            "savefig.edgecolor": "white",
            "savefig.transparent": False,
            "text.color": "black",
            "axes.labelcolor": "black",
            "xtick.color": "black",
            "ytick.color": "black",
            "axes.edgecolor": "#333333",
            "grid.color": "#dddddd",
            # Sharp enough on high-density screens, small enough to build fast.
            "figure.dpi": 100,
            "savefig.dpi": 150,
            "figure.figsize": (7.0, 4.0),
            "figure.autolayout": False,
            "figure.constrained_layout.use": True,
            "image.cmap": "viridis",
            "image.interpolation": "nearest",
            "legend.frameon": True,
            "legend.framealpha": 0.9,
            "legend.facecolor": "white",
        }
    )
    rc.update(overrides)
    return rc


class book_style:
    """Apply the book's plotting style.

    Called on its own (``book_style()``) it sets the style for the rest of the
    session, which is what a chapter does once near its top. Used as a context
    manager (``with book_style(): ...``) it restores the previous settings on
    exit. Keyword arguments override single rcParams, e.g.
    ``book_style(**{"figure.figsize": (10, 3)})``.
    """

    def __init__(self, **overrides: Any) -> None:
        # Settle the backend first (in Jupyter this activates the inline
        # backend), so that nothing it configures later overrides our style.
        plt.get_backend()
        self._saved = dict(mpl.rcParams.copy())
        mpl.rcParams.update(book_rc(**overrides))

    def __enter__(self) -> "book_style":
        return self

    def __exit__(self, *exc_info: object) -> None:
        # The same restore that matplotlib.rc_context performs.
        dict.update(mpl.rcParams, self._saved)

    def __repr__(self) -> str:
        return "book_style()"

    def _ipython_display_(self) -> None:
        # `book_style()` as the last line of a notebook cell shows nothing
        # (rather than an "<ntmlib.plots.book_style at 0x...>" output).
        return None


# --------------------------------------------------------------------------
# Figure 1: the architecture


def _box(ax, x, y, w, h, text, color, *, stack=1, fontsize=12, text_color="black"):
    """A rounded box centred on (x, y); ``stack > 1`` draws a pile of cards."""
    for k in reversed(range(stack)):
        dx, dy = 0.09 * k, 0.09 * k
        ax.add_patch(
            FancyBboxPatch(
                (x - w / 2 + dx, y - h / 2 + dy),
                w,
                h,
                boxstyle="round,pad=0.02,rounding_size=0.12",
                facecolor=mpl.colors.to_rgba(color, 0.22 if k == 0 else 0.12),
                edgecolor=color,
                linewidth=1.8 if k == 0 else 1.0,
                zorder=3 - 0.1 * k,
            )
        )
    ax.text(x, y, text, ha="center", va="center", fontsize=fontsize, color=text_color, zorder=4)


def _arrow(ax, start, end, color="#333333", *, style="-|>", lw=1.8, rad=0.0, ls="-"):
    ax.add_patch(
        FancyArrowPatch(
            start,
            end,
            arrowstyle=style,
            mutation_scale=16,
            color=color,
            linewidth=lw,
            linestyle=ls,
            connectionstyle=f"arc3,rad={rad}",
            shrinkA=2,
            shrinkB=2,
            zorder=5,
        )
    )


def _focus(n: int, centre: float, width: float) -> np.ndarray:
    """A blurry, normalised focus over ``n`` locations (for the drawing only)."""
    i = np.arange(n)
    w = np.exp(-0.5 * ((i - centre) / width) ** 2)
    return w / w.sum()


def draw_architecture(
    ax: plt.Axes | None = None,
    *,
    n_locations: int = 16,
    show_focus: bool = True,
    labels: bool = True,
) -> plt.Figure:
    """Draw the NTM architecture in the manner of the paper's Figure 1.

    The controller talks to the outside world through the external input and
    output, and to the memory only through its heads: read heads return read
    vectors to the controller, write heads erase from and add to the memory.
    The dashed line separates the NTM from the outside world.

    Parameters
    ----------
    ax:
        Axes to draw into; a new figure is made when ``None``.
    n_locations:
        How many memory locations (columns of the memory strip) to draw.
    show_focus:
        Shade the memory strip with an example read focus (blue) and write
        focus (orange): every head touches every location, a little or a lot.
    labels:
        Annotate the arrows with what travels along them.

    Returns
    -------
    The matplotlib Figure (the caller shows or saves it).
    """
    if ax is None:
        fig, ax = plt.subplots(figsize=(8.0, 5.6), layout="constrained")
    else:
        fig = ax.figure
    ax.set_xlim(0, 10)
    ax.set_ylim(-0.15, 7)
    ax.set_aspect("equal")
    ax.axis("off")

    read_c, write_c = BOOK_COLORS["read"], BOOK_COLORS["write"]
    ctrl_c, mem_c = BOOK_COLORS["controller"], BOOK_COLORS["memory"]
    label_kw = dict(fontsize=10.5, color="#333333", zorder=6)

    # The NTM's boundary: everything inside is the machine.
    ax.add_patch(
        FancyBboxPatch(
            (1.2, -0.05),
            7.6,
            5.6,
            boxstyle="round,pad=0.02,rounding_size=0.25",
            facecolor="none",
            edgecolor="#555555",
            linewidth=1.4,
            linestyle=(0, (5, 4)),
            zorder=1,
        )
    )
    ax.text(8.7, 0.08, "Neural Turing Machine", ha="right", va="bottom", fontsize=9.5,
            style="italic", color="#555555")

    # Outside world.
    ax.text(1.2, 6.6, "External Input", ha="center", va="center", fontsize=12)
    ax.text(8.8, 6.6, "External Output", ha="center", va="center", fontsize=12)

    # Controller.
    cx, cy, cw, ch = 5.0, 4.45, 3.2, 1.0
    _box(ax, cx, cy, cw, ch, "Controller", ctrl_c, fontsize=14)
    _arrow(ax, (1.7, 6.35), (cx - cw / 2 + 0.1, cy + 0.25))
    _arrow(ax, (cx + cw / 2 - 0.1, cy + 0.25), (8.3, 6.35))

    # Heads: a pile of cards each, for "a set of parallel heads".
    rx, wx, hy, hw, hh = 3.0, 7.0, 2.6, 2.3, 0.8
    _box(ax, rx, hy, hw, hh, "Read Heads", read_c, stack=3)
    _box(ax, wx, hy, hw, hh, "Write Heads", write_c, stack=3)

    # Controller <-> read heads: head parameters down, read vectors up.
    _arrow(ax, (cx - 1.05, cy - ch / 2), (rx + 0.35, hy + hh / 2 + 0.18))
    _arrow(ax, (rx - 0.25, hy + hh / 2 + 0.18), (cx - 1.5, cy - ch / 2), color=read_c)
    # Controller -> write heads: head parameters, erase and add vectors.
    _arrow(ax, (cx + 1.05, cy - ch / 2), (wx - 0.1, hy + hh / 2 + 0.18))

    # Memory: a strip of N locations, each a vector of M numbers.
    n = int(n_locations)
    mx0, mx1, my, mh = 1.8, 8.2, 0.85, 0.75
    cell = (mx1 - mx0) / n
    read_w = _focus(n, centre=0.3 * n, width=0.6)
    write_w = _focus(n, centre=0.72 * n, width=0.6)
    for i in range(n):
        ax.add_patch(Rectangle((mx0 + i * cell, my), cell, mh, facecolor="white",
                               edgecolor=mem_c, linewidth=1.0, zorder=2))
        if show_focus:
            for w, c in ((read_w, read_c), (write_w, write_c)):
                alpha = float(w[i] / w.max()) * 0.85
                if alpha > 0.02:
                    ax.add_patch(Rectangle((mx0 + i * cell, my), cell, mh, facecolor=c,
                                           alpha=alpha, linewidth=0, zorder=2.5))
    ax.add_patch(Rectangle((mx0, my), mx1 - mx0, mh, facecolor="none", edgecolor="#444444",
                           linewidth=1.6, zorder=3))
    ax.text(5.0, my + mh / 2, "Memory", ha="center", va="center", fontsize=14, zorder=4,
            bbox=dict(boxstyle="round,pad=0.15", facecolor="white", edgecolor="none", alpha=0.85))

    # Heads <-> memory: reading looks at the memory, writing changes it.
    _arrow(ax, (rx, my + mh + 0.05), (rx, hy - hh / 2 - 0.02), color=read_c)
    _arrow(ax, (wx, hy - hh / 2 - 0.02), (wx, my + mh + 0.05), color=write_c)

    if labels:
        ax.text(rx - 0.45, 3.75, "read\nvectors $r_t$", ha="right", va="center", **label_kw)
        ax.text(4.05, 3.4, "addressing", ha="left", va="center", **label_kw)
        ax.text(6.75, 3.75, "addressing,\nerase $e_t$, add $a_t$", ha="left", va="center",
                **label_kw)
        ax.text(rx + 0.12, (my + mh + hy - hh / 2) / 2, "weighted\nread", ha="left",
                va="center", **label_kw)
        ax.text(wx - 0.12, (my + mh + hy - hh / 2) / 2, "erase, then\nadd", ha="right",
                va="center", **label_kw)
        ax.text(mx0, my - 0.08, f"$N$ locations (here {n}), each a vector of $M$ numbers",
                ha="left", va="top", fontsize=10, color="#333333")
    return fig
