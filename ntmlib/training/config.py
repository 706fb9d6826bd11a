"""A training run's settings, :class:`TrainConfig`, and its command line, both from one place.

Every field of :class:`TrainConfig` is declared with :func:`setting`: its default, the
help text (the command line's ``--help`` and the class's documentation), its option
(type, choices) and whether it is part of the run's identity (:data:`IDENTITY_FIELDS`: a
resumed run must agree with its checkpoint on all of them). :func:`build_parser`,
:func:`config_from_args` and :func:`command_line` are generated from those declarations.
"""
from __future__ import annotations

import argparse
import copy
import json
import math
import numbers
import re
from dataclasses import MISSING, asdict, dataclass, field, fields
from pathlib import Path

import torch

from ..ntm import MEMORY_INITS
from ..paper import ARCHITECTURES, PAPER, TASK_NAMES, build_model, check_names, model_kwargs
from ..tasks import get_task
from ..validation import check_choice, check_count, check_number
from . import cli
from .evaluation import case_task

__all__ = ["TrainConfig", "default_learning_rate", "resolve_device", "lr_factor", "build_parser", "config_from_args",
           "command_line", "IDENTITY_FIELDS", "OPTIMIZERS", "AUTOCAST", "DEFAULT_STEPS", "COMPILE_BY_DEFAULT"]

OPTIMIZERS = ("rmsprop", "adam")
AUTOCAST = ("none", "bf16")
DEVICES = ("auto", "cpu", "cuda")
#: Training iterations when none are given (x 32 sequences: 320k, a third of the paper's ~1M).
DEFAULT_STEPS = 10_000
#: Whether NTM training compiles its per-step function by default on the CPU (see bench.py).
COMPILE_BY_DEFAULT = True


def default_learning_rate(task: str, arch: str, optimizer: str = "rmsprop", batch_size: int = 32) -> float:
    """Learning rate for (task, arch) when none is given.

    The rule: the paper's learning rate (§4.6, read as per sequence) times
    ``min(3, sqrt(batch_size))`` for RMSProp, and 10/3 of that for Adam. A batch of B
    sequences averages B gradients, whose noise falls as sqrt(B), which allows a larger step
    than the paper's per-sequence rate; the increase is capped at 3x, the fastest setting
    measured that stays smooth once converged, and applied to every task and architecture.
    At batch 1 the rule gives the paper's own rate. The runs behind it: copy NTM-LSTM, batch 32, RMSProp (momentum 0.9, decay 0.95), sequences
    until the bit errors at length 20 fell below 0.1 (median and range over the runs):

    ===========================  ====  ===================================================
    setting                      runs  sequences to converge
    ===========================  ====  ===================================================
    1e-4 (the paper's)           1     70k
    3e-4 (the rule)              11    32.0k (22.4k-44.8k); no spike after converging
    3e-4, centred (Graves 2013)  4     28.8k (19.2k-54.4k)
    5e-4                         8     19.2k (16.0k-44.8k); later a spike from 0 to 73 bits
    1e-3                         4     11.2k (6.4k-22.4k); later spikes to ~50 bits
    Adam 1e-3                    4     2 of 4 converged within 128k (38.4k, 92.8k)
    ===========================  ====  ===================================================

    Centring made no difference beyond the spread between seeds, so the plain form is the default.
    """
    check_names(task, arch)
    check_choice("optimizer", optimizer, OPTIMIZERS)
    check_count("batch_size", batch_size)
    lr = PAPER[task, arch].learning_rate * min(3.0, math.sqrt(batch_size))
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
    return torch.device(name)


def lr_factor(drops, step: int) -> float:
    """The schedule's multiplier of the learning rate once ``step`` iterations are done."""
    return math.prod(factor for at, factor in drops if step >= at)


def _check_lr_drops(drops) -> None:
    expected = "lr_drops must be a list of [step, factor] pairs with steps >= 1 in increasing order and factors > 0"
    if not isinstance(drops, (list, tuple)) or not all(isinstance(p, (list, tuple)) and len(p) == 2 for p in drops):
        raise ValueError(f"{expected}, got {drops!r}")
    try:
        for at, factor in drops:
            check_count("step", at)
            check_number("factor", factor)
    except ValueError as error:
        raise ValueError(f"{expected}, got {drops!r} ({error})") from None
    steps = [at for at, _ in drops]
    if steps != sorted(set(steps)):
        raise ValueError(f"{expected}, got {drops!r}")


def _plain(value):
    """NumPy scalars (and tuples of them) as Python numbers, so that config.json can hold them."""
    if isinstance(value, (list, tuple)):
        return type(value)(_plain(v) for v in value)
    if isinstance(value, numbers.Integral) and not isinstance(value, bool):
        return int(value)
    if isinstance(value, numbers.Real) and not isinstance(value, bool):
        return float(value)
    return value


# --- option types of the command line ------------------------------------------------------

def _lr_drop(text: str) -> list:
    step, _, factor = text.partition(":")
    try:
        pair = [int(step), float(factor)]
        _check_lr_drops([pair])
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected STEP:FACTOR with STEP >= 1 and FACTOR > 0 (e.g. 25000:0.333), "
                                         f"got {text!r}") from None
    return pair


def key_value(text: str):
    """argparse type of a KEY=VALUE option: (key with - as _, value parsed as JSON if it parses)."""
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


def setting(default=MISSING, *, help: str, identity: bool = False, option: dict | None = None,
            flag: str | None = None, parse=None, factory=None):
    """A field of :class:`TrainConfig`: ``help`` (``{default}`` is filled in), ``identity`` (part of
    what a resume must match), ``option`` (argparse keywords; None: no command-line option),
    ``flag`` (the option's name if not ``--<field>``), ``parse`` (the parsed value to the field's)."""
    metadata = {"help": help, "identity": identity, "option": option, "flag": flag, "parse": parse}
    if factory is not None:
        return field(default_factory=factory, metadata=metadata)
    return field(default=default, metadata=metadata)


_INTEGER = {"type": cli.integer(1)}
_NUMBER = {"type": cli.number()}
_FRACTION = {"type": cli.number(positive=False)}
_SWITCH = {"action": "store_true"}


@dataclass
class TrainConfig:
    """Everything that defines a training run (``None`` means: the documented default).

    The validation set is drawn once from its own generator stream (never seen in training)
    and reused, so that evaluations are comparable and the best model is not chosen by a
    lucky draw of short sequences. ``steps`` and ``max_seconds`` are totals: a resume trains
    up to them. The fields (each one's option is ``--<name>``, with dashes):
    """

    task: str = setting("copy", help="task (docs/tasks.md)", identity=True,
                        option={"required": True, "choices": TASK_NAMES})
    arch: str = setting("ntm-lstm", help="architecture", identity=True,
                        option={"required": True, "choices": ARCHITECTURES})
    steps: int | None = setting(None, help=f"training iterations in all, a resume's earlier parts included "
                                           f"(default {DEFAULT_STEPS})", option=_INTEGER)
    batch_size: int = setting(32, help="sequences per iteration (default {default}; the paper: 1)", identity=True,
                              option=_INTEGER)
    lr: float | None = setting(None, help="learning rate (default: the paper's x min(3, sqrt(batch size)); "
                                          "Adam: x 10/3 more)", identity=True, option=_NUMBER)
    optimizer: str = setting("rmsprop", help="rmsprop or adam (default {default})", identity=True,
                             option={"choices": OPTIMIZERS})
    momentum: float = setting(0.9, help="RMSProp momentum (default {default})", identity=True, option=_FRACTION)
    alpha: float = setting(0.95, help="RMSProp decay of the mean squared gradient (default {default})",
                           identity=True, option=_FRACTION)
    eps: float = setting(1e-8, help="RMSProp epsilon (default {default})", identity=True, option=_NUMBER)
    centered: bool = setting(False, help="centred RMSProp (Graves 2013 subtracts the squared mean gradient)",
                             identity=True, option=_SWITCH)
    clip: float = setting(10.0, help="clip every gradient component to [-CLIP, CLIP] (default {default:g})",
                          identity=True, option=_NUMBER)
    seed: int = setting(0, help="seed of the model's initial weights and of every data stream (default {default})",
                        identity=True, option={"type": cli.integer(0)})
    lr_drops: list = setting(
        help="multiply the learning rate by FACTOR from iteration STEP on (repeatable; drops compound)",
        factory=list, flag="--lr-drop", parse=sorted,
        option={"type": _lr_drop, "action": "append", "default": [], "metavar": "STEP:FACTOR"})
    memory_init: str | None = setting(None, help="NTM memory initialisation (default: the model's, constant 1e-6)",
                                      identity=True, option={"choices": MEMORY_INITS})
    model_overrides: dict = setting(
        help="override a model constructor argument, e.g. memory_size=64 (repeatable)", identity=True,
        factory=dict, flag="--model-arg", parse=dict,
        option={"type": key_value, "action": "append", "default": [], "metavar": "KEY=VALUE"})
    task_kwargs: dict = setting(
        help="task parameter, e.g. max_length=10 (repeatable)", identity=True, factory=dict, flag="--task-arg",
        parse=dict, option={"type": key_value, "action": "append", "default": [], "metavar": "KEY=VALUE"})
    eval_every: int = setting(100, help="steps between evaluations (default {default})", identity=True,
                              option=_INTEGER)
    eval_sequences: int = setting(256, help="size of the validation set (default {default})", identity=True,
                                  option=_INTEGER)
    eval_batch_size: int = setting(32, help="batch size of the evaluations", identity=True)
    eval_case: str | None = setting(None, help="validate on this generalisation case (e.g. L=20) instead of the "
                                               "training distribution", identity=True, option={})
    eval_fresh: bool = setting(False, help="draw new validation sequences for every evaluation instead of a "
                                           "fixed set", identity=True, option=_SWITCH)
    target_bit_errors: float | None = setting(None, help="stop once the validation bit errors per sequence are "
                                                         "below this", option=_NUMBER)
    max_seconds: float | None = setting(None, help="stop after this much wall time in all (resumed parts "
                                                   "included, compiles not)", option=_NUMBER)
    device: str = setting("auto", help="auto (CUDA if available, the default), cpu or cuda", option={})
    compile: bool | None = setting(None, help="torch.compile the NTM's per-step function (default: on the CPU)",
                                   option={"action": argparse.BooleanOptionalAction})
    threads: int | None = setting(
        1, help="torch intra-op threads, set process-wide and restored when training returns (default "
                "{default}: as fast as 2 on a 2-core machine and immune to the stalls of OpenMP threads on "
                "shared cores; 0 or None leaves torch's default)",
        option={"type": cli.integer(0)}, parse=lambda threads: threads or None)
    out: str | None = setting(None, help="output directory (default runs/<task>/<arch>/seed<S> on the command "
                                         "line; None writes no files)", option={})
    resume: bool = setting(False, help="continue from OUT/checkpoint.pt if it exists", option=_SWITCH)
    checkpoint_every: int | None = setting(None, help="steps between checkpoints (default: --eval-every)",
                                           option=_INTEGER)
    progress: bool = setting(True, help="show a progress bar (tqdm; --no-progress: none)", flag="--no-progress",
                             option={"action": "store_false"})
    max_bad_steps: int = setting(10, help="consecutive non-finite steps that trigger a rollback to the last "
                                          "checkpointed state with half the learning rate")
    max_rollbacks: int = setting(3, help="rollbacks before training stops with TrainingDiverged")
    write_focus: float = setting(
        0.0, help="add LAMBDA x mean over steps of |add vector| x (1 - peak write weight) to the cost "
                  "(NTMs; default 0, off)", identity=True, option={**_FRACTION, "metavar": "LAMBDA"})
    init_from: str | None = setting(
        None, help="start from the weights in DIR (model.pt, config.json of the same model): a fine-tune",
        identity=True, option={"metavar": "DIR"})
    select_on: str | None = setting(
        None, help="keep the model with the lowest cost on this held-out case (e.g. L=15,R=8), not on the "
                   "validation set", identity=True, option={"metavar": "CASE"})
    autocast: str = setting("none", help="bf16: the forward pass in bfloat16 (faster where the CPU has bf16 matrix "
                                         "units; the cost stays float32). Default none", option={"choices": AUTOCAST})

    def validate(self) -> "TrainConfig":
        """Raise ValueError for anything that cannot run; returns self."""
        check_names(self.task, self.arch)
        for name in ("steps", "batch_size", "eval_every", "eval_sequences", "eval_batch_size", "max_bad_steps",
                     "checkpoint_every", "threads"):
            if getattr(self, name) is not None:
                check_count(name, getattr(self, name))
        check_count("seed", self.seed, 0)
        check_count("max_rollbacks", self.max_rollbacks, 0)
        for name in ("lr", "eps", "clip", "target_bit_errors", "max_seconds"):
            if getattr(self, name) is not None:
                check_number(name, getattr(self, name))
        check_choice("optimizer", self.optimizer, OPTIMIZERS)
        for name in ("momentum", "alpha"):
            if not 0 <= check_number(name, getattr(self, name), positive=False) < 1:
                raise ValueError(f"{name} must be in [0, 1), got {getattr(self, name)!r}")
        _check_lr_drops(self.lr_drops)
        if self.memory_init is not None and self.arch == "lstm":
            raise ValueError("memory_init applies to the NTM architectures (ntm-lstm, ntm-ff), not to lstm")
        if not isinstance(self.model_overrides, dict) or not isinstance(self.task_kwargs, dict):
            raise ValueError("model_overrides and task_kwargs must be dicts")
        resolve_device(self.device)
        if self.autocast not in AUTOCAST:
            raise ValueError(f"autocast must be one of {AUTOCAST}, got {self.autocast!r}")
        if check_number("write_focus", self.write_focus, positive=False) < 0 or (self.write_focus and
                                                                                 self.arch == "lstm"):
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


def _default(item):
    return item.default_factory() if item.default is MISSING else item.default


def _help(item) -> str:
    return item.metadata["help"].format(default=_default(item))


TrainConfig.__doc__ += "".join(f"\n    * ``{item.name}``: {_help(item)}" for item in fields(TrainConfig)) + "\n"
#: The fields that decide the trajectory of a run: a resumed run must agree on all of them.
IDENTITY_FIELDS = tuple(item.name for item in fields(TrainConfig) if item.metadata["identity"])
_OPTIONS = [item for item in fields(TrainConfig) if item.metadata["option"] is not None]


def _flag(item) -> str:
    return item.metadata["flag"] or "--" + item.name.replace("_", "-")


def build_parser() -> argparse.ArgumentParser:
    """The command line of ``python -m ntmlib.training``: one option per field of :class:`TrainConfig`."""
    parser = cli.Parser(
        prog="python -m ntmlib.training",
        description="Train an NTM or LSTM on one of the paper's tasks (crash-safe, resumable). Writes "
                    "model.pt (best weights), config.json, curve.csv and checkpoint.pt into --out.")
    for item in _OPTIONS:
        option = {"default": _default(item), **item.metadata["option"]}
        parser.add_argument(_flag(item), dest=item.name, help=_help(item), **option)
    return parser


def config_from_args(args: argparse.Namespace) -> TrainConfig:
    """The :class:`TrainConfig` of parsed arguments (``out`` defaults to runs/<task>/<arch>/seed<S>)."""
    values = {}
    for item in _OPTIONS:
        parse = item.metadata["parse"]
        values[item.name] = parse(getattr(args, item.name)) if parse else getattr(args, item.name)
    if values["out"] is None:
        values["out"] = f"runs/{args.task}/{args.arch}/seed{args.seed}"
    return TrainConfig(**values)


def _text(value) -> str:
    if isinstance(value, float):
        return f"{value:g}" if float(f"{value:g}") == value else repr(value)
    return str(value)


def command_line(config: TrainConfig) -> list[str]:
    """The options that make the command line train ``config``: task and architecture, then
    every setting that differs from its default (the inverse of :func:`config_from_args`)."""
    argv = []
    for item in _OPTIONS:
        value, option = getattr(config, item.name), item.metadata["option"]
        if value is None and item.name == "threads":
            value = 0  # the option's word for torch's default
        if value == _default(item) and not option.get("required"):
            continue
        action = option.get("action")
        if action == "append" and isinstance(value, dict):  # KEY=VALUE, the value as JSON unless a string
            argv += [arg for key, item_value in value.items() for arg in (
                _flag(item), f"{key}={item_value if isinstance(item_value, str) else json.dumps(item_value)}")]
        elif action == "append":
            argv += [arg for step, factor in value for arg in (_flag(item), f"{step}:{_text(factor)}")]
        elif action is argparse.BooleanOptionalAction:
            argv.append(("--" if value else "--no-") + item.name)
        elif action in ("store_true", "store_false"):
            argv.append(_flag(item))
        else:
            argv += [_flag(item), _text(value)]
    return argv
