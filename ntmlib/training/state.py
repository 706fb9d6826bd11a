"""The state of one training run: what a checkpoint saves and restores, what a rollback
returns to, and the files the run keeps in its folder (model.pt, config.json, curve.csv)."""
from __future__ import annotations

import copy
import json
import math
import platform
import random
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import torch
from torch import nn

from ..paper import PAPER, build_model, count_parameters
from ..tasks import get_task
from . import files
from .config import IDENTITY_FIELDS, TrainConfig, lr_factor
from .evaluation import case_task, draw_batches, stream_seed

__all__ = ["TrainResult", "Run", "make_optimizer"]


@dataclass
class TrainResult:
    """What :func:`~ntmlib.training.train` returns.

    ``model``: the best model by evaluation cost (what ``model.pt`` holds), in eval
    mode on the training device; ``curve``: the learning curve rows; ``best``: the
    best evaluation row; ``stopped``: "steps", "target" or "max_seconds" (and, in the
    ``result`` of ``TrainingDiverged`` / ``TrainingInterrupted``, "diverged" / "interrupted").
    """

    model: nn.Module
    config: TrainConfig
    curve: list[dict]
    best: dict | None
    steps: int
    sequences: int
    wall_seconds: float
    stopped: str
    device: str
    out: Path | None = None
    skipped_steps: int = 0
    rollbacks: list = field(default_factory=list)
    compiled: bool = False
    compile_seconds: float | None = None

    @property
    def converged_at(self) -> dict | None:
        """The first curve row whose eval bit errors are below the target (or 0.1)."""
        target = self.config.target_bit_errors or 0.1
        return next((row for row in self.curve if row["eval_bit_errors"] < target), None)


def make_optimizer(config: TrainConfig, parameters) -> torch.optim.Optimizer:
    """RMSProp (Graves 2013 style: decay ``alpha`` 0.95, momentum 0.9) or Adam."""
    if config.optimizer == "rmsprop":
        return torch.optim.RMSprop(parameters, lr=config.lr, alpha=config.alpha, eps=config.eps,
                                   momentum=config.momentum, centered=config.centered)
    return torch.optim.Adam(parameters, lr=config.lr)


def _clone_state_dict(module: nn.Module) -> dict:
    return {key: value.detach().clone() for key, value in module.state_dict().items()}


def _to_cpu(obj):
    if isinstance(obj, torch.Tensor):
        return obj.detach().to("cpu", copy=True)
    if isinstance(obj, dict):
        return {key: _to_cpu(value) for key, value in obj.items()}
    if isinstance(obj, (list, tuple)):
        return type(obj)(_to_cpu(value) for value in obj)
    return obj


def _jsonish(value):
    return json.loads(json.dumps(value))


class Run:
    """The mutable state of one training run (everything a checkpoint restores) and its folder."""

    def __init__(self, config: TrainConfig, device: torch.device, on_eval=None):
        self.config, self.device, self.on_eval = config, device, on_eval
        self.out = Path(config.out) if config.out is not None else None
        self.checkpoint_path = self.out / files.CHECKPOINT_NAME if self.out is not None else None
        self.task = get_task(config.task, **config.task_kwargs)
        # (eval_case was checked by TrainConfig.validate)
        self.eval_task = self.task if config.eval_case is None else self.task.generalisation_cases()[config.eval_case]
        torch.manual_seed(stream_seed(config.seed, "model"))
        random.seed(config.seed)
        self.model_arguments = config.model_arguments()
        self.model = build_model(config.task, config.arch, **self.model_arguments).to(device)
        if config.init_from is not None:
            self.model.load_state_dict(_initial_weights(config, self.model_arguments))
        self.optimizer = make_optimizer(config, self.model.parameters())
        self.data_generator = torch.Generator().manual_seed(stream_seed(config.seed, "train"))
        self.eval_generator = torch.Generator().manual_seed(stream_seed(config.seed, "eval"))
        # The validation set: drawn once from the evaluation stream (never the training
        # stream), the same for every evaluation of the run unless eval_fresh.
        self.eval_batches = None if config.eval_fresh else draw_batches(
            self.eval_task, sequences=config.eval_sequences, generator=self.eval_generator,
            batch_size=config.eval_batch_size, device=device)
        # The held-out case that picks the best model (select_on): a fixed set of its own stream.
        self.select_batches = None if config.select_on is None else draw_batches(
            case_task(self.task, config.select_on), sequences=config.eval_sequences,
            generator=torch.Generator().manual_seed(stream_seed(config.seed, "select")),
            batch_size=config.eval_batch_size, device=device)
        self.step = self.sequences = self.skipped_steps = self.bad_streak = 0
        self.wall_seconds = 0.0
        self.compile_seconds = 0.0  # of every part so far: wall time that --max-seconds does not count
        self.part_compile_seconds: float | None = None  # this part's compile, for config.json
        self.compiled = False
        self.lr_scale = 1.0
        self.rollbacks: list[dict] = []
        self.curve: list[dict] = []
        self.best: dict | None = None
        self.best_state: dict | None = None
        self.accumulated = {"cost": 0.0, "errors": 0.0, "count": 0}
        self.snapshot = self.take_snapshot()

    # -- checkpoints ------------------------------------------------------------------------
    def state(self) -> dict:
        return {
            "config": self.config.to_dict(),
            "model": _to_cpu(self.model.state_dict()),
            "optimizer": _to_cpu(self.optimizer.state_dict()),
            "rng": files.rng_state(data=self.data_generator, eval=self.eval_generator),
            "progress": {"step": self.step, "sequences": self.sequences, "wall_seconds": self.wall_seconds,
                         "compile_seconds": self.compile_seconds,
                         "skipped_steps": self.skipped_steps, "bad_streak": self.bad_streak,
                         "lr_scale": self.lr_scale, "accumulated": dict(self.accumulated)},
            "rollbacks": copy.deepcopy(self.rollbacks),
            "curve": copy.deepcopy(self.curve),
            "best": copy.deepcopy(self.best),
            "best_state": _to_cpu(self.best_state) if self.best_state is not None else None,
        }

    def restore(self, state: dict) -> None:
        self.model.load_state_dict(state["model"])
        self.optimizer.load_state_dict(state["optimizer"])
        progress = state["progress"]
        self.step, self.sequences = progress["step"], progress["sequences"]
        self.skipped_steps, self.bad_streak = progress["skipped_steps"], progress["bad_streak"]
        self.lr_scale = progress["lr_scale"]
        self.accumulated = dict(progress["accumulated"])
        self.rollbacks = copy.deepcopy(state["rollbacks"])
        self.curve = copy.deepcopy(state["curve"])
        self.best = copy.deepcopy(state["best"])
        self.best_state = ({k: v.to(self.device) for k, v in state["best_state"].items()}
                           if state["best_state"] is not None else None)
        self.set_lr()
        self.wall_seconds = progress["wall_seconds"]
        self.compile_seconds = progress.get("compile_seconds", 0.0)
        files.set_rng_state(state["rng"], data=self.data_generator, eval=self.eval_generator)
        self.snapshot = self.take_snapshot()

    def resume(self) -> None:
        """Continue from the checkpoint in ``out`` if there is one (the settings must agree)."""
        if self.checkpoint_path.exists():
            saved = files.load_checkpoint(self.checkpoint_path)
            _check_resume_compatible(saved["config"], self.config, self.checkpoint_path, saved["progress"]["step"])
            self.restore(saved)

    def save_checkpoint(self) -> None:
        if self.checkpoint_path is not None:
            files.save_checkpoint(self.checkpoint_path, self.state())

    def take_snapshot(self) -> dict:
        """What a rollback returns to: the weights and optimiser state of the last checkpoint."""
        return {"step": self.step, "model": _clone_state_dict(self.model),
                "optimizer": copy.deepcopy(self.optimizer.state_dict())}

    def roll_back(self) -> None:
        """Back to the snapshot's weights and optimiser state with half the learning rate.
        Steps, sequences, curve and best model carry on (the data stream is not rewound, so
        the retry sees fresh data)."""
        self.model.load_state_dict(self.snapshot["model"])
        self.optimizer.load_state_dict(copy.deepcopy(self.snapshot["optimizer"]))
        self.lr_scale *= 0.5
        self.set_lr()
        self.bad_streak = 0
        self.rollbacks.append({"at_step": self.step, "weights_of_step": self.snapshot["step"], "lr": self.current_lr()})

    # -- the learning rate ------------------------------------------------------------------
    def budget_seconds(self) -> float:
        """The wall time that counts against ``max_seconds``: all of it but the compiles."""
        return self.wall_seconds - self.compile_seconds

    def current_lr(self, step: int | None = None) -> float:
        """The rate of the iteration after ``step`` (default: the steps done): the configured
        rate after the schedule's drops and any rollbacks' halvings."""
        step = self.step if step is None else step
        return self.config.lr * lr_factor(self.config.lr_drops, step) * self.lr_scale

    def set_lr(self) -> None:
        for group in self.optimizer.param_groups:
            group["lr"] = self.current_lr()

    # -- the learning curve and the files -----------------------------------------------------
    def record(self, row: dict) -> None:
        """Append an evaluation to the curve, keep the model if it is the best so far, write the files."""
        self.curve.append(row)
        key = "select_cost_bits" if self.config.select_on else "eval_cost_bits"  # what picks the best model
        improved = self.best is None or row[key] < self.best[key]
        if improved and math.isfinite(row[key]):
            self.best, self.best_state = dict(row), _clone_state_dict(self.model)
        self.save_files(model_file=improved)
        if self.on_eval is not None:
            self.on_eval(dict(row))

    def save_files(self, stopped: str | None = None, *, model_file: bool = False) -> None:
        if self.out is None:
            return
        if model_file and self.best_state is not None:
            files.atomic_torch_save(self.out / "model.pt", _to_cpu(self.best_state))
        files.write_curve(self.out / "curve.csv", self.curve)
        files.atomic_write_json(self.out / "config.json", self.config_json(stopped))

    def config_json(self, stopped: str | None) -> dict:
        config = self.config
        return {
            "task": config.task, "arch": config.arch, "model_kwargs": self.model_arguments,
            "parameters": count_parameters(self.model),
            "paper_parameters": PAPER[config.task, config.arch].paper_parameters,
            "seed": config.seed, "device": str(self.device), "torch_version": torch.__version__,
            "python_version": platform.python_version(), "threads": torch.get_num_threads(),
            "train_config": config.to_dict(),
            "steps": self.step, "sequences": self.sequences, "wall_seconds": round(self.wall_seconds, 3),
            "compile_seconds": self.part_compile_seconds,
            "skipped_steps": self.skipped_steps, "rollbacks": self.rollbacks,
            "best": self.best, "last": self.curve[-1] if self.curve else None,
            "finished": stopped is not None,  # an interrupted part writes None: it is to be resumed
            "stopped": stopped,
            "written": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        }

    def kept(self) -> str:
        """Where the best model is, for a message: only a model that exists is claimed."""
        if self.best_state is None:
            return "No model was saved (no evaluation with finite figures had finished)"
        return (f"The best model so far (step {self.best['step']}) is kept in {self.out / 'model.pt'}" if self.out
                else f"The best model so far is the step-{self.best['step']} one in the result")

    def result(self, stopped: str) -> TrainResult:
        model = build_model(self.config.task, self.config.arch, **self.model_arguments).to(self.device)
        model.load_state_dict(self.best_state if self.best_state is not None else self.model.state_dict())
        model.eval()
        return TrainResult(model=model, config=self.config, curve=copy.deepcopy(self.curve),
                           best=copy.deepcopy(self.best), steps=self.step, sequences=self.sequences,
                           wall_seconds=self.wall_seconds, stopped=stopped, device=str(self.device), out=self.out,
                           skipped_steps=self.skipped_steps, rollbacks=copy.deepcopy(self.rollbacks),
                           compiled=self.compiled, compile_seconds=self.part_compile_seconds)


def _initial_weights(config: TrainConfig, model_arguments: dict) -> dict:
    """The weights in ``config.init_from``, checked to fit the model being trained."""
    directory = Path(config.init_from)
    try:
        saved = json.loads((directory / "config.json").read_text())
        weights = files.load_state_dict_file(directory / "model.pt")
    except (OSError, ValueError, files.CheckpointError) as error:
        raise ValueError(f"init_from {str(directory)!r} must be a directory with model.pt and config.json "
                         f"(a trained model's): {error}") from None
    ours = {"task": config.task, "arch": config.arch, "model_kwargs": _jsonish(model_arguments)}
    theirs = {key: saved.get(key) for key in ours}
    if theirs != ours:
        raise ValueError(f"init_from {str(directory)!r} holds a different model: {theirs}, expected {ours}")
    return weights


def _check_resume_compatible(saved: dict, config: TrainConfig, path: Path, step: int) -> None:
    defaults = TrainConfig()  # a setting newer than the checkpoint had its default value then
    drops = saved.get("lr_drops", defaults.lr_drops)
    saved = {name: saved.get(name, getattr(defaults, name)) for name in IDENTITY_FIELDS}
    differences = [f"{name}: checkpoint {saved[name]!r}, now {getattr(config, name)!r}"
                   for name in IDENTITY_FIELDS if _jsonish(saved[name]) != _jsonish(getattr(config, name))]
    # Drops still ahead may change: the resumed run is then the run that had them from the start.
    done_then, done_now = ([d for d in _jsonish(ds) if d[0] <= step] for ds in (drops, config.lr_drops))
    if done_then != done_now:
        differences.append(f"lr_drops up to step {step}: checkpoint {done_then!r}, now {done_now!r}")
    if differences:
        raise ValueError(f"cannot resume from {path}: these settings differ from the run that wrote it: "
                         + "; ".join(differences)
                         + ". Use the same settings, or another --out directory to start a new run.")
