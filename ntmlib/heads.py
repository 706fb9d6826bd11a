"""Heads (paper §3.3-3.4): from a controller output to each head's parameters.

Every head emits the addressing parameters of Figure 2: a key k (eq. 5), a key
strength beta (eq. 5), an interpolation gate g (eq. 7), a shift distribution s
(eq. 8) and a sharpening exponent gamma (eq. 9). A write head also emits an erase
vector e (eq. 3) and an add vector a (eq. 4).

All heads of an NTM share ONE linear projection from the controller output (one fused
layer is faster than a layer per head), and every head is addressed in one batched
call. Read heads come first: head index h < R reads, h >= R writes.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

import torch
import torch.nn.functional as F
from torch import nn

from .addressing import scalar_shift_distribution
from .validation import check_choice, check_int, check_positive

SHIFT_MODES = ("distribution", "scalar")


def check_head_counts(num_read, num_write) -> tuple[int, int]:
    """Head counts as ints: integers >= 0 (not bools), at least one head in all."""
    num_read, num_write = check_int("num_read_heads", num_read, 0), check_int("num_write_heads", num_write, 0)
    if num_read + num_write == 0:
        raise ValueError("need at least one head: num_read_heads and num_write_heads are both 0")
    return num_read, num_write


def _check_fixed(name: str, value, low: float, high: float) -> float | None:
    """None (learned) or a number in [low, high]; ValueError otherwise (NaN included)."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not low <= value <= high:
        raise ValueError(f"{name} must be None (learned) or a number in [{low}, {high}], got {value!r}")
    return float(value)


class HeadParameters(NamedTuple):
    """Activated head parameters for all H = R + W heads (W write heads)."""

    key: torch.Tensor  # (B, H, M), unconstrained: cosine similarity ignores its scale (eq. 5-6)
    beta: torch.Tensor  # (B, H), softplus: key strength >= 0 (eq. 5)
    gate: torch.Tensor  # (B, H), sigmoid: in (0, 1) (eq. 7)
    shift: torch.Tensor  # (B, H, 2k+1), softmax (or the scalar variant's triangle) (eq. 8)
    gamma: torch.Tensor  # (B, H), 1 + softplus: >= 1 (eq. 9)
    erase: torch.Tensor  # (B, W, M), sigmoid: in (0, 1) (eq. 3)
    add: torch.Tensor  # (B, W, M), unconstrained: a in R^M (eq. 4)


class HeadBank(nn.Module):
    """R read heads and W write heads behind one fused projection.

    ``forward(controller_output)`` returns :class:`HeadParameters`. With
    ``shift_mode="scalar"`` each head emits one number x = k tanh(raw) in [-k, k],
    read as the paper's width-one uniform shift (§3.3.2).

    Ablations: ``fixed_gate`` or ``fixed_gamma`` (None: learned) replaces the gate g
    or the sharpening exponent gamma of every head by a constant, and the projection
    stops emitting it; ``fixed_gate=1.0`` is content addressing without interpolation
    (eq. 7), ``fixed_gamma=1.0`` is no sharpening (eq. 9). ``max_shift=0`` removes
    the shift (eq. 8 becomes the identity).
    """

    def __init__(self, controller_size: int, memory_width: int, num_read: int, num_write: int,
                 max_shift: int = 1, shift_mode: str = "distribution", fixed_gate: float | None = None,
                 fixed_gamma: float | None = None):
        super().__init__()
        num_read, num_write = check_head_counts(num_read, num_write)
        controller_size, memory_width = check_positive(controller_size=controller_size,
                                                       memory_width=memory_width).values()
        max_shift = check_int("max_shift", max_shift, 0)
        check_choice("shift_mode", shift_mode, SHIFT_MODES)
        self.fixed_gate = _check_fixed("fixed_gate", fixed_gate, 0.0, 1.0)
        self.fixed_gamma = _check_fixed("fixed_gamma", fixed_gamma, 1.0, float("inf"))
        self.num_read, self.num_write = num_read, num_write
        self.memory_width, self.max_shift, self.shift_mode = memory_width, max_shift, shift_mode
        shift_width = 2 * max_shift + 1 if shift_mode == "distribution" else 1
        # Per head: key (M), beta, gate, shift, gamma (a fixed gate or gamma takes no outputs).
        self.addressing_sizes = (memory_width, 1, int(fixed_gate is None), shift_width, int(fixed_gamma is None))
        self.addressing_width = sum(self.addressing_sizes)
        heads = num_read + num_write
        self.projection = nn.Linear(controller_size, heads * self.addressing_width + 2 * num_write * memory_width)

    def extra_repr(self) -> str:
        fixed = [f"{name}={getattr(self, name)}" for name in ("fixed_gate", "fixed_gamma") if getattr(self, name) is not None]
        return ", ".join([f"read={self.num_read}, write={self.num_write}, max_shift={self.max_shift}",
                          f"shift_mode={self.shift_mode!r}", *fixed])

    @property
    def num_heads(self) -> int:
        """H = R + W, read heads and write heads together."""
        return self.num_read + self.num_write

    def split(self, raw: torch.Tensor) -> HeadParameters:
        """The projection's raw output ``(B, width)`` cut into every head's slices, before
        any activation (a fixed gate or gamma has an empty slice)."""
        batch, heads, width = raw.shape[0], self.num_heads, self.memory_width
        addressing, vectors = raw.split([heads * self.addressing_width, 2 * self.num_write * width], dim=-1)
        key, beta, gate, shift, gamma = addressing.view(batch, heads, -1).split(self.addressing_sizes, dim=-1)
        erase, add = vectors.view(batch, 2, self.num_write, width).unbind(1)
        return HeadParameters(key, beta.squeeze(-1), gate.squeeze(-1), shift, gamma.squeeze(-1), erase, add)

    def forward(self, controller_output: torch.Tensor) -> HeadParameters:
        """Every head's parameters from the controller output ``(B, controller_size)``, each
        squashed into the range its equation needs (see :class:`HeadParameters`)."""
        raw = self.split(self.projection(controller_output))
        batch, heads = raw.beta.shape
        if self.shift_mode == "distribution":
            shift = torch.softmax(raw.shift, dim=-1)
        else:
            shift = scalar_shift_distribution(self.max_shift * torch.tanh(raw.shift.squeeze(-1)), self.max_shift)
        return HeadParameters(
            key=raw.key,
            beta=F.softplus(raw.beta),
            gate=torch.sigmoid(raw.gate) if self.fixed_gate is None else raw.beta.new_full((batch, heads), self.fixed_gate),
            shift=shift,
            gamma=1 + F.softplus(raw.gamma) if self.fixed_gamma is None else raw.beta.new_full((batch, heads), self.fixed_gamma),
            erase=torch.sigmoid(raw.erase),
            add=raw.add,
        )


def _check_heads(heads) -> tuple[int, ...] | None:
    if heads is None:
        return None
    expected = "heads must be None (every head) or a non-empty sequence of head indices (read heads first)"
    if isinstance(heads, (str, bytes, bool)) or not hasattr(heads, "__iter__"):
        raise TypeError(f"{expected}, got {heads!r}")
    heads = tuple(heads)
    if not heads or any(isinstance(h, bool) or not isinstance(h, int) or h < 0 for h in heads):
        raise ValueError(f"{expected}, got {heads!r}")
    return heads


@dataclass(frozen=True)
class Intervention:
    """Mechanisms switched off in a trained model while it runs (no retraining).

    ``model(x, intervention=...)`` and ``model.trace(x, intervention=...)`` apply it at
    every step, after the heads' activations and before addressing (the book's page
    applies the same switches in JavaScript; a test pins the two equal):

    - ``gamma_one``: gamma = 1, no sharpening (eq. 9);
    - ``gate``: g forced to this value, 1 (content only) or 0 (location only) (eq. 7);
    - ``no_shift``: the shift distribution forced to offset 0 (eq. 8 is the identity);
    - ``beta_cap``: the key strength beta = min(beta, beta_cap) (eq. 5);
    - ``write_at_peak``: each write head's weighting replaced, after addressing, by all
      its weight on its largest entry (the first one on a tie); that one-hot weighting
      is what the head writes with and its w_{t-1} at the next step.

    ``heads`` lists the heads it applies to (read heads first, as in :class:`HeadBank`);
    None: every head. ``write_at_peak`` leaves read heads alone. A sequence of
    interventions applies each in turn (e.g. a different one per head).
    """

    gamma_one: bool = False
    gate: float | None = None
    no_shift: bool = False
    beta_cap: float | None = None
    write_at_peak: bool = False
    heads: tuple[int, ...] | None = None

    def __post_init__(self):
        for name in ("gamma_one", "no_shift", "write_at_peak"):
            if not isinstance(getattr(self, name), bool):
                raise TypeError(f"{name} must be True or False, got {getattr(self, name)!r}")
        object.__setattr__(self, "gate", _check_fixed("gate", self.gate, 0.0, 1.0))
        object.__setattr__(self, "beta_cap", _check_fixed("beta_cap", self.beta_cap, 0.0, float("inf")))
        object.__setattr__(self, "heads", _check_heads(self.heads))

    def head_mask(self, num_heads: int, like: torch.Tensor) -> torch.Tensor:
        """``(H,)`` booleans: the heads this intervention applies to."""
        mask = torch.ones(num_heads, dtype=torch.bool, device=like.device)
        if self.heads is not None:
            if max(self.heads) >= num_heads:
                raise ValueError(f"intervention heads {self.heads} out of range: the model has {num_heads} heads "
                                 f"(indices 0..{num_heads - 1}, read heads first)")
            mask[:] = False
            mask[list(self.heads)] = True
        return mask

    def apply(self, p: HeadParameters) -> HeadParameters:
        """The head parameters with this intervention's switches applied (shapes kept)."""
        on = self.head_mask(p.beta.shape[-1], p.beta)
        beta, gate, shift, gamma = p.beta, p.gate, p.shift, p.gamma
        if self.beta_cap is not None:
            beta = torch.where(on, beta.clamp(max=self.beta_cap), beta)
        if self.gate is not None:
            gate = torch.where(on, torch.full_like(gate, self.gate), gate)
        if self.gamma_one:
            gamma = torch.where(on, torch.ones_like(gamma), gamma)
        if self.no_shift:
            centre = torch.zeros_like(shift)
            centre[..., shift.shape[-1] // 2] = 1
            shift = torch.where(on.unsqueeze(-1), centre, shift)
        return p._replace(beta=beta, gate=gate, shift=shift, gamma=gamma)

    def focus_writes(self, weightings: torch.Tensor, num_read: int) -> torch.Tensor:
        """``weightings`` ``(B, H, N)`` with ``write_at_peak`` applied to the write heads."""
        if not self.write_at_peak:
            return weightings
        on = self.head_mask(weightings.shape[1], weightings)
        on[:num_read] = False
        peak = F.one_hot(weightings.argmax(dim=-1), weightings.shape[-1]).to(weightings.dtype)
        return torch.where(on.unsqueeze(-1), peak, weightings)


def as_interventions(intervention) -> tuple[Intervention, ...]:
    """None, one :class:`Intervention` or a sequence of them, as a tuple."""
    if intervention is None:
        return ()
    if isinstance(intervention, Intervention):
        return (intervention,)
    if isinstance(intervention, (list, tuple)) and all(isinstance(i, Intervention) for i in intervention):
        return tuple(intervention)
    raise TypeError(f"intervention must be None, an ntmlib.Intervention or a sequence of them, got "
                    f"{type(intervention).__name__}")
