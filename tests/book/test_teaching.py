"""ntmlib.book.teaching: the step taken apart agrees with the real step; memory resizing,
entropy, ablation loading and step timing."""
import json
import math

import matplotlib
import pytest
import torch

from ntmlib import memory as memory_ops
from ntmlib.book import teaching
from ntmlib import zoo
from ntmlib.evaluate import evaluate_task
from ntmlib.tasks import CopyTask

from helpers import small_ntm

matplotlib.use("Agg")


@pytest.fixture(scope="module")
def walk():
    model = small_ntm()
    x = CopyTask(4, 4).batch(2, torch.Generator().manual_seed(0)).x
    return model, x, model.trace(x)


@pytest.mark.parametrize("t", [0, 3, 8])
def test_explained_step_is_the_step_the_model_takes(walk, t):
    model, x, trace = walk
    parts = teaching.explain_step(model, x, t)
    weightings = torch.cat([trace.read_weightings[:, t], trace.write_weightings[:, t]], dim=1)
    assert torch.allclose(parts["stages"]["sharpened"], weightings, atol=1e-6)
    assert torch.allclose(parts["memory"], trace.memory[:, t], atol=1e-6)
    assert torch.allclose(parts["reads"], trace.read_vectors[:, t], atol=1e-6)
    assert torch.allclose(parts["logits"], trace.logits[:, t], atol=1e-6)
    write_w = weightings[:, model.num_read_heads:]
    assert torch.allclose(memory_ops.add(parts["erased_memory"], write_w, parts["heads"].add), parts["memory"], atol=1e-6)
    assert parts["controller_input"].shape[-1] == model.input_width + model.num_read_heads * model.memory_width
    if t > 0:
        assert torch.allclose(parts["previous_memory"], trace.memory[:, t - 1], atol=1e-6)
    raw, heads = parts["raw_heads"], parts["heads"]  # the raw slices, activated, are the step's parameters
    assert torch.allclose(torch.nn.functional.softplus(raw.beta), heads.beta)
    assert torch.allclose(torch.sigmoid(raw.gate), heads.gate) and torch.allclose(torch.sigmoid(raw.erase), heads.erase)
    assert torch.allclose(torch.softmax(raw.shift, -1), heads.shift) and torch.equal(raw.key, heads.key)
    assert raw.key.shape == heads.key.shape and raw.beta.shape == heads.beta.shape


def test_explain_step_rejects_a_step_outside_the_input(walk):
    model, x, _ = walk
    with pytest.raises(ValueError, match="t must be a step of the input"):
        teaching.explain_step(model, x, x.shape[1])


def test_flow_diagram_draws_with_and_without_values(walk):
    model, x, _ = walk
    plain = teaching.draw_addressing_flow()
    filled = teaching.draw_addressing_flow(teaching.explain_step(model, x, 2), head=1)
    assert len(filled.axes[0].child_axes) == 4 and not plain.axes[0].child_axes
    matplotlib.pyplot.close("all")


def test_entropy_is_zero_for_a_focus_and_log2_n_for_uniform():
    w = torch.tensor([[1.0, 0, 0, 0], [0.25, 0.25, 0.25, 0.25]])
    assert torch.allclose(teaching.weighting_entropy(w), torch.tensor([0.0, 2.0]))


@pytest.mark.parametrize("size", [8, 200])
def test_with_memory_size_changes_only_the_locations(size):
    model = small_ntm()
    moved = teaching.with_memory_size(model, size)
    memory, weightings, _, _ = moved.initial_state(3)
    assert memory.shape == (3, size, model.memory_width) and weightings.shape[-1] == size
    assert model.memory_size == 16 and moved(torch.zeros(1, 5, 9)).shape == (1, 5, 8)
    assert torch.equal(moved.heads.projection.weight, model.heads.projection.weight)
    with pytest.raises(ValueError, match="memory_size must be an integer"):
        teaching.with_memory_size(model, 2)


def test_trained_copy_model_at_eight_rows_copies_seven_and_fails_at_eight():
    model = teaching.with_memory_size(zoo.load("copy", "ntm-lstm"), 8)
    errors = {L: evaluate_task(model, CopyTask(L, L), sequences=20, generator=torch.Generator().manual_seed(0))
              ["bit_errors"] for L in (7, 8)}
    assert errors[7] < 0.5 and errors[8] > 10


def test_load_and_plot_ablations(tmp_path):
    for variant, seed, value in (("full", 1, 0.0), ("full", 2, 2.0), ("no-shift", 1, 50.0)):
        document = {"variant": variant, "seed": seed, "lengths": [{"length": L, "bit_errors": value} for L in (10, 20)]}
        (tmp_path / f"{variant}-seed{seed}.json").write_text(json.dumps(document))
    results = teaching.load_ablations(tmp_path)
    assert list(results) == ["full", "no-shift"] and len(results["full"]) == 2
    line = teaching.plot_ablations(results).axes[0].lines[0]
    assert list(line.get_ydata()) == [1.0, 1.0]  # the mean over the two seeds
    matplotlib.pyplot.close("all")


def test_time_steps_measures_every_size():
    rows = teaching.time_steps(lambda n: teaching.with_memory_size(small_ntm(), n), [8, 32], steps=3, repeats=2)
    assert [r["memory_size"] for r in rows] == [8, 32] and all(r["ms_per_step"] > 0 for r in rows)
    assert not math.isnan(rows[0]["ms_per_step"])


def test_writes_suppressed_freezes_the_memory_from_that_step():
    model = small_ntm()
    x = CopyTask(3, 3).batch(2, torch.Generator().manual_seed(1)).x
    with teaching.writes_suppressed(model, from_step=4):
        logits = model(x)
        seen = []
        hook = model.heads.register_forward_hook(lambda _m, _a, out: seen.append(float(out.add.detach().abs().sum())))
        model(x)
        hook.remove()
    assert seen[:4] and all(v > 0 for v in seen[:4]) and all(v == 0 for v in seen[4:])
    assert not torch.allclose(logits, model(x))  # the hooks are gone after the block
    with pytest.raises(ValueError, match="from_step"):
        with teaching.writes_suppressed(model, -1):
            pass


def test_curve_events_finds_the_plateau_end_and_the_spikes():
    costs = [80, 78, 70, 30, 5, 40, 1, 0.5, 0.4, 6]
    rows = [{"sequences": 100 * (k + 1), "eval_cost_bits": c} for k, c in enumerate(costs)]
    events = teaching.curve_events(rows)
    assert events["plateau_end"] == 400 and events["first"] == 80
    assert [(s["sequences"], s["cost"]) for s in events["spikes"]] == [(600, 40), (1000, 6)]
    assert teaching.curve_events(rows[:3])["plateau_end"] is None
    with pytest.raises(ValueError):
        teaching.curve_events([])
