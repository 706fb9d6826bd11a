"""ntmlib.book.figure_png: the PNG a chapter shows records the figure's smallest text."""
import io

import matplotlib.pyplot as plt
from PIL import Image

from ntmlib import book


def test_smallest_text_is_the_smallest_drawn_text():
    fig, ax = plt.subplots(figsize=(3, 2), dpi=100)
    ax.set_xlim(0, 1)
    ax.text(0.5, 0.5, "small", fontsize=6.5)
    ax.text(0.5, 0.2, "hidden", fontsize=3, visible=False)  # not drawn: not counted
    ax.text(0.5, 0.8, "   ", fontsize=2)  # blank: not counted
    ax.tick_params(labelsize=9)
    assert book.smallest_text_pt(fig) == 6.5


def test_figure_png_records_pixels_at_the_figure_dpi():
    fig, ax = plt.subplots(figsize=(3, 2), dpi=144)
    ax.set_title("title", fontsize=10)
    ax.tick_params(labelsize=8)
    image = Image.open(io.BytesIO(book.figure_png(fig)))
    assert image.text[book.SMALLEST_TEXT_KEY] == f"{8 * 144 / 72:.2f}"
    assert image.size[0] <= 3 * 144 + 2  # the figure's own size (tight box), at its dpi


def test_a_figure_without_text_records_nothing():
    fig, ax = plt.subplots(figsize=(2, 2))
    ax.set_axis_off()
    assert book.smallest_text_pt(fig) is None
    assert book.SMALLEST_TEXT_KEY not in Image.open(io.BytesIO(book.figure_png(fig))).text
