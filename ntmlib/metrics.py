"""Cost and error as the book defines them (docs/tasks.md; the paper reports cost in bits per
sequence, §4).

- cost: binary cross-entropy in bits (log base 2), summed over every target
  element of the steps that carry targets, averaged over the sequences;
- bit errors: target elements where ``sigmoid(logit) > 0.5`` disagrees with the
  target, i.e. ``(logit > 0) != (target > 0.5)``, averaged over sequences.

Both take logits ``(B, T, W)``, targets ``(B, T, W)`` and a mask ``(B, T)``.
"""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F

__all__ = ["cost_bits", "bit_errors", "cost_bits_per_sequence", "bit_errors_per_sequence"]

LN2 = math.log(2.0)


def _check(logits: torch.Tensor, target: torch.Tensor, mask: torch.Tensor) -> None:
    if logits.dim() != 3 or target.shape != logits.shape:
        raise ValueError(
            "expected logits and target of the same shape (B, T, W), got "
            f"logits {tuple(logits.shape)} and target {tuple(target.shape)}"
        )
    if mask.shape != logits.shape[:2]:
        raise ValueError(
            f"expected mask of shape (B, T) = {tuple(logits.shape[:2])}, got {tuple(mask.shape)}"
        )


def cost_bits_per_sequence(
    logits: torch.Tensor, target: torch.Tensor, mask: torch.Tensor
) -> torch.Tensor:
    """Cross-entropy in bits of each sequence, ``(B,)``; differentiable."""
    _check(logits, target, mask)
    # The logits form is numerically stable (no log of a saturated sigmoid).
    bce = F.binary_cross_entropy_with_logits(
        logits, target.to(logits.dtype), reduction="none"
    ).sum(dim=-1) / LN2
    # where, not multiply: unmasked steps may hold anything (even inf) without
    # leaking NaN into the sum.
    return torch.where(mask != 0, bce, torch.zeros_like(bce)).sum(dim=-1)


def bit_errors_per_sequence(
    logits: torch.Tensor, target: torch.Tensor, mask: torch.Tensor
) -> torch.Tensor:
    """Number of wrong target bits of each sequence, ``(B,)`` (float)."""
    _check(logits, target, mask)
    wrong = ((logits > 0) != (target > 0.5)).sum(dim=-1)
    return torch.where(mask != 0, wrong, torch.zeros_like(wrong)).sum(dim=-1).to(torch.float32)


def cost_bits(logits: torch.Tensor, target: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    """Cost per sequence in bits, averaged over the batch (scalar)."""
    return cost_bits_per_sequence(logits, target, mask).mean()


def bit_errors(logits: torch.Tensor, target: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    """Bit errors per sequence, averaged over the batch (scalar)."""
    return bit_errors_per_sequence(logits, target, mask).mean()
