"""Replay a trained NTM step by step: a time slider over its memory and heads.

:class:`ReplayExplorer` runs ``model.trace(x)`` once (:class:`ntmlib.ntm.NTMTrace`)
and shows, for the step ``t`` chosen on a slider (or played by the ▶ button):

- top row, the story so far: the inputs, the write weightings and the read
  weightings of steps ``0..t`` (later steps are blank; the current step is
  marked), memory locations on the y axis as in the paper's Fig. 6;
- bottom row, the state at step ``t``: the memory ``M_t`` after the step's
  write (rows are locations, the same rows as the weightings above; the
  rows the write and read heads focus on are outlined in orange and dashed blue), the two weightings ``w_t`` as
  bars, the erase and add vectors ``e_t``, ``a_t`` (eq. 3-4) and the read
  vector ``r_t`` (eq. 2), and the output at ``t`` beside its target.

It is an :class:`ntmlib.book.widgets.explorers.Explorer`: the page draws it (``static/explorers.js``)
from the whole trace, which travels in the widget's state as float32 buffers, so the
slider and the ▶ play button work without a kernel, in the static book too.

For tests and curious readers the explorer exposes what it shows:

- ``explorer.slider`` (also ``explorer.sliders["t"]``): the ``IntSlider`` of the step;
- ``explorer.current``: numpy arrays of the current step: ``"memory"`` (N x M, all
  locations), ``"read_weighting"``, ``"write_weighting"`` (N), ``"erase"``,
  ``"add"``, ``"read"`` (M), ``"output"`` (sigmoid of the logits), ``"input"``,
  ``"target"`` (when ``y`` was given) and ``"t"``;
- ``explorer.view.data``: what the page draws from (memory for ``explorer.locations``);
- ``explorer.trace``: the whole :class:`~ntmlib.ntm.NTMTrace` (on the CPU);
- ``explorer.gallery([t1, t2, ...])``: a static matplotlib figure of several steps.

Typical use in a chapter::

    from ntmlib.book.widgets.replay import ReplayExplorer
    replay = ReplayExplorer(model, batch.x, batch.y, batch.mask)
    replay                      # the slider and the figure
    replay.slider.value = 12    # or move it from code
"""
from __future__ import annotations

from typing import Iterable

import ipywidgets as widgets
import matplotlib as mpl
import numpy as np
import torch
from matplotlib.patches import Rectangle

from .explorers import Explorer, check_number, pack
from ...analysis import sigmoid, used_locations
from ..style import COLORS, channel_names, location_ticks, style_rc

__all__ = ["ReplayExplorer"]

_WEIGHT_CMAP = mpl.colormaps["gray"].with_extremes(bad="#e8e8e8")  # future steps: light grey
_INPUT_CMAP = mpl.colormaps["gray"].with_extremes(bad="#e8e8e8")


def _numpy(t: torch.Tensor) -> np.ndarray:
    return t.detach().to("cpu").float().numpy().astype(float)


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
        x = torch.as_tensor(x)
        if x.dim() == 2:
            x = x[None]
            y = None if y is None else torch.as_tensor(y)[None]
            mask = None if mask is None else torch.as_tensor(mask)[None]
            index = 0
        device = next(model.parameters()).device
        self.trace = _cpu_trace(model.trace(x.to(device=device, dtype=torch.float32)))
        self.index = int(index)
        if not 0 <= self.index < x.shape[0]:
            raise ValueError(f"index {index} out of range for a batch of {x.shape[0]}")
        n_read, n_write = self.trace.read_weightings.shape[2], self.trace.write_weightings.shape[2]
        if not 0 <= read_head < n_read or not 0 <= write_head < n_write:
            raise ValueError(f"the model has {n_read} read and {n_write} write head(s); "
                             f"got read_head={read_head}, write_head={write_head}")
        self.read_head, self.write_head = int(read_head), int(write_head)
        i = self.index
        self.inputs = _numpy(x[i])
        self.targets = None if y is None else _numpy(torch.as_tensor(y)[i])
        self.mask = None if mask is None else _numpy(torch.as_tensor(mask)[i])
        self._memory = _numpy(self.trace.memory[i])  # (T, N, M)
        self._read_w = _numpy(self.trace.read_weightings[i, :, self.read_head])  # (T, N)
        self._write_w = _numpy(self.trace.write_weightings[i, :, self.write_head])
        self._erase = _numpy(self.trace.erase_vectors[i, :, self.write_head])  # (T, M)
        self._add = _numpy(self.trace.add_vectors[i, :, self.write_head])
        self._read = _numpy(self.trace.read_vectors[i, :, self.read_head])
        self._output = sigmoid(_numpy(self.trace.logits[i]))
        self.steps, self.memory_size = self._read_w.shape
        if isinstance(locations, str):
            if locations != "auto":
                raise ValueError(f"locations must be 'auto', None or a sequence, got {locations!r}")
            self.locations = used_locations(np.stack([self._read_w, self._write_w], axis=1), threshold=threshold)
        elif locations is None:
            self.locations = np.arange(self.memory_size)
        else:
            self.locations = np.asarray(locations, dtype=int)
            if self.locations.ndim != 1 or len(self.locations) == 0 or not (
                    (0 <= self.locations) & (self.locations < self.memory_size)).all():
                raise ValueError(f"locations must be indices in [0, {self.memory_size - 1}], got {locations!r}")
        self.task = task
        # One colour scale for the whole replay, so that colours mean the same at every step.
        self._memory_max = float(np.abs(self._memory[:, self.locations]).max()) or 1.0
        self._vector_max = max(float(np.abs(self._add).max()), float(np.abs(self._read).max()), 1e-6)

        if start is None:
            if self.mask is not None and (self.mask > 0).any():
                start = max(int(np.nonzero(self.mask > 0)[0][0]) - 1, 0)
            else:
                start = self.steps - 1
        start = check_number("start", start, 0, self.steps - 1, integer=True)
        self.slider = widgets.IntSlider(value=start, min=0, max=self.steps - 1, step=1, description="step t",
                                        continuous_update=True, style={"description_width": "60px"},
                                        layout=widgets.Layout(width="520px", max_width="100%"))
        self.sliders = {"t": self.slider}
        self._rc = style_rc()
        self._connect()
        self.update()

    @property
    def current(self) -> dict:
        """The numbers of the slider's step (what the page draws)."""
        return self.data_at(self.slider.value)

    def compute(self, t: int | None = None) -> dict:
        return self.data_at(self.slider.value if t is None else t)

    def view_data(self) -> dict:
        """The trace, compactly: float32 buffers (memory only for the rows shown)."""
        locs = self.locations
        names = channel_names(self.task, self.inputs.shape[1], 0)
        return {
            "steps": self.steps, "memory_size": self.memory_size, "locations": [int(i) for i in locs],
            "width": self._memory.shape[2], "input_width": self.inputs.shape[1], "output_width": self._output.shape[1],
            "input_names": names, "interval": self.interval_ms,
            "memory_max": self._memory_max, "vector_max": self._vector_max, "bar_max": self.bar_max,
            "inputs": pack(self.inputs), "targets": None if self.targets is None else pack(self.targets),
            "mask": None if self.mask is None else pack(self.mask),
            "write_w": pack(self._write_w), "read_w": pack(self._read_w), "memory": pack(self._memory[:, locs]),
            "erase": pack(self._erase), "add": pack(self._add), "read": pack(self._read), "output": pack(self._output),
        }

    # -- what step t holds ---------------------------------------------------------------
    def data_at(self, t: int) -> dict:
        """The numbers of step ``t`` (what :attr:`current` holds after moving there)."""
        t = check_number("step", t, 0, self.steps - 1, integer=True)
        data = {
            "t": t,
            "memory": self._memory[t],
            "read_weighting": self._read_w[t],
            "write_weighting": self._write_w[t],
            "erase": self._erase[t],
            "add": self._add[t],
            "read": self._read[t],
            "output": self._output[t],
            "input": self.inputs[t],
        }
        if self.targets is not None:
            data["target"] = self.targets[t]
        return data

    def phase(self, t: int) -> str:
        """A short description of step ``t`` for the figure's title."""
        if self.mask is None:
            return ""
        if self.mask[t] > 0:
            first = int(np.nonzero(self.mask > 0)[0][0])
            return f"output phase, target step {t - first + 1} of {int((self.mask > 0).sum())}"
        return "input phase" if t < len(self.mask) - 1 and (self.mask[t + 1:] > 0).any() else ""

    # -- drawing -----------------------------------------------------------------------------
    def _so_far(self, series: np.ndarray, t: int) -> np.ndarray:
        """``series`` (T, rows) as an image (rows, T) with the steps after t blanked out."""
        image = np.array(series.T, dtype=float)
        image[:, t + 1:] = np.nan
        return np.ma.masked_invalid(image)

    def _draw(self, fig, data: dict) -> dict:
        t = data["t"]
        locs = self.locations
        n_locs = len(locs)
        outer = fig.add_gridspec(2, 1, height_ratios=[1.0, 1.25])
        top = outer[0].subgridspec(1, 3, width_ratios=[1, 1, 1])
        bottom = outer[1].subgridspec(1, 3, width_ratios=[1.25, 0.55, 1.3])
        ax_in, ax_ww, ax_rw = (fig.add_subplot(top[0, k]) for k in range(3))
        ax_mem = fig.add_subplot(bottom[0, 0])
        ax_bars = fig.add_subplot(bottom[0, 1], sharey=ax_mem)
        right = bottom[0, 2].subgridspec(4, 1, height_ratios=[1, 1, 1, 2.2], hspace=0.2)
        ax_vec = [fig.add_subplot(right[k, 0]) for k in range(3)]
        ax_out = fig.add_subplot(right[3, 0])
        T = self.steps
        extent_time = (-0.5, T - 0.5)
        a = {}
        a["inputs"] = ax_in.imshow(self._so_far(self.inputs, t), cmap=_INPUT_CMAP, vmin=0, vmax=1, aspect="auto",
                                   interpolation="nearest", extent=(*extent_time, self.inputs.shape[1] - 0.5, -0.5))
        ax_in.set_title("inputs $x$", loc="left", fontsize=10)
        names = channel_names(self.task, self.inputs.shape[1], 0)
        ax_in.set_yticks([0, self.inputs.shape[1] - 1])
        if names:
            ax_in.set_yticklabels([names[0], names[-1]], fontsize=7)
        for key, ax, series, title in (("write_weightings", ax_ww, self._write_w, "write weightings $w_t$"),
                                       ("read_weightings", ax_rw, self._read_w, "read weightings $w_t$")):
            a[key] = ax.imshow(self._so_far(series[:, locs], t), cmap=_WEIGHT_CMAP, vmin=0, vmax=1, aspect="auto",
                               interpolation="nearest", extent=(*extent_time, n_locs - 0.5, -0.5))
            ax.set_title(title, loc="left", fontsize=10)
            ax.set_ylabel("location", fontsize=9)
            location_ticks(ax, locs)
        a["time_lines"] = []
        for ax in (ax_in, ax_ww, ax_rw):
            ax.grid(False)
            ax.set_xlabel("step", fontsize=9)
            ax.tick_params(labelsize=8)
            a["time_lines"].append(ax.axvline(t, color="#e41a1c", linewidth=1.6, alpha=0.85))
            if self.mask is not None and (self.mask > 0).any():
                ax.axvline(int(np.nonzero(self.mask > 0)[0][0]) - 0.5, color=COLORS["write"],
                           linestyle="--", linewidth=0.9)

        # The memory after step t's write, locations as rows (the same rows as above).
        a["memory"] = ax_mem.imshow(data["memory"][locs], cmap="RdBu_r", vmin=-self._memory_max,
                                    vmax=self._memory_max, aspect="auto", interpolation="nearest",
                                    extent=(-0.5, data["memory"].shape[1] - 0.5, n_locs - 0.5, -0.5))
        ax_mem.set_title("memory $M_t$ after the write", loc="left", fontsize=10)
        ax_mem.set_xlabel("component $j$", fontsize=9)
        ax_mem.set_ylabel("location", fontsize=9)
        ax_mem.grid(False)
        ax_mem.tick_params(labelsize=8)
        location_ticks(ax_mem, locs)
        fig.colorbar(a["memory"], ax=ax_mem, shrink=0.8, pad=0.01).ax.tick_params(labelsize=7)
        ax_mem.set_xticks(range(0, data["memory"].shape[1], max(1, data["memory"].shape[1] // 5)))
        # Where the heads are focused: an outline around the row of largest weight.
        width = data["memory"].shape[1]
        a["write_focus"] = ax_mem.add_patch(Rectangle((-0.5, -0.5), width, 1, fill=False, linewidth=2.2,
                                                      edgecolor=COLORS["write"], label="write focus"))
        a["read_focus"] = ax_mem.add_patch(Rectangle((-0.5, -0.5), width, 1, fill=False, linewidth=1.8,
                                                     linestyle=(0, (3, 2)), edgecolor=COLORS["read"],
                                                     label="read focus"))
        ax_mem.set_xlim(-0.5, width - 0.5)

        rows = np.arange(n_locs)
        a["write_bars"] = ax_bars.barh(rows - 0.2, data["write_weighting"][locs], height=0.4,
                                       color=COLORS["write"], label="write")
        a["read_bars"] = ax_bars.barh(rows + 0.2, data["read_weighting"][locs], height=0.4,
                                      color=COLORS["read"], label="read")
        ax_bars.set_xlim(0, 1.02 * self.bar_max)
        ax_bars.set_title("$w_t$", loc="left", fontsize=10)
        ax_bars.tick_params(labelleft=False, labelsize=8)
        ax_bars.grid(axis="y", visible=False)
        ax_bars.legend(fontsize=7, loc="lower right")
        ax_mem.set_ylim(n_locs - 0.5, -0.5)

        vm = self._vector_max
        for ax, key, label, low, high, cmap in ((ax_vec[0], "erase", "erase $e_t$", 0, 1, "gray"),
                                                (ax_vec[1], "add", "add $a_t$", -vm, vm, "RdBu_r"),
                                                (ax_vec[2], "read", "read $r_t$", -vm, vm, "RdBu_r")):
            a[key] = ax.imshow(data[key][None, :], cmap=cmap, vmin=low, vmax=high, aspect="auto",
                               interpolation="nearest")
            ax.set_yticks([0])
            ax.set_yticklabels([label], fontsize=9)
            ax.set_xticks([])
            ax.grid(False)
        ax_vec[0].set_title("vectors of step $t$ (component $j$ along x)", loc="left", fontsize=10)

        out = data["output"][None, :]
        if self.targets is not None:
            out = np.concatenate([data["target"][None, :], out])
        a["output"] = ax_out.imshow(out, cmap="gray", vmin=0, vmax=1, aspect="auto", interpolation="nearest")
        ax_out.set_yticks(range(out.shape[0]))
        ax_out.set_yticklabels(["target", "output"] if self.targets is not None else ["output"], fontsize=9)
        ax_out.set_xlabel("output channel", fontsize=9)
        ax_out.tick_params(labelsize=8)
        ax_out.grid(False)
        a["output_title"] = ax_out.set_title("", loc="left", fontsize=9)
        a["title"] = fig.suptitle("", x=0.01, ha="left", fontsize=12)
        self._refresh(a, data)
        return a

    def _refresh(self, a: dict, data: dict) -> None:
        t = data["t"]
        locs = self.locations
        a["inputs"].set_data(self._so_far(self.inputs, t))
        a["write_weightings"].set_data(self._so_far(self._write_w[:, locs], t))
        a["read_weightings"].set_data(self._so_far(self._read_w[:, locs], t))
        for line in a["time_lines"]:
            line.set_xdata([t, t])
        a["memory"].set_data(data["memory"][locs])
        for key, weighting in (("write_focus", data["write_weighting"]), ("read_focus", data["read_weighting"])):
            at = int(np.argmax(weighting))  # the focus over all N locations, as the title says
            rows = np.nonzero(locs == at)[0]
            a[key].set_y((rows[0] if len(rows) else 0) - 0.5)
            # no outline for a blurry weighting, nor on a row that is not the focus
            a[key].set_visible(bool(len(rows) and weighting[at] >= 0.2))
        for bars, values in ((a["write_bars"], data["write_weighting"][locs]),
                             (a["read_bars"], data["read_weighting"][locs])):
            for bar, v in zip(bars, values):
                bar.set_width(float(v))
        for key in ("erase", "add", "read"):
            a[key].set_data(data[key][None, :])
        out = data["output"][None, :]
        if self.targets is not None:
            out = np.concatenate([data["target"][None, :], out])
            has_target = self.mask is None or self.mask[t] > 0
            wrong = int(((data["output"] > 0.5) != (data["target"] > 0.5)).sum()) if has_target else None
            a["output_title"].set_text("output (sigmoid) and target" + ("" if wrong is None else
                                                                        f": {wrong} wrong bit(s)"))
        else:
            a["output_title"].set_text("output (sigmoid)")
        a["output"].set_data(out)
        phase = self.phase(t)
        focus = (f"write focus at location {self._focus_text(data['write_weighting'])}, "
                 f"read focus at {self._focus_text(data['read_weighting'])}")
        a["title"].set_text(f"step t = {t}" + (f" ({phase})" if phase else "") + f": {focus}")

    def _focus_text(self, weighting) -> str:
        at = int(np.argmax(weighting))
        return f"{at}" if at in self.locations else f"{at} (outside the rows shown)"

    @property
    def bar_max(self) -> float:
        """The w_t bars' scale: 1, or the largest weight the rows shown ever get (rounded
        up to 0.05) when the weightings stay blurry, so the bars are never invisible."""
        top = float(max(self._read_w[:, self.locations].max(), self._write_w[:, self.locations].max()))
        return 1.0 if top > 0.5 else max(0.05, float(np.ceil(top * 20) / 20))

    def gallery(self, steps: Iterable[int], *, width: float | None = None):
        """A static pyplot figure with one replay frame per step in ``steps`` (for the
        HTML book, which has no kernel to move the slider); the slider is not moved."""
        import matplotlib.pyplot as plt

        steps = list(steps)
        w, h = self.figsize
        fig = plt.figure(figsize=(width or w, h * len(steps)), layout="constrained")
        subfigures = np.atleast_1d(fig.subfigures(len(steps), 1)) if len(steps) > 1 else [fig]
        for subfigure, t in zip(subfigures, steps):
            self._draw(subfigure, self.data_at(t))
        return fig

    def __repr__(self) -> str:
        return (f"ReplayExplorer(steps={self.steps}, t={self.slider.value}, "
                f"locations {self.locations[0]}..{self.locations[-1]} of {self.memory_size})")


def _cpu_trace(trace):
    """The trace with every tensor on the CPU (a model may run on a GPU)."""
    return type(trace)(**{name: value.detach().to("cpu") for name, value in vars(trace).items()})
