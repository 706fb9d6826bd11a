"""The dynamic N-grams task (paper §4.4, docs/tasks.md) and its optimal estimator (eq. 10)."""

import math

import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st

from ntmlib.tasks import (NGRAMS_VALIDATION_SIZE, NGramsTask, bits_from_batch, optimal_cost_bits,
                          optimal_estimator, sample_beta_half)
from test_tasks import FAST, gen  # the task tests' settings and seeded generator


# ---------------------------------------------------------------- N-grams (§4.4)


def test_ngrams_encoding():
    batch = NGramsTask().batch(8, gen(0))
    x, y, mask = batch
    assert x.shape == y.shape == (8, 200, 1)
    b = bits_from_batch(batch)
    assert torch.equal(b, y[..., 0]) and set(b.unique().tolist()) <= {0.0, 1.0}
    assert not x[:, 0].any()  # nothing seen yet
    assert torch.equal(x[:, 1:, 0], b[:, :-1])  # input[t] = b[t-1]
    assert mask.eq(1).all()  # every step predicts the next bit
    assert NGramsTask.bits(batch).equal(b) and NGramsTask().bits(batch).equal(b)
    assert NGRAMS_VALIDATION_SIZE == 1000


def test_ngrams_short_lengths():
    for T in (1, 3, 5, 6):
        x, y, mask = NGramsTask(T).batch(2, gen())
        assert x.shape == (2, T, 1) and torch.equal(x[:, 1:, 0], y[:, :-1, 0])


def test_ngrams_sequences_follow_a_table():
    # Fair coin flips cost 200 bits under the optimal estimator; 6-gram data with
    # Beta(1/2, 1/2) tables is far more predictable (paper Fig. 13: about 130).
    b = bits_from_batch(NGramsTask().batch(200, gen(1)))
    cost = optimal_cost_bits(b).mean().item()
    assert 120 < cost < 150
    coin = torch.randint(0, 2, (200, 200), generator=gen(2)).float()
    assert optimal_cost_bits(coin).mean().item() > 200


def test_beta_half_sampler_is_arcsine():
    s = sample_beta_half(200_000, generator=gen(0))
    assert ((s >= 0) & (s <= 1)).all()
    assert s.mean().item() == pytest.approx(0.5, abs=0.005)
    assert s.var().item() == pytest.approx(1 / 8, abs=0.003)  # Beta(a, b) var: ab/((a+b)^2(a+b+1))
    for q in (0.05, 0.25, 0.5, 0.9):  # CDF of Beta(1/2, 1/2): (2/pi) arcsin(sqrt(q))
        assert (s <= q).float().mean().item() == pytest.approx(
            2 / math.pi * math.asin(math.sqrt(q)), abs=0.005
        )


def test_optimal_estimator_hand_cases():
    # All zeros: context 00000 is seen with outcome 0 at t=5, 6, ...
    p = optimal_estimator(torch.zeros(1, 8))
    assert p[0].tolist() == pytest.approx([0.5] * 6 + [0.5 / 2, 0.5 / 3])
    # 00000 -> 1 at t=5; contexts 00001, 00010, 00100, 01000, 10000 are new at
    # t=6..10; at t=11 the context is 00000 again: N1=1, N0=0 -> 1.5/2.
    b = torch.tensor([[0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 1]], dtype=torch.float32)
    assert optimal_estimator(b)[0].tolist() == pytest.approx([0.5] * 11 + [0.75])
    cost = optimal_cost_bits(torch.zeros(1, 8))
    assert cost.tolist() == pytest.approx([6 - math.log2(0.75) - math.log2(5 / 6)])


def _reference_estimator(bits):
    """Eq. 10 with an explicit table of counts, one sequence at a time."""
    out = []
    for seq in bits.tolist():
        counts, row = {}, []
        for t, bit in enumerate(seq):
            if t < 5:
                row.append(0.5)
                continue
            c = tuple(seq[t - 5 : t])
            n0, n1 = counts.get(c, (0, 0))
            row.append((n1 + 0.5) / (n0 + n1 + 1))
            counts[c] = (n0 + (bit == 0), n1 + (bit == 1))
        out.append(row)
    return torch.tensor(out)


@FAST
@given(seed=st.integers(0, 2**31), T=st.integers(1, 60))
def test_optimal_estimator_matches_reference(seed, T):
    # Low-entropy bits so that contexts repeat often.
    bits = (torch.rand(3, T, generator=gen(seed)) < 0.2).float()
    assert torch.allclose(optimal_estimator(bits), _reference_estimator(bits).float())


def test_optimal_estimator_rejects_bad_shapes():
    with pytest.raises(ValueError, match=r"\(B, T\)"):
        optimal_estimator(torch.zeros(2, 5, 1))
    with pytest.raises(ValueError, match=r"\(B, T\)"):
        optimal_cost_bits(torch.zeros(5))
    with pytest.raises(TypeError, match=r"expected bits as a torch.Tensor of shape \(B, T\), got list"):
        optimal_estimator([[0, 1, 1]])
