"""What training needs to measure a model: the data streams, cases of a task, and the
cost and bit errors of a model on batches of it (paper §4; the figures of ntmlib.metrics).

Every stream of data (training batches, the validation set, an evaluation case) comes
from its own CPU ``torch.Generator`` seeded by :func:`stream_seed` from a seed and the
stream's name, so a stream is the same whatever other streams are drawn, on every machine.
"""
from __future__ import annotations

import dataclasses
import zlib

import torch

from ..metrics import bit_errors_per_sequence, cost_bits_per_sequence
from ..tasks import Task, optimal_cost_bits
from ..validation import check_count

__all__ = ["stream_seed", "case_generator", "case_task", "draw_batches", "evaluate_task", "evaluate_batches",
           "CASE_FIELDS"]


def stream_seed(seed: int, stream: str) -> int:
    """The seed of the named data stream of a run or an evaluation with ``seed``."""
    return int(seed) * 1_000_003 + zlib.crc32(stream.encode("utf-8"))


def case_generator(seed: int, case: str) -> torch.Generator:
    """The data stream of one evaluation case: a CPU generator seeded by (seed, case name)."""
    return torch.Generator().manual_seed(stream_seed(seed, case))


#: Letters of a case name and the task fields they fix: "L=15,R=8" is length 15, 8 repeats.
CASE_FIELDS = {"L": "length", "R": "repeats", "K": "items"}


def case_task(task: Task, name: str) -> Task:
    """The task of case ``name``: one of ``task.generalisation_cases()``, or a case named
    like them, e.g. "L=15,R=8" (repeat copy), "L=60" (copy), "K=9" (associative recall),
    each letter fixing one of the task's ranges (fields not named keep ``task``'s)."""
    known = task.generalisation_cases()
    if name in known:
        return known[name]
    changes = {}
    for part in str(name).split(","):
        letter, _, value = part.strip().partition("=")
        field = CASE_FIELDS.get(letter)
        if field is None or not hasattr(task, f"min_{field}") or not value.isdigit():
            letters = [k for k, v in CASE_FIELDS.items() if hasattr(task, f"min_{v}")]
            raise ValueError(f"unknown case {name!r} for {task.name}; expected one of {list(known)} or "
                             f"comma-separated LETTER=N with LETTER in {letters}")
        changes[f"min_{field}"] = changes[f"max_{field}"] = int(value)
    return dataclasses.replace(task, **changes)


def draw_batches(task: Task, *, sequences: int, generator: torch.Generator, batch_size: int = 50,
                 device=None) -> list:
    """``sequences`` sequences of ``task`` from ``generator`` as a list of batches of at most
    ``batch_size`` (one length per batch, as the tasks draw them)."""
    return [task.batch(size, generator, device) for size in _sizes(sequences, batch_size)]


def evaluate_task(model: torch.nn.Module, task: Task, *, sequences: int, generator: torch.Generator,
                  batch_size: int = 50, device=None) -> dict:
    """Cost and bit errors per sequence of ``model`` on ``sequences`` fresh sequences of
    ``task`` drawn from ``generator`` in batches of ``batch_size`` (one length per batch).

    Returns ``{"sequences", "cost_bits", "bit_errors"}`` (averages per sequence, ntmlib.metrics) and, where
    they apply: ``optimal_cost_bits`` / ``excess_bits`` (N-grams, paper eq. 10) and
    ``end_marker_errors`` / ``end_marker_correct`` / ``data_bit_errors`` (repeat copy:
    the share of sequences whose end-marker channel is right on every target step).
    The model runs in eval mode without gradients; its training flag is restored.
    """
    device = torch.device(device) if device is not None else next(model.parameters()).device
    # Draw and evaluate one batch at a time (a long case need not sit in memory at once).
    figures = [evaluate_batches(model, task.name, draw_batches(task, sequences=size, generator=generator,
                                                               batch_size=size, device=device))
               for size in _sizes(sequences, batch_size)]
    return _merge(figures)


def _sizes(sequences: int, batch_size: int) -> list[int]:
    """Batch sizes that add up to ``sequences`` (integers >= 1, NumPy's too: ValueError otherwise)."""
    sequences, batch_size = check_count("sequences", sequences), check_count("batch_size", batch_size)
    return [batch_size] * (sequences // batch_size) + ([sequences % batch_size] if sequences % batch_size else [])


def _merge(figures: list[dict]) -> dict:
    total = sum(f["sequences"] for f in figures)
    row = {"sequences": total}
    for name in figures[0]:
        if name not in ("sequences", "excess_bits"):
            row[name] = sum(f[name] * f["sequences"] for f in figures) / total
    if "optimal_cost_bits" in row:
        row["excess_bits"] = row["cost_bits"] - row["optimal_cost_bits"]
    return row


@torch.no_grad()
def evaluate_batches(model: torch.nn.Module, task_name: str, batches) -> dict:
    """The figures of :func:`evaluate_task` on given batches ``(x, y, mask)`` of a task."""
    was_training = model.training
    model.eval()
    totals: dict[str, float] = {}
    sequences = 0

    def add(name, values):
        totals[name] = totals.get(name, 0.0) + float(values.double().sum())

    try:
        for x, y, mask in batches:
            sequences += x.shape[0]
            logits = _eager_forward(model, x).float()
            add("cost_bits", cost_bits_per_sequence(logits, y, mask))
            add("bit_errors", bit_errors_per_sequence(logits, y, mask))
            if task_name == "ngrams":
                add("optimal_cost_bits", optimal_cost_bits(y[..., 0].cpu()))
            if task_name == "repeat-copy":
                marker_wrong = ((logits[..., 8] > 0) != (y[..., 8] > 0.5)) & (mask != 0)
                add("end_marker_errors", marker_wrong.sum(dim=1))
                add("end_marker_correct", (~marker_wrong.any(dim=1)).float())
                add("data_bit_errors", bit_errors_per_sequence(logits[..., :8], y[..., :8], mask))
    finally:
        model.train(was_training)
    if not sequences:
        raise ValueError("no sequences to evaluate")
    row = {"sequences": sequences}
    row.update({name: total / sequences for name, total in totals.items()})
    if "optimal_cost_bits" in row:
        row["excess_bits"] = row["cost_bits"] - row["optimal_cost_bits"]
    return row


def _eager_forward(model, x):
    """Run ``model(x)`` with an NTM's per-step function uncompiled: a compiled step
    would compile again for a new batch size or for no-grad mode (measured during development)."""
    if not hasattr(model, "uncompiled"):
        return model(x)
    with model.uncompiled():
        return model(x)
