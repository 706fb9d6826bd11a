"""Evaluation of a trained model on a task's training distribution and its
generalisation cases (paper §4.1-4.5, Figs 4, 5, 8, 11, 13).

Library::

    from ntmlib import zoo
    from ntmlib.evaluate import evaluate
    rows = evaluate(zoo.load("copy", "ntm-lstm"), "copy", sequences=200, seed=0)

Command line::

    python -m ntmlib.evaluate --task copy --arch ntm-lstm [--model-dir DIR]
        [--sequences N] [--seed S] [--batch-size B] [--case NAME] [--threads K] [--json]

Every case draws its sequences from its own ``torch.Generator`` seeded from the seed
and the case's name, so the numbers are the same whatever subset of cases is run,
and the same on every machine (data is drawn on the CPU, docs/tasks.md).
"""
from __future__ import annotations

import json
import math
import sys

import torch

from .paper import ARCHITECTURES, TASK_NAMES, check_names
from .tasks import NGRAMS_VALIDATION_SIZE, Task, get_task
from .training import cli
# Evaluation's whole public API in one module for its users; the measuring itself lives in the
# training layer below, because training measures its models the same way.
from .training.evaluation import case_generator, case_task, draw_batches, evaluate_batches, evaluate_task
from .validation import check_int, torch_threads

__all__ = ["evaluate", "evaluation_cases", "format_rows", "main", "DEFAULT_SEQUENCES",
           "evaluate_task", "evaluate_batches", "draw_batches", "case_task", "case_generator"]

#: Sequences per case unless told otherwise (N-grams: the paper's 1000-sequence validation set).
DEFAULT_SEQUENCES = 500


def evaluation_cases(task_name: str, **task_kwargs) -> dict[str, Task]:
    """``{"training": the training distribution, <case>: Task, ...}`` for a task: copy
    lengths 10..120 (Figs 4-5), repeat copy longer and more repeats (Fig 8), associative
    recall with 6..20 items (Fig 11); N-grams and priority sort have only "training"."""
    task = get_task(task_name, **task_kwargs)
    cases = {"training": task}
    cases.update((name, case) for name, case in task.generalisation_cases().items() if name != "training")
    return cases


def evaluate(model: torch.nn.Module, task_name: str, *, sequences: int | None = None, seed: int = 0,
             batch_size: int = 50, cases: list[str] | None = None, device=None,
             task_kwargs: dict | None = None, threads: int | None = 1) -> list[dict]:
    """Evaluate ``model`` on ``task_name``'s training distribution and every
    generalisation case (:func:`evaluation_cases`).

    Returns one dict per case: ``{"task", "case", "description", "sequences",
    "cost_bits", "bit_errors", ...}`` (extra keys: see :func:`evaluate_task`).
    ``sequences`` defaults to 1000 for N-grams (paper §4.4) and
    :data:`DEFAULT_SEQUENCES` otherwise. Deterministic given ``seed``.

    Runs with ``threads`` torch threads (1 by default, restored afterwards; None keeps
    torch's setting): at torch's default of one thread per core an NTM's small operations
    wait on each other (data/RESULTS.md, "Training speed", has the measurement).
    """
    if not isinstance(model, torch.nn.Module):
        raise TypeError(f"expected model to be a torch.nn.Module (e.g. zoo.load(task, arch)), got {type(model).__name__}")
    check_int("seed", seed, 0)
    with torch_threads(threads):
        return _evaluate_cases(model, task_name, sequences, seed, batch_size, cases, device, task_kwargs)


def _evaluate_cases(model, task_name, sequences, seed, batch_size, cases, device, task_kwargs) -> list[dict]:
    all_cases = evaluation_cases(task_name, **(task_kwargs or {}))
    if cases is not None:
        # Cases beyond the reported ones are named like them (case_task), e.g. "L=15,R=8".
        selected = {name: all_cases[name] if name in all_cases else case_task(all_cases["training"], name)
                    for name in cases}
    else:
        selected = all_cases
    if sequences is None:
        sequences = NGRAMS_VALIDATION_SIZE if task_name == "ngrams" else DEFAULT_SEQUENCES
    rows = []
    for name, task in selected.items():
        row = {"task": task_name, "case": name, "description": task.describe()}
        row.update(evaluate_task(model, task, sequences=sequences, generator=case_generator(seed, name),
                                 batch_size=batch_size, device=device))
        rows.append(row)
    return rows


def format_rows(rows: list[dict]) -> str:
    """An aligned text table of :func:`evaluate`'s rows."""
    extra = [key for key in ("optimal_cost_bits", "excess_bits", "end_marker_correct") if any(key in r for r in rows)]
    header = f"{'case':<12}{'sequences':>10}{'cost (bits/seq)':>17}{'bit errors/seq':>16}"
    header += "".join(f"{key:>19}" for key in extra)
    lines = [header]
    for r in rows:
        line = f"{r['case']:<12}{r['sequences']:>10}{r['cost_bits']:>17.4f}{r['bit_errors']:>16.4f}"
        line += "".join(f"{r.get(key, math.nan):>19.4f}" for key in extra)
        lines.append(line)
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = cli.Parser(
        prog="python -m ntmlib.evaluate",
        description="Cost (bits/sequence) and bit errors/sequence of a trained model on a task's "
                    "training distribution and generalisation cases.")
    parser.add_argument("--task", required=True, help=f"one of {', '.join(TASK_NAMES)}")
    parser.add_argument("--arch", required=True, help=f"one of {', '.join(ARCHITECTURES)}")
    parser.add_argument("--model-dir", default=None,
                        help="directory with model.pt and config.json (default: the zoo, data/<task>/<arch>)")
    parser.add_argument("--sequences", type=cli.integer(1), default=None,
                        help=f"sequences per case (default {DEFAULT_SEQUENCES}; ngrams {NGRAMS_VALIDATION_SIZE})")
    parser.add_argument("--seed", type=cli.integer(0), default=0, help="seed of the evaluation data (default 0)")
    parser.add_argument("--batch-size", type=cli.integer(1), default=50, help="sequences per forward pass (default 50)")
    parser.add_argument("--case", action="append", default=None, help="evaluate only this case (repeatable)")
    parser.add_argument("--threads", type=cli.integer(0), default=1,
                        help="torch intra-op threads (default 1, as training; 0 leaves torch's default)")
    parser.add_argument("--json", action="store_true", help="print the rows as JSON")
    args = parser.parse_args(argv)
    from . import zoo

    try:
        check_names(args.task, args.arch)
        if args.model_dir is None:
            model = zoo.load(args.task, args.arch)
        else:
            model = zoo.load_dir(args.model_dir, task=args.task, arch=args.arch)
        rows = evaluate(model, args.task, sequences=args.sequences, seed=args.seed, batch_size=args.batch_size,
                        cases=args.case, threads=args.threads or None)
    except KeyboardInterrupt:
        return cli.fail("interrupted", cli.INTERRUPTED)
    except cli.EXPECTED_ERRORS as error:
        return cli.fail(error)
    if args.json:
        print(json.dumps(rows, indent=2))
    else:
        print(f"{args.task} / {args.arch}: seed {args.seed}")
        print(format_rows(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
