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


def test_show_can_leave_out_docstrings_and_fold():
    from ntmlib.ntm import NTM

    full, bare = book.show(NTM.step), book.show(NTM.step, A.sharpen, docstrings=False)
    assert '"""' in full.text and '"""' not in bare.text
    assert "addressing.address(" in bare.text and "def sharpen(" in bare.text  # the code itself stays whole
    assert len(bare.text.splitlines()) < len(full.text.splitlines())
    for line in bare.text.splitlines():  # every line left is a line of the real files
        assert line.strip() == "" or line.strip() in full.text + book.show(A.sharpen).text
    folded = book.show(NTM.step, fold=True)._repr_markdown_()
    assert folded.startswith("<details><summary>`ntmlib.ntm.NTM.step`") and folded.rstrip().endswith("</details>")
    assert "```python\n" in folded and "<details>" not in book.show(NTM.step)._repr_markdown_()


def test_style_rc_is_opaque_white():
    rc = book.style_rc()
    assert rc["figure.facecolor"] == "white"
    assert rc["savefig.transparent"] is False
