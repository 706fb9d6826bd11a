"""ntmlib: the Neural Turing Machine of Graves, Wayne & Danihelka (2014), its five tasks,
its training and the book's visuals, in layers that each import only those below:

- the machine (paper §3): ``validation``, ``addressing``, ``memory``, ``heads``,
  ``controllers``, ``ntm``, ``baseline``, ``metrics``;
- ``tasks`` (paper §4.1-4.5) and ``paper`` (§4.6, Tables 1-3: the models by task and
  architecture);
- ``training``, then ``evaluate``, ``zoo`` and ``bench``;
- ``analysis`` (what trained models did) and ``book`` (figures and widgets).

>>> from ntmlib import NTM, CopyTask, build_model, zoo, train  # doctest: +SKIP

The machine, the tasks and the paper's settings are imported with the package (they need
only torch). The training layer's names (``train``, ``TrainConfig``, ``TrainResult``,
``zoo``) are imported on first use (PEP 562), so that importing the machine never
imports what is built on it.
"""
from importlib import import_module

from .baseline import StackedLSTM
from .controllers import FeedforwardController, LSTMController, make_controller
from .heads import HeadBank, HeadParameters, Intervention
from .metrics import bit_errors, cost_bits
from .ntm import NTM, NTMTrace
from .paper import ARCHITECTURES, PAPER, TASK_NAMES, build_model, count_parameters, parameter_table
from .tasks import (
    TASKS,
    AssociativeRecallTask,
    Batch,
    CopyTask,
    NGramsTask,
    PrioritySortTask,
    RepeatCopyTask,
    Task,
    get_task,
    optimal_estimator,
)

#: name -> the module that defines it, for the names of the layers above the machine.
_LAZY = {
    "train": "ntmlib.training",
    "TrainConfig": "ntmlib.training",
    "TrainResult": "ntmlib.training",
    "zoo": None,  # the submodule itself
}

__all__ = [
    "NTM", "NTMTrace", "StackedLSTM", "HeadBank", "HeadParameters", "Intervention", "FeedforwardController",
    "LSTMController", "make_controller", "cost_bits", "bit_errors",
    "Task", "Batch", "CopyTask", "RepeatCopyTask", "AssociativeRecallTask", "NGramsTask",
    "PrioritySortTask", "TASKS", "get_task", "optimal_estimator",
    "ARCHITECTURES", "TASK_NAMES", "PAPER", "build_model", "count_parameters", "parameter_table",
    *_LAZY,
]


def __getattr__(name: str):
    """Import a name of the training layer on first use (PEP 562)."""
    if name not in _LAZY:
        raise AttributeError(f"module 'ntmlib' has no attribute {name!r}")
    module = _LAZY[name]
    value = import_module(f"ntmlib.{name}") if module is None else getattr(import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
