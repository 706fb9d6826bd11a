"""The model zoo: trained models shipped in the project's ``data/`` directory.

Layout, one directory per task and architecture::

    data/<task>/<arch>/model.pt     the weights (a state_dict; the best model by eval cost)
    data/<task>/<arch>/config.json  model constructor arguments, training settings, figures
    data/<task>/<arch>/curve.csv    the learning curve (step, sequences, wall_seconds, ...)

``data/`` is found beside the ``ntmlib`` package (the repository layout); the
environment variable ``NTM_DATA_DIR`` points elsewhere. Nothing is downloaded, and
weights load with ``torch.load(weights_only=True)``.

>>> from ntmlib import zoo
>>> model = zoo.load("copy", "ntm-lstm")            # doctest: +SKIP
>>> logits = model(x)                               # (B, T, 8) for x (B, T, 9)
"""
from __future__ import annotations

import json
import os
from pathlib import Path

import torch

from .training.files import CheckpointError, load_state_dict_file, read_curve
from .paper import ARCHITECTURES, TASK_NAMES, build_model, check_names

__all__ = ["data_dir", "model_dir", "load", "load_dir", "available", "info", "curve", "train_command",
           "MODEL_FILE", "CONFIG_FILE", "CURVE_FILE"]

MODEL_FILE = "model.pt"
CONFIG_FILE = "config.json"
CURVE_FILE = "curve.csv"
ENV_VAR = "NTM_DATA_DIR"


def data_dir() -> Path:
    """The zoo's root: ``$NTM_DATA_DIR`` if set, else ``data/`` beside the package."""
    override = os.environ.get(ENV_VAR)
    if override:
        return Path(override).expanduser()
    return Path(__file__).resolve().parent.parent / "data"


def model_dir(task: str, arch: str) -> Path:
    """``<data_dir>/<task>/<arch>`` (names checked: ValueError naming the known ones)."""
    check_names(task, arch)
    return data_dir() / task / arch


def train_command(task: str, arch: str, out: str | os.PathLike | None = None) -> str:
    """The command that trains (task, arch) into the zoo."""
    out = out if out is not None else f"data/{task}/{arch}"
    return f"python -m ntmlib.training --task {task} --arch {arch} --out {out}"


def _missing(path: Path, task: str | None, arch: str | None) -> FileNotFoundError:
    if task is not None and arch is not None:
        in_default_zoo = not os.environ.get(ENV_VAR) and path.parent == model_dir(task, arch)
        how = f"Train it with: {train_command(task, arch, None if in_default_zoo else path.parent)}"
    else:
        how = "Train a model into that directory with: python -m ntmlib.training --task TASK --arch ARCH --out DIR"
    return FileNotFoundError(f"no trained model: {path} does not exist. {how}")


def _read_json(path: Path, task: str | None = None, arch: str | None = None) -> dict:
    """A config.json as a dict; ValueError naming the file when it is not a JSON object."""
    if not path.exists():
        raise _missing(path, task, arch)
    try:
        with open(path, encoding="utf-8") as handle:
            data = json.load(handle)
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise ValueError(f"cannot read {path}: not valid JSON ({error}); expected the config.json that "
                         f"training writes") from None
    if not isinstance(data, dict):
        raise ValueError(f"{path} holds a JSON {type(data).__name__}, expected an object with task, arch and "
                         f"model_kwargs (the config.json that training writes)")
    return data


def _model_from_config(config: dict, path: Path) -> torch.nn.Module:
    """The untrained model that ``config`` (read from ``path``) describes."""
    missing = [key for key in ("task", "arch", "model_kwargs") if key not in config]
    if missing or not isinstance(config["model_kwargs"], dict):
        raise ValueError(f"{path} lacks {missing or ['model_kwargs as an object']}: expected the config.json that "
                         f"training writes (task, arch and the model's constructor arguments)")
    kwargs = {key: _tuples(value) for key, value in config["model_kwargs"].items()}
    try:
        return build_model(config["task"], config["arch"], **kwargs)
    except (TypeError, ValueError) as error:
        raise ValueError(f"{path}: its model_kwargs do not build a model: {error}") from None


def _load_weights(model: torch.nn.Module, weights: Path, config_path: Path) -> None:
    """Load ``weights`` into ``model``; CheckpointError naming both files when they do not fit."""
    state = load_state_dict_file(weights)
    expected = model.state_dict()
    missing = [key for key in expected if key not in state]
    unexpected = [key for key in state if key not in expected]
    reshaped = [key for key in expected if key in state and state[key].shape != expected[key].shape]
    if missing or unexpected or reshaped:
        detail = "; ".join(f"{what}: {', '.join(keys[:3])}{' ...' if len(keys) > 3 else ''}"
                           for what, keys in (("missing", missing), ("unexpected", unexpected),
                                              ("other shapes", reshaped)) if keys)
        raise CheckpointError(f"model file {weights} does not fit the model that {config_path} describes ({detail}); "
                              f"expected the two files of one training run")
    model.load_state_dict(state)


def _tuples(value):
    """JSON turns tuples (e.g. controller sizes (100, 100)) into lists; turn them back."""
    return tuple(_tuples(v) for v in value) if isinstance(value, list) else value


def load_dir(directory: str | os.PathLike, *, task: str | None = None, arch: str | None = None,
             device="cpu") -> torch.nn.Module:
    """A trained model from any directory holding ``model.pt`` and ``config.json``,
    in eval mode on ``device``. ``task``/``arch``, if given, must match the directory's."""
    directory = Path(directory)
    config = _read_json(directory / CONFIG_FILE, task, arch)
    if task is not None and arch is not None and (config.get("task"), config.get("arch")) != (task, arch):
        raise ValueError(f"{directory} holds a model for task {config.get('task')!r}, arch "
                         f"{config.get('arch')!r}, not {task!r}, {arch!r}")
    weights = directory / MODEL_FILE
    if not weights.exists():
        raise _missing(weights, config.get("task"), config.get("arch"))
    model = _model_from_config(config, directory / CONFIG_FILE)
    _load_weights(model, weights, directory / CONFIG_FILE)
    return model.to(device).eval()


def load(task: str, arch: str) -> torch.nn.Module:
    """The trained model for (task, arch) as a ``torch.nn.Module`` in eval mode on the CPU.

    ``model(x)`` maps ``(B, T, input_width)`` to logits ``(B, T, output_width)``;
    NTMs also have ``model.trace(x)`` (weightings, erase/add and read vectors).
    Raises ValueError for unknown names (naming the known ones) and FileNotFoundError
    naming the missing file and the command that trains it.
    """
    directory = model_dir(task, arch)
    for name in (CONFIG_FILE, MODEL_FILE):
        if not (directory / name).exists():
            raise _missing(directory / name, task, arch)
    return load_dir(directory, task=task, arch=arch)


def available() -> list[tuple[str, str]]:
    """The (task, arch) pairs that have a trained model in the zoo."""
    root = data_dir()
    return [(task, arch) for task in TASK_NAMES for arch in ARCHITECTURES
            if (root / task / arch / MODEL_FILE).exists() and (root / task / arch / CONFIG_FILE).exists()]


def info(task: str, arch: str) -> dict:
    """The content of ``config.json`` for (task, arch): model arguments, training
    settings, seed, device, torch version, wall time, sequences seen, best figures."""
    return _read_json(model_dir(task, arch) / CONFIG_FILE, task, arch)


def curve(task: str, arch: str) -> list[dict]:
    """The learning curve of (task, arch): one dict per evaluation with ``step``,
    ``sequences``, ``wall_seconds``, ``train_cost``, ``eval_cost_bits``,
    ``eval_bit_errors`` (and a few more columns)."""
    path = model_dir(task, arch) / CURVE_FILE
    if not path.exists():
        raise _missing(path, task, arch)
    return read_curve(path)
