"""Training the five tasks (paper §4) for the three architectures, crash-safely.

Library (notebooks)::

    from ntmlib.training import TrainConfig, train
    result = train(TrainConfig(task="copy", arch="ntm-lstm", steps=1000, out="runs/copy"))
    result.model, result.curve, result.best

Command line::

    python -m ntmlib.training --task copy --arch ntm-lstm --steps 3000 --out runs/copy
    python -m ntmlib.training --task copy --arch ntm-lstm --steps 3000 --out runs/copy --resume

What a run does (paper §4.6 with the deviations written below):

* draws training batches of the task from its own ``torch.Generator`` (seeded by
  ``seed``), one length per batch;
* minimises the cost in bits (ntmlib.metrics) with RMSProp (momentum 0.9, decay 0.95, as in
  Graves 2013) or Adam, every gradient component clipped to [-10, 10];
* every ``eval_every`` steps evaluates on a validation set of the training
  distribution drawn from a second generator, appends a row to the learning curve
  ``curve.csv`` and keeps the best model so far by evaluation cost as ``model.pt``
  (NTM learning curves have sudden spikes, so the last weights are not always the
  best ones) with ``config.json`` beside it;
* every ``checkpoint_every`` steps writes ``checkpoint.pt`` (model, optimiser,
  every RNG state, step, curve, best model) atomically; ``--resume`` continues
  exactly where a run stopped: same data stream, bit-identical weights on the CPU;
* never lets a non-finite loss or gradient reach the weights (the step is skipped);
  after ``max_bad_steps`` consecutive skipped steps it rolls back to the last
  checkpointed state and halves the learning rate, and after ``max_rollbacks``
  rollbacks it stops with :class:`TrainingDiverged`;
* owns its ``out`` folder while it runs (``.train.lock`` with its PID: a second run
  there is refused) and, on Ctrl-C, finishes the step, writes a checkpoint and raises
  :class:`TrainingInterrupted` (the command line prints the resume command, exit 130).

Deviations from the paper, and why:

* batches of 32 sequences (the paper updated after every sequence): on a CPU the
  time per step is dispatch overhead, so a batch of 32 sequences costs little more
  than one sequence (chapter 12 measures it) and training is many times faster in
  wall time;
* learning rates: :func:`default_learning_rate` (3x the paper's at batch >= 9);
* the cost is summed over a sequence in bits (the paper's reported unit), not nats;
  RMSProp and Adam are invariant to that constant factor apart from epsilon.
"""
from __future__ import annotations

import argparse
import copy
import csv
import io
import json
import math
import numbers
import platform
import random
import re
import shlex
import sys
import time
import zlib
from dataclasses import asdict, dataclass, field, fields
from datetime import datetime, timezone
from pathlib import Path

import torch
from torch import nn

from .. import checkpoint as ckpt
from .. import cli, runguard
from ..paper import ARCHITECTURES, PAPER, TASK_NAMES, build_model, check_names, count_parameters, model_kwargs
from ..evaluate import case_task, draw_batches, evaluate_batches, evaluate_task
from ..metrics import bit_errors, cost_bits
from ..ntm import MEMORY_INITS
from ..tasks import get_task
from ..validation import torch_threads

__all__ = ["TrainConfig", "TrainResult", "TrainingDiverged", "TrainingInterrupted", "train", "default_learning_rate",
           "resolve_device", "make_optimizer", "main", "CURVE_COLUMNS", "OPTIMIZERS", "DEFAULT_STEPS"]

OPTIMIZERS = ("rmsprop", "adam")
AUTOCAST = ("none", "bf16")
DEVICES = ("auto", "cpu", "cuda")
#: Training iterations when none are given (x 32 sequences: 320k, a third of the paper's ~1M).
DEFAULT_STEPS = 10_000
#: Columns of ``curve.csv``, in order (``eval_optimal_cost_bits`` only for N-grams).
CURVE_COLUMNS = ("step", "sequences", "wall_seconds", "train_cost", "train_bit_errors",
                 "eval_cost_bits", "eval_bit_errors", "lr")
#: Whether NTM training compiles its per-step function by default on the CPU (see bench.py).
COMPILE_BY_DEFAULT = True

# Fields that decide the trajectory of a run: a resumed run must agree on all of them.
_IDENTITY_FIELDS = ("task", "arch", "batch_size", "lr", "optimizer", "momentum", "alpha", "eps", "centered",
                    "clip", "seed", "memory_init", "model_overrides", "task_kwargs", "eval_every",
                    "eval_sequences", "eval_batch_size", "eval_case", "eval_fresh", "write_focus",
                    "init_from", "select_on")


class TrainingDiverged(RuntimeError):
    """Training kept producing non-finite losses or gradients after every rollback.

    ``result`` holds the run so far (best model, curve) when there was one.
    """

    def __init__(self, message: str, result: "TrainResult | None" = None):
        super().__init__(message)
        self.result = result


class TrainingInterrupted(KeyboardInterrupt):
    """Training stopped by Ctrl-C (SIGINT) after finishing its step and writing a checkpoint.

    ``step``: the steps done; ``checkpoint``: the file a resume continues from (None
    without an ``out`` directory); ``result``: the run so far.
    """

    def __init__(self, step: int, checkpoint: Path | None, result: "TrainResult"):
        where = (f"checkpoint written to {checkpoint}; resume with resume=True (command line: --resume)"
                 if checkpoint is not None else "nothing written (no out directory)")
        super().__init__(f"interrupted at step {step}: {where}")
        self.step, self.checkpoint, self.result = step, checkpoint, result


def default_learning_rate(task: str, arch: str, optimizer: str = "rmsprop", batch_size: int = 32) -> float:
    """Learning rate for (task, arch) when none is given.

    The rule: the paper's learning rate (§4.6, read as per sequence) times
    ``min(3, sqrt(batch_size))`` for RMSProp, and 10/3 of that for Adam.

    Where it comes from (copy, NTM-LSTM, batch 32, RMSProp with momentum 0.9 and decay
    0.95; sequences until the bit errors at length 20 fell below 0.1; ``ntmlib.bench``
    on a shared 2-core CPU; every run a different seed or code state):

    ==========================  =====  ===========================================
    setting                     runs   sequences to converge: median (range)
    ==========================  =====  ===========================================
    lr 1e-4 (the paper's)       1      70k (measured during development)
    lr 3e-4 (the default)       11     32.0k (22.4k-44.8k), all converged; no spike
                                       afterwards (one run of 3000 steps checked)
    lr 3e-4, centred            4      28.8k (19.2k-54.4k)
    lr 3e-4, centred, eps 1e-4  4      28.8k (19.2k-35.2k)
    lr 5e-4                     8      19.2k (16.0k-44.8k); later a spike 0 -> 73 bits
    lr 1e-3                     4      11.2k (6.4k-22.4k); later 1-2 spikes to ~50
                                       bits within 3000 steps, in both runs checked
    lr 3e-4, batch 16           8      15.2k (12.8k-24.0k), but each sequence costs
                                       ~1.7x: about the same wall time
    Adam lr 1e-3                4      2 of 4 converged within 128k (38.4k, 92.8k)
    ==========================  =====  ===========================================

    So 3x the paper's rate is the fastest setting measured that stays smooth once
    converged (the shipped models train long past convergence and their curves are
    figures of the book); Graves's centred RMSProp made no measurable difference, so
    the plain form stays. A batch of B sequences averages B gradients, whose noise
    falls as sqrt(B), which allows a larger step than the paper's per-sequence rate; we
    cap the increase at the measured 3x and apply the same factor to every task and
    architecture. At batch 1 the rule gives the paper's own rate. Pass ``lr`` to
    override (``lr=1e-3`` converges copy about three times as fast when only the time
    to converge matters, e.g. a live demonstration).
    """
    check_names(task, arch)
    if optimizer not in OPTIMIZERS:
        raise ValueError(f"unknown optimizer {optimizer!r}; expected one of {OPTIMIZERS}")
    _check_int("batch_size", batch_size)
    factor = min(3.0, math.sqrt(batch_size))
    lr = PAPER[task, arch].learning_rate * factor
    return lr * 10.0 / 3.0 if optimizer == "adam" else lr


def resolve_device(device: str | torch.device = "auto") -> torch.device:
    """``"auto"``: CUDA if available, else the CPU. Asking for CUDA without it is an error."""
    name = str(device)
    if name == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    if not (name in DEVICES or re.fullmatch(r"cuda:\d+", name)):
        raise ValueError(f"unknown device {name!r}; expected auto, cpu, cuda or cuda:N")
    if name.startswith("cuda") and not torch.cuda.is_available():
        raise ValueError(f"device {name!r} requested but CUDA is not available (torch {torch.__version__}); "
                         f"use --device cpu or --device auto")
    try:
        return torch.device(name)
    except RuntimeError as error:
        raise ValueError(f"unknown device {name!r}; expected one of {DEVICES}") from error


def _check_int(name, value, minimum=1):
    # numbers.Integral: NumPy's integers count too (resolved() turns them into ints); bools do not.
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}, got {value!r}")


def _plain(value):
    """NumPy scalars (and tuples of them) as Python numbers, so that config.json can hold them."""
    if isinstance(value, (list, tuple)):
        return type(value)(_plain(v) for v in value)
    if isinstance(value, numbers.Integral) and not isinstance(value, bool):
        return int(value)
    if isinstance(value, numbers.Real) and not isinstance(value, bool):
        return float(value)
    return value


def _check_float(name, value, positive=True):
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) \
            or (positive and value <= 0):
        raise ValueError(f"{name} must be a finite {'positive ' if positive else ''}number, got {value!r}")


def _check_lr_drops(drops) -> None:
    expected = "lr_drops must be a list of [step, factor] pairs with steps >= 1 in increasing order and factors > 0"
    if not isinstance(drops, (list, tuple)):
        raise ValueError(f"{expected}, got {drops!r}")
    steps = []
    for pair in drops:
        if not isinstance(pair, (list, tuple)) or len(pair) != 2:
            raise ValueError(f"{expected}, got {drops!r}")
        try:
            _check_int("step", pair[0])
            _check_float("factor", pair[1])
        except ValueError as error:
            raise ValueError(f"{expected}, got {drops!r} ({error})") from None
        steps.append(pair[0])
    if steps != sorted(set(steps)):
        raise ValueError(f"{expected}, got {drops!r}")


def lr_factor(drops, step: int) -> float:
    """The schedule's multiplier of the learning rate once ``step`` iterations are done."""
    return math.prod(factor for at, factor in drops if step >= at)


@dataclass
class TrainConfig:
    """Everything that defines a training run (``None`` means: the documented default).

    Model: ``task``, ``arch`` (task names as in docs/tasks.md); ``memory_init`` (NTMs: "constant",
    "learned", "random"; None keeps the model's default); ``model_overrides`` (any
    constructor argument, e.g. ``{"memory_size": 16}``); ``task_kwargs`` (e.g.
    ``{"max_length": 5}``).

    Optimisation: ``steps`` (iterations; ``DEFAULT_STEPS``), ``batch_size`` (32; the
    paper's was 1), ``lr`` (:func:`default_learning_rate`), ``optimizer`` ("rmsprop"
    or "adam"), RMSProp's ``momentum``/``alpha``/``eps``/``centered``, ``clip`` (each
    gradient component clipped to [-clip, clip]), ``seed``, ``lr_drops`` (a schedule:
    ``[[step, factor], ...]`` multiplies the learning rate by ``factor`` from iteration
    ``step`` on; drops compound; e.g. ``[[25000, 1/3]]``).

    Evaluation: every ``eval_every`` steps on a validation set of ``eval_sequences``
    sequences of the training distribution (or of the generalisation case
    ``eval_case``, e.g. "L=20"), in batches of ``eval_batch_size``. The set is drawn
    once from its own generator stream (never seen in training) and reused, so that
    evaluations are comparable and the best model is not chosen by a lucky draw of
    short sequences; ``eval_fresh=True`` draws new sequences for every evaluation.

    Our additions (all off by default): ``write_focus`` (lambda >= 0: adds lambda times
    the mean over time steps of :func:`~ntmlib.ntm.write_focus_penalty`, the add vector's
    norm times one minus the write weighting's peak, to the cost; NTMs only);
    ``init_from`` (a directory with ``model.pt`` and ``config.json`` of the same task,
    architecture and model arguments: the run starts from those weights, a fine-tune);
    ``select_on`` (a case such as "L=15,R=8", see :func:`~ntmlib.evaluate.case_task`:
    every evaluation also measures ``eval_sequences`` held-out sequences of that case,
    columns ``select_cost_bits``/``select_bit_errors``, and the best model is the one
    with the lowest ``select_cost_bits`` instead of ``eval_cost_bits``).

    Stopping: ``steps``; ``target_bit_errors`` (stop once an evaluation is below it);
    ``max_seconds`` (total wall time of the run, resumed parts included, each part's
    one-off compile excluded). ``steps`` too is a total: a resume trains up to it.

    Machinery: ``device`` ("auto", "cpu", "cuda"), ``autocast`` ("none" or "bf16": the forward pass in bfloat16, the cost in float32), ``compile`` (compile the NTM's
    per-step function; None: on the CPU for NTMs), ``threads`` (torch intra-op threads,
    set process-wide; 1 by default: as fast as 2 on a 2-core machine (measured during development) and
    immune to the stalls of OpenMP threads on shared cores; None leaves torch's setting;
    restored when train() returns), ``out`` (directory for files; None writes none),
    ``resume``, ``checkpoint_every`` (default: ``eval_every``), ``progress`` (tqdm bar),
    ``max_bad_steps``/``max_rollbacks`` (divergence guard).
    """

    task: str = "copy"
    arch: str = "ntm-lstm"
    steps: int | None = None
    batch_size: int = 32
    lr: float | None = None
    optimizer: str = "rmsprop"
    momentum: float = 0.9
    alpha: float = 0.95
    eps: float = 1e-8
    centered: bool = False
    clip: float = 10.0
    seed: int = 0
    lr_drops: list = field(default_factory=list)
    memory_init: str | None = None
    model_overrides: dict = field(default_factory=dict)
    task_kwargs: dict = field(default_factory=dict)
    eval_every: int = 100
    eval_sequences: int = 256
    eval_batch_size: int = 32
    eval_case: str | None = None
    eval_fresh: bool = False
    target_bit_errors: float | None = None
    max_seconds: float | None = None
    device: str = "auto"
    compile: bool | None = None
    threads: int | None = 1
    out: str | None = None
    resume: bool = False
    checkpoint_every: int | None = None
    progress: bool = True
    max_bad_steps: int = 10
    max_rollbacks: int = 3
    write_focus: float = 0.0
    init_from: str | None = None
    select_on: str | None = None
    autocast: str = "none"

    def validate(self) -> "TrainConfig":
        """Raise ValueError for anything that cannot run; returns self."""
        check_names(self.task, self.arch)
        if self.steps is not None:
            _check_int("steps", self.steps)
        _check_int("batch_size", self.batch_size)
        if self.lr is not None:
            _check_float("lr", self.lr)
        if self.optimizer not in OPTIMIZERS:
            raise ValueError(f"unknown optimizer {self.optimizer!r}; expected one of {OPTIMIZERS}")
        for name in ("momentum", "alpha"):
            value = getattr(self, name)
            _check_float(name, value, positive=False)
            if not 0 <= value < 1:
                raise ValueError(f"{name} must be in [0, 1), got {value!r}")
        _check_float("eps", self.eps)
        _check_float("clip", self.clip)
        _check_int("seed", self.seed, minimum=0)
        _check_lr_drops(self.lr_drops)
        for name in ("eval_every", "eval_sequences", "eval_batch_size", "max_bad_steps"):
            _check_int(name, getattr(self, name))
        _check_int("max_rollbacks", self.max_rollbacks, minimum=0)
        if self.checkpoint_every is not None:
            _check_int("checkpoint_every", self.checkpoint_every)
        if self.threads is not None:
            _check_int("threads", self.threads)
        if self.target_bit_errors is not None:
            _check_float("target_bit_errors", self.target_bit_errors)
        if self.max_seconds is not None:
            _check_float("max_seconds", self.max_seconds)
        if self.memory_init is not None and self.arch == "lstm":
            raise ValueError("memory_init applies to the NTM architectures (ntm-lstm, ntm-ff), not to lstm")
        if not isinstance(self.model_overrides, dict) or not isinstance(self.task_kwargs, dict):
            raise ValueError("model_overrides and task_kwargs must be dicts")
        resolve_device(self.device)
        if self.autocast not in AUTOCAST:
            raise ValueError(f"autocast must be one of {AUTOCAST}, got {self.autocast!r}")
        _check_float("write_focus", self.write_focus, positive=False)
        if self.write_focus < 0 or (self.write_focus and self.arch == "lstm"):
            raise ValueError(f"write_focus must be >= 0 and applies to the NTMs (ntm-lstm, ntm-ff), "
                             f"got {self.write_focus!r} for {self.arch}")
        if self.resume and self.out is None:
            raise ValueError("resume needs an out directory (the one holding checkpoint.pt)")
        if self.out is not None and Path(self.out).exists() and not Path(self.out).is_dir():
            raise ValueError(f"out (--out) {self.out} is a file; expected a directory (or a path not yet there)")
        self._check_model_and_task()
        return self

    def _check_model_and_task(self) -> None:
        """Build the task and (on the meta device: no memory, no time) the model, so that a bad
        argument is an error naming it before anything is written."""
        try:
            task = get_task(self.task, **self.task_kwargs)
        except (TypeError, ValueError) as error:
            raise type(error)(f"task_kwargs (--task-arg): {error}") from None
        if self.select_on is not None:
            case_task(task, self.select_on)  # ValueError naming the known cases
        if self.eval_case is not None and self.eval_case not in task.generalisation_cases():
            raise ValueError(f"unknown eval_case {self.eval_case!r} for {self.task}; expected one of "
                             f"{list(task.generalisation_cases())}")
        try:
            with torch.device("meta"):
                build_model(self.task, self.arch, **self.model_arguments())
        except (TypeError, ValueError) as error:
            raise type(error)(f"model_overrides (--model-arg): {error}") from None

    def resolved(self) -> "TrainConfig":
        """A copy with every ``None`` default filled in (steps, lr, compile, checkpoint_every)."""
        self.validate()
        done = copy.deepcopy(self)
        for item in fields(done):
            setattr(done, item.name, _plain(getattr(done, item.name)))
        done.model_overrides = {key: _plain(value) for key, value in done.model_overrides.items()}
        done.task_kwargs = {key: _plain(value) for key, value in done.task_kwargs.items()}
        if done.steps is None:
            done.steps = DEFAULT_STEPS
        if done.lr is None:
            done.lr = default_learning_rate(done.task, done.arch, done.optimizer, done.batch_size)
        if done.compile is None:
            done.compile = COMPILE_BY_DEFAULT and done.arch != "lstm" and resolve_device(done.device).type == "cpu"
        if done.checkpoint_every is None:
            done.checkpoint_every = done.eval_every
        return done

    def model_arguments(self) -> dict:
        """Constructor arguments of the model (the paper's, with the overrides)."""
        overrides = dict(self.model_overrides)
        if self.memory_init is not None:
            overrides["memory_init"] = self.memory_init
        return model_kwargs(self.task, self.arch, **overrides)

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> "TrainConfig":
        known = {f.name for f in fields(cls)}
        return cls(**{key: value for key, value in data.items() if key in known})


@dataclass
class TrainResult:
    """What :func:`train` returns.

    ``model``: the best model by evaluation cost (what ``model.pt`` holds), in eval
    mode on the training device; ``curve``: the learning curve rows; ``best``: the
    best evaluation row; ``stopped``: "steps", "target" or "max_seconds" (and, in the
    ``result`` of :class:`TrainingDiverged` / :class:`TrainingInterrupted`, "diverged" /
    "interrupted").
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


# --- the run's state, as saved in checkpoints ----------------------------------------------

def _stream_seed(seed: int, stream: str) -> int:
    return int(seed) * 1_000_003 + zlib.crc32(stream.encode("utf-8"))


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


def _all_finite(tensors) -> bool:
    tensors = [t for t in tensors if t is not None]
    if not tensors:
        return True
    return bool(torch.stack([torch.isfinite(t).all() for t in tensors]).all())


def make_optimizer(config: TrainConfig, parameters) -> torch.optim.Optimizer:
    """RMSProp (Graves 2013 style: decay ``alpha`` 0.95, momentum 0.9) or Adam."""
    if config.optimizer == "rmsprop":
        return torch.optim.RMSprop(parameters, lr=config.lr, alpha=config.alpha, eps=config.eps,
                                   momentum=config.momentum, centered=config.centered)
    return torch.optim.Adam(parameters, lr=config.lr)


def _format_number(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return repr(round(value, 6)) if math.isfinite(value) else str(value)
    return str(value)


def write_curve(path: Path, rows: list[dict]) -> None:
    """Rewrite ``curve.csv`` atomically."""
    columns = list(CURVE_COLUMNS)
    for row in rows:
        columns += [key for key in row if key not in columns]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([_format_number(row.get(column)) for column in columns])
    ckpt.atomic_write_text(path, buffer.getvalue())


class _Run:
    """The mutable state of one training run (everything a checkpoint restores)."""

    def __init__(self, config: TrainConfig, device: torch.device):
        self.config, self.device = config, device
        self.task = get_task(config.task, **config.task_kwargs)
        # (eval_case was checked by TrainConfig.validate)
        self.eval_task = self.task if config.eval_case is None else self.task.generalisation_cases()[config.eval_case]
        torch.manual_seed(_stream_seed(config.seed, "model"))
        random.seed(config.seed)
        self.model_arguments = config.model_arguments()
        self.model = build_model(config.task, config.arch, **self.model_arguments).to(device)
        if config.init_from is not None:
            self.model.load_state_dict(_initial_weights(config, self.model_arguments))
        self.optimizer = make_optimizer(config, self.model.parameters())
        self.data_generator = torch.Generator().manual_seed(_stream_seed(config.seed, "train"))
        self.eval_generator = torch.Generator().manual_seed(_stream_seed(config.seed, "eval"))
        # The validation set: drawn once from the evaluation stream (never the training
        # stream), the same for every evaluation of the run unless eval_fresh.
        self.eval_batches = None if config.eval_fresh else draw_batches(
            self.eval_task, sequences=config.eval_sequences, generator=self.eval_generator,
            batch_size=config.eval_batch_size, device=device)
        # The held-out case that picks the best model (select_on): a fixed set of its own stream.
        self.select_batches = None if config.select_on is None else draw_batches(
            case_task(self.task, config.select_on), sequences=config.eval_sequences,
            generator=torch.Generator().manual_seed(_stream_seed(config.seed, "select")),
            batch_size=config.eval_batch_size, device=device)
        self.step = 0
        self.sequences = 0
        self.wall_seconds = 0.0
        self.compile_seconds = 0.0  # of every part so far: wall time that --max-seconds does not count
        self.skipped_steps = 0
        self.bad_streak = 0
        self.lr_scale = 1.0
        self.rollbacks: list[dict] = []
        self.curve: list[dict] = []
        self.best: dict | None = None
        self.best_state: dict | None = None
        self.accumulated = {"cost": 0.0, "errors": 0.0, "count": 0}

    # -- checkpoints ------------------------------------------------------------------------
    def state(self) -> dict:
        return {
            "config": self.config.to_dict(),
            "model": _to_cpu(self.model.state_dict()),
            "optimizer": _to_cpu(self.optimizer.state_dict()),
            "rng": ckpt.rng_state(data=self.data_generator, eval=self.eval_generator),
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
        ckpt.set_rng_state(state["rng"], data=self.data_generator, eval=self.eval_generator)

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


def _initial_weights(config: TrainConfig, model_arguments: dict) -> dict:
    """The weights in ``config.init_from``, checked to fit the model being trained."""
    directory = Path(config.init_from)
    try:
        saved = json.loads((directory / "config.json").read_text())
        weights = ckpt.load_state_dict_file(directory / "model.pt")
    except (OSError, ValueError, ckpt.CheckpointError) as error:
        raise ValueError(f"init_from {str(directory)!r} must be a directory with model.pt and config.json "
                         f"(a trained model's): {error}") from None
    ours = {"task": config.task, "arch": config.arch, "model_kwargs": _jsonish(model_arguments)}
    theirs = {key: saved.get(key) for key in ours}
    if theirs != ours:
        raise ValueError(f"init_from {str(directory)!r} holds a different model: {theirs}, expected {ours}")
    return weights


def _losses(model: nn.Module, config: TrainConfig, x, y, mask):
    """(logits, the loss to minimise, the cost in bits); the loss adds the write-focus term.
    With ``autocast="bf16"`` the forward pass runs in bfloat16 where torch allows it; the
    logits and the cost are float32."""
    with torch.autocast(x.device.type, dtype=torch.bfloat16, enabled=config.autocast == "bf16"):
        out = model(x, write_focus=True) if config.write_focus else model(x)
    logits, focus = out if config.write_focus else (out, None)
    logits = logits.float()
    cost = cost_bits(logits, y, mask)
    return logits, cost if focus is None else cost + config.write_focus * focus.float().mean(), cost


def _check_resume_compatible(saved: dict, config: TrainConfig, path: Path, step: int) -> None:
    defaults = TrainConfig()  # a setting newer than the checkpoint had its default value then
    drops = saved.get("lr_drops", defaults.lr_drops)
    saved = {name: saved.get(name, getattr(defaults, name)) for name in _IDENTITY_FIELDS}
    differences = [f"{name}: checkpoint {saved[name]!r}, now {getattr(config, name)!r}"
                   for name in _IDENTITY_FIELDS if _jsonish(saved[name]) != _jsonish(getattr(config, name))]
    # Drops still ahead may change: the resumed run is then the run that had them from the start.
    done_then, done_now = ([d for d in _jsonish(ds) if d[0] <= step] for ds in (drops, config.lr_drops))
    if done_then != done_now:
        differences.append(f"lr_drops up to step {step}: checkpoint {done_then!r}, now {done_now!r}")
    if differences:
        raise ValueError(f"cannot resume from {path}: these settings differ from the run that wrote it: "
                         + "; ".join(differences)
                         + ". Use the same settings, or another --out directory to start a new run.")


def _jsonish(value):
    return json.loads(json.dumps(value))


# --- the loop -------------------------------------------------------------------------------

def _evaluate(run: _Run) -> dict:
    config = run.config
    if run.eval_batches is not None:
        figures = evaluate_batches(run.model, run.eval_task.name, run.eval_batches)
    else:
        figures = evaluate_task(run.model, run.eval_task, sequences=config.eval_sequences,
                                generator=run.eval_generator, batch_size=config.eval_batch_size, device=run.device)
    count = max(run.accumulated["count"], 1)
    row = {
        "step": run.step,
        "sequences": run.sequences,
        "wall_seconds": round(run.wall_seconds, 3),
        "train_cost": run.accumulated["cost"] / count if run.accumulated["count"] else None,
        "train_bit_errors": run.accumulated["errors"] / count if run.accumulated["count"] else None,
        "eval_cost_bits": figures["cost_bits"],
        "eval_bit_errors": figures["bit_errors"],
        "lr": run.current_lr(run.step - 1),  # that of the last iteration
    }
    if "optimal_cost_bits" in figures:
        row["eval_optimal_cost_bits"] = figures["optimal_cost_bits"]
    if run.select_batches is not None:
        held_out = evaluate_batches(run.model, run.task.name, run.select_batches)
        row["select_cost_bits"], row["select_bit_errors"] = held_out["cost_bits"], held_out["bit_errors"]
    run.accumulated = {"cost": 0.0, "errors": 0.0, "count": 0}
    return row


def _config_json(run: _Run, stopped: str | None, compile_seconds: float | None) -> dict:
    config = run.config
    return {
        "task": config.task,
        "arch": config.arch,
        "model_kwargs": run.model_arguments,
        "parameters": count_parameters(run.model),
        "paper_parameters": PAPER[config.task, config.arch].paper_parameters,
        "seed": config.seed,
        "device": str(run.device),
        "torch_version": torch.__version__,
        "python_version": platform.python_version(),
        "threads": torch.get_num_threads(),
        "train_config": config.to_dict(),
        "steps": run.step,
        "sequences": run.sequences,
        "wall_seconds": round(run.wall_seconds, 3),
        "compile_seconds": compile_seconds,
        "skipped_steps": run.skipped_steps,
        "rollbacks": run.rollbacks,
        "best": run.best,
        "last": run.curve[-1] if run.curve else None,
        "finished": stopped is not None,  # an interrupted part writes None: it is to be resumed
        "stopped": stopped,
        "written": datetime.now(timezone.utc).isoformat(timespec="seconds"),
    }


def train(config: TrainConfig, *, on_eval=None) -> TrainResult:
    """Train a model as ``config`` says and return a :class:`TrainResult`.

    ``on_eval(row)`` (optional) is called with each new learning-curve row, e.g. to
    plot live in a notebook. Raises ValueError for bad settings,
    :class:`~ntmlib.checkpoint.CheckpointError` for an unreadable checkpoint on resume
    and :class:`TrainingDiverged` when the divergence guard gives up.
    """
    config = config.resolved()
    with torch_threads(config.threads), runguard.owned_directory(config.out, quiet=not config.progress), \
            runguard.InterruptRequest() as interrupt:
        return _train(config, on_eval, interrupt)


def _end_bar_full(bar) -> None:
    """A run that ends as planned ends with a full bar (in a notebook a full, green one)."""
    bar.total = bar.n
    container = getattr(bar, "container", None)  # tqdm.notebook: (label, FloatProgress, text)
    if container is not None:
        container.children[1].max = bar.n


def _train(config: TrainConfig, on_eval, interrupt: runguard.InterruptRequest) -> TrainResult:
    device = resolve_device(config.device)
    out = Path(config.out) if config.out is not None else None
    checkpoint_path = out / ckpt.CHECKPOINT_NAME if out is not None else None
    if out is not None:
        ckpt.remove_stale_temporaries(out)
        if checkpoint_path.exists() and not config.resume:
            raise ValueError(f"{checkpoint_path} exists: pass --resume (resume=True) to continue that run, "
                             f"or choose another --out directory, or delete it to start again")

    run = _Run(config, device)
    if config.resume and checkpoint_path.exists():
        saved = ckpt.load_checkpoint(checkpoint_path)
        _check_resume_compatible(saved["config"], config, checkpoint_path, saved["progress"]["step"])
        run.restore(saved)
        del saved
    elif config.resume and config.progress:
        print(f"no checkpoint in {out}: starting a new run", file=sys.stderr)

    def take_snapshot() -> dict:
        """What a rollback returns to: the weights and optimiser state of the last checkpoint."""
        return {"step": run.step, "model": _clone_state_dict(run.model),
                "optimizer": copy.deepcopy(run.optimizer.state_dict())}

    snapshot = take_snapshot()

    compiled, compile_seconds = False, None
    if config.compile and hasattr(run.model, "compile_step"):
        run.model.compile_step()
        compiled = True
    done_already = _nothing_to_do(run, config, out)
    if done_already is not None or compiled:
        print(done_already or COMPILE_NOTICE, file=sys.stderr, flush=True)

    def save_files(stopped: str | None = None, *, model_file: bool = False) -> None:
        if out is None:
            return
        if model_file and run.best_state is not None:
            ckpt.atomic_torch_save(out / "model.pt", _to_cpu(run.best_state))
        write_curve(out / "curve.csv", run.curve)
        ckpt.atomic_write_json(out / "config.json", _config_json(run, stopped, compile_seconds))

    def record(row: dict) -> None:
        run.curve.append(row)
        key = "select_cost_bits" if config.select_on else "eval_cost_bits"  # what picks the best model
        improved = run.best is None or row[key] < run.best[key]
        if improved and math.isfinite(row[key]):
            run.best, run.best_state = dict(row), _clone_state_dict(run.model)
        save_files(model_file=improved)
        if on_eval is not None:
            on_eval(dict(row))

    from tqdm.auto import tqdm

    bar = tqdm(total=config.steps, initial=min(run.step, config.steps), disable=not config.progress,
               desc=f"{config.task}/{config.arch}", unit="step", dynamic_ncols=True)
    postfix = {}  # training cost (mean since the last evaluation), last evaluation's cost and bit errors
    started = time.perf_counter()
    base_wall = run.wall_seconds
    stopped = "steps"
    params = [p for p in run.model.parameters() if p.requires_grad]
    first_step = True
    try:
        while True:
            run.wall_seconds = base_wall + time.perf_counter() - started
            if interrupt.requested:
                stopped = "interrupted"
                break
            if run.step >= config.steps:
                stopped = "steps"
                break
            if config.max_seconds is not None and run.budget_seconds() >= config.max_seconds:
                stopped = "max_seconds"
                break
            if first_step and _target_met(run, config):  # a resumed run that had reached it
                stopped = "target"
                break
            if any(at == run.step for at, _ in config.lr_drops):
                run.set_lr()
            x, y, mask = run.task.batch(config.batch_size, run.data_generator, device)
            run.model.train()
            t0 = time.perf_counter()
            try:
                logits, loss, cost = _losses(run.model, config, x, y, mask)
            except Exception as error:  # a compile failure surfaces on the first call
                if not (compiled and first_step):
                    raise
                print(f"torch.compile failed ({type(error).__name__}: {error}); training eagerly", file=sys.stderr)
                run.model.uncompile()
                compiled = False
                logits, loss, cost = _losses(run.model, config, x, y, mask)
            ok = bool(torch.isfinite(loss))
            if ok:
                run.optimizer.zero_grad(set_to_none=True)
                loss.backward()
                ok = _all_finite([p.grad for p in params])
                if ok:
                    nn.utils.clip_grad_value_(params, config.clip)
                    run.optimizer.step()
            if first_step and compiled:
                compile_seconds = round(time.perf_counter() - t0, 3)
                run.compile_seconds += compile_seconds
                bar.unpause()  # the rate and time left leave the compile out
            first_step = False
            run.step += 1
            run.sequences += config.batch_size
            if ok:
                run.bad_streak = 0
                run.accumulated["cost"] += float(cost.detach())
                run.accumulated["errors"] += float(bit_errors(logits.detach(), y, mask))
                run.accumulated["count"] += 1
            else:
                run.optimizer.zero_grad(set_to_none=True)
                run.skipped_steps += 1
                run.bad_streak += 1
                if run.bad_streak >= config.max_bad_steps:
                    if len(run.rollbacks) >= config.max_rollbacks:
                        save_files("diverged")
                        raise TrainingDiverged(
                            f"training diverged: {config.max_bad_steps} consecutive steps with a non-finite loss "
                            f"or gradient at step {run.step}, after {len(run.rollbacks)} rollbacks that each "
                            f"halved the learning rate (now {run.current_lr():g}). {_kept(run, out)}; "
                            f"try a smaller --lr or another --seed.",
                            _result(run, config, "diverged", out, compiled, compile_seconds))
                    # Back to the last checkpointed weights and optimiser state with half the
                    # learning rate. Steps, sequences, curve and best model carry on (the data
                    # stream is not rewound, so the retry sees fresh data).
                    run.model.load_state_dict(snapshot["model"])
                    run.optimizer.load_state_dict(copy.deepcopy(snapshot["optimizer"]))
                    run.lr_scale *= 0.5
                    run.set_lr()
                    run.bad_streak = 0
                    run.rollbacks.append({"at_step": run.step, "weights_of_step": snapshot["step"],
                                          "lr": run.current_lr()})
                    print(f"rollback {len(run.rollbacks)}/{config.max_rollbacks}: {config.max_bad_steps} "
                          f"non-finite steps in a row at step {run.step}; weights of step {snapshot['step']} "
                          f"restored, learning rate now {run.current_lr():g}", file=sys.stderr)
                    if checkpoint_path is not None:
                        ckpt.save_checkpoint(checkpoint_path, run.state())
            bar.update(1)
            if config.progress and run.step % 10 == 0 and run.accumulated["count"]:
                postfix["cost"] = f"{run.accumulated['cost'] / run.accumulated['count']:.3g}"
                bar.set_postfix(postfix, refresh=False)
            run.wall_seconds = base_wall + time.perf_counter() - started
            at_end = run.step >= config.steps
            if run.step % config.eval_every == 0:
                row = _evaluate(run)
                record(row)
                postfix.update(eval_cost=f"{row['eval_cost_bits']:.3g}", bit_errors=f"{row['eval_bit_errors']:.3g}")
                bar.set_postfix(postfix)
                if _target_met(run, config):
                    stopped = "target"
            if run.step % config.checkpoint_every == 0 or at_end or stopped == "target":
                if not _all_finite(run.model.parameters()):
                    raise RuntimeError("internal error: non-finite weights passed the divergence guard")
                if checkpoint_path is not None:
                    ckpt.save_checkpoint(checkpoint_path, run.state())
                if run.bad_streak == 0:  # a rollback goes back to before the streak began
                    snapshot = take_snapshot()
            if stopped == "target":
                break
        if stopped != "interrupted":
            _end_bar_full(bar)
            if stopped != "steps":
                bar.set_description(f"{config.task}/{config.arch} (stopped: {stopped})", refresh=False)
            bar.refresh()
    finally:
        bar.close()

    if stopped == "interrupted":
        run.wall_seconds = base_wall + time.perf_counter() - started
        if checkpoint_path is not None:
            ckpt.save_checkpoint(checkpoint_path, run.state())
        save_files(None)
        raise TrainingInterrupted(run.step, checkpoint_path,
                                  _result(run, config, stopped, out, compiled, compile_seconds))

    run.wall_seconds = base_wall + time.perf_counter() - started
    if not run.curve or run.curve[-1]["step"] != run.step:
        # An off-schedule final evaluation; its data comes from a copy of the eval stream
        # so that a run resumed from here sees the same evaluation data as one never stopped.
        saved_eval = run.eval_generator.get_state()
        saved_accumulated = dict(run.accumulated)
        record(_evaluate(run))
        run.eval_generator.set_state(saved_eval)
        run.accumulated = saved_accumulated
    if _target_met(run, config):
        stopped = "target"  # the last evaluation reached the target, whatever stopped the loop
    if checkpoint_path is not None:
        ckpt.save_checkpoint(checkpoint_path, run.state())
    save_files(stopped, model_file=True)
    return _result(run, config, stopped, out, compiled, compile_seconds)


COMPILE_NOTICE = ("compiling the training step with torch.compile, once per machine and shape: ~1-2 min the first "
                  "time on an idle machine (several on a busy one), seconds once cached; not counted in "
                  "--max-seconds (--no-compile trains eagerly)")


def _kept(run: _Run, out: Path | None) -> str:
    """Where the best model is, for a message: only a model that exists is claimed."""
    if run.best_state is None:
        return "No model was saved (no evaluation with finite figures had finished)"
    return f"The best model so far (step {run.best['step']}) is kept in {out / 'model.pt'}" if out else \
        f"The best model so far is the step-{run.best['step']} one in the result"


def _nothing_to_do(run: _Run, config: TrainConfig, out: Path | None) -> str | None:
    """Why a resumed run has nothing to do (one line), or None."""
    if run.step == 0:
        return None
    where = f"the checkpoint in {out} is at step {run.step}"
    if run.step >= config.steps:
        return (f"nothing to train: {where} and --steps {config.steps} is the total to reach (not a number of "
                f"further steps); pass --steps above {run.step} to train on")
    if config.max_seconds is not None and run.budget_seconds() >= config.max_seconds:
        return (f"nothing to train: {where}, whose parts used {run.budget_seconds():.0f} s of --max-seconds "
                f"{config.max_seconds:g} (a total over every part, compiles excluded); pass a larger --max-seconds")
    if _target_met(run, config):
        return (f"nothing to train: {where}, whose last evaluation ({run.curve[-1]['eval_bit_errors']:.3g} bit "
                f"errors/seq) is already below --target-bit-errors {config.target_bit_errors:g}")
    return None


def _target_met(run: _Run, config: TrainConfig) -> bool:
    """Whether the last evaluation is below ``target_bit_errors``."""
    return (config.target_bit_errors is not None and bool(run.curve)
            and run.curve[-1]["eval_bit_errors"] < config.target_bit_errors)


def _result(run: _Run, config: TrainConfig, stopped: str, out, compiled, compile_seconds) -> TrainResult:
    model = build_model(config.task, config.arch, **run.model_arguments).to(run.device)
    model.load_state_dict(run.best_state if run.best_state is not None else run.model.state_dict())
    model.eval()
    return TrainResult(model=model, config=config, curve=copy.deepcopy(run.curve), best=copy.deepcopy(run.best),
                       steps=run.step, sequences=run.sequences, wall_seconds=run.wall_seconds, stopped=stopped,
                       device=str(run.device), out=out, skipped_steps=run.skipped_steps,
                       rollbacks=copy.deepcopy(run.rollbacks), compiled=compiled, compile_seconds=compile_seconds)


# --- command line ---------------------------------------------------------------------------

def _lr_drop(text: str) -> list:
    step, _, factor = text.partition(":")
    try:
        pair = [int(step), float(factor)]
        _check_lr_drops([pair])
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected STEP:FACTOR with STEP >= 1 and FACTOR > 0 (e.g. 25000:0.333), "
                                         f"got {text!r}") from None
    return pair


def _key_value(text: str):
    if "=" not in text:
        raise argparse.ArgumentTypeError(f"expected KEY=VALUE, got {text!r}")
    key, value = text.split("=", 1)
    try:
        parsed = json.loads(value)
    except json.JSONDecodeError:
        parsed = value
    if isinstance(parsed, list):
        parsed = tuple(parsed)
    return key.replace("-", "_"), parsed


def build_parser() -> argparse.ArgumentParser:
    d = TrainConfig()
    parser = cli.Parser(
        prog="python -m ntmlib.training",
        description="Train an NTM or LSTM on one of the paper's tasks (crash-safe, resumable). Writes "
                    "model.pt (best weights), config.json, curve.csv and checkpoint.pt into --out.")
    parser.add_argument("--task", required=True, choices=TASK_NAMES)
    parser.add_argument("--arch", required=True, choices=ARCHITECTURES)
    parser.add_argument("--steps", type=cli.integer(1), default=None,
                        help=f"training iterations in all, a resume's earlier parts included (default {DEFAULT_STEPS})")
    parser.add_argument("--batch-size", type=cli.integer(1), default=d.batch_size,
                        help=f"sequences per iteration (default {d.batch_size}; the paper: 1)")
    parser.add_argument("--lr", type=cli.number(), default=None,
                        help="learning rate (default: the paper's x min(3, sqrt(batch size)); Adam: x 10/3 more)")
    parser.add_argument("--optimizer", choices=OPTIMIZERS, default=d.optimizer, help=f"default {d.optimizer}")
    parser.add_argument("--momentum", type=cli.number(positive=False), default=d.momentum, help=f"RMSProp momentum (default {d.momentum})")
    parser.add_argument("--alpha", type=cli.number(positive=False), default=d.alpha,
                        help=f"RMSProp decay of the mean squared gradient (default {d.alpha})")
    parser.add_argument("--eps", type=cli.number(), default=d.eps, help=f"RMSProp epsilon (default {d.eps})")
    parser.add_argument("--centered", action="store_true",
                        help="centred RMSProp (Graves 2013 subtracts the squared mean gradient)")
    parser.add_argument("--clip", type=cli.number(), default=d.clip,
                        help=f"clip every gradient component to [-CLIP, CLIP] (default {d.clip:g})")
    parser.add_argument("--seed", type=cli.integer(0), default=d.seed, help=f"default {d.seed}")
    parser.add_argument("--lr-drop", type=_lr_drop, action="append", default=[], metavar="STEP:FACTOR",
                        help="multiply the learning rate by FACTOR from iteration STEP on (repeatable)")
    parser.add_argument("--device", default=d.device, help="auto (CUDA if available, the default), cpu or cuda")
    parser.add_argument("--out", default=None, help="output directory (default runs/<task>/<arch>/seed<S>)")
    parser.add_argument("--resume", action="store_true", help="continue from OUT/checkpoint.pt if it exists")
    parser.add_argument("--eval-every", type=cli.integer(1), default=d.eval_every,
                        help=f"steps between evaluations (default {d.eval_every})")
    parser.add_argument("--eval-sequences", type=cli.integer(1), default=d.eval_sequences,
                        help=f"size of the validation set (default {d.eval_sequences})")
    parser.add_argument("--eval-case", default=None,
                        help="validate on this generalisation case (e.g. L=20) instead of the training distribution")
    parser.add_argument("--eval-fresh", action="store_true",
                        help="draw new validation sequences for every evaluation instead of a fixed set")
    parser.add_argument("--checkpoint-every", type=cli.integer(1), default=None,
                        help="steps between checkpoints (default: --eval-every)")
    parser.add_argument("--target-bit-errors", type=cli.number(), default=None,
                        help="stop once the validation bit errors per sequence are below this")
    parser.add_argument("--max-seconds", type=cli.number(), default=None,
                        help="stop after this much wall time in all (resumed parts included, compiles not)")
    parser.add_argument("--compile", action=argparse.BooleanOptionalAction, default=None,
                        help="torch.compile the NTM's per-step function (default: on the CPU)")
    parser.add_argument("--threads", type=cli.integer(0), default=d.threads,
                        help=f"torch intra-op threads (default {d.threads}; 0 leaves torch's default)")
    parser.add_argument("--memory-init", choices=MEMORY_INITS, default=None,
                        help="NTM memory initialisation (default: the model's, constant 1e-6)")
    parser.add_argument("--model-arg", type=_key_value, action="append", default=[], metavar="KEY=VALUE",
                        help="override a model constructor argument, e.g. memory_size=64 (repeatable)")
    parser.add_argument("--task-arg", type=_key_value, action="append", default=[], metavar="KEY=VALUE",
                        help="task parameter, e.g. max_length=10 (repeatable)")
    parser.add_argument("--write-focus", type=cli.number(positive=False), default=d.write_focus, metavar="LAMBDA",
                        help="add LAMBDA x mean over steps of |add vector| x (1 - peak write weight) to the "
                             "cost (NTMs; default 0, off)")
    parser.add_argument("--init-from", default=None, metavar="DIR",
                        help="start from the weights in DIR (model.pt, config.json of the same model): a fine-tune")
    parser.add_argument("--select-on", default=None, metavar="CASE",
                        help="keep the model with the lowest cost on this held-out case (e.g. L=15,R=8), "
                             "not on the validation set")
    parser.add_argument("--autocast", choices=AUTOCAST, default=d.autocast,
                        help="bf16: the forward pass in bfloat16 (faster where the CPU has bf16 matrix units; "
                             "the cost stays float32). Default none")
    parser.add_argument("--no-progress", action="store_true", help="no progress bar")
    return parser


def config_from_args(args: argparse.Namespace) -> TrainConfig:
    out = args.out if args.out is not None else f"runs/{args.task}/{args.arch}/seed{args.seed}"
    return TrainConfig(
        task=args.task, arch=args.arch, steps=args.steps, batch_size=args.batch_size, lr=args.lr,
        optimizer=args.optimizer, momentum=args.momentum, alpha=args.alpha, eps=args.eps, centered=args.centered,
        clip=args.clip, seed=args.seed, lr_drops=sorted(args.lr_drop), memory_init=args.memory_init, model_overrides=dict(args.model_arg),
        task_kwargs=dict(args.task_arg), eval_every=args.eval_every, eval_sequences=args.eval_sequences,
        eval_case=args.eval_case, eval_fresh=args.eval_fresh, target_bit_errors=args.target_bit_errors, max_seconds=args.max_seconds,
        device=args.device, compile=args.compile, threads=args.threads or None, out=out, resume=args.resume,
        checkpoint_every=args.checkpoint_every, progress=not args.no_progress, write_focus=args.write_focus,
        init_from=args.init_from, select_on=args.select_on, autocast=args.autocast)


def resume_command(argv: list[str]) -> str:
    """The command that continues the run ``argv`` started."""
    return f"{cli.python_command()} -m ntmlib.training {shlex.join(argv)}" + ("" if "--resume" in argv else " --resume")


def main(argv: list[str] | None = None) -> int:
    """The command line; exit codes: 0 done, 2 bad input (one line on stderr), 3 diverged, 130 Ctrl-C."""
    argv = sys.argv[1:] if argv is None else list(argv)
    args = build_parser().parse_args(argv)
    config = config_from_args(args)
    try:
        result = train(config)
    except TrainingInterrupted as error:
        print(f"interrupted at step {error.step}: checkpoint written to {error.checkpoint}; resume with: "
              f"{resume_command(argv)}", file=sys.stderr)
        return cli.INTERRUPTED
    except KeyboardInterrupt:
        print(f"interrupted at once: this part is not saved; resume from the last checkpoint in {config.out} "
              f"(if any) with: {resume_command(argv)}", file=sys.stderr)
        return cli.INTERRUPTED
    except TrainingDiverged as error:
        return cli.fail(error, 3)
    except cli.EXPECTED_ERRORS as error:
        return cli.fail(error)
    best = result.best or {}
    print(f"{config.task}/{config.arch}: {result.steps} steps, {result.sequences} sequences, "
          f"{result.wall_seconds:.1f} s on {result.device} (stopped: {result.stopped}); best eval at step "
          f"{best.get('step')}: {best.get('eval_cost_bits', float('nan')):.4f} bits/seq, "
          f"{best.get('eval_bit_errors', float('nan')):.4f} bit errors/seq -> {result.out}")
    return 0

