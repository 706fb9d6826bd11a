"""The book's mechanism explorers (ntmlib.book.widgets: chapters 2-5).

Each explorer is built, a slider is moved through its ``.value`` (as a kernel sees a
reader's drag), and the view's state (what the page computes from) and the explorer's
stages are checked against ntmlib.addressing and ntmlib.memory called directly with the
same values. What the page itself draws is pinned to ntmlib by
tests/book/test_browser_explorers.py.
"""
import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402
import torch  # noqa: E402

from ntmlib import addressing as A  # noqa: E402
from ntmlib import memory as mem  # noqa: E402
from ntmlib.book import widgets as explorers  # noqa: E402

F32 = torch.float32


def scalar(x):
    return torch.tensor([[float(x)]], dtype=F32)


@pytest.fixture
def memory():
    return torch.randn(12, 5, generator=torch.Generator().manual_seed(1), dtype=F32)


def expected_stages(ex, values=None):
    """What ntmlib.addressing computes for an AddressingExplorer's current values."""
    v = {**ex.values, **(values or {})}
    shift = torch.tensor([v[n] for n in ex.shift_names], dtype=F32)
    shift = shift / shift.sum()
    return A.address_stages(ex.memory[None], ex.previous.view(1, 1, -1), ex.memory[int(v["key row"])].view(1, 1, -1),
                            scalar(v["beta"]), scalar(v["g"]), shift.view(1, 1, -1), scalar(v["gamma"]))


def assert_matches(ex, expected):
    for name in ("content", "gated", "shifted", "sharpened"):
        want = expected[name][0, 0]
        assert torch.allclose(ex.stages[name], want, atol=1e-6), name
    assert_view_follows(ex)


def assert_view_follows(ex):
    """The page's state: it computes from the explorer's own slider widgets (their values,
    not a copy of them), and from the explorer's memory."""
    view = ex.view
    assert set(view.sliders) == set(ex.sliders) and all(view.sliders[k] is ex.sliders[k] for k in ex.sliders)
    assert "values" not in view.keys  # a synced copy of the values made the page redraw twice
    if "memory" in view.data:
        np.testing.assert_array_equal(np.array(view.data["memory"], dtype=np.float32), ex.memory.numpy())


# --- AddressingExplorer (chapter 4) ------------------------------------------------------

def test_addressing_explorer_matches_address_stages(memory):
    ex = explorers.AddressingExplorer(memory, previous=7, key=3)
    assert set(ex.sliders) == {"key row", "beta", "g", "s(-1)", "s(0)", "s(+1)", "gamma"}
    assert_matches(ex, expected_stages(ex))
    assert ex.view in ex.widget.children and ex.view.kind == "addressing"
    assert ex.view.data["shape"] == [12, 5] and ex.view.data["shift_names"] == ex.shift_names
    np.testing.assert_array_equal(np.array(ex.view.data["memory"]), memory.numpy())  # the exact float32 values
    before = ex.stages["sharpened"].clone()
    ex.sliders["beta"].value = 3.5
    ex.sliders["g"].value = 0.3
    ex.sliders["gamma"].value = 4.2
    assert ex.values["beta"] == 3.5 and ex.values["gamma"] == 4.2
    assert not torch.allclose(before, ex.stages["sharpened"])
    assert_matches(ex, expected_stages(ex))


def test_the_page_s_step_button_refreshes_the_stages(memory):
    """The page's step button sets the view's w_{t-1}; the explorer's stages follow it."""
    ex = explorers.AddressingExplorer(memory, previous=7, key=3, gate=0.2)
    before = ex.stages["sharpened"].clone()
    gated = ex.stages["gated"].clone()
    ex.view.previous = [float(v) for v in before]  # what the page sends after "step"
    assert torch.allclose(ex.previous, before)
    assert torch.allclose(ex.stages["previous"], before)
    assert not torch.allclose(ex.stages["gated"], gated)  # 0.8 of w^g is the new w_{t-1}
    assert_matches(ex, expected_stages(ex))


def test_a_slider_move_changes_nothing_the_page_is_sent(memory):
    """The page follows the sliders themselves; with a kernel, a move (or set()) must not
    also change the view's state, which would make the page redraw a second time."""
    ex = explorers.AddressingExplorer(memory, previous=7, key=3)
    changes = []
    ex.view.observe(changes.append)
    before = ex.stages["sharpened"].clone()
    ex.sliders["beta"].value = 2.0
    ex.set(g=0.1, gamma=3.0)
    assert changes == []
    assert not torch.allclose(ex.stages["sharpened"], before)  # yet Python's stages follow


def test_beta_zero_gives_uniform_content(memory):
    ex = explorers.AddressingExplorer(memory, previous=7, key=3, beta=10.0)
    before = ex.stages["content"].clone()
    ex.sliders["beta"].value = 0.0
    n = memory.shape[0]
    assert not torch.allclose(before, ex.stages["content"])
    assert torch.allclose(ex.stages["content"], torch.full((n,), 1 / n, dtype=F32), atol=1e-6)
    assert_view_follows(ex)


def test_full_plus_one_shift_rotates(memory):
    ex = explorers.AddressingExplorer(memory, previous=7, key=3, gate=0.5, shift=(0.2, 0.6, 0.2))
    ex.set({"s(-1)": 0.0, "s(0)": 0.0, "s(+1)": 1.0})
    assert torch.equal(ex.stages["shift"], torch.tensor([0.0, 0.0, 1.0], dtype=F32))
    assert torch.allclose(ex.stages["shifted"], torch.roll(ex.stages["gated"], 1), atol=1e-7)
    assert_matches(ex, expected_stages(ex))
    # With the gate closed the previous focus at 7 moves to 8, and a step moves it on to 9.
    ex.set(g=0.0)
    assert int(ex.stages["sharpened"].argmax()) == 8
    ex.step()
    assert int(ex.stages["sharpened"].argmax()) == 9
    assert int(np.argmax(ex.view.previous)) == 8  # the page's w_{t-1} follows
    assert_matches(ex, expected_stages(ex))
    ex.reset()
    assert int(ex.stages["sharpened"].argmax()) == 8


def test_gamma_sharpens(memory):
    ex = explorers.AddressingExplorer(memory, previous=7, key=3, gamma=1.0, shift=(0.2, 0.5, 0.3))
    assert torch.allclose(ex.stages["sharpened"], ex.stages["shifted"], atol=1e-6)  # gamma = 1: no change
    peak = ex.stages["sharpened"].max()
    ex.sliders["gamma"].value = 5.0
    assert ex.stages["sharpened"].max() > peak + 0.05
    assert_matches(ex, expected_stages(ex))


def test_set_changes_many_sliders_with_one_render(memory):
    ex = explorers.AddressingExplorer(memory)
    updates = ex.updates
    ex.set({"beta": 1.0, "g": 0.9, "s(0)": 1.0, "gamma": 2.5, "key row": 5})
    assert ex.updates == updates + 1
    assert_matches(ex, expected_stages(ex))
    with pytest.raises(KeyError):
        ex.set(nonsense=1)


def test_compute_leaves_sliders_alone_and_gallery_draws(memory):
    ex = explorers.AddressingExplorer(memory, previous=2, key=9)
    values, stages = ex.values, {k: v.clone() for k, v in ex.stages.items()}
    other = ex.compute(beta=0.0, g=1.0)
    assert ex.values == values
    assert torch.allclose(other["content"], torch.full((12,), 1 / 12, dtype=F32), atol=1e-6)
    assert torch.equal(ex.stages["sharpened"], stages["sharpened"])
    fig = ex.gallery([{"g": 0.0}, {"beta": 2.0}], labels=["a", "b"])
    assert len(fig.axes) == 8
    import matplotlib.pyplot as plt
    plt.close(fig)


def test_addressing_explorer_wider_shift_and_fixed_key(memory):
    key = memory[4] + 0.1
    ex = explorers.AddressingExplorer(memory, key=key, previous=0, shift=(0, 0, 0, 0, 1), max_shift=2, gate=0.0)
    assert "key row" not in ex.sliders and "s(+2)" in ex.sliders
    assert int(ex.stages["sharpened"].argmax()) == 2
    want = A.content_focus(key.view(1, 1, -1), scalar(ex.values["beta"]), memory[None])[0, 0]
    assert torch.allclose(ex.stages["content"], want, atol=1e-6)
    with pytest.raises(ValueError):
        explorers.AddressingExplorer(memory, shift=(1.0, 0.0))


def test_normalise_shift():
    assert torch.allclose(explorers.normalise_shift([1, 1, 2]), torch.tensor([0.25, 0.25, 0.5], dtype=F32))
    assert torch.allclose(explorers.normalise_shift([0, 0, 0]), torch.full((3,), 1 / 3, dtype=F32))
    assert explorers.shift_names(2) == ["s(-2)", "s(-1)", "s(0)", "s(+1)", "s(+2)"]


# --- ContentExplorer (chapter 3) ---------------------------------------------------------

def test_content_explorer_follows_beta_and_key(memory):
    ex = explorers.ContentExplorer(memory, key=memory[6], beta=5.0)
    assert set(ex.sliders) == {"beta", "key[0]", "key[1]", "key[2]", "key[3]", "key[4]"}

    def check():
        key = ex.key.view(1, -1)
        want = A.content_focus(key, torch.tensor([ex.values["beta"]], dtype=F32), memory[None])[0]
        sim = A.cosine_similarity(key, memory[None])[0]
        assert torch.allclose(ex.stages["content"], want, atol=1e-6)
        assert torch.allclose(ex.stages["similarity"], sim, atol=1e-6)
        assert_view_follows(ex)

    check()
    assert torch.equal(ex.stages["key"], memory[6])
    before = ex.stages["content"].clone()
    ex.sliders["beta"].value = 40.0
    check()
    assert int(ex.stages["content"].argmax()) == 6
    assert ex.stages["content"].max() > before.max()
    ex.sliders["beta"].value = 0.0
    check()
    assert torch.allclose(ex.stages["content"], torch.full((12,), 1 / 12, dtype=F32), atol=1e-6)
    ex.sliders["beta"].value = 40.0
    ex.sliders["key[0]"].value = ex.sliders["key[0]"].value + 0.3  # a noisy key ...
    check()
    assert torch.allclose(ex.stages["key"], memory[6] + torch.tensor([0.3, 0, 0, 0, 0]), atol=1e-6)
    assert int(ex.stages["content"].argmax()) == 6  # ... still finds its row


def test_content_explorer_row_picker(memory):
    ex = explorers.ContentExplorer(memory, beta=30.0)
    updates = ex.updates
    ex.row_picker.value = 9
    assert ex.updates == updates + 1
    assert torch.allclose(ex.key, memory[9], atol=1e-6)
    assert int(ex.stages["content"].argmax()) == 9
    assert ex.view.extras["picker"] is ex.row_picker  # the page listens to the picker too


# --- WriteExplorer (chapter 2) -----------------------------------------------------------

def test_write_explorer_matches_memory_write(memory):
    ex = explorers.WriteExplorer(memory, location=3, focus=0.8, erase=0.5, add=0.4)

    def check():
        w = ex.stages["weighting"].view(1, 1, -1)
        e = torch.full((1, 1, 5), ex.values["erase"], dtype=F32)
        a = (ex.values["add"] * ex.add_pattern).view(1, 1, -1)
        want = mem.write(memory[None], w, e, a)[0]
        assert torch.allclose(ex.stages["after"], want, atol=1e-6)
        assert_view_follows(ex)
        assert torch.isclose(ex.stages["weighting"].sum(), torch.tensor(1.0, dtype=F32))

    check()
    before = ex.stages["after"].clone()
    ex.sliders["location"].value = 10
    check()
    assert not torch.allclose(before, ex.stages["after"])
    # A one-hot weighting with erase = 1 replaces the row by the add vector exactly.
    ex.set(focus=1.0, erase=1.0, add=1.0)
    check()
    assert torch.allclose(ex.stages["after"][10], ex.add_pattern, atol=1e-6)
    assert torch.equal(ex.stages["after"][:10], memory[:10])


# --- ScalarShiftExplorer (chapter 5) -----------------------------------------------------

def test_scalar_shift_explorer():
    ex = explorers.ScalarShiftExplorer(size=10, max_shift=3, x=0.0, start=4)
    assert int(ex.stages["shifted"].argmax()) == 4
    ex.sliders["x"].value = 1.7
    want = A.scalar_shift_distribution(torch.tensor([1.7], dtype=F32), 3)[0]
    assert torch.allclose(ex.stages["shift"], want)
    np.testing.assert_allclose(ex.stages["shift"], [0, 0, 0, 0, 0.3, 0.7, 0], atol=1e-5)
    np.testing.assert_allclose(ex.stages["shifted"][5:7], [0.3, 0.7], atol=1e-5)
    assert ex.values == {"x": 1.7}
    assert ex.view.data == {"max_shift": 3, "start": [0.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 0.0, 0.0]}


def test_explorers_ignore_the_default_dtype(memory):
    old = torch.get_default_dtype()
    torch.set_default_dtype(torch.float64)  # as other test modules do
    try:
        ex = explorers.AddressingExplorer(memory.double(), previous=1, key=2)
        ex.set(beta=0.0)
        assert ex.stages["content"].dtype == F32
        explorers.ContentExplorer(memory.double()).set(beta=1.0)
        explorers.WriteExplorer().set(add=-0.5)
        explorers.ScalarShiftExplorer().set(x=-1.2)
    finally:
        torch.set_default_dtype(old)


def test_widget_assembles():
    import ipywidgets as widgets

    ex = explorers.ScalarShiftExplorer()
    assert isinstance(ex.widget, widgets.VBox)
    assert isinstance(ex.view, widgets.DOMWidget) and ex.view in ex.widget.children
    assert "export default" in ex.view._esm and ex.view._css  # the page's code travels in the state


@pytest.mark.parametrize("make, message", [
    (lambda m: explorers.AddressingExplorer(m, key=99), "key must be an integer in [0, 11], got 99"),
    (lambda m: explorers.AddressingExplorer(m, beta=500), "beta must be a number in [0.0, 30.0], got 500"),
    (lambda m: explorers.AddressingExplorer(m, gamma=0.5), "gamma must be a number in [1.0, 20.0], got 0.5"),
    (lambda m: explorers.AddressingExplorer(m, gate=float("nan")), "gate must be a number in [0.0, 1.0], got nan"),
    (lambda m: explorers.AddressingExplorer(m, previous=12), "previous must be an integer in [0, 11], got 12"),
    (lambda m: explorers.AddressingExplorer(m, key=torch.ones(4)), "key must be (M,) = (5,) or a row index"),
    (lambda m: explorers.AddressingExplorer(m, shift=(0.5, -0.1, 0.5)), "shift mass must be a number in [0.0, 1.0]"),
    (lambda m: explorers.ContentExplorer(m, beta=-1), "beta must be a number in [0.0, 50.0], got -1"),
    (lambda m: explorers.ContentExplorer(m * float("nan")), "memory must be finite (no NaN or inf)"),
    (lambda m: explorers.ContentExplorer(m[0]), "memory must be (N, M), got shape (5,)"),
    (lambda m: explorers.WriteExplorer(m, location=12), "location must be an integer in [0, 11], got 12"),
    (lambda m: explorers.WriteExplorer(m, focus=1.5), "focus must be a number in [0.0, 1.0], got 1.5"),
    (lambda m: explorers.ScalarShiftExplorer(x=3.5), "x must be a number in [-3.0, 3.0], got 3.5"),
    (lambda m: explorers.ScalarShiftExplorer(start=16), "start must be an integer in [0, 15], got 16"),
])
def test_bad_arguments_raise_one_line_errors(memory, make, message):
    with pytest.raises((ValueError, TypeError)) as error:
        make(memory)
    assert message in str(error.value) and "\n" not in str(error.value)


def test_wrong_types_are_type_errors(memory):
    with pytest.raises(TypeError, match="beta must be a number"):
        explorers.AddressingExplorer(memory, beta="10")
    with pytest.raises(TypeError, match="location must be an integer"):
        explorers.WriteExplorer(memory, location=2.5)
    with pytest.raises(TypeError, match="memory must be a tensor"):
        explorers.ContentExplorer("memory")
