"""Small array helpers that the analyses and the book's figures share."""
from __future__ import annotations

import numpy as np
import torch

__all__ = ["to_numpy", "sigmoid", "circular_run", "used_locations"]


def to_numpy(value) -> np.ndarray:
    """A float64 numpy array from a tensor (any device or dtype, with or without grad) or an
    array-like. Float32 values convert exactly; bfloat16 and integer tensors are widened."""
    if isinstance(value, torch.Tensor):
        value = value.detach().to("cpu", torch.float64).numpy()
    return np.asarray(value, dtype=float)


def sigmoid(x: np.ndarray) -> np.ndarray:
    """The logistic function of a numpy array, ``1 / (1 + exp(-x))`` without overflow warnings."""
    return 0.5 * (1.0 + np.tanh(0.5 * x))


def circular_run(used, n: int) -> tuple[int, int]:
    """The shortest run of a circular memory of ``n`` locations that covers every location
    in ``used`` (sorted, distinct, at least one): ``(start, length)``. The run leaves out
    the largest gap between consecutive used locations, so 126, 127, 0, 1 give (126, 4)."""
    gaps = np.diff(np.concatenate([used, [used[0] + n]]))
    k = int(np.argmax(gaps))
    return int(used[(k + 1) % len(used)]), n - int(gaps[k]) + 1


def used_locations(weightings, *, threshold: float = 0.05, pad: int = 1) -> np.ndarray:
    """The memory locations a figure needs to show, in order.

    ``weightings`` is ``(T, N)`` or ``(T, H, N)`` (any number of heads, read
    and write together). A location counts as used when some head puts at
    least ``threshold`` of its weight on it at some step. Memory is circular
    (eq. 8 shifts modulo N), so the result is the shortest circular run of
    locations that covers every used one, widened by ``pad`` on both sides:
    a head that walks from location 120 past 127 to 5 gives 119, ..., 127,
    0, ..., 6. All N locations when the run would cover most of them anyway.
    """
    w = to_numpy(weightings)
    n = w.shape[-1]
    peak = w.reshape(-1, n).max(axis=0)
    used = np.nonzero(peak >= threshold)[0]
    if len(used) == 0:
        used = np.array([int(np.argmax(peak))])
    start, length = circular_run(used, n)
    start, length = start - pad, length + 2 * pad
    if length >= 0.85 * n:
        return np.arange(n)
    return (start + np.arange(length)) % n
