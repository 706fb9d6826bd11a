"""No silent loss: one run per output folder, nothing left by a failed start, damaged files
refused by name, Ctrl-C that saves and says how to resume, and budgets that say what they
count (a compile is not training time; --steps is a total)."""
import json
import os
import signal
import subprocess
import sys
import time

import pytest
import torch

from ntmlib import zoo
from ntmlib.training import files as ckpt
from ntmlib.training import guard, loop, state
from ntmlib.ntm import NTM
from ntmlib.training import TrainConfig, TrainingInterrupted, train

from helpers import tiny_training

TINY = tiny_training(seed=5)
CLI = [sys.executable, "-m", "ntmlib.training", "--task", "copy", "--arch", "ntm-lstm", "--batch-size", "2",
       "--eval-every", "5", "--eval-sequences", "4", "--checkpoint-every", "1", "--seed", "5", "--no-compile",
       "--no-progress", "--model-arg", "memory_size=8", "--model-arg", "controller_size=8",
       "--task-arg", "max_length=3"]


def cli_settings(steps: int, out) -> TrainConfig:
    """The in-process twin of ``CLI`` (for reference runs)."""
    return TrainConfig(task="copy", arch="ntm-lstm", steps=steps, batch_size=2, eval_every=5, eval_sequences=4,
                       checkpoint_every=1, seed=5, compile=False, progress=False, out=str(out),
                       model_overrides={"memory_size": 8, "controller_size": 8}, task_kwargs={"max_length": 3})


def wait_for(path, process, seconds=120):
    deadline = time.time() + seconds
    while not path.exists() and time.time() < deadline and process.poll() is None:
        time.sleep(0.05)
    assert path.exists(), process.stderr.read()


def flip_bytes(path, count=200):
    data = bytearray(path.read_bytes())
    for i in range(len(data) // 2, len(data) // 2 + count):
        data[i] ^= 0xFF
    path.write_bytes(bytes(data))


# --- one run per folder ----------------------------------------------------------------------

def test_a_second_run_on_the_same_out_refuses_and_the_first_finishes_intact(tmp_path):
    out = tmp_path / "run"
    # The second process imports torch first (seconds on a busy machine) and starts its run only
    # once the first has written a checkpoint, well within the first one's 15 s budget.
    go = tmp_path / "go"
    second = subprocess.Popen(
        [sys.executable, "-c", "import pathlib, sys, time; from ntmlib.training import main\n"
         f"while not pathlib.Path({str(go)!r}).exists(): time.sleep(0.02)\n"
         "sys.exit(main(sys.argv[1:]))", *CLI[3:], "--arch", "ntm-ff", "--steps", "60", "--out", str(out),
         "--resume"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    first = subprocess.Popen(CLI + ["--steps", "100000", "--max-seconds", "15", "--out", str(out)],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    wait_for(out / "checkpoint.pt", first)
    go.touch()
    _, refused = second.communicate(timeout=120)
    assert first.poll() is None, "the first run ended before the second tried"
    assert second.returncode == 2 and "Traceback" not in refused
    assert f"is in use by another training run (PID {first.pid}" in refused
    assert len(refused.strip().splitlines()) == 1
    _, errors = first.communicate(timeout=300)
    assert first.returncode == 0, errors
    model = zoo.load_dir(out)  # config.json and model.pt of the one run, checksum checked
    assert isinstance(model, NTM) and model.controller_kind == "lstm"
    info = json.loads((out / "config.json").read_text())
    assert info["arch"] == "ntm-lstm" and info["stopped"] == "max_seconds"
    assert ckpt.load_checkpoint(out / "checkpoint.pt")["progress"]["step"] == info["steps"]
    assert not (out / guard.LOCK_NAME).exists()


def test_the_lock_names_its_owner_within_one_process_too(tmp_path):
    with guard.owned_directory(tmp_path / "run"):
        assert (tmp_path / "run" / guard.LOCK_NAME).read_text().strip() == str(os.getpid())
        with pytest.raises(guard.DirectoryInUse, match=f"PID {os.getpid()}"):
            train(TrainConfig(steps=2, out=str(tmp_path / "run"), **TINY))
    assert not (tmp_path / "run").exists()  # made by the block, empty, so removed after it


def test_a_lock_left_by_a_dead_process_is_taken_over(tmp_path, capsys):
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    out = tmp_path / "run"
    out.mkdir()
    (out / guard.LOCK_NAME).write_text(f"{dead.pid}\n")
    train(TrainConfig(steps=2, out=str(out), **{**TINY, "progress": True}))
    assert f"took over the lock of PID {dead.pid}" in capsys.readouterr().err
    assert (out / "model.pt").exists() and not (out / guard.LOCK_NAME).exists()


def test_a_run_that_fails_at_start_up_leaves_nothing(tmp_path, monkeypatch):
    out = tmp_path / "runs" / "a"
    with pytest.raises(ValueError, match="model_overrides"):
        train(TrainConfig(steps=2, out=str(out), **{**TINY, "model_overrides": {"colour": 1}}))

    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(state, "draw_batches", broken)  # fails after the folder was made and locked
    with pytest.raises(OSError, match="disk full"):
        train(TrainConfig(steps=2, out=str(out), **TINY))
    assert list(tmp_path.iterdir()) == []


# --- damaged files ---------------------------------------------------------------------------

def test_flipped_bytes_in_a_checkpoint_or_a_model_are_refused_by_name(tmp_path, capsys):
    out = tmp_path / "run"
    train(TrainConfig(steps=5, out=str(out), **TINY))
    flip_bytes(out / "checkpoint.pt")
    with pytest.raises(ckpt.CheckpointError, match=f"checkpoint {out / 'checkpoint.pt'} does not match its checksum"):
        train(TrainConfig(steps=10, out=str(out), resume=True, **TINY))
    flip_bytes(out / "model.pt")
    with pytest.raises(ckpt.CheckpointError, match=f"model file {out / 'model.pt'} does not match its checksum"):
        zoo.load_dir(out)


def test_the_checksum_matches_whenever_a_write_is_cut_short(tmp_path, monkeypatch):
    path = tmp_path / "model.pt"
    ckpt.atomic_torch_save(path, {"w": torch.zeros(3)})
    real_write = ckpt.atomic_write

    def killed_after_the_file(target, data):  # the file is replaced, its sidecar not yet rewritten
        real_write(target, data)
        if target == path:
            raise KeyboardInterrupt

    monkeypatch.setattr(ckpt, "atomic_write", killed_after_the_file)
    with pytest.raises(KeyboardInterrupt):
        ckpt.atomic_torch_save(path, {"w": torch.ones(3)})
    assert torch.equal(ckpt.load_state_dict_file(path)["w"], torch.ones(3))  # the new file; old+new digests listed

    def killed_before_the_file(target, data):
        if target == path:
            raise KeyboardInterrupt
        real_write(target, data)

    monkeypatch.setattr(ckpt, "atomic_write", killed_before_the_file)
    with pytest.raises(KeyboardInterrupt):
        ckpt.atomic_torch_save(path, {"w": torch.full((3,), 2.0)})
    assert torch.equal(ckpt.load_state_dict_file(path)["w"], torch.ones(3))  # the old file still matches


def test_every_shipped_model_has_a_matching_checksum():
    models = sorted(zoo.data_dir().glob("**/model.pt"))  # the fine-tunes' base/ models too
    assert models
    for path in models:
        assert ckpt.checksum_path(path).exists(), f"{path}: run python tools/checksums.py"
        ckpt.load_state_dict_file(path)  # raises on a mismatch


# --- Ctrl-C ----------------------------------------------------------------------------------

def test_ctrl_c_writes_a_checkpoint_prints_the_resume_command_and_exits_130(tmp_path):
    out = tmp_path / "run"
    command = CLI + ["--steps", "100000", "--out", str(out)]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    wait_for(out / "checkpoint.pt", process)
    time.sleep(0.3)
    process.send_signal(signal.SIGINT)
    _, errors = process.communicate(timeout=120)
    assert process.returncode == 130, errors
    assert "Traceback" not in errors
    hint = errors.strip().splitlines()[-1]
    state = ckpt.load_checkpoint(out / "checkpoint.pt")
    step = state["progress"]["step"]
    assert hint.startswith(f"interrupted at step {step}: checkpoint written to {out / 'checkpoint.pt'}; resume with: ")
    assert hint.endswith("--out " + str(out) + " --resume") and "--steps 100000" in hint

    # The resumed run continues from the checkpoint and ends where an uninterrupted run does.
    resumed = subprocess.run(CLI + ["--steps", str(step + 7), "--out", str(out), "--resume"], capture_output=True,
                             text=True, timeout=300)
    assert resumed.returncode == 0, resumed.stderr
    whole = train(cli_settings(step + 7, tmp_path / "whole"))
    final = ckpt.load_checkpoint(out / "checkpoint.pt")
    assert final["progress"]["step"] == step + 7 and final["curve"][:len(state["curve"])] == state["curve"]
    for name, tensor in ckpt.load_checkpoint(tmp_path / "whole" / "checkpoint.pt")["model"].items():
        assert torch.equal(tensor, final["model"][name]), name
    assert whole.steps == step + 7


def test_ctrl_c_in_the_library_raises_training_interrupted_after_saving(tmp_path):
    def interrupt_at_step_5(row):
        if row["step"] == 5:
            signal.raise_signal(signal.SIGINT)  # handled: the loop stops before its next step

    handler = signal.getsignal(signal.SIGINT)
    with pytest.raises(TrainingInterrupted) as raised:
        train(TrainConfig(steps=50, out=str(tmp_path), **TINY), on_eval=interrupt_at_step_5)
    assert isinstance(raised.value, KeyboardInterrupt) and raised.value.step == 5
    assert ckpt.load_checkpoint(tmp_path / "checkpoint.pt")["progress"]["step"] == 5
    assert signal.getsignal(signal.SIGINT) is handler  # restored


# --- budgets ---------------------------------------------------------------------------------

def test_a_compile_is_announced_and_not_counted_in_max_seconds(monkeypatch, capsys):
    def slow_first_call(self, **options):  # stands in for torch.compile: the first step takes 1 s
        eager, calls = self.step, []

        def step(*args):
            if not calls:
                time.sleep(1.0)
            calls.append(1)
            return eager(*args)
        self._step = step
        return self

    monkeypatch.setattr(NTM, "compile_step", slow_first_call)
    result = train(TrainConfig(steps=10_000, max_seconds=0.5, **{**TINY, "compile": True, "progress": True}))
    assert loop.COMPILE_NOTICE in capsys.readouterr().err
    assert result.compile_seconds >= 1.0 and result.stopped == "max_seconds"
    assert result.steps > 1 and result.wall_seconds >= 1.0 + 0.5
    train(TrainConfig(steps=2, **{**TINY, "compile": True, "progress": False}))
    assert loop.COMPILE_NOTICE not in capsys.readouterr().err  # a quiet run stays quiet


def test_a_resume_with_nothing_to_do_says_why(tmp_path, capsys):
    train(TrainConfig(steps=10, out=str(tmp_path), **TINY))
    result = train(TrainConfig(steps=6, out=str(tmp_path), resume=True, **TINY))
    assert result.steps == 10
    assert ("nothing to train: the checkpoint in " + str(tmp_path) + " is at step 10 and --steps 6 is the total "
            "to reach") in capsys.readouterr().err
    train(TrainConfig(steps=20, max_seconds=1e-3, out=str(tmp_path), resume=True, **TINY))
    assert "(a total over every part, compiles excluded); pass a larger --max-seconds" in capsys.readouterr().err


def test_a_target_reached_at_the_last_evaluation_is_reported(tmp_path, capsys):
    # No scheduled evaluation before step 7: the final one meets the (generous) target.
    result = train(TrainConfig(steps=7, target_bit_errors=1e9, **{**TINY, "eval_every": 100, "progress": True}))
    assert result.stopped == "target" and result.steps == 7
    assert "7/7" in capsys.readouterr().err  # the bar ends full
    result = train(TrainConfig(steps=50, target_bit_errors=1e9, out=str(tmp_path), **TINY))
    assert result.stopped == "target" and result.steps == 5
    again = train(TrainConfig(steps=50, target_bit_errors=1e9, out=str(tmp_path), resume=True, **TINY))
    assert again.stopped == "target" and again.steps == 5
    assert "already below --target-bit-errors" in capsys.readouterr().err


def test_the_checksum_tool_adds_missing_sidecars_and_reports_mismatches(tmp_path, capsys):
    from helpers import load_tool

    tool = load_tool("checksums")
    path = tmp_path / "model.pt"
    torch.save({"w": torch.zeros(2)}, path)
    before = path.read_bytes()
    assert tool.main([str(path)]) == 0 and "written" in capsys.readouterr().out
    assert path.read_bytes() == before and ckpt.load_state_dict_file(path)["w"].shape == (2,)
    assert tool.main([str(path)]) == 0 and "ok" in capsys.readouterr().out
    flip_bytes(path, 10)
    assert tool.main([str(path)]) == 1 and "MISMATCH" in capsys.readouterr().out
