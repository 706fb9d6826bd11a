"""Every bad input to the command lines, as a user types it (a subprocess each): exit code 2,
one line on stderr, ``error: ...`` naming the option or file and what was expected, no
traceback, and no files left behind."""
import json
import os
import re
import subprocess
import sys

import pytest

from ntmlib.training import TrainConfig, train

from helpers import tiny_training

TINY_ARGS = ["--steps", "2", "--batch-size", "2", "--eval-every", "2", "--eval-sequences", "2", "--no-compile",
             "--no-progress", "--model-arg", "memory_size=8", "--model-arg", "controller_size=8",
             "--task-arg", "max_length=3"]


def run_cli(module: str, args: list[str], cwd) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", f"ntmlib.{module}", *args], capture_output=True, text=True,
                          cwd=cwd, timeout=120, env={**os.environ, "NTM_DATA_DIR": str(cwd / "zoo")})


def assert_one_line_error(completed, pattern: str, code: int = 2):
    stderr = completed.stderr
    assert completed.returncode == code, stderr
    assert "Traceback" not in stderr, stderr
    lines = stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), stderr
    assert re.search(pattern, lines[0]), lines[0]


# (extra arguments to a tiny copy run into out/, a pattern the error line must match)
TRAIN_CASES = [
    (["--task-arg", "foo=1"], r"--task-arg.*unknown argument\(s\) foo for task 'copy'; expected some of: min_length"),
    (["--model-arg", "foo=1"], r"--model-arg.*unknown model argument\(s\) foo for ntm-lstm; expected some of"),
    (["--model-arg", "num_read_heads=-1"], r"--model-arg.*num_read_heads must be an integer >= 0, got -1"),
    (["--model-arg", "num_read_heads=1.5"], r"--model-arg.*num_read_heads must be an integer >= 0, got 1\.5"),
    (["--model-arg", "num_read_heads=true"], r"--model-arg.*num_read_heads must be an integer.*True"),
    (["--model-arg", "controller_size=100.0"], r"--model-arg.*controller_size must be a positive integer"),
    (["--model-arg", "memory_size"], r"argument --model-arg: expected KEY=VALUE, got 'memory_size'"),
    (["--device", "mps"], r"unknown device 'mps'; expected auto, cpu, cuda or cuda:N"),
    (["--threads", "-1"], r"argument --threads: expected an integer >= 0, got '-1'"),
    (["--steps", "0"], r"argument --steps: expected an integer >= 1, got '0'"),
    (["--steps", "2.5"], r"argument --steps: expected an integer >= 1, got '2.5'"),
    (["--batch-size", "x"], r"argument --batch-size: expected an integer >= 1, got 'x'"),
    (["--lr", "nan"], r"argument --lr: expected a finite positive number, got 'nan'"),
    (["--max-seconds", "-5"], r"argument --max-seconds: expected a finite positive number, got '-5'"),
    (["--momentum", "1.5"], r"momentum must be in \[0, 1\), got 1\.5"),
    (["--lr-drop", "0:0.5"], r"argument --lr-drop: expected STEP:FACTOR"),
    (["--eval-case", "L=99"], r"unknown eval_case 'L=99' for copy; expected one of"),
    (["--select-on", "Q=3"], r"unknown case 'Q=3' for copy; expected one of"),
    (["--optimizer", "sgd"], r"argument --optimizer: invalid choice: 'sgd'"),
    (["--memory-init", "learned", "--arch", "lstm"], r"memory_init applies to the NTM architectures"),
    (["--task", "copyy"], r"argument --task: invalid choice: 'copyy'"),
    (["--bogus"], r"unrecognized arguments: --bogus"),
]


@pytest.mark.parametrize("extra, pattern", TRAIN_CASES, ids=[" ".join(c[0]) for c in TRAIN_CASES])
def test_train_bad_input_is_one_line_and_leaves_nothing(tmp_path, extra, pattern):
    completed = run_cli("training", ["--task", "copy", "--arch", "ntm-lstm", *TINY_ARGS, "--out", "runs/a/b", *extra],
                        tmp_path)
    assert_one_line_error(completed, pattern)
    assert list(tmp_path.iterdir()) == []  # no runs/a/b, no runs/


def test_train_into_a_file_or_a_folder_in_use(tmp_path):
    (tmp_path / "taken").write_text("not a folder")
    completed = run_cli("training", ["--task", "copy", "--arch", "ntm-lstm", *TINY_ARGS, "--out", "taken"], tmp_path)
    assert_one_line_error(completed, r"out \(--out\) taken is a file; expected a directory")
    assert (tmp_path / "taken").read_text() == "not a folder"


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory):
    out = tmp_path_factory.mktemp("model")
    train(TrainConfig(steps=2, out=str(out), **{**tiny_training(seed=0), "eval_every": 2}))
    return out


def _copy_run(source, target, damage=None):
    target.mkdir()
    for name in ("config.json", "model.pt", "model.pt.sha256"):
        (target / name).write_bytes((source / name).read_bytes())
    if damage is not None:
        damage(target)


def _truncate_model(d):
    (d / "model.pt").write_bytes((d / "model.pt").read_bytes()[:500])
    (d / "model.pt.sha256").unlink()  # no checksum to catch it: the reader must


def _flip_model(d):
    data = bytearray((d / "model.pt").read_bytes())
    for i in range(len(data) // 2, len(data) // 2 + 200):
        data[i] ^= 0xFF
    (d / "model.pt").write_bytes(bytes(data))


def _edit_config(change):
    def damage(d):
        config = json.loads((d / "config.json").read_text())
        change(config)
        (d / "config.json").write_text(json.dumps(config))
    return damage


# (how the model directory is damaged, extra arguments, a pattern the error line must match)
EVALUATE_CASES = [
    (_truncate_model, [], r"cannot read model file m/model.pt: it is truncated, corrupt"),
    (_flip_model, [], r"model file m/model.pt does not match its checksum in m/model.pt.sha256"),
    (_edit_config(lambda c: c["model_kwargs"].update(memory_size=16)), [],
     r"model file m/model.pt does not fit the model that m/config.json describes"),
    (_edit_config(lambda c: c.pop("model_kwargs")), [], r"m/config.json lacks \['model_kwargs'\]"),
    (lambda d: (d / "config.json").write_text('{"task": "co'), [], r"cannot read m/config.json: not valid JSON"),
    (lambda d: (d / "config.json").write_text("[]"), [], r"m/config.json holds a JSON list, expected an object"),
    (lambda d: (d / "model.pt").unlink(), [], r"no trained model: m/model.pt does not exist"),
    (None, ["--threads", "-1"], r"argument --threads: expected an integer >= 0, got '-1'"),
    (None, ["--sequences", "0"], r"argument --sequences: expected an integer >= 1, got '0'"),
    (None, ["--case", "bogus"], r"unknown case 'bogus' for copy; expected one of \['L=10'"),
    (None, ["--task", "ngrams"], r"m holds a model for task 'copy', arch 'ntm-lstm', not 'ngrams'"),
    (None, ["--arch", "transformer"], r"unknown architecture 'transformer'; expected one of"),
]


@pytest.mark.parametrize("damage, extra, pattern", EVALUATE_CASES, ids=[c[2][:40] for c in EVALUATE_CASES])
def test_evaluate_bad_input_is_one_line(tmp_path, model_dir, damage, extra, pattern):
    _copy_run(model_dir, tmp_path / "m", damage)
    before = sorted(p.name for p in (tmp_path / "m").iterdir())
    completed = run_cli("evaluate", ["--task", "copy", "--arch", "ntm-lstm", "--model-dir", "m", "--sequences", "2",
                                     *extra], tmp_path)
    assert_one_line_error(completed, pattern)
    assert sorted(p.name for p in (tmp_path / "m").iterdir()) == before


def test_evaluate_a_missing_zoo_model_names_the_command(tmp_path):
    completed = run_cli("evaluate", ["--task", "copy", "--arch", "ntm-ff"], tmp_path)
    assert_one_line_error(completed, r"no trained model: .*zoo/copy/ntm-ff/config.json does not exist\. Train it "
                                     r"with: python -m ntmlib.training --task copy --arch ntm-ff")
