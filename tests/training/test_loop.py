"""ntmlib.training.loop: learning on a tiny copy task, train_step, the divergence guard, the files a run
writes, the command line and the progress bar."""

import csv
import json

import pytest
import torch

from ntmlib.paper import build_model
from ntmlib.tasks import get_task
from ntmlib.training import files as ckpt
from ntmlib.training import loop
from ntmlib.evaluate import evaluate
from ntmlib.training import CURVE_COLUMNS, TrainConfig, TrainingDiverged, main, make_optimizer, train, train_step

from helpers import tiny_training

TINY = tiny_training(seed=1)


@pytest.mark.slow
def test_a_few_hundred_steps_lower_the_cost():
    config = TrainConfig(task="copy", arch="ntm-lstm", steps=250, batch_size=16, lr=3e-3, eval_every=50,
                         eval_sequences=32, compile=False, progress=False, seed=0, task_kwargs={"max_length": 4},
                         model_overrides={"memory_size": 12, "memory_width": 8, "controller_size": 32})
    torch.manual_seed(0)
    untrained = build_model("copy", "ntm-lstm", **config.model_arguments())
    result = train(config)
    before = evaluate(untrained, "copy", sequences=64, seed=9, cases=["training"], task_kwargs={"max_length": 4})
    after = evaluate(result.model, "copy", sequences=64, seed=9, cases=["training"], task_kwargs={"max_length": 4})
    # An untrained model pays about one bit per target bit (8 x mean length 2.5 = 20 bits).
    assert before[0]["cost_bits"] > 15
    assert after[0]["cost_bits"] < 0.5 * before[0]["cost_bits"]
    assert result.curve[-1]["train_cost"] < 0.6 * result.curve[0]["train_cost"]
    assert result.best["eval_cost_bits"] == min(row["eval_cost_bits"] for row in result.curve)


def test_files_of_a_run(tmp_path):
    result = train(TrainConfig(steps=12, out=str(tmp_path), **TINY))
    with open(tmp_path / "curve.csv", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert list(rows[0])[:len(CURVE_COLUMNS)] == list(CURVE_COLUMNS)
    assert [int(r["step"]) for r in rows] == [5, 10, 12]  # the last evaluation is off the schedule
    assert [int(r["sequences"]) for r in rows] == [20, 40, 48]
    assert all(float(r["wall_seconds"]) > 0 and float(r["eval_bit_errors"]) >= 0 for r in rows)
    info = json.loads((tmp_path / "config.json").read_text())
    assert info["finished"] and info["stopped"] == "steps" and info["sequences"] == 48
    assert info["train_config"]["lr"] == pytest.approx(2e-4) and info["train_config"]["batch_size"] == 4
    assert info["best"]["eval_cost_bits"] == pytest.approx(min(float(r["eval_cost_bits"]) for r in rows), abs=1e-5)
    assert info["torch_version"] == torch.__version__ and info["device"] == "cpu"
    weights = ckpt.load_state_dict_file(tmp_path / "model.pt")
    assert set(weights) == set(result.model.state_dict())
    assert result.stopped == "steps" and result.steps == 12 and not result.model.training


def test_no_files_without_out(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = train(TrainConfig(steps=5, **TINY))
    assert result.out is None and list(tmp_path.iterdir()) == []


def test_on_eval_callback_and_target_stop():
    rows = []
    result = train(TrainConfig(steps=40, target_bit_errors=1e9, **TINY), on_eval=rows.append)
    assert result.stopped == "target" and result.steps == 5 and len(rows) == 1
    assert result.converged_at == rows[0]


def test_max_seconds_stops(monkeypatch):
    result = train(TrainConfig(steps=10_000, max_seconds=0.5, **TINY))
    assert result.stopped == "max_seconds" and 0 < result.steps < 10_000


class Poison:
    """Replace the training loss on chosen calls: NaN loss, or a finite loss whose gradient is NaN."""

    def __init__(self, bad_calls, kind="loss"):
        self.bad_calls, self.kind, self.calls = bad_calls, kind, 0
        self.real = loop.cost_bits

    def __call__(self, logits, y, mask):
        loss = self.real(logits, y, mask)
        self.calls += 1
        if not self.bad_calls(self.calls):
            return loss
        if self.kind == "loss":
            return loss * float("nan")
        return _NaNGradient.apply(loss)


class _NaNGradient(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        return x.clone()

    @staticmethod
    def backward(ctx, grad):
        return grad * float("nan")


@pytest.mark.parametrize("kind", ["loss", "gradient"])
def test_non_finite_steps_are_skipped_and_never_reach_the_weights(monkeypatch, tmp_path, kind):
    clean = train(TrainConfig(steps=4, **TINY))  # the weights after the 4 good steps
    poison = Poison(lambda call: 5 <= call <= 8, kind)  # steps 5..8 bad: fewer than max_bad_steps
    monkeypatch.setattr(loop, "cost_bits", poison)
    result = train(TrainConfig(steps=8, out=str(tmp_path), **{**TINY, "eval_every": 4}))
    assert result.skipped_steps == 4 and result.rollbacks == []
    final = ckpt.load_checkpoint(tmp_path / "checkpoint.pt")["model"]
    for name, tensor in clean.model.state_dict().items():
        assert torch.isfinite(final[name]).all()
        # 4 skipped steps changed nothing (the clean run's best is its step-4 model)
        assert torch.equal(final[name], tensor), name


def test_repeated_divergence_rolls_back_and_halves_the_learning_rate(monkeypatch, tmp_path, capsys):
    poison = Poison(lambda call: 8 <= call <= 17)  # ten bad steps in a row: steps 8..17
    monkeypatch.setattr(loop, "cost_bits", poison)
    result = train(TrainConfig(steps=25, out=str(tmp_path), **TINY))
    assert len(result.rollbacks) == 1
    rollback = result.rollbacks[0]
    assert rollback["at_step"] == 17 and rollback["weights_of_step"] == 5
    assert rollback["lr"] == pytest.approx(1e-4)  # half of 2e-4 (batch 4)
    assert result.curve[-1]["lr"] == pytest.approx(1e-4)
    assert result.steps == 25 and result.skipped_steps == 10
    assert "rollback 1/3" in capsys.readouterr().err
    state = ckpt.load_checkpoint(tmp_path / "checkpoint.pt")
    assert state["progress"]["lr_scale"] == 0.5
    assert all(torch.isfinite(t).all() for t in state["model"].values())


def test_endless_divergence_stops_after_three_rollbacks(monkeypatch, tmp_path):
    monkeypatch.setattr(loop, "cost_bits", Poison(lambda call: call > 6))
    with pytest.raises(TrainingDiverged) as error:
        train(TrainConfig(steps=500, out=str(tmp_path), **TINY))
    message = str(error.value)
    assert "diverged" in message and "3 rollbacks" in message and "--lr" in message
    assert len(error.value.result.rollbacks) == 3
    assert error.value.result.steps == 6 + 4 * 10
    state = ckpt.load_checkpoint(tmp_path / "checkpoint.pt")
    assert all(torch.isfinite(t).all() for t in state["model"].values())
    assert all(torch.isfinite(t).all() for t in ckpt.load_state_dict_file(tmp_path / "model.pt").values())


def test_command_line(tmp_path, capsys):
    out = tmp_path / "run"
    args = ["--task", "copy", "--arch", "ntm-lstm", "--steps", "6", "--batch-size", "2", "--eval-every", "3",
            "--eval-sequences", "4", "--no-compile", "--no-progress", "--out", str(out),
            "--model-arg", "memory_size=8", "--model-arg", "controller_size=8", "--task-arg", "max_length=3"]
    assert main(args) == 0
    assert "copy/ntm-lstm: 6 steps, 12 sequences" in capsys.readouterr().out
    assert (out / "model.pt").exists() and (out / "curve.csv").exists()
    info = json.loads((out / "config.json").read_text())
    assert info["model_kwargs"]["memory_size"] == 8 and info["train_config"]["task_kwargs"] == {"max_length": 3}
    assert main(args[:-6] + ["--steps", "9", "--resume"] + args[-6:]) == 0  # extend a finished run
    assert ckpt.load_checkpoint(out / "checkpoint.pt")["progress"]["step"] == 9
    assert main(args) == 2  # would overwrite a run without --resume
    assert "--resume" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exit_:
        main(["--task", "copy", "--arch", "ntm-lstm", "--steps", "0", "--out", str(tmp_path / "x")])
    assert exit_.value.code == 2
    assert "argument --steps: expected an integer >= 1" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["--task", "copyy", "--arch", "ntm-lstm"])
    assert "invalid choice" in capsys.readouterr().err


def test_lr_drops_lower_the_rate_from_their_step():
    result = train(TrainConfig(steps=20, lr_drops=[[10, 0.5], [15, 0.5]], **TINY))
    rates = {row["step"]: row["lr"] for row in result.curve}
    # batch 4: 2e-4; iterations 11-15 at half of it, 16-20 at a quarter
    assert rates == pytest.approx({5: 2e-4, 10: 2e-4, 15: 1e-4, 20: 5e-5})


def test_lr_drop_on_the_command_line(tmp_path, capsys):
    out = tmp_path / "run"
    args = ["--task", "copy", "--arch", "ntm-lstm", "--steps", "4", "--batch-size", "2", "--eval-every", "2",
            "--eval-sequences", "4", "--no-compile", "--no-progress", "--out", str(out), "--lr", "1e-3",
            "--lr-drop", "3:0.1", "--model-arg", "memory_size=8", "--model-arg", "controller_size=8"]
    assert main(args) == 0
    info = json.loads((out / "config.json").read_text())
    assert info["train_config"]["lr_drops"] == [[3, 0.1]]
    assert [row["lr"] for row in ckpt.read_curve(out / "curve.csv")] == pytest.approx([1e-3, 1e-4])
    for bad in ("3", "x:0.5", "0:0.5", "3:-1"):
        with pytest.raises(SystemExit):
            main(args[:-4] + ["--lr-drop", bad])
        assert "STEP:FACTOR" in capsys.readouterr().err


def test_a_notebook_bar_that_ends_as_planned_is_full():
    """Chapter 6's bar: a run stopped early (target, max_seconds) ends with a full widget bar."""
    from tqdm.notebook import tqdm as notebook_tqdm

    from ntmlib.training.loop import _end_bar_full

    bar = notebook_tqdm(total=1000, display=False)
    bar.update(242)
    _end_bar_full(bar)
    bar.close()
    progress = bar.container.children[1]
    assert (bar.total, progress.value, progress.max, progress.bar_style) == (242, 242, 242, "success")


@pytest.mark.skipif(not loop.bf16_available(torch.device("cpu")), reason="this CPU has no bfloat16 kernels")
def test_bf16_autocast_runs_the_forward_in_bfloat16_and_keeps_the_cost_float32():
    torch.manual_seed(0)
    model = build_model("copy", "lstm")
    task = get_task("copy")
    x, y, mask = task.batch(4, torch.Generator().manual_seed(0), torch.device("cpu"))
    exact = loop.losses(model, (x, y, mask))
    half = loop.losses(model, (x, y, mask), autocast=True)
    assert half[0].dtype == torch.float32 and half[2].dtype == torch.float32
    assert not torch.equal(exact[0], half[0])  # bfloat16 really ran
    assert float(half[2]) == pytest.approx(float(exact[2]), rel=0.02)
    with pytest.raises(ValueError, match="autocast must be one of"):
        TrainConfig(task="copy", arch="lstm", autocast="fp8").validate()


def test_bf16_autocast_on_a_cpu_without_bfloat16_runs_float32_and_says_so(monkeypatch):
    torch.manual_seed(0)
    model = build_model("copy", "lstm", hidden_size=8, num_layers=1)
    x, y, mask = get_task("copy").batch(2, torch.Generator().manual_seed(0), torch.device("cpu"))
    monkeypatch.setattr(loop, "bf16_available", lambda device: False)
    with pytest.warns(UserWarning, match="no bfloat16 arithmetic"):
        half = loop.losses(model, (x, y, mask), autocast=True)
    assert torch.equal(half[0], loop.losses(model, (x, y, mask))[0])


def _step_setting():
    torch.manual_seed(0)
    model = build_model("copy", "lstm", hidden_size=8, num_layers=1)
    config = TrainConfig(task="copy", arch="lstm", lr=1e-3).resolved()
    batch = get_task("copy", max_length=3).batch(4, torch.Generator().manual_seed(0), torch.device("cpu"))
    return model, make_optimizer(config, model.parameters()), batch


def test_train_step_updates_every_weight_with_clipped_gradients():
    model, optimizer, batch = _step_setting()
    before = [p.detach().clone() for p in model.parameters()]
    cost, errors = train_step(model, optimizer, batch, clip=1e-6)
    assert cost == pytest.approx(float(loop.losses(model, batch)[2]), rel=0.05) and 0 <= errors
    assert all((p.grad.abs() <= 1e-6).all() for p in model.parameters())  # clipped to [-clip, clip]
    assert all(not torch.equal(a, b) for a, b in zip(before, model.parameters()))


def test_train_step_refuses_a_non_finite_loss_and_changes_nothing(monkeypatch):
    model, optimizer, batch = _step_setting()
    before = [p.detach().clone() for p in model.parameters()]
    monkeypatch.setattr(loop, "cost_bits", lambda logits, y, mask: (logits * float("nan")).sum())
    assert train_step(model, optimizer, batch, clip=10.0) is None
    assert all(torch.equal(a, b) for a, b in zip(before, model.parameters()))
    assert all(p.grad is None for p in model.parameters()) and not optimizer.state

