"""ntmlib.analysis.ngrams (chapter 10) and eq. 10 with shorter contexts
(ntmlib.tasks.optimal_estimator's ``order``)."""
import numpy as np
import pytest
import torch

from ntmlib import analysis
from ntmlib.tasks import NGramsTask, optimal_cost_bits, optimal_estimator
from ntmlib.tasks.ngrams import sequence_cost_bits


def test_ngram_contexts_follow_the_optimal_estimator():
    bits = torch.tensor([1, 0, 0, 1, 0, 1, 1, 0, 0, 1, 0, 1, 1])
    contexts = analysis.ngram_contexts(bits)
    assert list(contexts[:5]) == [-1] * 5
    assert analysis.context_string(contexts[5]) == "10010"  # b[0..4], oldest first
    assert analysis.context_string(contexts[12]) == "00101"  # b[7..11]
    # Eq. 10 at every step counts what followed the earlier occurrences of its context.
    long = NGramsTask(80).batch(1, torch.Generator().manual_seed(3)).y[0, :, 0]
    contexts = analysis.ngram_contexts(long)
    p = optimal_estimator(long[None])[0]
    repeated = 0
    for j in range(5, len(long)):
        earlier = [k for k in range(5, j) if contexts[k] == contexts[j]]
        ones = sum(int(long[k]) for k in earlier)
        assert p[j].item() == pytest.approx((ones + 0.5) / (len(earlier) + 1))
        repeated += bool(earlier)
    assert repeated > 20


def test_shorter_contexts_generalise_eq_10():
    bits = NGramsTask(60).batch(4, torch.Generator().manual_seed(1)).y[..., 0]
    assert torch.allclose(optimal_estimator(bits, 5), optimal_estimator(bits))
    assert torch.allclose(sequence_cost_bits(bits, optimal_estimator(bits, 5)), optimal_cost_bits(bits))
    # Order 0: the running share of ones, smoothed by a half-count of each outcome.
    p0 = optimal_estimator(bits, 0)
    ones_before = torch.cumsum(bits, dim=1) - bits
    t = torch.arange(bits.shape[1], dtype=torch.float32)
    assert torch.allclose(p0, (ones_before + 0.5) / (t + 1.0))
    # Order 1 at step t counts only the steps that followed the same previous bit.
    p1 = optimal_estimator(bits, 1)[0]
    b = bits[0]
    for step in (1, 10, 59):
        same = [k for k in range(1, step) if b[k - 1] == b[step - 1]]
        ones = sum(float(b[k]) for k in same)
        assert p1[step].item() == pytest.approx((ones + 0.5) / (len(same) + 1))
    assert optimal_estimator(bits, 3)[:, :3].eq(0.5).all()
    with pytest.raises(ValueError):
        optimal_estimator(bits[0], 2)
    for order in (-1, 17):
        with pytest.raises(ValueError, match="order"):
            optimal_estimator(bits, order)
    for order in (2.0, True):  # not integers: the one validator's TypeError
        with pytest.raises(TypeError, match="order"):
            optimal_estimator(bits, order)


def test_context_locations_counts_and_consistency():
    T, N = 8, 4
    contexts = np.array([-1, -1, 3, 5, 3, 5, 3, 7])
    weightings = np.zeros((T, N))
    location = {3: 1, 5: 2, 7: 0}
    for t, c in enumerate(contexts):
        weightings[t, location.get(c, 3)] = 1.0
    weightings[6] = 0
    weightings[6, 0] = 1.0  # context 3 once elsewhere
    counts = analysis.context_locations(weightings, contexts)
    assert counts.shape == (32, N) and counts.sum() == 6
    assert counts[3].tolist() == [1, 2, 0, 0] and counts[5].tolist() == [0, 0, 2, 0]
    assert analysis.context_consistency(counts) == pytest.approx(5 / 6)
    # Delay 1: the step after each context; batched input gives the same counts.
    delayed = analysis.context_locations(weightings[None, :, None, :], contexts[None], delay=1)
    assert delayed.sum() == 5  # the last step has no successor
    assert np.isnan(analysis.context_consistency(np.zeros((32, N))))
