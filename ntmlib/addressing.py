"""Addressing (paper §3.3, Figure 2): how a head turns its parameters into a weighting.

Every function is batched over any leading dimensions: weightings are ``(..., N)``,
keys ``(..., M)``, memory ``(B, N, M)``. A head's pipeline is

    content focus (eq. 5-6) -> interpolation (eq. 7) -> convolutional shift (eq. 8)
    -> sharpening (eq. 9)

and :func:`address` composes the four stages. Each stage maps weightings (non-negative,
summing to 1 over the N locations, eq. 1) to weightings.
"""
from __future__ import annotations

import torch

from .validation import check_int

# Keeps norms and logarithms finite at a zero key, zero memory or a zero weight.
EPS = 1e-8


def eps_for(dtype: torch.dtype) -> float:
    """:data:`EPS`, or the smallest normal number of ``dtype`` where EPS would underflow
    (float16: 6.1e-5), so that the smoothing still keeps norms and logarithms finite."""
    return max(EPS, torch.finfo(dtype).tiny)


def cosine_similarity(key: torch.Tensor, memory: torch.Tensor) -> torch.Tensor:
    """Cosine similarity K[k, M(i)] between keys and every memory row (eq. 6).

    key: ``(B, H, M)`` (H heads) or ``(B, M)``; memory: ``(B, N, M)``.
    Returns ``(B, H, N)`` or ``(B, N)``. A zero key or a zero row gives similarity 0
    rather than NaN: the norms are smoothed as ``sqrt(|x|^2 + EPS)`` (:func:`eps_for`).
    """
    single = key.dim() == memory.dim() - 1
    if single:
        key = key.unsqueeze(-2)
    dots = key @ memory.transpose(-1, -2)  # (B, H, N)
    eps = eps_for(memory.dtype)
    key_norm = (key.pow(2).sum(-1, keepdim=True) + eps).sqrt()  # (B, H, 1)
    row_norm = (memory.pow(2).sum(-1) + eps).sqrt().unsqueeze(-2)  # (B, 1, N)
    similarity = dots / (key_norm * row_norm)
    return similarity.squeeze(-2) if single else similarity


def content_focus(key: torch.Tensor, beta: torch.Tensor, memory: torch.Tensor) -> torch.Tensor:
    """Content weighting w^c = softmax_i(beta * K[k, M(i)]) (eq. 5).

    beta: key strength >= 0, shaped like ``key`` without its last dimension (or
    broadcastable to it). beta = 0 gives the uniform weighting; a large beta focuses on
    the most similar row. The softmax is computed stably for any beta.
    """
    similarity = cosine_similarity(key, memory)
    return torch.softmax(beta.unsqueeze(-1) * similarity, dim=-1)


def interpolate(content: torch.Tensor, previous: torch.Tensor, gate: torch.Tensor) -> torch.Tensor:
    """Gated weighting w^g = g w^c + (1 - g) w_{t-1} (eq. 7); gate g in (0, 1)."""
    gate = gate.unsqueeze(-1)
    return gate * content + (1 - gate) * previous


def shift_offsets(max_shift: int) -> range:
    """The allowed integer shifts -max_shift..+max_shift (eq. 8), in the order of the
    entries of a shift distribution ``s``."""
    max_shift = check_int("max_shift", max_shift, 0)
    return range(-max_shift, max_shift + 1)


def convolve_shift(weighting: torch.Tensor, shift: torch.Tensor) -> torch.Tensor:
    """Circular convolution w~(i) = sum_j w^g(j) s(i - j), indices mod N (eq. 8).

    shift: ``(..., 2k+1)``, a distribution over the offsets -k..+k (see
    :func:`shift_offsets`). An offset of +1 moves a focus from location i to i+1. The
    loop runs over the 2k+1 offsets, not over the memory.
    """
    width = shift.shape[-1]
    if width % 2 != 1:
        raise ValueError(f"shift distribution needs an odd width 2k+1, got {width}")
    max_shift = width // 2
    if width > weighting.shape[-1]:
        raise ValueError(f"shift range -{max_shift}..{max_shift} is wider than the N={weighting.shape[-1]} locations")
    shifted = torch.zeros_like(weighting)
    for index, offset in enumerate(shift_offsets(max_shift)):
        # torch.roll by +1 sends element i to i+1: exactly a shift of +1.
        shifted = shifted + shift[..., index : index + 1] * torch.roll(weighting, offset, dims=-1)
    return shifted


def scalar_shift_distribution(position: torch.Tensor, max_shift: int) -> torch.Tensor:
    """The paper's scalar-shift variant (§3.3.2) as a distribution over -k..+k.

    A scalar x in [-k, k] is the lower bound of a width-one uniform distribution over
    shifts, so its mass splits between floor(x) and floor(x) + 1 in proportion to the
    fractional part: x = 6.7 gives s(6) = 0.3 and s(7) = 0.7. Written as the triangle
    ``max(0, 1 - |x - offset|)``, which is that split and is differentiable in x.
    """
    offsets = torch.arange(-max_shift, max_shift + 1, dtype=position.dtype, device=position.device)
    return torch.clamp(1 - (position.unsqueeze(-1) - offsets).abs(), min=0)


def sharpen(weighting: torch.Tensor, gamma: torch.Tensor) -> torch.Tensor:
    """Sharpened weighting w(i) = w~(i)^gamma / sum_j w~(j)^gamma (eq. 9), gamma >= 1.

    Computed as ``softmax(gamma * log(w~ + EPS))``: the same function, but powers of
    small weights no longer underflow to 0/0 (NaN) when gamma is large.
    """
    return torch.softmax(gamma.unsqueeze(-1) * torch.log(weighting + eps_for(weighting.dtype)), dim=-1)


def address(
    memory: torch.Tensor,
    previous: torch.Tensor,
    key: torch.Tensor,
    beta: torch.Tensor,
    gate: torch.Tensor,
    shift: torch.Tensor,
    gamma: torch.Tensor,
) -> torch.Tensor:
    """The whole addressing pipeline of Figure 2, from head parameters to a weighting.

    memory ``(B, N, M)``; previous ``(B, H, N)``; key ``(B, H, M)``; beta, gate, gamma
    ``(B, H)``; shift ``(B, H, 2k+1)``. Returns the new weighting ``(B, H, N)``.
    """
    return address_stages(memory, previous, key, beta, gate, shift, gamma)["sharpened"]


def address_stages(memory, previous, key, beta, gate, shift, gamma) -> dict[str, torch.Tensor]:
    """Like :func:`address`, returning every intermediate weighting of Figure 2 by name:
    ``content``, ``gated``, ``shifted``, ``sharpened`` (for the book's explorers)."""
    content = content_focus(key, beta, memory)
    gated = interpolate(content, previous, gate)
    shifted = convolve_shift(gated, shift)
    sharpened = sharpen(shifted, gamma)
    return {"content": content, "gated": gated, "shifted": shifted, "sharpened": sharpened}
