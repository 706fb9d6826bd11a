"""Addressing (eq. 5-9): hand-computed cases, gradients, properties and edges."""
import math

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from ntmlib import addressing as A



@pytest.fixture(autouse=True)
def float64_by_default():
    """Hand-computed cases and gradchecks in float64, without leaking into other files."""
    previous = torch.get_default_dtype()
    torch.set_default_dtype(torch.float64)
    yield
    torch.set_default_dtype(previous)


def weighting(*values):
    return torch.tensor([values], dtype=torch.float64)


# --- eq. 6: cosine similarity -------------------------------------------------------

def test_cosine_similarity_by_hand():
    memory = torch.tensor([[[1.0, 0.0], [0.0, 2.0], [-3.0, 0.0], [1.0, 1.0]]])
    key = torch.tensor([[2.0, 0.0]])
    sim = A.cosine_similarity(key, memory)
    assert torch.allclose(sim, torch.tensor([[1.0, 0.0, -1.0, 1 / math.sqrt(2)]]), atol=1e-6)


def test_cosine_similarity_multi_head_shape():
    memory = torch.randn(3, 7, 5)
    key = torch.randn(3, 4, 5)
    sim = A.cosine_similarity(key, memory)
    assert sim.shape == (3, 4, 7)
    assert torch.allclose(sim[:, 2], A.cosine_similarity(key[:, 2], memory))


# --- eq. 5: content focus --------------------------------------------------------------

def test_content_focus_by_hand():
    memory = torch.tensor([[[1.0, 0.0], [0.0, 1.0], [-1.0, 0.0]]])
    key = torch.tensor([[1.0, 0.0]])
    beta = torch.tensor([2.0])
    w = A.content_focus(key, beta, memory)
    logits = torch.tensor([2.0, 0.0, -2.0])
    assert torch.allclose(w, torch.softmax(logits, 0).unsqueeze(0))


def test_beta_zero_gives_uniform():
    memory = torch.randn(2, 6, 4)
    w = A.content_focus(torch.randn(2, 4), torch.zeros(2), memory)
    assert torch.allclose(w, torch.full((2, 6), 1 / 6))


def test_huge_beta_focuses_on_best_match():
    memory = torch.randn(2, 10, 4)
    key = memory[:, 3] * 5
    w = A.content_focus(key, torch.full((2,), 1e3), memory)
    assert torch.allclose(w[:, 3], torch.ones(2), atol=1e-6)
    assert torch.isfinite(w).all()


# --- eq. 7: interpolation ------------------------------------------------------------------

def test_interpolation_by_hand():
    content, previous = weighting(1.0, 0.0, 0.0), weighting(0.0, 0.5, 0.5)
    w = A.interpolate(content, previous, torch.tensor([0.25]))
    assert torch.allclose(w, weighting(0.25, 0.375, 0.375))


# --- eq. 8: convolutional shift --------------------------------------------------------------

def test_shift_plus_one_moves_focus_from_i_to_i_plus_1():
    w = weighting(0, 1, 0, 0, 0)
    plus_one = torch.tensor([[0.0, 0.0, 1.0]])  # offsets -1, 0, +1
    assert torch.equal(A.convolve_shift(w, plus_one), weighting(0, 0, 1, 0, 0))
    minus_one = torch.tensor([[1.0, 0.0, 0.0]])
    assert torch.equal(A.convolve_shift(w, minus_one), weighting(1, 0, 0, 0, 0))


def test_shift_wraps_around():
    w = weighting(0, 0, 0, 1)
    assert torch.equal(A.convolve_shift(w, torch.tensor([[0.0, 0.0, 1.0]])), weighting(1, 0, 0, 0))


def test_shift_by_hand_blur():
    # w~(i) = sum_j w(j) s(i - j): a focus at 2 spreads 0.1 to 1, 0.7 stays, 0.2 to 3.
    w = weighting(0, 0, 1, 0, 0)
    s = torch.tensor([[0.1, 0.7, 0.2]])
    assert torch.allclose(A.convolve_shift(w, s), weighting(0, 0.1, 0.7, 0.2, 0))


def test_wider_shift_range():
    w = weighting(1, 0, 0, 0, 0, 0, 0)
    s = torch.zeros(1, 5)
    s[0, 4] = 1.0  # offset +2
    assert torch.equal(A.convolve_shift(w, s), weighting(0, 0, 1, 0, 0, 0, 0))


def test_shift_rejects_even_width_and_too_wide():
    with pytest.raises(ValueError, match="odd width"):
        A.convolve_shift(weighting(1, 0, 0), torch.ones(1, 2) / 2)
    with pytest.raises(ValueError, match="wider than"):
        A.convolve_shift(weighting(1, 0, 0), torch.ones(1, 5) / 5)


def test_scalar_shift_variant_paper_example():
    # §3.3.2: a scalar 6.7 gives s(6) = 0.3 and s(7) = 0.7.
    s = A.scalar_shift_distribution(torch.tensor([6.7]), max_shift=7)
    offsets = list(A.shift_offsets(7))
    expected = torch.zeros(1, 15)
    expected[0, offsets.index(6)] = 0.3
    expected[0, offsets.index(7)] = 0.7
    assert torch.allclose(s, expected)
    assert torch.allclose(A.scalar_shift_distribution(torch.tensor([-1.0]), 1), torch.tensor([[1.0, 0.0, 0.0]]))


# --- eq. 9: sharpening ------------------------------------------------------------------------

def test_sharpen_by_hand():
    w = weighting(0.5, 0.25, 0.25)
    out = A.sharpen(w, torch.tensor([2.0]))
    assert torch.allclose(out, weighting(0.25, 0.0625, 0.0625) / 0.375, atol=1e-6)


def test_large_gamma_restores_focus():
    w = weighting(0.1, 0.6, 0.3)
    out = A.sharpen(w, torch.tensor([50.0]))
    assert torch.allclose(out, weighting(0, 1, 0), atol=1e-6)


# --- the Figure 2 pipeline ----------------------------------------------------------------------

def test_address_stages_compose_the_four_equations():
    torch.manual_seed(0)
    B, H, N, M = 2, 3, 8, 5
    memory, previous = torch.randn(B, N, M), torch.softmax(torch.randn(B, H, N), -1)
    key, beta = torch.randn(B, H, M), torch.rand(B, H) * 5
    gate, shift = torch.rand(B, H), torch.softmax(torch.randn(B, H, 3), -1)
    gamma = 1 + torch.rand(B, H) * 3
    stages = A.address_stages(memory, previous, key, beta, gate, shift, gamma)
    content = A.content_focus(key, beta, memory)
    assert torch.allclose(stages["content"], content)
    assert torch.allclose(stages["gated"], A.interpolate(content, previous, gate))
    assert torch.allclose(stages["shifted"], A.convolve_shift(stages["gated"], shift))
    assert torch.allclose(stages["sharpened"], A.sharpen(stages["shifted"], gamma))
    assert torch.equal(A.address(memory, previous, key, beta, gate, shift, gamma), stages["sharpened"])


# --- gradients in float64 ------------------------------------------------------------------------

def _random_inputs(B=2, H=2, N=6, M=4, seed=0):
    g = torch.Generator().manual_seed(seed)
    r = lambda *s: torch.randn(*s, generator=g, dtype=torch.float64)
    return dict(
        memory=r(B, N, M), previous=torch.softmax(r(B, H, N), -1), key=r(B, H, M),
        beta=torch.rand(B, H, generator=g, dtype=torch.float64) * 3, gate=torch.rand(B, H, generator=g, dtype=torch.float64),
        shift=torch.softmax(r(B, H, 3), -1), gamma=1 + torch.rand(B, H, generator=g, dtype=torch.float64) * 2,
    )


def _grad(*tensors):
    return tuple(t.clone().requires_grad_(True) for t in tensors)


def test_gradcheck_cosine_and_content_focus():
    i = _random_inputs()
    key, memory, beta = _grad(i["key"], i["memory"], i["beta"])
    assert torch.autograd.gradcheck(A.cosine_similarity, (key, memory))
    assert torch.autograd.gradcheck(A.content_focus, (key, beta, memory))


def test_gradcheck_interpolate_shift_sharpen():
    i = _random_inputs()
    content, previous, gate = _grad(torch.softmax(i["key"] @ i["memory"].transpose(1, 2), -1), i["previous"], i["gate"])
    assert torch.autograd.gradcheck(A.interpolate, (content, previous, gate))
    weights, shift = _grad(i["previous"], i["shift"])
    assert torch.autograd.gradcheck(A.convolve_shift, (weights, shift))
    weights, gamma = _grad(i["previous"], i["gamma"])
    assert torch.autograd.gradcheck(A.sharpen, (weights, gamma))


def test_gradcheck_scalar_shift_and_whole_pipeline():
    position = torch.tensor([0.3, -0.6, 1.4], requires_grad=True)  # away from the kinks at integers
    assert torch.autograd.gradcheck(lambda x: A.scalar_shift_distribution(x, 2), (position,))
    i = _random_inputs()
    args = _grad(*(i[k] for k in ("memory", "previous", "key", "beta", "gate", "shift", "gamma")))
    assert torch.autograd.gradcheck(A.address, args)


# --- edges: no NaN or inf in values or gradients --------------------------------------------------

def test_gradcheck_at_the_edges():
    """Gradients are right, not just finite, at a zero key, a zero memory row, a huge key
    strength and a large sharpening exponent (float64)."""
    memory = torch.tensor([[[0.0, 0.0], [1.0, 2.0], [-1.0, 0.5]]])  # row 0 is zero
    zero_key = torch.zeros(1, 2, requires_grad=True)
    rows = memory.clone().requires_grad_(True)
    assert torch.autograd.gradcheck(A.cosine_similarity, (zero_key, rows))
    key = torch.tensor([[1.0, 1.9]], requires_grad=True)
    huge_beta = torch.tensor([1e3], requires_grad=True)
    assert torch.autograd.gradcheck(A.content_focus, (key, huge_beta, rows))
    w = torch.tensor([[0.5, 0.3, 0.2]], requires_grad=True)
    large_gamma = torch.tensor([50.0], requires_grad=True)
    assert torch.autograd.gradcheck(A.sharpen, (w, large_gamma))
    # Nearly one-hot (gradcheck's finite differences need room on both sides of each weight).
    near_one_hot = torch.tensor([[1e-4, 1 - 2e-4, 1e-4]], requires_grad=True)
    assert torch.autograd.gradcheck(A.sharpen, (near_one_hot, large_gamma))


def test_shift_offsets_checks_its_argument():
    assert list(A.shift_offsets(0)) == [0]
    with pytest.raises(ValueError, match="max_shift must be an integer >= 0, got -1"):
        A.shift_offsets(-1)
    with pytest.raises(TypeError, match="max_shift must be an integer"):
        A.shift_offsets(1.5)


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
@pytest.mark.parametrize("beta,gamma", [(0.0, 1.0), (1e3, 1.0), (1e3, 50.0), (5.0, 50.0)])
def test_edges_are_finite(dtype, beta, gamma):
    B, H, N, M = 2, 2, 16, 4
    memory = torch.zeros(B, N, M, dtype=dtype, requires_grad=True)  # zero memory
    key = torch.zeros(B, H, M, dtype=dtype)
    key[0] = 1.0  # one batch element has a zero key, the other a real one
    key.requires_grad_(True)
    previous = torch.zeros(B, H, N, dtype=dtype)
    previous[..., 0] = 1.0  # one-hot previous weighting: exact zeros elsewhere
    beta_t = torch.full((B, H), beta, dtype=dtype, requires_grad=True)
    gamma_t = torch.full((B, H), gamma, dtype=dtype, requires_grad=True)
    gate = torch.full((B, H), 0.5, dtype=dtype, requires_grad=True)
    shift = torch.tensor([0.0, 0.0, 1.0], dtype=dtype).expand(B, H, 3).clone().requires_grad_(True)
    w = A.address(memory, previous, key, beta_t, gate, shift, gamma_t)
    assert torch.isfinite(w).all()
    assert torch.allclose(w.sum(-1), torch.ones(B, H, dtype=dtype), atol=1e-5)
    (w * torch.arange(N, dtype=dtype)).sum().backward()
    for t in (memory, key, beta_t, gamma_t, gate, shift):
        assert torch.isfinite(t.grad).all()


# --- properties over random inputs -----------------------------------------------------------------

sizes = st.tuples(st.integers(1, 3), st.integers(1, 3), st.integers(3, 12), st.integers(1, 6))


def _is_weighting(w):
    return bool((w >= 0).all()) and torch.allclose(w.sum(-1), torch.ones_like(w.sum(-1)), atol=1e-9)


@settings(max_examples=40, deadline=None)
@given(sizes, st.integers(0, 2**31 - 1), st.floats(0, 100), st.floats(1, 30))
def test_every_stage_gives_a_weighting(size, seed, beta, gamma):
    B, H, N, M = size
    i = _random_inputs(B, H, N, M, seed)
    stages = A.address_stages(i["memory"], i["previous"], i["key"], torch.full((B, H), beta),
                              i["gate"], i["shift"], torch.full((B, H), gamma))
    for name, w in stages.items():
        assert _is_weighting(w), name


@settings(max_examples=30, deadline=None)
@given(st.integers(2, 20), st.integers(0, 2**31 - 1))
def test_gamma_one_leaves_weighting_unchanged(n, seed):
    w = torch.softmax(torch.randn(3, n, generator=torch.Generator().manual_seed(seed), dtype=torch.float64), -1)
    assert torch.allclose(A.sharpen(w, torch.ones(3)), w, atol=1e-6)


@settings(max_examples=30, deadline=None)
@given(st.integers(3, 20), st.integers(-1, 1), st.integers(0, 2**31 - 1))
def test_one_hot_shift_rotates(n, offset, seed):
    w = torch.softmax(torch.randn(2, n, generator=torch.Generator().manual_seed(seed), dtype=torch.float64), -1)
    s = torch.zeros(2, 3)
    s[:, offset + 1] = 1.0
    assert torch.allclose(A.convolve_shift(w, s), torch.roll(w, offset, dims=-1))


@settings(max_examples=30, deadline=None)
@given(sizes, st.integers(0, 2**31 - 1))
def test_beta_zero_is_uniform_property(size, seed):
    B, H, N, M = size
    i = _random_inputs(B, H, N, M, seed)
    w = A.content_focus(i["key"], torch.zeros(B, H), i["memory"])
    assert torch.allclose(w, torch.full_like(w, 1 / N))
