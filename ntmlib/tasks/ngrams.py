"""The dynamic N-grams task (paper §4.4; wire format: docs/tasks.md, "dynamic N-grams").

Each sequence gets its own 6-gram table: 32 probabilities P(next bit = 1 |
previous 5 bits), drawn from Beta(1/2, 1/2).  b[0..4] are fair coin flips and
b[t] ~ Bernoulli(table[b[t-5..t-1]]) after that.  The network sees the previous
bit (input[0] = 0, input[t] = b[t-1]) and predicts b[t] on every step.

The Bayes-optimal predictor (paper eq. 10) is :func:`optimal_estimator`; its
cost (:func:`optimal_cost_bits`) is the floor of the learning curves (Fig. 13).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch
import torch.nn.functional as F

from ..validation import check_int
from .base import Batch, Task

__all__ = [
    "NGramsTask",
    "NGRAMS_VALIDATION_SIZE",
    "CONTEXT_BITS",
    "sample_beta_half",
    "optimal_estimator",
    "optimal_cost_bits",
    "contexts",
    "sequence_cost_bits",
    "bits_from_batch",
]

#: Paper §4.4: "a validation set of 1000 length 200 sequences".
NGRAMS_VALIDATION_SIZE = 1000
#: A 6-gram predicts from the previous 5 bits, so 2**5 = 32 contexts.
CONTEXT_BITS = 5
NUM_CONTEXTS = 2**CONTEXT_BITS


def sample_beta_half(*shape: int, generator: torch.Generator | None = None) -> torch.Tensor:
    """Samples of Beta(1/2, 1/2) by inverse-CDF sampling from ``generator``.

    ``torch.distributions.Beta`` cannot take a generator, so we invert the CDF
    by hand.  Beta(1/2, 1/2) is the arcsine distribution: its density is
    1 / (pi sqrt(x (1 - x))) and its CDF is F(x) = (2/pi) arcsin(sqrt(x)).
    Solving F(x) = u gives x = sin^2(pi u / 2), so with U ~ Uniform(0, 1),
    sin^2(pi U / 2) ~ Beta(1/2, 1/2) (mean 1/2, variance 1/8; tested).
    """
    u = torch.rand(*shape, generator=generator)
    return torch.sin(0.5 * math.pi * u) ** 2


def _check_bits(bits: torch.Tensor) -> torch.Tensor:
    """``bits`` itself if it is a tensor of shape (B, T); TypeError or ValueError otherwise."""
    if not isinstance(bits, torch.Tensor):
        raise TypeError(f"expected bits as a torch.Tensor of shape (B, T), got {type(bits).__name__}")
    if bits.dim() != 2:
        raise ValueError(f"expected bits of shape (B, T), got {tuple(bits.shape)}")
    return bits


def contexts(bits: torch.Tensor, order: int = CONTEXT_BITS) -> torch.Tensor:
    """(B, T) long: at step t >= order the integer whose binary digits are
    b[t-order] .. b[t-1] (b[t-1] least significant); 0 for t < order (unused)."""
    B, T = bits.shape
    ctx = torch.zeros(B, T, dtype=torch.long, device=bits.device)
    if T > order:
        b = bits.long()
        for i in range(1, order + 1):  # shifted views, not a loop over time
            ctx[:, order:] += b[:, order - i : T - i] << (i - 1)
    return ctx


def optimal_estimator(bits: torch.Tensor, order: int = CONTEXT_BITS) -> torch.Tensor:
    """Paper eq. 10, batched: P(b[t] = 1 | b[0..t-1]) for every step.

    ``bits``: ``(B, T)`` 0/1 sequence b.  Returns ``(B, T)``: 1/2 for t < 5,
    else (N1 + 1/2) / (N1 + N0 + 1) where N1, N0 count the ones and zeros that
    followed the same 5-bit context at earlier steps of the same sequence.

    ``order`` counts contexts of that many bits instead of five (0 to 16): the same rule
    with a shorter memory, a yardstick for what a predictor has learned (``order=0``
    counts the ones and zeros of the whole sequence so far). Only ``order=5`` is optimal.
    """
    bits = _check_bits(bits).to(torch.float32)
    if check_int("order", order, 0) > 16:
        raise ValueError(f"expected order <= 16 (2**order contexts), got {order}")
    B, T = bits.shape
    ctx = contexts(bits, order)
    valid = (torch.arange(T, device=bits.device) >= order).to(bits.dtype)
    # One-hot of each step's context (zero where there is no context yet).
    onehot = F.one_hot(ctx, 2**order).to(bits.dtype) * valid[None, :, None]
    ones = onehot * bits[..., None]
    zeros = onehot - ones
    # Exclusive running counts: what had been seen *before* step t.
    n1_all = torch.cumsum(ones, dim=1) - ones
    n0_all = torch.cumsum(zeros, dim=1) - zeros
    n1 = n1_all.gather(2, ctx[..., None]).squeeze(-1)
    n0 = n0_all.gather(2, ctx[..., None]).squeeze(-1)
    # With no context (t < order) both counts are 0 and the formula gives 1/2.
    return (n1 + 0.5) / (n1 + n0 + 1.0)


def optimal_cost_bits(bits: torch.Tensor) -> torch.Tensor:
    """Cost of the optimal estimator per sequence, ``(B,)``, in bits:
    -sum_t log2 P(b[t]) with P from :func:`optimal_estimator`."""
    bits = _check_bits(bits).to(torch.float32)
    return sequence_cost_bits(bits, optimal_estimator(bits))  # never log 0: counts are smoothed by 1/2


def sequence_cost_bits(bits, p_one) -> torch.Tensor:
    """Cost in bits of each sequence, ``(B,)``, of the predictions ``p_one`` = P(b[t] = 1)
    for the bits ``(B, T)``: -sum_t log2 P(b[t])."""
    b = torch.as_tensor(bits, dtype=torch.float32)
    p = torch.as_tensor(p_one, dtype=torch.float32)
    return -torch.log2(torch.where(b > 0.5, p, 1.0 - p)).sum(dim=1)


def bits_from_batch(batch: Batch) -> torch.Tensor:
    """The bit sequence b ``(B, T)`` of an N-grams batch (its targets)."""
    return batch.y[..., 0]


@dataclass(frozen=True)
class NGramsTask(Task, name="ngrams", input_width=1, output_width=1):
    """Dynamic N-grams: sequences of ``length`` (paper: 200) bits."""

    length: int = 200

    #: ``task.bits(batch)``: the bit sequence b of a batch (:func:`bits_from_batch`).
    bits = staticmethod(bits_from_batch)

    def __post_init__(self):
        check_int("length", self.length, 1)

    def generate(self, batch_size, generator):
        """Bits from a 6-gram table drawn for each sequence; each step's input is the
        previous bit, its target the next (docs/tasks.md, "dynamic N-grams")."""
        B, T = batch_size, self.length
        table = sample_beta_half(B, NUM_CONTEXTS, generator=generator)
        # Bernoulli(p) is [u < p]; drawing every u up front keeps one RNG call.
        u = torch.rand(B, T, generator=generator)
        b = torch.zeros(B, T)
        k = min(CONTEXT_BITS, T)
        b[:, :k] = (u[:, :k] < 0.5).float()  # footnote 4: the first 5 bits are fair
        ctx = torch.zeros(B, dtype=torch.long)
        for i in range(k):
            ctx = (ctx << 1) | b[:, i].long()
        for t in range(CONTEXT_BITS, T):  # sequential in time, vectorised over the batch
            p = table.gather(1, ctx[:, None]).squeeze(1)
            b[:, t] = (u[:, t] < p).float()
            ctx = ((ctx << 1) & (NUM_CONTEXTS - 1)) | b[:, t].long()
        x = torch.zeros(B, T, 1)
        x[:, 1:, 0] = b[:, :-1]  # input[t] = b[t-1], input[0] = 0
        y = b[..., None].clone()
        mask = torch.ones(B, T)
        return Batch(x, y, mask)

    def describe(self):
        return (
            f"ngrams (paper §4.4): {self.length} bits from a random 6-gram table "
            f"(32 probabilities ~ Beta(1/2, 1/2)), input width 1, output width 1"
        )
