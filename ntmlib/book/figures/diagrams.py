"""Diagrams: our version of the paper's Figure 1 (the architecture), chapter 5's picture
of the fused head projection, and the boxes and arrows the diagrams of
:mod:`ntmlib.book.teaching` are drawn with too.

    import matplotlib.pyplot as plt
    from ntmlib.book.figures import draw_architecture

    draw_architecture()
    plt.show()
"""
from __future__ import annotations

import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch, Rectangle

from ..style import COLORS

__all__ = ["SLICE_COLORS", "arrow", "box", "draw_architecture", "draw_projection_layout", "projection_layout"]


def box(ax, x, y, w, h, text, color, *, stack=1, fontsize=12, text_color="black"):
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


def arrow(ax, start, end, color="#333333", *, style="-|>", lw=1.8, rad=0.0, ls="-"):
    """An arrow from ``start`` to ``end`` (``rad`` bends it)."""
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
    _draw_boundary(ax)
    _draw_controller_and_heads(ax)
    n = int(n_locations)
    _draw_memory(ax, n, show_focus)
    if labels:
        _draw_labels(ax, n)
    return fig


# Where draw_architecture puts things (axes units): controller, heads and memory strip.
_CONTROLLER = (5.0, 4.45, 3.2, 1.0)  # centre x, centre y, width, height
_READ_X, _WRITE_X, _HEAD_Y, _HEAD_W, _HEAD_H = 3.0, 7.0, 2.6, 2.3, 0.8
_MEMORY = (1.8, 8.2, 0.85, 0.75)  # left, right, bottom, height


def _draw_boundary(ax) -> None:
    """The NTM's boundary (everything inside is the machine) and the outside world."""
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
    ax.text(1.2, 6.6, "External Input", ha="center", va="center", fontsize=12)
    ax.text(8.8, 6.6, "External Output", ha="center", va="center", fontsize=12)


def _draw_controller_and_heads(ax) -> None:
    """The controller, a pile of cards for each kind of head, and the arrows between them."""
    cx, cy, cw, ch = _CONTROLLER
    rx, wx, hy, hw, hh = _READ_X, _WRITE_X, _HEAD_Y, _HEAD_W, _HEAD_H
    box(ax, cx, cy, cw, ch, "Controller", COLORS["controller"], fontsize=14)
    arrow(ax, (1.7, 6.35), (cx - cw / 2 + 0.1, cy + 0.25))
    arrow(ax, (cx + cw / 2 - 0.1, cy + 0.25), (8.3, 6.35))
    # Heads: a pile of cards each, for "a set of parallel heads".
    box(ax, rx, hy, hw, hh, "Read Heads", COLORS["read"], stack=3)
    box(ax, wx, hy, hw, hh, "Write Heads", COLORS["write"], stack=3)
    # Controller <-> read heads: head parameters down, read vectors up.
    arrow(ax, (cx - 1.05, cy - ch / 2), (rx + 0.35, hy + hh / 2 + 0.18))
    arrow(ax, (rx - 0.25, hy + hh / 2 + 0.18), (cx - 1.5, cy - ch / 2), color=COLORS["read"])
    # Controller -> write heads: head parameters, erase and add vectors.
    arrow(ax, (cx + 1.05, cy - ch / 2), (wx - 0.1, hy + hh / 2 + 0.18))


def _draw_memory(ax, n: int, show_focus: bool) -> None:
    """The memory, a strip of ``n`` locations (each a vector of M numbers), shaded by an
    example read and write focus, and the arrows between it and the heads."""
    read_c, write_c, mem_c = COLORS["read"], COLORS["write"], COLORS["memory"]
    mx0, mx1, my, mh = _MEMORY
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
    arrow(ax, (_READ_X, my + mh + 0.05), (_READ_X, _HEAD_Y - _HEAD_H / 2 - 0.02), color=read_c)
    arrow(ax, (_WRITE_X, _HEAD_Y - _HEAD_H / 2 - 0.02), (_WRITE_X, my + mh + 0.05), color=write_c)


def _draw_labels(ax, n: int) -> None:
    """What travels along the arrows, and what the memory strip is."""
    label_kw = dict(fontsize=10.5, color="#333333", zorder=6)
    rx, wx, hy, hh = _READ_X, _WRITE_X, _HEAD_Y, _HEAD_H
    mx0, _, my, mh = _MEMORY
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


# --------------------------------------------------------------------------------------
# Chapter 5: the fused head projection (the order in which ``HeadBank.forward`` cuts it)

SLICE_COLORS = {"k": "#0173b2", "β": "#029e73", "g": "#de8f05", "s": "#cc78bc", "γ": "#d55e00",
                "e": "#949494", "a": "#ca9161"}


def projection_layout(heads) -> list[tuple[str, str, int]]:
    """(group, name, size) of every slice of ``heads.projection``'s output, in order: each
    head's addressing parameters (k, β, g, s, γ), then all erase vectors, then all add vectors."""
    blocks = []
    for h in range(heads.num_heads):
        group = f"read head {h}" if h < heads.num_read else f"write head {h - heads.num_read}"
        blocks += [(f"{group}: addressing", name, size)
                   for name, size in zip(["k", "β", "g", "s", "γ"], heads.addressing_sizes)]
    for vector, group in (("e", "erase vectors"), ("a", "add vectors")):
        blocks += [(group, f"{vector}{w}", heads.memory_width) for w in range(heads.num_write)]
    return blocks


def _bracket(ax, start, end, label):
    ax.plot([start + 0.3, start + 0.3, end - 0.3, end - 0.3], [-0.05, -0.2, -0.2, -0.05], color="#333333", lw=1)
    ax.text((start + end) / 2, -0.3, label, ha="center", va="top", fontsize=9)


def draw_projection_layout(heads, ax) -> None:
    """The slices of :func:`projection_layout` end to end on ``ax``, one colour per kind,
    with a bracket under each head's group."""
    x, spans = 0, {}
    for group, name, size in projection_layout(heads):
        ax.add_patch(Rectangle((x, 0), size, 1, facecolor=SLICE_COLORS[name.rstrip("0123456789")],
                               edgecolor="white"))
        lift = 0.3 if name in ("β", "γ") else 0.0  # stagger the labels of narrow slices
        ax.text(x + size / 2, 1.1 + lift, name, ha="center", va="bottom", fontsize=9)
        spans[group] = (spans.get(group, (x, x))[0], x + size)
        x += size
    for group, (start, end) in spans.items():
        _bracket(ax, start, end, group)
    ax.set_xlim(-1, x + 1)
    ax.set_ylim(-0.7, 1.8)
    ax.set_yticks([])
    ax.set_xlabel("index into the projection's output")
    ax.grid(False)
    for side in ("left", "right", "top"):
        ax.spines[side].set_visible(False)
