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

The modules, each importing only those above it in this list:

* ``cli``, ``guard``, ``files``: one-line command-line errors; the run's lock and Ctrl-C;
  atomic writes, checkpoints, checksum sidecars and ``curve.csv``;
* ``evaluation``: data streams, cases and the figures of a model on batches;
* ``config``: :class:`TrainConfig`, its command line and :func:`default_learning_rate`;
* ``recipes``: the model zoo's 15 configurations, with why;
* ``state``: a run's state (what a checkpoint holds) and :class:`TrainResult`;
* ``loop``: :func:`train_step` and :func:`train`; ``command``: :func:`main`.
"""
from __future__ import annotations

from .config import (AUTOCAST, DEFAULT_STEPS, OPTIMIZERS, TrainConfig, build_parser, config_from_args,
                     default_learning_rate, resolve_device)
from .command import main
from .files import CURVE_COLUMNS
from .loop import TrainingDiverged, TrainingInterrupted, train, train_step
from .state import TrainResult, make_optimizer

__all__ = ["TrainConfig", "TrainResult", "TrainingDiverged", "TrainingInterrupted", "train", "train_step",
           "default_learning_rate", "resolve_device", "make_optimizer", "build_parser", "config_from_args", "main",
           "CURVE_COLUMNS", "OPTIMIZERS", "AUTOCAST", "DEFAULT_STEPS"]
