"""Cost in bits and bit errors per sequence (ntmlib.metrics), against hand computations."""

import math

import pytest
import torch
import torch.nn.functional as F
from hypothesis import given, settings
from hypothesis import strategies as st

from ntmlib.metrics import bit_errors, bit_errors_per_sequence, cost_bits, cost_bits_per_sequence
from ntmlib.tasks import NGramsTask, bits_from_batch, optimal_cost_bits, optimal_estimator


def test_zero_logits_cost_one_bit_per_target_element():
    logits = torch.zeros(2, 5, 4)
    target = torch.randint(0, 2, (2, 5, 4)).float()
    mask = torch.tensor([[0, 0, 1, 1, 1], [0, 1, 1, 1, 1]], dtype=torch.float32)
    assert cost_bits_per_sequence(logits, target, mask).tolist() == pytest.approx([12.0, 16.0])
    assert cost_bits(logits, target, mask).item() == pytest.approx(14.0)


def test_cost_hand_case():
    # sigmoid(ln 3) = 3/4: a 1 costs -log2(3/4), a 0 costs -log2(1/4) = 2 bits.
    logits = torch.full((1, 2, 2), math.log(3.0))
    target = torch.tensor([[[1.0, 0.0], [1.0, 1.0]]])
    mask = torch.tensor([[1.0, 0.0]])
    expected = -math.log2(0.75) + 2.0
    assert cost_bits(logits, target, mask).item() == pytest.approx(expected)


def test_unmasked_steps_are_ignored_even_if_not_finite():
    logits = torch.zeros(1, 3, 2)
    logits[0, 0] = float("nan")
    logits[0, 1] = -float("inf")
    target = torch.ones(1, 3, 2)
    mask = torch.tensor([[0.0, 0.0, 1.0]])
    assert cost_bits(logits, target, mask).item() == pytest.approx(2.0)
    assert bit_errors(logits, target, mask).item() == 2.0  # logit 0 predicts 0


def test_bit_errors_hand_case():
    logits = torch.tensor([[[2.0, -1.0, 0.0, 0.0], [5.0, 5.0, 5.0, 5.0]],
                           [[-3.0, -3.0, 3.0, 3.0], [0.1, 0.1, 0.1, 0.1]]])
    target = torch.tensor([[[1.0, 1.0, 0.0, 1.0], [0.0, 0.0, 0.0, 0.0]],
                           [[0.0, 0.0, 1.0, 1.0], [1.0, 1.0, 1.0, 1.0]]])
    mask = torch.tensor([[1.0, 0.0], [1.0, 1.0]])
    # sequence 0: step 0 wrong at elements 1 (-1 vs 1) and 3 (0 -> predicts 0 vs 1); step 1 masked.
    assert bit_errors_per_sequence(logits, target, mask).tolist() == [2.0, 0.0]
    assert bit_errors(logits, target, mask).item() == 1.0


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 2**31), B=st.integers(1, 4), T=st.integers(1, 6), W=st.integers(1, 5))
def test_cost_matches_probability_form(seed, B, T, W):
    g = torch.Generator().manual_seed(seed)
    logits = torch.randn(B, T, W, generator=g, dtype=torch.float64) * 3
    target = torch.randint(0, 2, (B, T, W), generator=g).double()
    mask = torch.randint(0, 2, (B, T), generator=g).double()
    p = torch.sigmoid(logits)
    nats = F.binary_cross_entropy(p, target, reduction="none").sum(-1)
    expected = (nats * mask).sum(-1) / math.log(2)
    assert torch.allclose(cost_bits_per_sequence(logits, target, mask), expected)
    assert torch.allclose(cost_bits(logits, target, mask), expected.mean())
    wrong = ((p > 0.5) != (target == 1)).double().sum(-1)
    assert torch.equal(bit_errors_per_sequence(logits, target, mask).double(), (wrong * mask).sum(-1))


def test_confident_correct_logits_give_zero_errors_and_near_zero_cost():
    target = torch.randint(0, 2, (3, 7, 8)).float()
    logits = (2 * target - 1) * 30
    mask = torch.ones(3, 7)
    assert bit_errors(logits, target, mask).item() == 0
    assert cost_bits(logits, target, mask).item() < 1e-9


def test_cost_is_differentiable():
    logits = torch.zeros(2, 3, 4, requires_grad=True)
    cost_bits(logits, torch.ones(2, 3, 4), torch.ones(2, 3)).backward()
    # d/dz of -log2 sigmoid(z) at z=0 is -1/(2 ln 2), averaged over B=2 sequences.
    assert torch.allclose(logits.grad, torch.full_like(logits, -0.5 / math.log(2) / 2))


def test_optimal_estimator_cost_through_metrics():
    batch = NGramsTask(60).batch(5, torch.Generator().manual_seed(0))
    b = bits_from_batch(batch)
    logits = torch.logit(optimal_estimator(b).double())[..., None]
    cost = cost_bits_per_sequence(logits, batch.y.double(), batch.mask)
    assert torch.allclose(cost, optimal_cost_bits(b).double(), atol=1e-4)


@pytest.mark.parametrize(
    "shapes",
    [((2, 3, 4), (2, 3, 5), (2, 3)), ((2, 3, 4), (2, 3, 4), (2, 4)), ((2, 3), (2, 3), (2, 3))],
)
def test_shape_errors(shapes):
    lg, tg, mk = (torch.zeros(s) for s in shapes)
    for fn in (cost_bits, bit_errors, cost_bits_per_sequence, bit_errors_per_sequence):
        with pytest.raises(ValueError, match=r"\(B, T"):
            fn(lg, tg, mk)


def test_gradcheck_cost_in_float64_with_a_mask():
    g = torch.Generator().manual_seed(0)
    logits = torch.randn(2, 4, 3, generator=g, dtype=torch.float64, requires_grad=True)
    target = torch.randint(0, 2, (2, 4, 3), generator=g).double()
    mask = torch.tensor([[0, 1, 1, 0], [1, 1, 1, 1]], dtype=torch.float64)
    assert torch.autograd.gradcheck(lambda z: cost_bits_per_sequence(z, target, mask), (logits,))
    assert torch.autograd.gradcheck(lambda z: cost_bits(z, target, mask), (logits,))


def test_saturated_wrong_logits_cost_their_size_in_bits_with_finite_gradients():
    logits = torch.tensor([[[1e4, -1e4]]], requires_grad=True)
    target = torch.tensor([[[0.0, 1.0]]])
    cost = cost_bits(logits, target, torch.ones(1, 1))
    assert cost.item() == pytest.approx(2e4 / math.log(2), rel=1e-6)  # -log2 sigmoid(-z) = z / ln 2
    cost.backward()
    assert torch.isfinite(logits.grad).all()
    assert bit_errors(logits, target, torch.ones(1, 1)).item() == 2
