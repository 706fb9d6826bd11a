"""ntmlib.training.config: TrainConfig's defaults, its checks, and its command line generated
from the field declarations (and turned back into options by command_line)."""
import dataclasses

import pytest
import torch

from ntmlib.training import DEFAULT_STEPS, TrainConfig, build_parser, config_from_args, default_learning_rate, \
    resolve_device, train
from ntmlib.training.config import IDENTITY_FIELDS, command_line
from ntmlib.training.recipes import RECIPES

from helpers import tiny_training

TINY = tiny_training(seed=1)


def test_default_learning_rates():
    assert default_learning_rate("copy", "ntm-lstm") == pytest.approx(3e-4)  # measured during development (see its docstring)
    assert default_learning_rate("copy", "lstm") == pytest.approx(9e-5)
    assert default_learning_rate("copy", "ntm-lstm", batch_size=1) == pytest.approx(1e-4)  # the paper's
    assert default_learning_rate("copy", "ntm-lstm", batch_size=4) == pytest.approx(2e-4)
    assert default_learning_rate("copy", "ntm-lstm", "adam") == pytest.approx(1e-3)
    resolved = TrainConfig(task="ngrams", arch="ntm-ff").resolved()
    assert resolved.lr == pytest.approx(9e-5) and resolved.steps == DEFAULT_STEPS
    assert resolved.checkpoint_every == resolved.eval_every
    assert TrainConfig(arch="lstm").resolved().compile is False


@pytest.mark.parametrize("field, value, match", [
    ("task", "copying", "unknown task"),
    ("arch", "gru", "unknown architecture"),
    ("steps", 0, "steps"),
    ("steps", -5, "steps"),
    ("steps", 2.5, "steps"),
    ("batch_size", 0, "batch_size"),
    ("batch_size", True, "batch_size"),
    ("lr", -1e-3, "lr"),
    ("lr", float("nan"), "lr"),
    ("optimizer", "sgd", "optimizer"),
    ("eval_every", 0, "eval_every"),
    ("device", "tpu", "device"),
    ("momentum", 1.0, "momentum"),
])
def test_impossible_settings_are_clear_errors(field, value, match):
    with pytest.raises(ValueError, match=match):
        train(TrainConfig(**{**TINY, field: value}))


def test_other_bad_settings(tmp_path):
    with pytest.raises(ValueError, match="memory_init applies to the NTM"):
        TrainConfig(arch="lstm", memory_init="learned").validate()
    with pytest.raises(ValueError, match="resume needs an out directory"):
        TrainConfig(resume=True).validate()
    with pytest.raises(ValueError, match="eval_case"):
        train(TrainConfig(**{**TINY, "eval_case": "L=21"}))
    if not torch.cuda.is_available():
        with pytest.raises(ValueError, match="CUDA is not available"):
            resolve_device("cuda")
    assert resolve_device("auto").type == ("cuda" if torch.cuda.is_available() else "cpu")


@pytest.mark.parametrize("drops", [[[0, 0.5]], [[5, -1.0]], [[5, 0.0]], [[5]], [[10, 0.5], [5, 0.5]],
                                   [[5, 0.5], [5, 0.5]], "5:0.5", [[2.5, 0.5]]])
def test_bad_lr_drops_are_clear_errors(drops):
    with pytest.raises(ValueError, match=r"lr_drops must be a list of \[step, factor\] pairs"):
        TrainConfig(**{**TINY, "lr_drops": drops}).validate()


def _parsed(argv):
    return config_from_args(build_parser().parse_args(argv))


def test_every_field_is_documented_once_and_the_command_line_follows_the_declarations():
    names = [item.name for item in dataclasses.fields(TrainConfig)]
    assert all(f"``{name}``:" in TrainConfig.__doc__ for name in names)
    help_text = build_parser().format_help()
    for option in ("--batch-size", "--lr-drop", "--model-arg", "--task-arg", "--no-progress", "--autocast",
                   "--write-focus", "--select-on", "--init-from", "--compile", "--no-compile"):
        assert option in help_text
    assert "sequences per iteration (default 32; the paper: 1)" in " ".join(help_text.split())
    # Settings only the library takes have no option.
    assert "--eval-batch-size" not in help_text and "--max-bad-steps" not in help_text


def test_the_resume_identity_is_every_setting_that_decides_the_trajectory():
    assert set(IDENTITY_FIELDS) == {
        "task", "arch", "batch_size", "lr", "optimizer", "momentum", "alpha", "eps", "centered", "clip", "seed",
        "memory_init", "model_overrides", "task_kwargs", "eval_every", "eval_sequences", "eval_batch_size",
        "eval_case", "eval_fresh", "write_focus", "init_from", "select_on"}


def test_defaults_of_the_command_line_are_the_dataclass_defaults_but_out():
    parsed = _parsed(["--task", "copy", "--arch", "ntm-lstm"])
    assert parsed == dataclasses.replace(TrainConfig(task="copy", arch="ntm-lstm"), out="runs/copy/ntm-lstm/seed0")
    assert _parsed(["--task", "copy", "--arch", "lstm", "--threads", "0"]).threads is None
    assert _parsed(["--task", "copy", "--arch", "lstm", "--lr-drop", "9:0.5", "--lr-drop", "3:0.5"]).lr_drops == \
        [[3, 0.5], [9, 0.5]]


@pytest.mark.parametrize("config", [
    TrainConfig(task="copy", arch="lstm", out="x"),
    TrainConfig(task="repeat-copy", arch="ntm-ff", steps=7, lr=1 / 3, centered=True, compile=False, threads=None,
                progress=False, resume=True, out="y", model_overrides={"memory_size": 16, "controller_size": (8, 8)},
                task_kwargs={"max_length": 5}, lr_drops=[[2, 0.5], [5, 1 / 3]], eval_fresh=True, autocast="bf16",
                write_focus=0.5, memory_init="learned", eval_case="L=20,R=10"),
    *[dataclasses.replace(found.config, out=f"data/{task}/{arch}") for (task, arch), found in RECIPES.items()],
    *[dataclasses.replace(found.fine_tune.config, out="tuned") for found in RECIPES.values() if found.fine_tune],
], ids=lambda config: f"{config.task}/{config.arch}")
def test_command_line_gives_back_the_config(config):
    argv = command_line(config)
    assert argv[:4] == ["--task", config.task, "--arch", config.arch]
    assert _parsed(argv) == config



def test_setting_checks_name_what_they_expected():
    import numpy as np

    from ntmlib.validation import check_count, check_number

    assert check_count("steps", np.int64(3)) == 3 and type(check_count("steps", np.int64(3))) is int
    for bad, match in ((0, r"steps must be an integer >= 1, got 0"), (True, r"got True \(bool\)"),
                       ("3", r"got '3' \(str\)"), (2.0, r"got 2\.0 \(float\)")):
        with pytest.raises(ValueError, match=match):
            check_count("steps", bad)
    assert check_number("lr", 1) == 1.0 and check_number("momentum", 0, positive=False) == 0.0
    for bad in (0, -1.0, float("nan"), float("inf"), True, "1"):
        with pytest.raises(ValueError, match="lr must be a finite positive number"):
            check_number("lr", bad)
