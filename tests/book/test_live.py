"""The live explorer's Python side (ntmlib.book.widgets.LiveExplorer): the input it
encodes is the task's wire format, the page encodes the same (Node), Python sets the
input and the interventions the page runs, and bad input is a one-line error."""
from __future__ import annotations

import json
import os
import shutil
import subprocess

import pytest
import torch

from ntmlib import Intervention, zoo
from ntmlib.book.widgets import LiveExplorer
from ntmlib.book.widgets.base import ExplorerView
from ntmlib.book.widgets.live import encode_example
from ntmlib.book.widgets.live_model import model_from_view
from ntmlib.tasks import CopyTask, RepeatCopyTask


@pytest.fixture(scope="module")
def model():
    return zoo.load("copy", "ntm-lstm")


@pytest.mark.parametrize("task", [CopyTask(1, 20), RepeatCopyTask(1, 20, 1, 20)])
def test_the_encoding_is_the_task_s(task):
    batch = task.batch(1, torch.Generator().manual_seed(3))
    L = int(batch.x[0, :, 8].argmax())
    example = {"bits": batch.x[0, :L, :8].int().tolist()}
    if isinstance(task, RepeatCopyTask):
        example["repeats"] = (batch.x.shape[1] - L - 2) // L
    again = encode_example(task.name, example)
    for mine, theirs in zip(again, batch):
        assert torch.equal(mine, theirs)


EXAMPLES = {"copy": {}, "repeat-copy": {"repeats": 13}}


@pytest.mark.parametrize("task", list(EXAMPLES))
def test_the_page_encodes_what_python_encodes(tmp_path, task):
    if shutil.which("node") is None:
        (pytest.fail if os.environ.get("CI") else pytest.skip)("Node.js (`node`) is not installed")
    example = {"bits": torch.randint(0, 2, (7, 8), generator=torch.Generator().manual_seed(1)).tolist(),
               **EXAMPLES[task]}
    script = tmp_path / "encode.mjs"
    script.write_text(ExplorerView._esm + f"\nconst r = LIVE_TASKS[{task!r}].encode(" + json.dumps(example) + ");\n"
                      "console.log(JSON.stringify({steps: r.steps, inputs: Array.from(r.inputs), "
                      "targets: Array.from(r.targets), mask: Array.from(r.mask)}));\n")
    done = subprocess.run(["node", str(script)], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr[-2000:]
    page = json.loads(done.stdout)
    x, y, mask = encode_example(task, example)
    assert page["steps"] == x.shape[1]
    assert page["inputs"] == x[0].flatten().tolist() and page["targets"] == y[0].flatten().tolist()
    assert page["mask"] == mask[0].tolist()


def test_python_sets_the_input_and_the_interventions_the_page_runs(model):
    live = LiveExplorer(model, "copy", length=5, seed=2)
    assert live.slider.value == 5 and live.slider.max == 10  # starts at the delimiter
    live.set_input({"bits": [[1, 0, 1, 1, 0, 0, 1, 0]] * 30})
    assert live.view.example["bits"][29] == [1, 0, 1, 1, 0, 0, 1, 0] and live.slider.max == 60
    live.set_interventions([Intervention(no_shift=True, heads=[1]), Intervention(gate=0.0)])
    assert live.view.interventions[0]["no_shift"] and live.view.interventions[0]["heads"] == [1]
    assert live.interventions == (Intervention(no_shift=True, heads=(1,)), Intervention(gate=0.0))
    trace = live.trace
    assert torch.all(trace.gate == 0) and torch.all(trace.shift[:, :, 1, 1] == 1)
    assert live.page_result == {}  # no page has run it here
    live.view.result = {"cost_bits": 1.0, "bit_errors": 0, "steps": 61}  # what a page sends back
    assert live.page_result["steps"] == 61


def test_the_page_s_weights_are_the_model_s(model):
    data = LiveExplorer(model, "copy").view.data
    rebuilt = model_from_view(data["config"], data["tensors"])
    for name, value in model.state_dict().items():
        assert torch.equal(rebuilt.state_dict()[name], value), name


@pytest.mark.parametrize("example, text", [({"bits": [[0, 1]]}, "a copy example must be"),
                                           ({"bits": [[0] * 8], "repeats": 2}, "a copy example must be"),
                                           ({"bits": [[2] * 8]}, "a copy example must be"),
                                           ({"bits": [[0] * 8] * 121}, "a copy example must be"),
                                           ("0101", "a copy example must be")])
def test_bad_inputs_are_one_line_errors(model, example, text):
    with pytest.raises(ValueError, match=text):
        LiveExplorer(model, "copy").set_input(example)


def test_a_repeat_copy_example_needs_its_repeats():
    model = zoo.load("repeat-copy", "ntm-lstm")
    live = LiveExplorer(model, "repeat-copy", length=3)
    assert live.example["repeats"] == 5 and live.slider.max == 3 + 1 + 15
    for bad in ({"bits": [[0] * 8]}, {"bits": [[0] * 8], "repeats": 21}, {"bits": [[0] * 8] * 21, "repeats": 2}):
        with pytest.raises(ValueError, match="a repeat-copy example must be"):
            live.set_input(bad)
    with pytest.raises(ValueError, match="are not those of the copy task"):
        LiveExplorer(model, "copy")


def test_only_ntms_and_known_tasks():
    with pytest.raises(TypeError, match="is not an NTM"):
        LiveExplorer(zoo.load("copy", "lstm"), "copy")
    with pytest.raises(ValueError, match="the live editor knows the tasks"):
        LiveExplorer(zoo.load("copy", "ntm-ff"), "sorting")
