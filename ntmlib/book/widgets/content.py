"""Chapter 3's explorer: a key, its key strength and the content weighting (eq. 5-6)."""
from __future__ import annotations

import ipywidgets as widgets
import numpy as np
import torch

from ... import addressing
from ..figures.primitives import memory_heatmap, weighting_bars
from ..style import COLORS
from .base import DTYPE, Explorer, as_list, check_number, check_tensor, make_slider, to_tensor

__all__ = ["ContentExplorer"]


class ContentExplorer(Explorer):
    """Content focus (eq. 5) with cosine similarity (eq. 6) on a small memory.

    Sliders: ``beta`` (the key strength) and one per key component, ``key[0]`` ...
    ``key[M-1]`` (range +-``key_range``, by default enough for every memory row).
    ``self.row_picker`` copies a memory row into the key sliders (then move a component
    to make the key noisy). Panels: memory and key, the similarities K[k, M(i)], the
    content weighting w^c.
    """

    kind = "content"
    figsize = (10.0, 3.6)

    def __init__(self, memory, key=None, *, beta: float = 5.0, beta_max: float = 50.0,
                 key_range: float | None = None):
        super().__init__()
        self.memory = check_tensor("memory", memory, "(N, M)", 2)
        n, m = self.memory.shape
        key = self.memory[0] if key is None else check_tensor("key", key, f"(M,) = ({m},)", 1)
        if key.shape[0] != m:
            raise ValueError(f"key must be (M,) = ({m},), got shape {tuple(key.shape)}")
        beta_max = check_number("beta_max", beta_max, 0.0, 1e4)
        beta = check_number("beta", beta, 0.0, beta_max)
        if key_range is not None:
            key_range = check_number("key_range", key_range, 1e-6, 1e6)
            if key.abs().max() > key_range:
                raise ValueError(f"key must lie within +-key_range = {key_range}, got {key.tolist()}")
        if key_range is None:  # wide enough for every row (the page holds a picked row on the 0.05 steps)
            largest = max(float(self.memory.abs().max()), float(key.abs().max()))
            key_range = max(2.0, float(np.ceil(largest)))
        self.key_names = [f"key[{j}]" for j in range(m)]
        self.sliders = {"beta": make_slider("β key strength", beta, 0.0, beta_max, 0.5, ".1f")}
        for j, name in enumerate(self.key_names):
            self.sliders[name] = make_slider(f"key k[{j}]", float(key[j]), -key_range, key_range, 0.05)
        self.row_picker = widgets.Dropdown(options=[("(pick a row)", -1)] + [(f"row {i}", i) for i in range(n)],
                                           value=-1, description="key := ",
                                           style={"description_width": "60px"},
                                           layout=widgets.Layout(width="200px"))
        self.row_picker.observe(self._on_pick, names="value")
        self.extras = {"picker": self.row_picker}
        self._connect()
        self.update()

    @property
    def key(self) -> torch.Tensor:
        """The key the sliders spell, ``(M,)``."""
        return torch.tensor([self.sliders[name].value for name in self.key_names], dtype=DTYPE)

    def set_key(self, key) -> "ContentExplorer":
        """Set every key slider at once (one update)."""
        return self.set({name: float(v) for name, v in zip(self.key_names, to_tensor(key))})

    def _on_pick(self, change) -> None:
        if change["new"] is not None and change["new"] >= 0:
            self.set_key(self.memory[change["new"]])

    def compute(self, **values) -> dict[str, torch.Tensor]:
        values = self._full_values(values)
        key = torch.tensor([[float(values[name]) for name in self.key_names]], dtype=DTYPE)
        memory = self.memory.unsqueeze(0)
        beta = torch.tensor([float(values["beta"])], dtype=DTYPE)
        return {"key": key[0],
                "similarity": addressing.cosine_similarity(key, memory)[0],
                "content": addressing.content_focus(key, beta, memory)[0]}

    def view_data(self) -> dict:
        return {"shape": list(self.memory.shape), "memory": as_list(self.memory), "key_names": self.key_names,
                "vmax": self._vmax()}

    def _vmax(self) -> float:
        return max(float(self.memory.abs().max()), 2.0)

    def _make_axes(self, figure):
        n = self.memory.shape[0]
        grid = figure.add_gridspec(2, 3, height_ratios=[n, 1.2], width_ratios=[1, 1, 1])
        memory_ax = figure.add_subplot(grid[0, 0])
        key_ax = figure.add_subplot(grid[1, 0])
        similarity_ax = figure.add_subplot(grid[0, 1])
        content_ax = figure.add_subplot(grid[0, 2])
        return memory_ax, key_ax, similarity_ax, content_ax

    def _draw(self, axes, stages, values) -> None:
        memory_ax, key_ax, similarity_ax, content_ax = axes
        vmax = self._vmax()
        memory_heatmap(memory_ax, self.memory, vmax=vmax, title="memory $M_t$")
        memory_ax.set_xlabel("")
        memory_heatmap(key_ax, stages["key"].unsqueeze(0), vmax=vmax)
        key_ax.set_yticks([0], ["key $k_t$"])
        key_ax.set_ylabel("")
        weighting_bars(similarity_ax, stages["similarity"], color=COLORS["memory"], horizontal=True,
                       title="similarity $K[k_t, M_t(i)]$ (eq. 6)")
        similarity_ax.set_xlim(-1.05, 1.05)
        similarity_ax.axvline(0, color="#333333", linewidth=0.8)
        similarity_ax.set_xlabel("similarity")
        weighting_bars(content_ax, stages["content"], color=COLORS["content"], horizontal=True,
                       title=f"content weighting $w^c_t$ (eq. 5)\nβ = {values['beta']:.1f}")

    def _controls(self) -> list:
        beta = self.sliders["beta"]
        keys = [self.sliders[name] for name in self.key_names]
        return [widgets.HBox([widgets.VBox([beta, self.row_picker]), widgets.VBox(keys)])]
