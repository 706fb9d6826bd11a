"""Generalisation sweeps: several models evaluated on a family of tasks (paper Figs 4, 5, 8
and 11 vary the sequence length, the repeats or the number of items)."""
from __future__ import annotations

from ..evaluate import case_generator, evaluate_task

__all__ = ["sweep_generalisation"]


def sweep_generalisation(models: dict, make_task, values, *, sequences: int = 50, batch_size: int = 50,
                         seed: int = 0, x: str = "value") -> dict:
    """Evaluate several models on a family of tasks, for :func:`ntmlib.book.figures.curves.plot_generalisation`.

    ``make_task(value)`` returns the :class:`~ntmlib.tasks.Task` for one
    parameter value (e.g. ``lambda k: AssociativeRecallTask(k, k)``).
    Every model sees the same sequences: each value's data comes from
    :func:`ntmlib.evaluate.case_generator` seeded by ``seed`` and the value.
    Returns ``{model name: [row, ...]}``, each row
    :func:`ntmlib.evaluate.evaluate_task`'s dict plus ``row[x] = value``.
    """
    results = {}
    for name, model in models.items():
        rows = []
        for value in values:
            row = evaluate_task(model, make_task(value), sequences=sequences, batch_size=batch_size,
                                generator=case_generator(seed, f"{x}={value}"))
            row[x] = value
            rows.append(row)
        results[name] = rows
    return results
