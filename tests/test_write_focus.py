"""Our additions to training: the write-focus regulariser, fine-tuning from a trained
model (init_from) and choosing the shipped model on a held-out case (select_on)."""
import json

import pytest
import torch

from ntmlib import zoo
from ntmlib.evaluate import case_task, evaluate
from ntmlib.ntm import NTM, write_focus_penalty
from ntmlib.tasks import get_task
from ntmlib.tasks.repeat_copy import RepeatCopyTask
from ntmlib.training import TrainConfig, build_parser, config_from_args, train

from helpers import TINY_NTM, small_ntm, tiny_training

TINY = tiny_training(seed=3)


def test_penalty_is_zero_for_a_focused_or_an_empty_write_and_largest_when_uniform():
    add = torch.tensor([[[3.0, 4.0]]])  # norm 5
    focused = torch.tensor([[[0.0, 1.0, 0.0, 0.0]]])
    uniform = torch.full((1, 1, 4), 0.25)
    assert write_focus_penalty(add, focused).item() == 0.0
    assert write_focus_penalty(torch.zeros_like(add), uniform).item() == 0.0
    assert write_focus_penalty(add, uniform).item() == pytest.approx(5 * 0.75)
    # Two write heads add up; shape (B,).
    two = write_focus_penalty(add.expand(3, 2, 2), uniform.expand(3, 2, 4))
    assert two.shape == (3,) and torch.allclose(two, torch.full((3,), 7.5))


def test_penalty_gradients_in_float64_and_at_a_zero_add_vector():
    add = torch.randn(2, 2, 5, dtype=torch.float64, requires_grad=True)
    weights = torch.softmax(torch.randn(2, 2, 7, dtype=torch.float64), -1).requires_grad_()
    assert torch.autograd.gradcheck(write_focus_penalty, (add, weights))
    zero = torch.zeros(1, 1, 5, dtype=torch.float64, requires_grad=True)
    write_focus_penalty(zero, torch.full((1, 1, 4), 0.25, dtype=torch.float64)).sum().backward()
    assert torch.isfinite(zero.grad).all()


def test_forward_with_write_focus_returns_the_same_logits_and_a_penalty_with_gradients():
    model = small_ntm().train()
    x = torch.rand(3, 6, 9)
    logits, focus = model(x, write_focus=True)
    assert torch.equal(logits, model(x)) and focus.shape == (3,) and (focus >= 0).all()
    focus.sum().backward()
    assert model.heads.projection.weight.grad.abs().sum() > 0  # it reaches the head parameters
    # A write focused by hand on one location costs nothing: the mean over steps of the penalty.
    trace = model.trace(x)
    expected = write_focus_penalty(trace.add_vectors.flatten(0, 1), trace.write_weightings.flatten(0, 1))
    assert torch.allclose(focus.detach(), expected.view(3, 6).mean(1), atol=1e-6)


def _weights(result):
    return torch.cat([p.detach().flatten() for p in result.model.parameters()])


def test_off_by_default_and_off_is_the_training_of_before():
    assert TrainConfig().write_focus == 0.0
    default = train(TrainConfig(steps=6, **TINY))
    explicit = train(TrainConfig(steps=6, write_focus=0.0, **TINY))
    regularised = train(TrainConfig(steps=6, write_focus=5.0, **TINY))
    assert torch.equal(_weights(default), _weights(explicit))
    def timeless(curve):
        return [{key: value for key, value in row.items() if key != "wall_seconds"} for row in curve]
    assert timeless(default.curve) == timeless(explicit.curve)
    assert not torch.equal(_weights(default), _weights(regularised))


@pytest.mark.slow
def test_a_strong_write_focus_term_makes_the_writes_sharper():
    settings = dict(TINY, steps=60, lr=3e-3)
    plain, focused = (train(TrainConfig(write_focus=lam, **settings)) for lam in (0.0, 20.0))
    x, _, _ = get_task("copy", max_length=4).batch(16, torch.Generator().manual_seed(5))
    with torch.no_grad():
        penalties = [m(x, write_focus=True)[1].mean().item() for m in (plain.model, focused.model)]
    assert penalties[1] < 0.5 * penalties[0], penalties


def test_bad_settings_name_what_was_expected(tmp_path):
    with pytest.raises(ValueError, match="write_focus must be >= 0"):
        TrainConfig(write_focus=-1.0).validate()
    with pytest.raises(ValueError, match="applies to the NTMs"):
        TrainConfig(arch="lstm", write_focus=1.0).validate()
    with pytest.raises(ValueError, match="write_focus must be a finite"):
        TrainConfig(write_focus=float("nan")).validate()
    with pytest.raises(ValueError, match="unknown case 'Q=3'"):
        train(TrainConfig(steps=2, select_on="Q=3", **TINY))
    with pytest.raises(ValueError, match="must be a directory with model.pt"):
        train(TrainConfig(steps=2, init_from=str(tmp_path / "nothing"), **TINY))


def test_command_line_flags():
    args = build_parser().parse_args(["--task", "repeat-copy", "--arch", "ntm-lstm", "--write-focus", "1",
                                      "--init-from", "base", "--select-on", "L=15,R=8"])
    config = config_from_args(args)
    assert (config.write_focus, config.init_from, config.select_on) == (1.0, "base", "L=15,R=8")


def test_init_from_starts_from_the_given_weights_and_checks_the_model(tmp_path):
    base = train(TrainConfig(steps=5, out=str(tmp_path / "base"), **TINY))
    # A learning rate too small to move anything: the fine-tune's weights are the base's.
    tuned = train(TrainConfig(steps=1, lr=1e-30, init_from=str(tmp_path / "base"), **TINY))
    assert torch.allclose(_weights(tuned), _weights(base))
    other = dict(TINY, model_overrides=TINY_NTM)
    with pytest.raises(ValueError, match="holds a different model"):
        train(TrainConfig(steps=1, init_from=str(tmp_path / "base"), **other))


def test_select_on_a_held_out_case_picks_the_best_model_by_it(tmp_path):
    result = train(TrainConfig(steps=20, lr=3e-3, select_on="L=6", out=str(tmp_path), **TINY))
    assert all({"select_cost_bits", "select_bit_errors"} <= set(row) for row in result.curve)
    best = min(result.curve, key=lambda row: row["select_cost_bits"])
    assert result.best == best
    info = json.loads((tmp_path / "config.json").read_text())
    assert info["best"]["select_cost_bits"] == pytest.approx(best["select_cost_bits"])
    # The held-out case is a longer copy than training ever saw (lengths 1..4).
    assert evaluate(zoo.load_dir(tmp_path), "copy", sequences=8, cases=["L=6"])[0]["case"] == "L=6"


def test_case_names_beyond_the_reported_cases():
    task = get_task("repeat-copy")
    assert case_task(task, "L=15,R=8") == RepeatCopyTask(15, 15, 8, 8)
    assert case_task(task, "R=12") == RepeatCopyTask(1, 10, 12, 12)
    assert case_task(task, "L=20,R=10") == task.generalisation_cases()["L=20,R=10"]
    assert case_task(get_task("associative-recall"), "K=9").max_items == 9
    for bad in ("K=3", "L=", "L=-2", "L=1;R=2"):
        with pytest.raises(ValueError, match="unknown case"):
            case_task(task, bad)
