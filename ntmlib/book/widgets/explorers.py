"""Interactive explorers for chapters 2-5 and 7-11: sliders that drive the real equations.

Every explorer is an ipywidget (an ``anywidget``): its ``ipywidgets`` sliders
(``explorer.sliders[name]``) and a view whose front end, ``ntmlib/book/widgets/static/explorers.js``,
recomputes the equations in the reader's page and draws them on canvases. A slider
move runs no Python, so the explorers stay live in the static HTML book as well as in
JupyterLab, Notebook 7, VS Code and Colab. The JavaScript mirrors
:mod:`ntmlib.memory` and :mod:`ntmlib.addressing`; the browser tests pin the two equal.

- :class:`WriteExplorer` (chapter 2): one write head's erase and add (eq. 3-4).
- :class:`ContentExplorer` (chapter 3): a key, its key strength and the content
  weighting (eq. 5-6).
- :class:`AddressingExplorer` (chapter 4): the whole pipeline of Figure 2 (eq. 5-9),
  every stage drawn, with a step button.
- :class:`ScalarShiftExplorer` (chapter 5): the scalar shift of §3.3.2.
- :class:`ntmlib.book.widgets.replay.ReplayExplorer` (chapters 7-11): a trained model's trace.

In Python every explorer exposes:

- ``explorer.values``: the sliders' current values by name;
- ``explorer.stages``: the tensors :mod:`ntmlib` computes for those values (e.g.
  ``stages["content"]``), what the page draws;
- ``explorer.compute(**values)``: the same computation for any values, sliders untouched;
- ``explorer.view``: the widget that draws (its synced state: ``kind``, ``data``,
  ``values``);
- ``explorer.gallery([...])``: a static matplotlib figure of several settings;
- ``explorer.widget``: the assembled interface (displaying the explorer shows it).
"""
from __future__ import annotations

import base64
import contextlib
from importlib import resources
from typing import Any, Iterable, Sequence

import anywidget
import ipywidgets as widgets
import numpy as np
import torch
import traitlets

from ... import addressing, memory as memory_ops
from ..style import COLORS, style_rc

__all__ = [
    "AddressingExplorer",
    "ContentExplorer",
    "Explorer",
    "ScalarShiftExplorer",
    "WriteExplorer",
    "normalise_shift",
    "shift_names",
    "weighting_bars",
    "memory_heatmap",
]

DTYPE = torch.float32


def _tensor(x) -> torch.Tensor:
    return torch.as_tensor(x, dtype=DTYPE).detach().clone()


def _scalar(x: float) -> torch.Tensor:
    """A (1, 1) tensor: one batch entry, one head."""
    return torch.tensor([[float(x)]], dtype=DTYPE)


def _numpy(x: torch.Tensor) -> np.ndarray:
    return x.detach().cpu().numpy().astype(float)


# --------------------------------------------------------------------------------------
# Drawing primitives (also used by the chapters' static figures)


def weighting_bars(ax, weighting, *, color=COLORS["content"], horizontal: bool = False, label=None,
                   ylim: float = 1.0, title: str | None = None, **bar_kw):
    """Draw a weighting over N locations as bars on ``ax``; returns the BarContainer.

    ``horizontal=True`` puts location i on the y axis (top to bottom), to sit beside a
    memory heatmap whose rows are the locations.
    """
    w = np.asarray(_numpy(weighting) if isinstance(weighting, torch.Tensor) else weighting, dtype=float)
    n = len(w)
    locations = np.arange(n)
    if horizontal:
        bars = ax.barh(locations, w, color=color, label=label, height=0.8, **bar_kw)
        ax.set_ylim(n - 0.5, -0.5)
        ax.set_xlim(0, 1.04 * ylim)
        ax.set_xlabel("weight")
        ax.grid(axis="y", visible=False)
    else:
        bars = ax.bar(locations, w, color=color, label=label, width=0.8, **bar_kw)
        ax.set_xlim(-0.6, n - 0.4)
        ax.set_ylim(0, 1.04 * ylim)
        ax.set_xlabel("location $i$")
        ax.grid(axis="x", visible=False)
        step = max(1, n // 8)
        ax.set_xticks(locations[::step])
    if title is not None:
        ax.set_title(title)
    return bars


def memory_heatmap(ax, matrix, *, vmax: float | None = None, title: str | None = None, cmap: str = "RdBu_r",
                   colorbar: bool = False):
    """Draw an N x M memory (locations as rows) with a diverging colour scale centred on 0."""
    m = _numpy(matrix) if isinstance(matrix, torch.Tensor) else np.asarray(matrix, dtype=float)
    if vmax is None:
        vmax = float(np.abs(m).max()) or 1.0
    image = ax.imshow(m, cmap=cmap, vmin=-vmax, vmax=vmax, aspect="auto")
    ax.set_xlabel("component $j$")
    ax.set_ylabel("location $i$")
    ax.grid(False)
    ax.set_xticks(range(m.shape[1]))
    ax.set_yticks(range(0, m.shape[0], max(1, m.shape[0] // 8)))
    if title is not None:
        ax.set_title(title)
    if colorbar:
        ax.figure.colorbar(image, ax=ax, shrink=0.8)
    return image


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


def _slider(description: str, value: float, low: float, high: float, step: float, fmt: str = ".2f",
            integer: bool = False):
    kind = widgets.IntSlider if integer else widgets.FloatSlider
    kw = {} if integer else {"readout_format": fmt}
    return kind(value=value, min=low, max=high, step=step, description=description, continuous_update=True,
                style={"description_width": "110px"}, layout=widgets.Layout(width="360px", max_width="100%"), **kw)


# --------------------------------------------------------------------------------------
# The common machinery


def _static(name: str) -> str:
    return (resources.files("ntmlib.book.widgets") / "static" / name).read_text(encoding="utf-8")


class ExplorerView(anywidget.AnyWidget):
    """The part of an explorer that computes and draws in the page (``static/explorers.js``).

    ``kind`` picks the explorer; ``data`` holds what it draws from (memory, key, trace);
    ``sliders`` and ``extras`` reference the ipywidgets it listens to; ``values`` mirrors
    the slider values; ``previous`` is chapter 4's w_{t-1} (its step button changes it).
    """

    _esm = _static("explorers.js")
    _css = _static("explorers.css")
    kind = traitlets.Unicode().tag(sync=True)
    data = traitlets.Dict().tag(sync=True)
    values = traitlets.Dict().tag(sync=True)
    sliders = traitlets.Dict().tag(sync=True, **widgets.widget_serialization)
    extras = traitlets.Dict().tag(sync=True, **widgets.widget_serialization)
    previous = traitlets.List().tag(sync=True)


def check_number(name: str, value, low: float, high: float, *, integer: bool = False) -> float | int:
    """``value`` as a float (or int) in [low, high], or a one-line ValueError/TypeError."""
    kind = "an integer" if integer else "a number"
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise TypeError(f"{name} must be {kind} in [{low}, {high}], got {value!r}")
    if integer and float(value) != int(value):
        raise TypeError(f"{name} must be {kind} in [{low}, {high}], got {value!r}")
    if not np.isfinite(float(value)) or not low <= value <= high:
        raise ValueError(f"{name} must be {kind} in [{low}, {high}], got {value!r}")
    return int(value) if integer else float(value)


def check_tensor(name: str, value, shape_text: str, dims: int) -> torch.Tensor:
    """``value`` as a finite float32 tensor with ``dims`` dimensions, or a one-line error."""
    try:
        tensor = _tensor(value)
    except (TypeError, ValueError, RuntimeError) as error:
        raise TypeError(f"{name} must be a tensor {shape_text}, got {type(value).__name__}") from error
    if tensor.dim() != dims or tensor.numel() == 0:
        raise ValueError(f"{name} must be {shape_text}, got shape {tuple(tensor.shape)}")
    if not torch.isfinite(tensor).all():
        raise ValueError(f"{name} must be finite (no NaN or inf)")
    return tensor


def pack(array) -> dict:
    """A float32 array as base64 (what the page decodes; 4 bytes a number)."""
    array = np.ascontiguousarray(np.asarray(array, dtype="<f4"))
    return {"b64": base64.b64encode(array.tobytes()).decode("ascii"), "shape": list(array.shape)}


def as_list(tensor: torch.Tensor) -> list:
    """A tensor as nested Python floats: the exact float32 values, for the page's float64."""
    return tensor.detach().double().tolist()


class Explorer:
    """Sliders + :meth:`compute` (ntmlib, in Python) + a view that redoes it in the page.

    Subclasses set ``kind``, fill ``self.sliders`` and implement ``compute(**values)``
    (a dict of tensors) and ``view_data()`` (what the page computes from), plus
    ``_make_axes(figure)`` and ``_draw(axes, stages, values)`` for :meth:`gallery`.
    """

    kind = ""
    figsize: tuple[float, float] = (10.0, 3.0)

    def __init__(self) -> None:
        self.sliders: dict[str, widgets.ValueWidget] = {}
        self.extras: dict[str, widgets.Widget] = {}  # other widgets the page listens to
        self.updates = 0  # how many times the sliders' values were taken up (for tests)
        self._hold = False
        self._stages: dict[str, torch.Tensor] | None = None
        self._view: ExplorerView | None = None
        self._rc = style_rc()

    # -- values --------------------------------------------------------------------
    @property
    def values(self) -> dict[str, Any]:
        """The current slider values by name."""
        return {name: slider.value for name, slider in self.sliders.items()}

    @contextlib.contextmanager
    def hold(self):
        """Change several sliders with a single update at the end."""
        held, self._hold = self._hold, True
        try:
            yield self
        finally:
            self._hold = held
        if not held:
            self.update()

    def set(self, values: dict[str, Any] | None = None, **kw) -> "Explorer":
        """Move sliders by name (``set(beta=2)`` or ``set({"s(+1)": 1})``), then update once."""
        values = {**(values or {}), **kw}
        unknown = set(values) - set(self.sliders)
        if unknown:
            raise KeyError(f"unknown slider(s) {sorted(unknown)}; this explorer has {list(self.sliders)}")
        with self.hold():
            for name, value in values.items():
                self.sliders[name].value = value
        return self

    def _connect(self) -> None:
        for slider in self.sliders.values():
            slider.observe(lambda change: self.update(), names="value")

    def update(self) -> None:
        """Take up the sliders' values: the view's state follows, the stages are recomputed
        when next asked for. The drawing itself happens in the page."""
        if self._hold:
            return
        self.updates += 1
        self._stages = None
        if self._view is not None:
            self._view.values = self.values

    # -- computing -----------------------------------------------------------------
    def compute(self, **values) -> dict[str, torch.Tensor]:  # pragma: no cover - abstract
        raise NotImplementedError

    def view_data(self) -> dict:  # pragma: no cover - abstract
        raise NotImplementedError

    def _full_values(self, values: dict[str, Any]) -> dict[str, Any]:
        return {**self.values, **values}

    @property
    def stages(self) -> dict[str, torch.Tensor]:
        """What :mod:`ntmlib` computes for the current values (the page draws the same)."""
        if self._stages is None:
            self._stages = self.compute(**self.values)
        return self._stages

    # -- the interface -------------------------------------------------------------
    @property
    def view(self) -> ExplorerView:
        """The widget that computes and draws in the page."""
        if self._view is None:
            self._view = ExplorerView(kind=self.kind, data=self.view_data(), values=self.values,
                                      sliders=self.sliders, extras=self.extras, previous=self._view_previous())
            # The page's step/reset buttons set the view's w_{t-1}: what was computed is stale.
            self._view.observe(lambda _: setattr(self, "_stages", None), names="previous")
        return self._view

    def _view_previous(self) -> list:
        return []

    def _controls(self) -> list:
        sliders = list(self.sliders.values())
        half = (len(sliders) + 1) // 2
        columns = [widgets.VBox(sliders[:half]), widgets.VBox(sliders[half:])] if len(sliders) > 3 else [
            widgets.VBox(sliders)]
        return [widgets.HBox(columns, layout=widgets.Layout(flex_flow="row wrap"))]

    @property
    def widget(self) -> widgets.VBox:
        """The whole interface: sliders above the drawing."""
        if not hasattr(self, "_widget"):
            self._widget = widgets.VBox(self._controls() + [self.view], layout=widgets.Layout(max_width="100%"))
        return self._widget

    def _ipython_display_(self) -> None:
        from IPython.display import display

        display(self.widget)

    def gallery(self, settings: Iterable[dict[str, Any]], labels: Iterable[str] | None = None,
                width: float | None = None):
        """A static pyplot figure: one row per setting (``settings`` are dicts of slider
        values; missing ones keep the current values). The sliders are not moved."""
        import matplotlib.pyplot as plt

        settings = list(settings)
        labels = list(labels) if labels is not None else [None] * len(settings)
        w, h = self.figsize
        fig = plt.figure(figsize=(width or w, h * len(settings)), layout="constrained")
        subfigures = np.atleast_1d(fig.subfigures(len(settings), 1))
        for subfigure, setting, label in zip(subfigures, settings, labels):
            values = self._full_values(setting)
            self._draw(self._make_axes(subfigure), self.compute(**values), values)
            if label:
                subfigure.suptitle(label, x=0.01, ha="left", fontweight="bold")
        return fig


# --------------------------------------------------------------------------------------
# Chapter 2: writing


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
            "location": _slider("location", location, 0, n - 1, 1, integer=True),
            "focus": _slider("focus on it", focus, 0.0, 1.0, 0.05),
            "erase": _slider("erase e (all j)", erase, 0.0, 1.0, 0.05),
            "add": _slider("add a (scale)", add, -1.0, 1.0, 0.05),
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

    def _draw(self, axes, stages, values):
        vmax = self._vmax()
        bars = weighting_bars(axes[0], stages["weighting"], color=COLORS["write"], horizontal=True,
                              title="write weighting $w_t$")
        axes[0].set_ylabel("location $i$")
        images = []
        for ax, key, title in zip(axes[1:], ("before", "erased", "after"),
                                  ("$M_{t-1}$", "after erase (eq. 3)", "$M_t$ after add (eq. 4)")):
            images.append(memory_heatmap(ax, stages[key], vmax=vmax, title=title))
            ax.set_ylabel("")
        axes[1].figure.colorbar(images[-1], ax=list(axes[1:]), shrink=0.85, pad=0.01)
        artists = {"bars": bars, "before": images[0], "erased": images[1], "after": images[2], "axes": axes}
        self._retitle(artists, values)
        return artists

    def _retitle(self, artists, values):
        artists["axes"][0].set_title(f"write weighting $w_t$\n(e = {values['erase']:.2f}, "
                                     f"a = {values['add']:+.2f}·pattern)", fontsize=10)




# --------------------------------------------------------------------------------------
# Chapter 3: content addressing


class ContentExplorer(Explorer):
    """Content focus (eq. 5) with cosine similarity (eq. 6) on a small memory.

    Sliders: ``beta`` (the key strength) and one per key component, ``key[0]`` ...
    ``key[M-1]`` (range +-``key_range``, by default enough for every memory row). ``self.row_picker`` copies a memory row into the key sliders (then move
    a component to make the key noisy). Panels: memory and key, the similarities
    K[k, M(i)], the content weighting w^c.
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
        self.sliders = {"beta": _slider("β key strength", beta, 0.0, beta_max, 0.5, ".1f")}
        for j, name in enumerate(self.key_names):
            self.sliders[name] = _slider(f"key k[{j}]", float(key[j]), -key_range, key_range, 0.05)
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
        return self.set({name: float(v) for name, v in zip(self.key_names, _tensor(key))})

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
                "vmax": max(float(self.memory.abs().max()), 2.0)}

    def _make_axes(self, figure):
        n = self.memory.shape[0]
        grid = figure.add_gridspec(2, 3, height_ratios=[n, 1.2], width_ratios=[1, 1, 1])
        memory_ax = figure.add_subplot(grid[0, 0])
        key_ax = figure.add_subplot(grid[1, 0])
        similarity_ax = figure.add_subplot(grid[0, 1])
        content_ax = figure.add_subplot(grid[0, 2])
        return memory_ax, key_ax, similarity_ax, content_ax

    def _draw(self, axes, stages, values):
        memory_ax, key_ax, similarity_ax, content_ax = axes
        vmax = max(float(self.memory.abs().max()), 2.0)
        memory_heatmap(memory_ax, self.memory, vmax=vmax, title="memory $M_t$")
        memory_ax.set_xlabel("")
        key_image = memory_heatmap(key_ax, stages["key"].unsqueeze(0), vmax=vmax)
        key_ax.set_yticks([0], ["key $k_t$"])
        key_ax.set_ylabel("")
        sim_bars = weighting_bars(similarity_ax, stages["similarity"], color=COLORS["memory"], horizontal=True,
                                  title="similarity $K[k_t, M_t(i)]$ (eq. 6)")
        similarity_ax.set_xlim(-1.05, 1.05)
        similarity_ax.axvline(0, color="#333333", linewidth=0.8)
        similarity_ax.set_xlabel("similarity")
        content_bars = weighting_bars(content_ax, stages["content"], color=COLORS["content"], horizontal=True)
        artists = {"key": key_image, "similarity": sim_bars, "content": content_bars, "axes": axes}
        self._retitle(artists, values)
        return artists

    def _retitle(self, artists, values):
        artists["axes"][3].set_title(f"content weighting $w^c_t$ (eq. 5)\nβ = {values['beta']:.1f}")



    def _controls(self) -> list:
        beta = self.sliders["beta"]
        keys = [self.sliders[name] for name in self.key_names]
        return [widgets.HBox([widgets.VBox([beta, self.row_picker]), widgets.VBox(keys)])]


# --------------------------------------------------------------------------------------
# Chapter 4: the whole addressing pipeline


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
        if previous is None:
            previous = n // 2
        if isinstance(previous, (int, np.integer)) and not isinstance(previous, bool):
            onehot = torch.zeros(n, dtype=DTYPE)
            onehot[check_number("previous", previous, 0, n - 1, integer=True)] = 1.0
            previous = onehot
        self.initial_previous = check_tensor("previous", previous, f"(N,) = ({n},) or a location", 1)
        if self.initial_previous.shape[0] != n or (self.initial_previous < 0).any():
            raise ValueError(f"previous must be a weighting (N,) = ({n},) >= 0 or a location in [0, {n - 1}]")
        self._previous = self.initial_previous.clone()
        if isinstance(key, (int, np.integer)) and not isinstance(key, bool):
            key = check_number("key", key, 0, n - 1, integer=True)
            self.fixed_key = None
        else:
            self.fixed_key = check_tensor("key", key, f"(M,) = ({m},) or a row index", 1)
            if self.fixed_key.shape[0] != m:
                raise ValueError(f"key must be (M,) = ({m},) or a row index, got shape {tuple(self.fixed_key.shape)}")
        if self.fixed_key is None:
            self.sliders["key row"] = _slider("key = row", key, 0, n - 1, 1, integer=True)
        self.sliders["beta"] = _slider("β key strength", beta, 0.0, beta_max, 0.5, ".1f")
        self.sliders["g"] = _slider("g gate", gate, 0.0, 1.0, 0.05)
        for name, mass in zip(self.shift_names, shift):
            self.sliders[name] = _slider(f"{name} mass", float(mass), 0.0, 1.0, 0.05)
        self.sliders["gamma"] = _slider("γ sharpening", gamma, 1.0, gamma_max, 0.1, ".1f")
        self._connect()
        self.update()

    def key_for(self, values: dict[str, Any]) -> torch.Tensor:
        """The key ``(M,)`` for these slider values."""
        return self.fixed_key if self.fixed_key is not None else self.memory[int(values["key row"])]

    def compute(self, previous=None, **values) -> dict[str, torch.Tensor]:
        """The stages for these slider values (and this w_{t-1}; default the current one)."""
        values = self._full_values(values)
        previous = self.previous if previous is None else _tensor(previous)
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
        self._previous = _tensor(weighting)
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

    def _draw(self, axes, stages, values):
        artists = {"axes": axes}
        for ax, name in zip(axes, self.stage_names):
            artists[name] = weighting_bars(ax, stages[name], color=COLORS[name], alpha=0.9,
                                           label="$w^c_t$" if name == "content" else None)
        # The other ingredient of interpolation (eq. 7): w_{t-1}, as an outline over w^c.
        artists["previous"] = weighting_bars(axes[0], stages["previous"], color="none", label="$w_{t-1}$",
                                             edgecolor=COLORS["previous"], linewidth=1.2, linestyle="--",
                                             zorder=3)
        axes[0].legend(loc="upper right", fontsize=8)
        axes[0].set_ylabel("weight")
        for ax in axes[1:]:
            ax.tick_params(labelleft=False)
        self._retitle(artists, stages, values)
        return artists

    def _retitle(self, artists, stages, values):
        axes = artists["axes"]
        shift = ", ".join(f"{p:.2f}" for p in stages["shift"].tolist())
        key = "" if self.fixed_key is not None else f", key=row {int(values['key row'])}"
        axes[0].set_title(f"1. content $w^c$ (eq. 5)\nβ={values['beta']:.1f}{key}", fontsize=10)
        axes[1].set_title(f"2. gated $w^g$ (eq. 7)\ng={values['g']:.2f}", fontsize=10)
        axes[2].set_title(f"3. shifted $\\tilde w$ (eq. 8)\ns=({shift})", fontsize=10)
        axes[3].set_title(f"4. sharpened $w_t$ (eq. 9)\nγ={values['gamma']:.1f}", fontsize=10)




# --------------------------------------------------------------------------------------
# Chapter 5: the scalar shift


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
        self.sliders = {"x": _slider("scalar shift x", x, -float(max_shift), float(max_shift), 0.05)}
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

    def _draw(self, axes, stages, values):
        offsets = list(addressing.shift_offsets(self.max_shift))
        shift_bars = axes[0].bar(offsets, _numpy(stages["shift"]), color=COLORS["shifted"], width=0.8)
        axes[0].set_ylim(0, 1.04)
        axes[0].set_xticks(offsets)
        axes[0].set_xlabel("shift")
        axes[0].grid(axis="x", visible=False)
        weighting_bars(axes[1], stages["previous"], color="none", edgecolor=COLORS["previous"], linestyle="--",
                       label="before the shift")
        shifted = weighting_bars(axes[1], stages["shifted"], color=COLORS["shifted"], label="after (eq. 8)")
        axes[1].legend(loc="upper right", fontsize=8)
        artists = {"shift": shift_bars, "shifted": shifted, "axes": axes}
        self._retitle(artists, values)
        return artists

    def _retitle(self, artists, values):
        artists["axes"][0].set_title(f"shift weighting s for x = {values['x']:.2f}", fontsize=10)
        artists["axes"][1].set_title("a one-hot weighting, rotated by s", fontsize=10)


