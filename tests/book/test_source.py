"""ntmlib.book's notebook helpers: show() displays the real source; the figure style."""
from pathlib import Path

import pytest

from ntmlib import addressing as A
from ntmlib import book


def test_show_returns_the_real_source():
    source = book.show(A.sharpen)
    file_text = Path(A.__file__).read_text(encoding="utf-8")
    assert source.text.startswith("def sharpen(") and source.text in file_text  # the file's own lines
    assert "return torch.softmax(" in source.text and "\ndef " not in source.text  # that function, whole, alone
    markdown = source._repr_markdown_()
    assert "```python\n" in markdown and source.text.strip() in markdown
    assert "ntmlib.addressing.sharpen" in markdown
    assert repr(source).startswith("def sharpen(")  # as plain text: the code itself


def test_show_methods_classes_and_several():
    from ntmlib.heads import HeadParameters
    from ntmlib.ntm import NTM

    step = book.show(NTM.step)
    assert step.text.startswith("def step(self")  # dedented
    assert "addressing.address(" in step.text
    both = book.show(HeadParameters, A.interpolate)
    assert "class HeadParameters" in both.text and "def interpolate" in both.text
    with pytest.raises(TypeError):
        book.show()


def test_style_rc_is_opaque_white():
    rc = book.style_rc()
    assert rc["figure.facecolor"] == "white"
    assert rc["savefig.transparent"] is False
