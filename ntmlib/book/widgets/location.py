"""Chapters 4 and 5's explorers: the whole addressing pipeline of Figure 2 (eq. 5-9)
with a step button, and the scalar shift of §3.3.2."""
from __future__ import annotations

from typing import Any, Sequence

import numpy as np
import torch

from ... import addressing
from ...analysis import to_numpy
from ..figures.primitives import weighting_bars
from ..style import COLORS
from .base import DTYPE, Explorer, as_list, check_number, check_tensor, make_slider, to_tensor

__all__ = ["AddressingExplorer", "ScalarShiftExplorer", "normalise_shift", "shift_names"]


def _scalar(x: float) -> torch.Tensor:
    """A (1, 1) tensor: one batch entry, one head."""
    return torch.tensor([[float(x)]], dtype=DTYPE)


def _is_index(value) -> bool:
    return isinstance(value, (int, np.integer)) and not isinstance(value, bool)


def _check_previous(previous, n: int) -> torch.Tensor:
    """w_{t-1} ``(N,)`` from a weighting or a location (a one-hot there), or a one-line error."""
    if _is_index(previous):
        onehot = torch.zeros(n, dtype=DTYPE)
        onehot[check_number("previous", previous, 0, n - 1, integer=True)] = 1.0
        return onehot
    previous = check_tensor("previous", previous, f"(N,) = ({n},) or a location", 1)
    if previous.shape[0] != n or (previous < 0).any():
        raise ValueError(f"previous must be a weighting (N,) = ({n},) >= 0 or a location in [0, {n - 1}]")
    return previous


def _check_key(key, m: int) -> torch.Tensor:
    """A fixed key ``(M,)``, or a one-line error."""
    key = check_tensor("key", key, f"(M,) = ({m},) or a row index", 1)
    if key.shape[0] != m:
        raise ValueError(f"key must be (M,) = ({m},) or a row index, got shape {tuple(key.shape)}")
    return key


def shift_names(max_shift: int) -> list[str]:
    """Slider names of the shift masses: ``s(-1)``, ``s(0)``, ``s(+1)`` for max_shift 1."""
    return [("s(0)" if o == 0 else f"s({o:+d})") for o in addressing.shift_offsets(max_shift)]


def normalise_shift(masses: Sequence[float]) -> torch.Tensor:
    """Turn non-negative slider masses into a shift distribution over -k..+k.

    The masses are divided by their sum (all zero is read as all equal, the uniform
    distribution). This is only how the explorer's sliders become a distribution; the
    controller of an NTM uses a softmax instead (:mod:`ntmlib.heads`).
    """
    s = torch.clamp(torch.tensor([float(m) for m in masses], dtype=DTYPE), min=0)
    total = s.sum()
    return s / total if total > 0 else torch.full_like(s, 1 / len(s))


class AddressingExplorer(Explorer):
    """Every stage of Figure 2, computed by :func:`ntmlib.addressing.address_stages`.

    Args:
        memory: ``(N, M)``.
        previous: the previous weighting w_{t-1}, ``(N,)`` or an int (a one-hot there).
        key: an int (the key is that memory row; a ``key row`` slider moves it) or an
            ``(M,)`` tensor (fixed).
        beta, gate, shift, gamma: the starting slider values; ``shift`` gives the masses
            of s(-k)..s(+k), normalised by :func:`normalise_shift`.

    Sliders: ``key row`` (when ``key`` is an int), ``beta``, ``g``, ``s(-1)``, ``s(0)``,
    ``s(+1)`` (for max_shift 1), ``gamma``. Buttons: ``step`` makes the current
    weighting the next step's w_{t-1} (watch a focus travel), ``reset`` restores the
    starting w_{t-1}. ``self.stages`` holds ``previous``, ``shift``, ``content``,
    ``gated``, ``shifted`` and ``sharpened``.
    """

    kind = "addressing"
    figsize = (11.0, 2.9)
    stage_names = ("content", "gated", "shifted", "sharpened")

    def __init__(self, memory, previous=None, key=0, *, beta: float = 10.0, gate: float = 0.5,
                 shift: Sequence[float] = (0.1, 0.2, 0.7), gamma: float = 2.0, max_shift: int = 1,
                 beta_max: float = 30.0, gamma_max: float = 20.0):
        super().__init__()
        self.memory = check_tensor("memory", memory, "(N, M)", 2)
        n, m = self.memory.shape
        max_shift = check_number("max_shift", max_shift, 0, (n - 1) // 2, integer=True)
        beta_max, gamma_max = check_number("beta_max", beta_max, 0.0, 1e4), check_number("gamma_max", gamma_max, 1.0, 1e4)
        beta, gamma = check_number("beta", beta, 0.0, beta_max), check_number("gamma", gamma, 1.0, gamma_max)
        gate = check_number("gate", gate, 0.0, 1.0)
        shift = [check_number("shift mass", mass, 0.0, 1.0) for mass in shift]
        self.max_shift = max_shift
        self.shift_names = shift_names(max_shift)
        if len(shift) != len(self.shift_names):
            raise ValueError(f"shift needs {len(self.shift_names)} masses for max_shift={max_shift}, got {len(shift)}")
        self.initial_previous = _check_previous(n // 2 if previous is None else previous, n)
        self._previous = self.initial_previous.clone()
        self.fixed_key = None if _is_index(key) else _check_key(key, m)
        if self.fixed_key is None:
            key = check_number("key", key, 0, n - 1, integer=True)
            self.sliders["key row"] = make_slider("key = row", key, 0, n - 1, 1, integer=True)
        self.sliders["beta"] = make_slider("β key strength", beta, 0.0, beta_max, 0.5, ".1f")
        self.sliders["g"] = make_slider("g gate", gate, 0.0, 1.0, 0.05)
        for name, mass in zip(self.shift_names, shift):
            self.sliders[name] = make_slider(f"{name} mass", float(mass), 0.0, 1.0, 0.05)
        self.sliders["gamma"] = make_slider("γ sharpening", gamma, 1.0, gamma_max, 0.1, ".1f")
        self._connect()
        self.update()

    def key_for(self, values: dict[str, Any]) -> torch.Tensor:
        """The key ``(M,)`` for these slider values."""
        return self.fixed_key if self.fixed_key is not None else self.memory[int(values["key row"])]

    def compute(self, previous=None, **values) -> dict[str, torch.Tensor]:
        """The stages for these slider values (and this w_{t-1}; default the current one)."""
        values = self._full_values(values)
        previous = self.previous if previous is None else to_tensor(previous)
        shift = normalise_shift([values[name] for name in self.shift_names])
        stages = addressing.address_stages(
            self.memory.unsqueeze(0),  # (B=1, N, M)
            previous.view(1, 1, -1),  # (B, H=1, N)
            self.key_for(values).view(1, 1, -1),  # (B, H, M)
            _scalar(values["beta"]),
            _scalar(values["g"]),
            shift.view(1, 1, -1),  # (B, H, 2k+1)
            _scalar(values["gamma"]),
        )
        return {"previous": previous, "shift": shift, **{name: w[0, 0] for name, w in stages.items()}}

    @property
    def previous(self) -> torch.Tensor:
        """w_{t-1}: the page's step button changes it too (the view's ``previous``)."""
        if self._view is not None and self._view.previous:
            return torch.tensor(self._view.previous, dtype=DTYPE)
        return self._previous

    @previous.setter
    def previous(self, weighting) -> None:
        self._previous = to_tensor(weighting)
        self._stages = None
        if self._view is not None:
            self._view.previous = as_list(self._previous)

    def step(self) -> "AddressingExplorer":
        """Make the current output weighting the previous one (the page's step button)."""
        self.previous = self.stages["sharpened"].clone()
        return self

    def reset(self) -> "AddressingExplorer":
        """Restore the starting w_{t-1} (the page's reset button)."""
        self.previous = self.initial_previous.clone()
        return self

    def view_data(self) -> dict:
        return {"shape": list(self.memory.shape), "memory": as_list(self.memory), "shift_names": self.shift_names,
                "fixed_key": None if self.fixed_key is None else as_list(self.fixed_key),
                "initial_previous": as_list(self.initial_previous)}

    def _view_previous(self) -> list:
        return as_list(self.previous)

    def _make_axes(self, figure):
        return figure.subplots(1, 4, sharey=True)

    def _draw(self, axes, stages, values) -> None:
        for ax, name in zip(axes, self.stage_names):
            weighting_bars(ax, stages[name], color=COLORS[name], alpha=0.9,
                           label="$w^c_t$" if name == "content" else None)
        # The other ingredient of interpolation (eq. 7): w_{t-1}, as an outline over w^c.
        weighting_bars(axes[0], stages["previous"], color="none", label="$w_{t-1}$", edgecolor=COLORS["previous"],
                       linewidth=1.2, linestyle="--", zorder=3)
        axes[0].legend(loc="upper right", fontsize=8)
        axes[0].set_ylabel("weight")
        for ax in axes[1:]:
            ax.tick_params(labelleft=False)
        shift = ", ".join(f"{p:.2f}" for p in stages["shift"].tolist())
        key = "" if self.fixed_key is not None else f", key=row {int(values['key row'])}"
        axes[0].set_title(f"1. content $w^c$ (eq. 5)\nβ={values['beta']:.1f}{key}", fontsize=10)
        axes[1].set_title(f"2. gated $w^g$ (eq. 7)\ng={values['g']:.2f}", fontsize=10)
        axes[2].set_title(f"3. shifted $\\tilde w$ (eq. 8)\ns=({shift})", fontsize=10)
        axes[3].set_title(f"4. sharpened $w_t$ (eq. 9)\nγ={values['gamma']:.1f}", fontsize=10)


class ScalarShiftExplorer(Explorer):
    """The scalar shift of §3.3.2: one number x in [-k, k] becomes a distribution s over
    the integer shifts (:func:`ntmlib.addressing.scalar_shift_distribution`), which then
    rotates a one-hot weighting (eq. 8).

    Slider: ``x``. Stages: ``shift`` (over -k..k), ``previous``, ``shifted``.
    """

    kind = "scalar"
    figsize = (9.0, 2.8)

    def __init__(self, size: int = 16, max_shift: int = 3, *, x: float = 1.3, start: int = 4):
        super().__init__()
        size = check_number("size", size, 3, 4096, integer=True)
        max_shift = check_number("max_shift", max_shift, 0, (size - 1) // 2, integer=True)
        x = check_number("x", x, -float(max_shift), float(max_shift))
        start = check_number("start", start, 0, size - 1, integer=True)
        self.max_shift = max_shift
        self.start = torch.zeros(size, dtype=DTYPE)
        self.start[start] = 1.0
        self.sliders = {"x": make_slider("scalar shift x", x, -float(max_shift), float(max_shift), 0.05)}
        self._connect()
        self.update()

    def compute(self, **values) -> dict[str, torch.Tensor]:
        values = self._full_values(values)
        shift = addressing.scalar_shift_distribution(torch.tensor([float(values["x"])], dtype=DTYPE),
                                                     self.max_shift)
        shifted = addressing.convolve_shift(self.start.unsqueeze(0), shift)
        return {"shift": shift[0], "previous": self.start, "shifted": shifted[0]}

    def view_data(self) -> dict:
        return {"max_shift": self.max_shift, "start": as_list(self.start)}

    def _make_axes(self, figure):
        return figure.subplots(1, 2, gridspec_kw={"width_ratios": [1, 2]})

    def _draw(self, axes, stages, values) -> None:
        offsets = list(addressing.shift_offsets(self.max_shift))
        axes[0].bar(offsets, to_numpy(stages["shift"]), color=COLORS["shifted"], width=0.8)
        axes[0].set_ylim(0, 1.04)
        axes[0].set_xticks(offsets)
        axes[0].set_xlabel("shift")
        axes[0].grid(axis="x", visible=False)
        weighting_bars(axes[1], stages["previous"], color="none", edgecolor=COLORS["previous"], linestyle="--",
                       label="before the shift")
        weighting_bars(axes[1], stages["shifted"], color=COLORS["shifted"], label="after (eq. 8)")
        axes[1].legend(loc="upper right", fontsize=8)
        axes[0].set_title(f"shift weighting s for x = {values['x']:.2f}", fontsize=10)
        axes[1].set_title("a one-hot weighting, rotated by s", fontsize=10)
