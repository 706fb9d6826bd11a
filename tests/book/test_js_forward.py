"""The page's NTM forward pass (ntmlib/book/widgets/static/ntm.js, run under Node) equals
ntmlib's float64 forward pass for every NTM of the zoo: output probabilities, read and
write weightings at every step, max abs diff <= 1e-4, on a training-sized input and the
longest generalisation input of each task, with no intervention and with each one."""
from __future__ import annotations

import base64
import dataclasses
import json
import os
import shutil
import subprocess
from importlib import resources

import numpy as np
import pytest
import torch

from ntmlib import Intervention, zoo
from ntmlib.book.widgets.live_model import intervention_dicts, model_config, model_tensors, reference_trace
from ntmlib.tasks import get_task

from helpers import ROOT

TOLERANCE = 1e-4
NTMS = [(task, arch) for task, arch in zoo.available() if arch != "lstm"]
#: The longest input of each task the page offers (the issue's cases).
LONGEST = {"copy": dict(min_length=120, max_length=120),
           "repeat-copy": dict(min_length=10, max_length=10, min_repeats=20, max_repeats=20),
           "associative-recall": dict(min_items=20, max_items=20), "ngrams": dict(length=200),
           "priority-sort": dict(num_inputs=20, num_outputs=16)}
SWITCHES = [None, Intervention(gamma_one=True), Intervention(gate=1.0), Intervention(gate=0.0),
            Intervention(no_shift=True), Intervention(beta_cap=2.0), Intervention(write_at_peak=True),
            [Intervention(gate=1.0, heads=[0]), Intervention(no_shift=True, gamma_one=True, heads=[1])]]
FIELDS = {"output": None, "read_weightings": None, "write_weightings": None}


def _inputs(task_name: str):
    task = get_task(task_name)
    short = task.batch(1, torch.Generator().manual_seed(7)).x
    long = dataclasses.replace(task, **LONGEST[task_name])
    return [short, long.batch(1, torch.Generator().manual_seed(8)).x]


def _node_traces(tmp_path, models, cases):
    static = resources.files("ntmlib.book.widgets") / "static"
    script = tmp_path / "run.mjs"
    script.write_text("\n".join((static / name).read_text() for name in ("equations.js", "ntm.js"))
                      + (ROOT / "tests" / "book" / "ntm_node_runner.mjs").read_text())
    (tmp_path / "job.json").write_text(json.dumps({"models": models, "cases": cases}))
    done = subprocess.run(["node", str(script), str(tmp_path / "job.json"), str(tmp_path / "out.json")],
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    return [{k: np.frombuffer(base64.b64decode(v), dtype="<f8") for k, v in case.items()}
            for case in json.loads((tmp_path / "out.json").read_text())]


@pytest.mark.parametrize("task, arch", NTMS, ids=[f"{t}/{a}" for t, a in NTMS])
def test_the_page_computes_what_ntmlib_computes(tmp_path, task, arch):
    if shutil.which("node") is None:
        (pytest.fail if os.environ.get("CI") else pytest.skip)("Node.js (`node`) is not installed: apt-get install nodejs")
    model = zoo.load(task, arch)
    models = {"m": {"config": model_config(model), "tensors": model_tensors(model)}}
    cases, references = [], []
    for x in _inputs(task):
        for switch in SWITCHES:
            cases.append({"model": "m", "inputs": x[0].flatten().tolist(), "steps": x.shape[1],
                          "interventions": intervention_dicts(switch), "fields": list(FIELDS)})
            trace = reference_trace(model, x, switch)
            references.append({"output": torch.sigmoid(trace.logits), "read_weightings": trace.read_weightings,
                               "write_weightings": trace.write_weightings})
    worst = 0.0
    for got, want, case in zip(_node_traces(tmp_path, models, cases), references, cases):
        for field, value in want.items():
            value = value[0].numpy().ravel()
            assert got[field].shape == value.shape, field
            diff = float(np.max(np.abs(got[field] - value)))
            assert diff <= TOLERANCE, (field, case["interventions"], case["steps"], diff)
            worst = max(worst, diff)
    print(f"{task}/{arch}: {len(cases)} runs, max |JS - torch| = {worst:.2e}")
