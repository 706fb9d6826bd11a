"""Chapter 5's picture of the fused head projection: which slice of the controller's
projection becomes which head parameter (the order in which ``HeadBank.forward`` cuts it)."""
from __future__ import annotations

from matplotlib.patches import Rectangle

__all__ = ["SLICE_COLORS", "projection_layout", "draw_projection_layout"]

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
