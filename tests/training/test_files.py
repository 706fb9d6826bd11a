"""Crash safety: atomic files, checkpoints that load with weights_only, exact resume,
clear errors for damaged checkpoints, and a training process killed with SIGKILL."""

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import torch

from ntmlib.training import files as ckpt
from ntmlib.training import TrainConfig, main, train

from helpers import tiny_training

TINY = tiny_training(seed=3)


def temporaries(directory: Path) -> list[Path]:
    return sorted(directory.glob(".*.tmp"))


def test_atomic_write_replaces_and_leaves_nothing_behind(tmp_path):
    target = tmp_path / "sub" / "file.bin"
    ckpt.atomic_write(target, b"first")
    ckpt.atomic_write(target, b"second")
    assert target.read_bytes() == b"second"
    assert temporaries(target.parent) == []
    umask = os.umask(0)
    os.umask(umask)
    assert target.stat().st_mode & 0o777 == 0o666 & ~umask  # as open() would make it, not mkstemp's 0600


def test_failed_write_keeps_the_old_file(tmp_path, monkeypatch):
    target = tmp_path / "file.bin"
    ckpt.atomic_write(target, b"old")

    def broken_replace(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(OSError, match="disk full"):
        ckpt.atomic_write(target, b"new")
    assert target.read_bytes() == b"old"
    assert temporaries(tmp_path) == []


def test_stale_temporaries_are_removed(tmp_path):
    (tmp_path / ".checkpoint.pt.abc123.tmp").write_bytes(b"half a checkpoint")
    (tmp_path / "keep.txt").write_text("x")
    removed = ckpt.remove_stale_temporaries(tmp_path)
    assert [p.name for p in removed] == [".checkpoint.pt.abc123.tmp"]
    assert (tmp_path / "keep.txt").exists()


def test_rng_states_round_trip_through_weights_only(tmp_path):
    generator = torch.Generator().manual_seed(5)
    random.seed(7)
    state = ckpt.rng_state(data=generator)
    expected = (torch.rand(3, generator=generator), torch.rand(3), random.random())
    ckpt.save_checkpoint(tmp_path / "c.pt", {"config": {}, "model": {}, "optimizer": {}, "rng": state,
                                             "progress": {}})
    loaded = ckpt.load_checkpoint(tmp_path / "c.pt")  # weights_only=True inside
    other = torch.Generator()
    ckpt.set_rng_state(loaded["rng"], data=other)
    assert torch.equal(torch.rand(3, generator=other), expected[0])
    assert torch.equal(torch.rand(3), expected[1])
    assert random.random() == expected[2]


def test_checkpoint_holds_everything_a_resume_needs(tmp_path):
    train(TrainConfig(steps=10, out=str(tmp_path), **TINY))
    state = ckpt.load_checkpoint(tmp_path / "checkpoint.pt")
    assert state["progress"]["step"] == 10 and state["progress"]["sequences"] == 40
    assert set(state["rng"]["generators"]) == {"data", "eval"}
    assert state["optimizer"]["state"] and state["best_state"] and len(state["curve"]) == 2
    assert state["config"]["seed"] == 3
    assert sorted(p.name for p in tmp_path.iterdir()) == ["checkpoint.pt", "checkpoint.pt.sha256", "config.json",
                                                          "curve.csv", "model.pt", "model.pt.sha256"]


def test_truncated_checkpoint_gives_a_clear_error(tmp_path, capsys):
    train(TrainConfig(steps=5, out=str(tmp_path), **TINY))
    path = tmp_path / "checkpoint.pt"
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(ckpt.CheckpointError) as error:
        train(TrainConfig(steps=10, out=str(tmp_path), resume=True, **TINY))
    message = str(error.value)
    assert str(path) in message and "Delete it" in message and "without --resume" in message
    code = main(["--task", "copy", "--arch", "ntm-lstm", "--steps", "10", "--out", str(tmp_path), "--resume",
                 "--no-progress", "--no-compile"])
    assert code == 2
    assert str(path) in capsys.readouterr().err
    path.write_bytes(b"not a checkpoint at all")
    with pytest.raises(ckpt.CheckpointError, match="checkpoint.pt"):
        ckpt.load_checkpoint(path)


def test_existing_run_needs_resume_and_the_same_settings(tmp_path):
    train(TrainConfig(steps=5, out=str(tmp_path), **TINY))
    with pytest.raises(ValueError, match="--resume"):
        train(TrainConfig(steps=10, out=str(tmp_path), **TINY))
    with pytest.raises(ValueError, match="batch_size: checkpoint 4, now 8"):
        train(TrainConfig(steps=10, out=str(tmp_path), resume=True, **{**TINY, "batch_size": 8}))


def _final_state(out: Path) -> dict:
    return ckpt.load_checkpoint(out / "checkpoint.pt")


# Stopped on and off the evaluation schedule; a fixed validation set or fresh evaluation data.
@pytest.mark.parametrize("stop_at, fresh", [(10, False), (13, False), (13, True)])
def test_resume_reproduces_an_uninterrupted_run_exactly(tmp_path, stop_at, fresh):
    settings = {**TINY, "eval_fresh": fresh}
    whole = train(TrainConfig(steps=30, out=str(tmp_path / "whole"), **settings))
    train(TrainConfig(steps=stop_at, out=str(tmp_path / "parts"), **settings))
    parts = train(TrainConfig(steps=30, out=str(tmp_path / "parts"), resume=True, **settings))
    a, b = _final_state(tmp_path / "whole"), _final_state(tmp_path / "parts")
    for name, tensor in a["model"].items():
        assert torch.equal(tensor, b["model"][name]), name
    for index, slot in a["optimizer"]["state"].items():
        for key, value in slot.items():
            assert torch.equal(torch.as_tensor(value), torch.as_tensor(b["optimizer"]["state"][index][key]))
    assert torch.equal(a["rng"]["generators"]["data"], b["rng"]["generators"]["data"])
    # The curve of the scheduled evaluations is the same, evaluation data included.
    scheduled = [row for row in parts.curve if row["step"] % 5 == 0]
    assert len(scheduled) == len(whole.curve)
    for x, y in zip(whole.curve, scheduled):
        assert {k: v for k, v in x.items() if k != "wall_seconds"} == {k: v for k, v in y.items() if k != "wall_seconds"}
    assert parts.sequences == whole.sequences == 120
    for name, tensor in whole.model.state_dict().items():
        assert torch.equal(tensor, parts.model.state_dict()[name])  # the same best model


TRAIN_ARGS = ["--task", "copy", "--arch", "ntm-lstm", "--steps", "100", "--batch-size", "4", "--eval-every", "10",
              "--eval-sequences", "8", "--checkpoint-every", "1", "--seed", "3", "--threads", "1", "--no-compile",
              "--no-progress", "--model-arg", "memory_size=12", "--model-arg", "memory_width=8",
              "--model-arg", "controller_size=16", "--task-arg", "max_length=4"]


@pytest.mark.slow
def test_sigkill_mid_run_then_resume_finishes_with_the_same_weights(tmp_path):
    out = tmp_path / "run"
    command = [sys.executable, "-m", "ntmlib.training", *TRAIN_ARGS, "--out", str(out)]
    rng = random.Random(0)
    last_step = -1
    for attempt in range(2):  # killed, then killed again after resuming
        process = subprocess.Popen(command + (["--resume"] if attempt else []), stdout=subprocess.DEVNULL,
                                   stderr=subprocess.PIPE)
        deadline = time.time() + 120
        while not (out / "checkpoint.pt").exists() and time.time() < deadline and process.poll() is None:
            time.sleep(0.02)
        time.sleep(rng.uniform(0.2, 0.8))  # checkpoints are written every step: kills land mid-write too
        assert process.poll() is None, process.stderr.read().decode()
        process.send_signal(signal.SIGKILL)
        process.wait()
        state = ckpt.load_checkpoint(out / "checkpoint.pt")  # never partial: loads after every kill
        assert state["progress"]["step"] >= last_step
        last_step = state["progress"]["step"]
        ckpt.load_state_dict_file(out / "model.pt") if (out / "model.pt").exists() else None
    assert 0 < last_step < 100
    finished = subprocess.run(command + ["--resume"], capture_output=True, text=True, timeout=300)
    assert finished.returncode == 0, finished.stderr
    assert temporaries(out) == []
    final = ckpt.load_checkpoint(out / "checkpoint.pt")
    assert final["progress"]["step"] == 100

    reference = train(TrainConfig(
        task="copy", arch="ntm-lstm", steps=100, batch_size=4, eval_every=10, eval_sequences=8, checkpoint_every=1,
        seed=3, threads=1, compile=False, progress=False, out=str(tmp_path / "reference"),
        model_overrides={"memory_size": 12, "memory_width": 8, "controller_size": 16}, task_kwargs={"max_length": 4}))
    expected = ckpt.load_checkpoint(tmp_path / "reference" / "checkpoint.pt")
    for name, tensor in expected["model"].items():
        assert torch.equal(tensor, final["model"][name]), name
    assert reference.best["step"] == final["best"]["step"]


def test_a_resume_may_add_lr_drops_ahead_but_not_change_those_behind(tmp_path):
    drops = {**TINY, "lr_drops": [[12, 0.5]]}
    whole = train(TrainConfig(steps=20, out=str(tmp_path / "whole"), **drops))
    train(TrainConfig(steps=10, out=str(tmp_path / "parts"), **TINY))  # no drop planned yet
    parts = train(TrainConfig(steps=20, out=str(tmp_path / "parts"), resume=True, **drops))
    for name, tensor in _final_state(tmp_path / "whole")["model"].items():
        assert torch.equal(tensor, _final_state(tmp_path / "parts")["model"][name]), name
    assert [row["lr"] for row in parts.curve] == [row["lr"] for row in whole.curve]
    with pytest.raises(ValueError, match=r"lr_drops up to step 20: checkpoint \[\[12, 0.5\]\], now \[\]"):
        train(TrainConfig(steps=30, out=str(tmp_path / "parts"), resume=True, **TINY))
