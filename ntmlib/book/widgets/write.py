"""Chapter 2's explorer: one write head's erase and add (eq. 3-4) on a small memory."""
from __future__ import annotations

import torch

from ... import addressing, memory as memory_ops
from ..figures.primitives import memory_heatmap, weighting_bars
from ..style import COLORS
from .base import DTYPE, Explorer, as_list, check_number, check_tensor, make_slider

__all__ = ["WriteExplorer"]


class WriteExplorer(Explorer):
    """One write head on a small memory: erase (eq. 3) then add (eq. 4).

    The head's weighting puts ``focus`` on one ``location`` and spreads the rest evenly,
    ``w = focus * onehot + (1 - focus) * uniform`` (an interpolation, eq. 7). The erase
    vector is ``erase`` in every component; the add vector is ``add`` times
    ``add_pattern``. Panels: the weighting, M_{t-1}, the memory after erasing, M_t.

    Sliders: ``location``, ``focus``, ``erase``, ``add``.
    """

    kind = "write"
    figsize = (10.5, 3.1)

    def __init__(self, memory=None, add_pattern=None, *, location: int = 2, focus: float = 1.0,
                 erase: float = 1.0, add: float = 1.0, seed: int = 0):
        super().__init__()
        if memory is None:
            memory = 0.5 * torch.randn(8, 6, generator=torch.Generator().manual_seed(seed))
        self.memory = check_tensor("memory", memory, "(N, M)", 2)
        n, m = self.memory.shape
        if add_pattern is None:
            add_pattern = torch.tensor([1.0, -1.0] * m)[:m]
        self.add_pattern = check_tensor("add_pattern", add_pattern, f"(M,) = ({m},)", 1)
        if self.add_pattern.shape[0] != m:
            raise ValueError(f"add_pattern must be (M,) = ({m},), got shape {tuple(self.add_pattern.shape)}")
        location = check_number("location", location, 0, n - 1, integer=True)
        focus, erase = check_number("focus", focus, 0.0, 1.0), check_number("erase", erase, 0.0, 1.0)
        add = check_number("add", add, -1.0, 1.0)
        self.sliders = {
            "location": make_slider("location", location, 0, n - 1, 1, integer=True),
            "focus": make_slider("focus on it", focus, 0.0, 1.0, 0.05),
            "erase": make_slider("erase e (all j)", erase, 0.0, 1.0, 0.05),
            "add": make_slider("add a (scale)", add, -1.0, 1.0, 0.05),
        }
        self._connect()
        self.update()

    def compute(self, **values) -> dict[str, torch.Tensor]:
        values = self._full_values(values)
        n, m = self.memory.shape
        onehot = torch.zeros(1, n, dtype=DTYPE)
        onehot[0, int(values["location"])] = 1.0
        uniform = torch.full((1, n), 1 / n, dtype=DTYPE)
        weighting = addressing.interpolate(onehot, uniform, torch.tensor([float(values["focus"])], dtype=DTYPE))
        erase_vector = torch.full((1, 1, m), float(values["erase"]), dtype=DTYPE)
        add_vector = (float(values["add"]) * self.add_pattern).view(1, 1, m)
        before = self.memory.unsqueeze(0)
        w = weighting.unsqueeze(1)  # (1, H=1, N)
        erased = memory_ops.erase(before, w, erase_vector)
        after = memory_ops.add(erased, w, add_vector)
        return {"weighting": weighting[0], "before": self.memory, "erased": erased[0], "after": after[0],
                "erase_vector": erase_vector[0, 0], "add_vector": add_vector[0, 0]}

    def view_data(self) -> dict:
        return {"shape": list(self.memory.shape), "memory": as_list(self.memory),
                "pattern": as_list(self.add_pattern), "vmax": self._vmax()}

    def _make_axes(self, figure):
        return figure.subplots(1, 4, gridspec_kw={"width_ratios": [0.8, 1, 1, 1]})

    def _vmax(self) -> float:
        return float(self.memory.abs().max() + self.add_pattern.abs().max())

    def _draw(self, axes, stages, values) -> None:
        vmax = self._vmax()
        weighting_bars(axes[0], stages["weighting"], color=COLORS["write"], horizontal=True)
        axes[0].set_title(f"write weighting $w_t$\n(e = {values['erase']:.2f}, a = {values['add']:+.2f}·pattern)",
                          fontsize=10)
        axes[0].set_ylabel("location $i$")
        for ax, key, title in zip(axes[1:], ("before", "erased", "after"),
                                  ("$M_{t-1}$", "after erase (eq. 3)", "$M_t$ after add (eq. 4)")):
            image = memory_heatmap(ax, stages[key], vmax=vmax, title=title)
            ax.set_ylabel("")
        axes[1].figure.colorbar(image, ax=list(axes[1:]), shrink=0.85, pad=0.01)
