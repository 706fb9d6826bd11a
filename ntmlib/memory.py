"""Memory (paper §3.1-3.2): blurry reads and writes through a weighting.

Memory is ``(B, N, M)``: N locations of width M. Weightings are ``(B, H, N)`` for H
heads at once. Reads and writes are convex or gated combinations of rows, so they are
differentiable in both the memory and the weightings.
"""
from __future__ import annotations

import torch


def read(memory: torch.Tensor, weighting: torch.Tensor) -> torch.Tensor:
    """Read vectors r = sum_i w(i) M(i) (eq. 2).

    memory ``(B, N, M)``, weighting ``(B, H, N)`` -> ``(B, H, M)``; a ``(B, N)``
    weighting gives ``(B, M)``.
    """
    return weighting @ memory if weighting.dim() == 3 else (weighting.unsqueeze(-2) @ memory).squeeze(-2)


def erase(memory: torch.Tensor, weighting: torch.Tensor, erase_vector: torch.Tensor) -> torch.Tensor:
    """Erased memory M~(i) = M(i) * (1 - w(i) e) (eq. 3), for all H write heads.

    weighting ``(B, H, N)``, erase_vector ``(B, H, M)`` with entries in (0, 1). With
    several heads the erase factors multiply, so their order does not matter (§3.2).
    """
    keep = 1 - weighting.unsqueeze(-1) * erase_vector.unsqueeze(-2)  # (B, H, N, M)
    return memory * keep.prod(dim=1)


def add(memory: torch.Tensor, weighting: torch.Tensor, add_vector: torch.Tensor) -> torch.Tensor:
    """Memory after adding, M(i) = M~(i) + w(i) a (eq. 4), summed over the H write heads.

    weighting ``(B, H, N)``, add_vector ``(B, H, M)``: the sum over heads is the
    batched product ``w^T a``.
    """
    return memory + weighting.transpose(-1, -2) @ add_vector


def write(memory, weighting, erase_vector, add_vector) -> torch.Tensor:
    """A whole write: erase (eq. 3) then add (eq. 4)."""
    return add(erase(memory, weighting, erase_vector), weighting, add_vector)
