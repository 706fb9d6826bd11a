"""The diagrams: chapter 5's projection layout matches the projection HeadBank really has,
and the architecture (Fig. 1) draws its parts."""
import matplotlib.pyplot as plt

from ntmlib.book.figures.diagrams import draw_projection_layout, projection_layout
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


def test_architecture_draws_every_part_and_the_memory_strip():
    from ntmlib.book.figures import draw_architecture

    fig = draw_architecture(n_locations=12)
    texts = {t.get_text() for t in fig.axes[0].texts}
    assert {"Controller", "Read Heads", "Write Heads", "Memory", "External Input", "External Output"} <= texts
    assert any("here 12" in t for t in texts)
    unlabelled = draw_architecture(n_locations=12, labels=False, show_focus=False)
    assert not any("here 12" in t.get_text() for t in unlabelled.axes[0].texts)
    # One white cell per location (and fewer patches without the focus shading).
    assert len(unlabelled.axes[0].patches) < len(fig.axes[0].patches)
