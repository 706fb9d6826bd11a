"""Chapter 5's projection layout matches the projection HeadBank really has."""
import matplotlib.pyplot as plt

from ntmlib.book.figures.head_figures import draw_projection_layout, projection_layout
from ntmlib.heads import HeadBank


def test_layout_covers_the_projection_in_order():
    heads = HeadBank(controller_size=16, memory_width=6, num_read=2, num_write=3)
    layout = projection_layout(heads)
    assert sum(size for _, _, size in layout) == heads.projection.out_features
    names = [name for _, name, _ in layout]
    assert names[:5] == ["k", "β", "g", "s", "γ"] and names[-6:] == ["e0", "e1", "e2", "a0", "a1", "a2"]
    assert [g for g, _, _ in layout].count("read head 1: addressing") == 5


def test_drawing_has_one_patch_per_slice():
    heads = HeadBank(controller_size=16, memory_width=6, num_read=1, num_write=1)
    fig, ax = plt.subplots()
    draw_projection_layout(heads, ax)
    assert len(ax.patches) == len(projection_layout(heads))
    plt.close(fig)
