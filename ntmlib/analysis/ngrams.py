"""Dynamic N-grams (paper §4.4): the contexts of a bit sequence, the cost of a predictor,
and how the 32 contexts map to memory locations (the question behind Fig. 15).

The yardsticks of a predictor are :func:`ntmlib.tasks.optimal_estimator` (eq. 10) and the
same rule with shorter contexts (its ``order`` argument)."""
from __future__ import annotations

import numpy as np
import torch

from ..tasks.ngrams import CONTEXT_BITS, contexts
from .arrays import to_numpy

__all__ = ["context_consistency", "context_locations", "context_string", "ngram_contexts"]


def ngram_contexts(bits) -> np.ndarray:
    """The 5-bit context of every step of a bit sequence ``(T,)``: at step t >= 5 the
    integer whose binary digits, most significant first, are b[t-5] .. b[t-1] (what the
    network has seen when it predicts b[t]); -1 for t < 5, where there is no context.

    The numbering of :func:`ntmlib.tasks.ngrams.contexts`, which
    :func:`ntmlib.tasks.optimal_estimator` counts by, so ``context_string(c)`` reads the
    five bits in the order they arrived.
    """
    numbers = contexts(torch.as_tensor(to_numpy(bits)).reshape(1, -1))[0].numpy()
    numbers[:CONTEXT_BITS] = -1
    return numbers


def context_string(context: int) -> str:
    """``'00010'``: the five bits of a context, oldest first."""
    return format(int(context), f"0{CONTEXT_BITS}b")


def context_locations(weightings, contexts, *, head: int = 0, delay: int = 0) -> np.ndarray:
    """How often each context led a head to each location: ``counts[c, i]`` is the
    number of steps t with context ``c`` whose weighting at step ``t + delay`` has its
    maximum at location ``i``.

    ``weightings``: ``(T, N)`` or ``(T, H, N)`` (``head`` picks one) of one sequence or
    ``(B, T, H, N)`` with ``contexts`` ``(B, T)`` for several; ``contexts`` from
    :func:`ngram_contexts` (steps with -1 are skipped). ``delay=0`` for the read that
    predicts b[t], ``delay=1`` for the write one step later, when b[t] has been seen.
    """
    w = to_numpy(weightings)
    c = np.asarray(contexts, dtype=int)
    if w.ndim == 4:
        w = w[:, :, head]
    elif w.ndim == 3 and c.ndim == 1:
        w = w[:, head]
    if w.ndim == 2:
        w, c = w[None], c[None]
    if w.shape[:2] != c.shape:
        raise ValueError(f"weightings {w.shape[:2]} and contexts {c.shape} cover different steps")
    n = w.shape[-1]
    counts = np.zeros((2 ** CONTEXT_BITS, n), dtype=int)
    peak = w.argmax(axis=-1)
    T = c.shape[1]
    for b in range(c.shape[0]):
        for t in range(T - delay):
            if c[b, t] >= 0:
                counts[c[b, t], peak[b, t + delay]] += 1
    return counts


def context_consistency(counts: np.ndarray) -> float:
    """The share of steps at which a context sent the head to that context's most usual
    location (counts from :func:`context_locations`): 1.0 means every context has one
    location of its own, every time it occurs."""
    counts = np.asarray(counts)
    total = counts.sum()
    return float(counts.max(axis=1).sum() / total) if total else float("nan")
