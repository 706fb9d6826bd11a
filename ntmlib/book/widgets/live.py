"""A trained NTM running live in the reader's page: an input editor, interventions, and
the replay of what the page just computed (chapters 7-11).

:class:`LiveExplorer` ships the model's weights (float32, :mod:`.live_model`) in the
widget's state; the page (``static/ntm.js``, ``live.js``) runs the model itself on
every edit, with no kernel, and replays the run with a time slider and ▶. In a kernel
the same widget is driven from Python:

    live = LiveExplorer(zoo.load("copy", "ntm-lstm"), "copy")
    live.set_input({"bits": [[1, 0, 1, 1, 0, 0, 1, 0]] * 30})   # or live.set_length(30)
    live.set_interventions(Intervention(no_shift=True))
    live.page_result          # what the page computed: cost_bits, bit_errors, steps
    live.trace                # ntmlib's model.trace for the same input and interventions

``live.example`` and ``live.interventions`` follow the reader's edits in the page too.
"""
from __future__ import annotations

import numpy as np
import torch
import traitlets
import ipywidgets as widgets

from ...analysis import sigmoid, to_numpy
from ...tasks import CopyTask, RepeatCopyTask, get_task, normalise_repeats
from ..style import channel_names
from .base import Explorer, ExplorerView, check_number
from .live_model import intervention_dicts, interventions_from_dicts, model_config, model_tensors

__all__ = ["LIVE_TASKS", "LiveExplorer", "LiveView", "check_example", "encode_example"]

#: The tasks the page's input editor knows: the longest input each offers, and the
#: example's fields besides the bits (L rows of 8 bits).
LIVE_TASKS = {"copy": {"max_length": 120, "fields": {}},
              "repeat-copy": {"max_length": 20, "fields": {"repeats": (1, 20)}}}


def check_example(task: str, example) -> dict:
    """``example`` as the page's dict for ``task`` (copy: ``{"bits"}``; repeat copy:
    ``{"bits", "repeats"}``), or a one-line ValueError."""
    if task not in LIVE_TASKS:
        raise ValueError(f"the live editor knows the tasks {list(LIVE_TASKS)}, got {task!r}")
    spec = LIVE_TASKS[task]
    fields = "".join(f", {name!r}: an integer in [{lo}, {hi}]" for name, (lo, hi) in spec["fields"].items())
    expected = f"a {task} example must be {{'bits': L rows of 8 bits (0 or 1){fields}}}, 1 <= L <= {spec['max_length']}"
    if not isinstance(example, dict) or set(example) != {"bits", *spec["fields"]}:
        raise ValueError(f"{expected}, got {example!r:.80}")
    try:
        array = np.asarray(example["bits"], dtype=float)
    except (TypeError, ValueError):
        raise ValueError(f"{expected}, got {example!r:.80}") from None
    if array.ndim != 2 or array.shape[1] != 8 or not 1 <= array.shape[0] <= spec["max_length"] \
            or not np.isin(array, (0, 1)).all():
        raise ValueError(f"{expected}, got bits of shape {array.shape}")
    out = {"bits": array.astype(int).tolist()}
    for name, (lo, hi) in spec["fields"].items():
        value = example[name]
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or not lo <= value <= hi:
            raise ValueError(f"{expected}, got {name}={value!r}")
        out[name] = int(value)
    return out


def encode_example(task: str, example: dict):
    """``(x, y, mask)`` (batches of one) of an editor example, in the task's wire format
    (what ``live.js`` encodes in the page: a test pins the two equal)."""
    example = check_example(task, example)
    data = torch.tensor(example["bits"], dtype=torch.float32)[None]
    L = data.shape[1]
    if task == "copy":
        x = torch.zeros(1, 2 * L + 1, 9)
        x[:, :L, :8] = data
        x[:, L, 8] = 1.0  # delimiter
        return CopyTask(L, L)._answer(x, L + 1, data)
    R = example["repeats"]
    x = torch.zeros(1, L + 1 + R * L + 1, 10)
    x[:, :L, :8] = data
    x[:, L, 8] = 1.0  # delimiter
    x[:, L, 9] = normalise_repeats(R)
    targets = torch.zeros(1, R * L + 1, 9)
    targets[:, :-1, :8] = data.repeat(1, R, 1)
    targets[:, -1, 8] = 1.0  # end marker
    return RepeatCopyTask(L, L, R, R)._answer(x, L + 1, targets)


class LiveView(ExplorerView):
    """The page's side of a :class:`LiveExplorer`: ``example`` and ``interventions`` (set
    from Python or by the reader), ``result`` (what the page computed)."""

    example = traitlets.Dict().tag(sync=True)
    interventions = traitlets.List().tag(sync=True)
    result = traitlets.Dict().tag(sync=True)


class LiveExplorer(Explorer):
    """A trained NTM (``zoo.load(task, "ntm-lstm")`` or ``"ntm-ff"``) live in the page.

    ``example``: the starting input (copy: ``{"bits": L x 8}``; repeat copy also
    ``"repeats"``; default ``length`` random rows drawn with ``seed``, 5 repeats); ``interventions``: an :class:`~ntmlib.Intervention` or a
    sequence of them (default none). The slider starts at ``start`` (default: the last
    input step, the whole input stored); after an edit the page shows the last step.
    """

    kind = "live"
    interval_ms = 350

    def __init__(self, model, task: str = "copy", example: dict | None = None, *, length: int = 10, seed: int = 0,
                 interventions=None, start: int | None = None):
        super().__init__()
        self.config = model_config(model)
        if task not in LIVE_TASKS:
            raise ValueError(f"the live editor knows the tasks {list(LIVE_TASKS)}, got {task!r}")
        if (self.config["input_width"], self.config["output_width"]) != (get_task(task).input_width,
                                                                          get_task(task).output_width):
            raise ValueError(f"the model's input/output widths {self.config['input_width']}/"
                             f"{self.config['output_width']} are not those of the {task} task")
        self.model, self.task = model, task
        if example is None:
            length = check_number("length", length, 1, LIVE_TASKS[task]["max_length"], integer=True)
            bits = torch.randint(0, 2, (length, 8), generator=torch.Generator().manual_seed(seed))
            example = {"bits": bits.tolist(), **{name: 5 for name in LIVE_TASKS[task]["fields"]}}
        self._start = {"example": check_example(task, example), "interventions": intervention_dicts(interventions)}
        batch = encode_example(task, self._start["example"])
        steps = batch.x.shape[1]
        start = int(batch.mask[0].nonzero()[0, 0]) - 1 if start is None else start
        self.slider = widgets.IntSlider(value=check_number("start", start, 0, steps - 1, integer=True), min=0, max=steps - 1, step=1, description="step t",
                                        continuous_update=True, style={"description_width": "60px"},
                                        layout=widgets.Layout(width="520px", max_width="100%"))
        self.sliders = {"t": self.slider}
        self._connect()
        self.update()

    @property
    def view(self) -> LiveView:
        if self._view is None:
            self._view = LiveView(kind=self.kind, data=self.view_data(), sliders=self.sliders, extras=self.extras,
                                  **self._start)
            self._view.observe(lambda _: setattr(self, "_stages", None), names=["example", "interventions"])
        return self._view

    def view_data(self) -> dict:
        return {"task": self.task, "config": self.config, "tensors": model_tensors(self.model),
                "input_names": channel_names(self.task, self.config["input_width"], 0), "interval": self.interval_ms}

    # -- the input and the interventions, from Python or from the page -------------------
    @property
    def example(self) -> dict:
        return self.view.example

    @property
    def interventions(self):
        """The interventions in use, as :class:`~ntmlib.Intervention` objects."""
        return interventions_from_dicts(self.view.interventions)

    def set_input(self, example: dict) -> "LiveExplorer":
        """A new input (copy: ``{"bits": L x 8}``; repeat copy: and ``"repeats"``); the page
        runs the model on it."""
        example = check_example(self.task, example)
        steps = encode_example(self.task, example).x.shape[1]
        self.slider.max = max(self.slider.max, steps - 1)
        self.slider.value = steps - 1
        self.slider.max = steps - 1
        self.view.example = example
        return self

    def set_interventions(self, interventions) -> "LiveExplorer":
        """Switch mechanisms off (an :class:`~ntmlib.Intervention`, a sequence, or None)."""
        self.view.interventions = intervention_dicts(interventions)
        return self

    @property
    def page_result(self) -> dict:
        """What the page computed for the current input: ``cost_bits``, ``bit_errors``,
        ``steps`` (empty until a page has rendered the widget)."""
        return dict(self.view.result)

    # -- ntmlib's side -------------------------------------------------------------------
    def batch(self):
        """``(x, y, mask)`` of the current input."""
        return encode_example(self.task, self.example)

    @property
    def trace(self):
        """``model.trace`` for the current input and interventions (ntmlib, in Python)."""
        return self.model.trace(self.batch().x, intervention=self.interventions)

    def compute(self, **values) -> dict:
        """Step ``t``'s numbers of ntmlib's run (head 0 of each kind), as the page draws."""
        trace = self.trace
        steps = trace.logits.shape[1]
        t = check_number("step", self._full_values(values)["t"], 0, steps - 1, integer=True)
        return {"t": t, "output": sigmoid(to_numpy(trace.logits[0, t])),
                "read_weighting": to_numpy(trace.read_weightings[0, t, 0]),
                "write_weighting": to_numpy(trace.write_weightings[0, t, 0])}

    def gallery(self, *args, **kwargs):
        raise TypeError("a live explorer has no static gallery: use ReplayExplorer(model, *live.batch()) for one")

    def __repr__(self) -> str:
        return f"LiveExplorer({self.task!r}, steps={self.slider.max + 1}, interventions={len(self.view.interventions)})"
