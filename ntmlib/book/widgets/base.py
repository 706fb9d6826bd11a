"""What every explorer shares: the view that computes and draws in the page, and the
:class:`Explorer` base class (sliders, values, stages, the assembled widget, galleries).

An explorer is a set of ``ipywidgets`` sliders (``explorer.sliders[name]``), a
:meth:`Explorer.compute` that runs :mod:`ntmlib` on slider values, and a view
(:class:`ExplorerView`, an ``anywidget``) whose front end, ``static/*.js``,
redoes that computation in the reader's page and draws it on canvases. A slider move
runs no Python, so the explorers stay live in the static HTML book as well as in
JupyterLab, Notebook 7, VS Code and Colab.
"""
from __future__ import annotations

import base64
import contextlib
from importlib import resources
from typing import Any, Iterable

import anywidget
import ipywidgets as widgets
import numpy as np
import torch
import traitlets

__all__ = ["DTYPE", "Explorer", "ExplorerView", "as_list", "check_number", "check_tensor", "make_slider", "pack",
           "to_tensor"]

DTYPE = torch.float32


def to_tensor(x) -> torch.Tensor:
    """``x`` as a float32 tensor of its own (whatever torch's default dtype)."""
    return torch.as_tensor(x, dtype=DTYPE).detach().clone()


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
        tensor = to_tensor(value)
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


def make_slider(description: str, value: float, low: float, high: float, step: float, fmt: str = ".2f",
                integer: bool = False) -> widgets.ValueWidget:
    """An explorer's slider: the value follows the drag (``continuous_update``)."""
    kind = widgets.IntSlider if integer else widgets.FloatSlider
    kw = {} if integer else {"readout_format": fmt}
    return kind(value=value, min=low, max=high, step=step, description=description, continuous_update=True,
                style={"description_width": "110px"}, layout=widgets.Layout(width="360px", max_width="100%"), **kw)


def _static(name: str) -> str:
    return (resources.files("ntmlib.book.widgets") / "static" / name).read_text(encoding="utf-8")


#: The parts of the page's ES module, in order: each uses only those before it.
ESM_PARTS = ("equations.js", "ntm.js", "canvas.js", "mechanisms.js", "replay.js", "live_editor.js", "live.js",
             "explorers.js")


class ExplorerView(anywidget.AnyWidget):
    """The part of an explorer that computes and draws in the page (``static/*.js``, one
    ES module: :data:`ESM_PARTS` joined).

    ``kind`` picks the explorer; ``data`` holds what it draws from (memory, key, trace);
    ``sliders`` and ``extras`` reference the ipywidgets it listens to (the values it
    computes with are theirs); ``previous`` is chapter 4's w_{t-1} (its step button
    changes it).
    """

    _esm = "\n".join(_static(name) for name in ESM_PARTS)
    _css = _static("explorers.css")
    kind = traitlets.Unicode().tag(sync=True)
    data = traitlets.Dict().tag(sync=True)
    sliders = traitlets.Dict().tag(sync=True, **widgets.widget_serialization)
    extras = traitlets.Dict().tag(sync=True, **widgets.widget_serialization)
    previous = traitlets.List().tag(sync=True)


class Explorer:
    """Sliders + :meth:`compute` (ntmlib, in Python) + a view that redoes it in the page.

    Subclasses set ``kind`` and ``figsize``, fill ``self.sliders`` and implement
    ``compute(**values)`` (what ntmlib computes for those slider values; missing ones
    keep the current values) and ``view_data()`` (what the page computes from), plus
    ``_make_axes(figure)`` and ``_draw(axes, stages, values)`` for :meth:`gallery`.
    """

    kind = ""
    figsize: tuple[float, float] = (10.0, 3.0)

    def __init__(self) -> None:
        self.sliders: dict[str, widgets.ValueWidget] = {}
        self.extras: dict[str, widgets.Widget] = {}  # other widgets the page listens to
        self.updates = 0  # how many times the sliders' values were taken up (for tests)
        self._hold = False
        self._stages: dict | None = None
        self._view: ExplorerView | None = None
        self._widget: widgets.VBox | None = None

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
        """Listen to the sliders (subclasses call this once their sliders exist)."""
        for slider in self.sliders.values():
            slider.observe(lambda change: self.update(), names="value")

    def update(self) -> None:
        """Take up the sliders' values: the stages are recomputed when next asked for.
        The page follows the sliders itself, and draws."""
        if self._hold:
            return
        self.updates += 1
        self._stages = None

    # -- computing -----------------------------------------------------------------
    def compute(self, **values) -> dict:  # pragma: no cover - abstract
        raise NotImplementedError

    def view_data(self) -> dict:  # pragma: no cover - abstract
        raise NotImplementedError

    def _full_values(self, values: dict[str, Any]) -> dict[str, Any]:
        return {**self.values, **values}

    @property
    def stages(self) -> dict:
        """What :mod:`ntmlib` computes for the current values (the page draws the same)."""
        if self._stages is None:
            self._stages = self.compute(**self.values)
        return self._stages

    # -- the interface -------------------------------------------------------------
    @property
    def view(self) -> ExplorerView:
        """The widget that computes and draws in the page."""
        if self._view is None:
            self._view = ExplorerView(kind=self.kind, data=self.view_data(), sliders=self.sliders,
                                      extras=self.extras, previous=self._view_previous())
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
        """The whole interface: the controls above the drawing."""
        if self._widget is None:
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
        subfigures = np.atleast_1d(fig.subfigures(len(settings), 1)) if len(settings) > 1 else [fig]
        for subfigure, setting, label in zip(subfigures, settings, labels):
            values = self._full_values(setting)
            self._draw(self._make_axes(subfigure), self.compute(**values), values)
            if label:
                subfigure.suptitle(label, x=0.01, ha="left", fontweight="bold")
        return fig
