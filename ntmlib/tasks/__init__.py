"""The five algorithmic tasks of the NTM paper (§4.1-4.5), encoded as docs/tasks.md
describes them.

>>> from ntmlib.tasks import get_task
>>> task = get_task("copy")
>>> x, y, mask = task.batch(4, torch.Generator().manual_seed(0))  # doctest: +SKIP
"""

import dataclasses

from .associative_recall import AssociativeRecallTask
from .base import Batch, Task
from .copy import CopyTask
from .ngrams import (
    NGRAMS_VALIDATION_SIZE,
    NGramsTask,
    bits_from_batch,
    optimal_cost_bits,
    optimal_estimator,
    sample_beta_half,
)
from .priority_sort import PrioritySortTask
from .repeat_copy import RepeatCopyTask, normalise_repeats

__all__ = [
    "Batch",
    "Task",
    "CopyTask",
    "RepeatCopyTask",
    "AssociativeRecallTask",
    "NGramsTask",
    "PrioritySortTask",
    "TASKS",
    "get_task",
    "normalise_repeats",
    "optimal_estimator",
    "optimal_cost_bits",
    "bits_from_batch",
    "sample_beta_half",
    "NGRAMS_VALIDATION_SIZE",
]

#: task name (docs/tasks.md) -> task class.
TASKS: dict[str, type[Task]] = {
    cls.name: cls
    for cls in (CopyTask, RepeatCopyTask, AssociativeRecallTask, NGramsTask, PrioritySortTask)
}


def get_task(name: str, **kwargs) -> Task:
    """The task called ``name`` (a key of :data:`TASKS`), built with ``kwargs``."""
    try:
        cls = TASKS[name]
    except (KeyError, TypeError):
        raise ValueError(
            f"unknown task {name!r}; expected one of: {', '.join(TASKS)}"
        ) from None
    known = [f.name for f in dataclasses.fields(cls)]
    unknown = [key for key in kwargs if key not in known]
    if unknown:
        raise ValueError(f"unknown argument(s) {', '.join(unknown)} for task {name!r}; "
                         f"expected some of: {', '.join(known)}")
    return cls(**kwargs)
