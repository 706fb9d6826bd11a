"""Replay a trained NTM step by step: a time slider over its memory and heads.

:class:`ReplayExplorer` runs ``model.trace(x)`` once (:class:`ntmlib.ntm.NTMTrace`)
and shows, for the step ``t`` chosen on a slider (or played by the ▶ button):

- top row, the story so far: the inputs, the write weightings and the read
  weightings of steps ``0..t`` (later steps are blank; the current step is
  marked), memory locations on the y axis as in the paper's Fig. 6;
- bottom row, the state at step ``t``: the memory ``M_t`` after the step's
  write (rows are locations, the same rows as the weightings above; the rows the
  write and read heads focus on are outlined in orange and dashed blue), the two
  weightings ``w_t`` as bars, the erase and add vectors ``e_t``, ``a_t`` (eq. 3-4)
  and the read vector ``r_t`` (eq. 2), and the output at ``t`` beside its target.

It is an :class:`ntmlib.book.widgets.Explorer` with one slider, ``t``: the page draws
it (``static/replay.js``) from the whole trace, which travels in the widget's state
as float32 buffers, so the slider and the ▶ play button work without a kernel, in the
static book too.

For tests and curious readers the explorer exposes what it shows:

- ``explorer.slider`` (also ``explorer.sliders["t"]``): the ``IntSlider`` of the step;
- ``explorer.current`` (the explorer's ``stages``): numpy arrays of the current step:
  ``"memory"`` (N x M, all locations), ``"read_weighting"``, ``"write_weighting"``
  (N), ``"erase"``, ``"add"``, ``"read"`` (M), ``"output"`` (sigmoid of the logits),
  ``"input"``, ``"target"`` (when ``y`` was given) and ``"t"``; ``explorer.compute(t=5)``
  the same for any step;
- ``explorer.view.data``: what the page draws from (memory for ``explorer.locations``);
- ``explorer.trace``: the whole :class:`~ntmlib.ntm.NTMTrace` (on the CPU);
- ``explorer.gallery([t1, t2, ...])``: a static matplotlib figure of several steps.

Typical use in a chapter::

    from ntmlib.book.widgets import ReplayExplorer
    replay = ReplayExplorer(model, batch.x, batch.y, batch.mask)
    replay                      # the slider and the figure
    replay.slider.value = 12    # or move it from code
"""
from __future__ import annotations

from typing import Iterable

import ipywidgets as widgets
import numpy as np
import torch

from ...analysis import sigmoid, to_numpy, used_locations
from ..style import channel_names
from .base import Explorer, check_number, pack
from .replay_figure import draw_replay, replay_axes

__all__ = ["ReplayExplorer"]

# The series of one head that the replay shows, by the trace's field names.
_HEAD_SERIES = {"write_w": ("write_weightings", "write"), "read_w": ("read_weightings", "read"),
                "erase": ("erase_vectors", "write"), "add": ("add_vectors", "write"),
                "read": ("read_vectors", "read")}


def _cpu_trace(trace):
    """The trace with every tensor on the CPU (a model may run on a GPU)."""
    return type(trace)(**{name: value.detach().to("cpu") for name, value in vars(trace).items()})


def _one_batch(x, y, mask, index: int):
    """``x``, ``y``, ``mask`` batched (one example ``(T, width)`` becomes a batch of one)."""
    x = torch.as_tensor(x)
    if x.dim() != 2:
        return x, y, mask, index
    return (x[None], None if y is None else torch.as_tensor(y)[None],
            None if mask is None else torch.as_tensor(mask)[None], 0)


class ReplayExplorer(Explorer):
    """Step through a trained NTM's memory, reads and writes on one example.

    Parameters
    ----------
    model:
        An :class:`ntmlib.ntm.NTM` (anything with ``trace(x)``), e.g. from
        :func:`ntmlib.zoo.load`. The LSTM baseline has no memory to replay.
    x:
        Inputs ``(B, T, input_width)`` (or one example ``(T, input_width)``).
    y, mask:
        Targets ``(B, T, output_width)`` and mask ``(B, T)``, optional: shown
        beside the output, and the mask decides the starting step.
    index:
        Which example of the batch to replay.
    read_head, write_head:
        Which heads to show (models with several heads).
    locations:
        ``"auto"`` (the locations the two heads use, :func:`ntmlib.analysis.used_locations`
        with ``threshold``), ``None`` (all N) or a sequence of location indices.
    start:
        The first step shown; by default the last step before the targets begin
        (the whole input stored in memory), or the last step without a mask.
    task:
        A task name, to name the input and output channels.
    """

    kind = "replay"
    figsize = (12.0, 6.6)
    interval_ms = 350  # Play: one step every 350 ms

    def __init__(self, model, x, y=None, mask=None, index: int = 0, *, read_head: int = 0, write_head: int = 0,
                 locations="auto", threshold: float = 0.05, start: int | None = None, task=None):
        super().__init__()
        if not hasattr(model, "trace"):
            raise TypeError(f"{type(model).__name__} has no trace(): only NTMs have a memory to replay "
                            "(the LSTM baseline keeps everything in its hidden state)")
        x, y, mask, index = _one_batch(x, y, mask, index)
        self.index = int(index)
        if not 0 <= self.index < x.shape[0]:
            raise ValueError(f"index {index} out of range for a batch of {x.shape[0]}")
        device = next(model.parameters()).device
        self.trace = _cpu_trace(model.trace(x.to(device=device, dtype=torch.float32)))
        self._pick_heads(read_head, write_head)
        self._take_series(x, y, mask)
        self.steps, self.memory_size = self.series["read_w"].shape
        self.locations = self._pick_locations(locations, threshold)
        self.task = task
        # One colour scale for the whole replay, so that colours mean the same at every step.
        self.memory_max = float(np.abs(self.series["memory"][:, self.locations]).max()) or 1.0
        self.vector_max = max(float(np.abs(self.series["add"]).max()), float(np.abs(self.series["read"]).max()),
                              1e-6)
        top = float(max(self.series[key][:, self.locations].max() for key in ("read_w", "write_w")))
        # The w_t bars' scale: 1, or the largest weight the rows shown ever get (rounded up to
        # 0.05) when the weightings stay blurry, so the bars are never invisible.
        self.bar_max = 1.0 if top > 0.5 else max(0.05, float(np.ceil(top * 20) / 20))
        self.slider = widgets.IntSlider(value=self._start(start), min=0, max=self.steps - 1, step=1,
                                        description="step t", continuous_update=True,
                                        style={"description_width": "60px"},
                                        layout=widgets.Layout(width="520px", max_width="100%"))
        self.sliders = {"t": self.slider}
        self._connect()
        self.update()

    # -- setting up ----------------------------------------------------------------------
    def _pick_heads(self, read_head: int, write_head: int) -> None:
        n_read, n_write = self.trace.read_weightings.shape[2], self.trace.write_weightings.shape[2]
        if not 0 <= read_head < n_read or not 0 <= write_head < n_write:
            raise ValueError(f"the model has {n_read} read and {n_write} write head(s); "
                             f"got read_head={read_head}, write_head={write_head}")
        self.read_head, self.write_head = int(read_head), int(write_head)

    def _take_series(self, x, y, mask) -> None:
        """The example's inputs, targets, mask and the trace's series for the chosen heads."""
        i = self.index
        self.inputs = to_numpy(x[i])
        self.targets = None if y is None else to_numpy(torch.as_tensor(y)[i])
        self.mask = None if mask is None else to_numpy(torch.as_tensor(mask)[i])
        heads = {"read": self.read_head, "write": self.write_head}
        self.series = {key: to_numpy(getattr(self.trace, field)[i, :, heads[head]])  # (T, N) or (T, M)
                       for key, (field, head) in _HEAD_SERIES.items()}
        self.series["memory"] = to_numpy(self.trace.memory[i])  # (T, N, M)
        self.series["output"] = sigmoid(to_numpy(self.trace.logits[i]))

    def _pick_locations(self, locations, threshold: float) -> np.ndarray:
        if isinstance(locations, str):
            if locations != "auto":
                raise ValueError(f"locations must be 'auto', None or a sequence, got {locations!r}")
            both = np.stack([self.series["read_w"], self.series["write_w"]], axis=1)
            return used_locations(both, threshold=threshold)
        if locations is None:
            return np.arange(self.memory_size)
        picked = np.asarray(locations, dtype=int)
        if picked.ndim != 1 or len(picked) == 0 or not ((0 <= picked) & (picked < self.memory_size)).all():
            raise ValueError(f"locations must be indices in [0, {self.memory_size - 1}], got {locations!r}")
        return picked

    @property
    def first_target(self) -> int | None:
        """The first step with a target (mask > 0), or None without a mask or targets."""
        if self.mask is None or not (self.mask > 0).any():
            return None
        return int(np.nonzero(self.mask > 0)[0][0])

    def _start(self, start: int | None) -> int:
        if start is None:
            start = self.steps - 1 if self.first_target is None else max(self.first_target - 1, 0)
        return check_number("start", start, 0, self.steps - 1, integer=True)

    # -- what step t holds ---------------------------------------------------------------
    @property
    def current(self) -> dict:
        """The numbers of the slider's step (what the page draws)."""
        return self.stages

    def compute(self, **values) -> dict:
        """The numbers of step ``t`` (``compute(t=5)``; by default the slider's step)."""
        t = check_number("step", self._full_values(values)["t"], 0, self.steps - 1, integer=True)
        data = {"t": t, "memory": self.series["memory"][t], "read_weighting": self.series["read_w"][t],
                "write_weighting": self.series["write_w"][t], "erase": self.series["erase"][t],
                "add": self.series["add"][t], "read": self.series["read"][t], "output": self.series["output"][t],
                "input": self.inputs[t]}
        if self.targets is not None:
            data["target"] = self.targets[t]
        return data

    def view_data(self) -> dict:
        """The trace, compactly: float32 buffers (memory only for the rows shown)."""
        s = self.series
        return {
            "steps": self.steps, "memory_size": self.memory_size, "locations": [int(i) for i in self.locations],
            "width": s["memory"].shape[2], "input_width": self.inputs.shape[1], "output_width": s["output"].shape[1],
            "input_names": self.input_names, "interval": self.interval_ms,
            "memory_max": self.memory_max, "vector_max": self.vector_max, "bar_max": self.bar_max,
            "inputs": pack(self.inputs), "targets": None if self.targets is None else pack(self.targets),
            "mask": None if self.mask is None else pack(self.mask), "memory": pack(s["memory"][:, self.locations]),
            **{key: pack(s[key]) for key in ("write_w", "read_w", "erase", "add", "read", "output")},
        }

    @property
    def input_names(self) -> list[str] | None:
        """The task's names of the input channels (None when unknown)."""
        return channel_names(self.task, self.inputs.shape[1], 0)

    def phase(self, t: int) -> str:
        """A short description of step ``t`` for the figure's title."""
        if self.mask is None:
            return ""
        if self.mask[t] > 0:
            return f"output phase, target step {t - self.first_target + 1} of {int((self.mask > 0).sum())}"
        return "input phase" if t < len(self.mask) - 1 and (self.mask[t + 1:] > 0).any() else ""

    # -- drawing -------------------------------------------------------------------------
    def gallery(self, steps: Iterable[int], *, width: float | None = None):
        """A static pyplot figure with one replay frame per step in ``steps`` (for the
        HTML book, which has no kernel to move the slider); the slider is not moved."""
        return super().gallery([{"t": t} for t in steps], width=width)

    def _make_axes(self, figure) -> dict:
        return replay_axes(figure)

    def _draw(self, axes, stages, values) -> None:
        draw_replay(self, axes, stages)

    def __repr__(self) -> str:
        return (f"ReplayExplorer(steps={self.steps}, t={self.slider.value}, "
                f"locations {self.locations[0]}..{self.locations[-1]} of {self.memory_size})")
