"""What the task chapters (7-11) share: their models, from the zoo or trained in the chapter.

    from ntmlib.book.chapters import load_or_train

    RETRAIN = False  # True: train the three models here for a few minutes each instead
    loaded = load_or_train("copy", retrain=RETRAIN, seconds=300)
    models = loaded.models

``loaded.models`` drives every figure of the chapter; ``loaded.curves`` holds the learning
curves of the models trained here (empty when all came from the zoo), which
:func:`ntmlib.book.figures.plot_learning_curves` draws instead of the zoo's.
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Collection, Sequence

import torch

from .. import zoo
from ..paper import ARCHITECTURES, count_parameters
from ..training import train
from ..training.recipes import recipe
from .style import ARCH_LABELS

__all__ = ["ChapterModels", "load_or_train"]


@dataclass
class ChapterModels:
    """A task chapter's models by architecture, and how each was trained.

    ``trained[arch]``: ``parameters``, ``sequences``, ``wall_seconds``, ``device`` and, for
    zoo models, ``best`` (the best evaluation row of ``config.json``); ``curves[arch]``: the
    learning curve of a model trained here.
    """

    task: str
    models: dict[str, torch.nn.Module] = field(default_factory=dict)
    trained: dict[str, dict] = field(default_factory=dict)
    curves: dict[str, list[dict]] = field(default_factory=dict)

    def curve(self, arch: str) -> list[dict]:
        """The learning curve of the model ``arch``: trained here, or the zoo's."""
        return self.curves[arch] if arch in self.curves else zoo.curve(self.task, arch)


def load_or_train(task: str, archs: Sequence[str] = ARCHITECTURES, retrain: bool | Collection[str] = False,
                  seconds: float = 120, **settings) -> ChapterModels:
    """The chapter's model of every architecture in ``archs``: the zoo's, or, for those that
    ``retrain`` names (``True``: all of them), one trained here with the zoo's recipe
    (:mod:`ntmlib.training.recipes`) for at most ``seconds`` each, on a GPU when PyTorch sees
    one: far less than the zoo's budget, so expect weaker models. ``settings`` replace
    :class:`~ntmlib.training.TrainConfig` fields of the recipe (``seed=2``,
    ``task_kwargs={"max_repeats": 20}``). A model not in the zoo yet is left out, with
    the command that trains it. Prints one line per model."""
    retrained = set(archs if retrain is True else retrain or ())
    unknown = retrained - set(archs)
    if unknown:
        raise ValueError(f"retrain names {sorted(unknown)}, which are not among archs {list(archs)}")
    loaded = ChapterModels(task)
    for arch in archs:
        if arch in retrained:
            _train_here(loaded, arch, seconds, settings)
        elif (task, arch) in zoo.available():
            loaded.models[arch] = zoo.load(task, arch)
            loaded.trained[arch] = zoo.info(task, arch)
        else:
            print(f"{ARCH_LABELS[arch]}: not in the zoo yet; train it with: {zoo.train_command(task, arch)}")
            continue
        print(_describe(arch, loaded.models[arch], loaded.trained[arch], here=arch in retrained))
    return loaded


def _train_here(loaded: ChapterModels, arch: str, seconds: float, settings: dict) -> None:
    config = dataclasses.replace(recipe(loaded.task, arch).config, max_seconds=float(seconds), device="auto",
                                 **settings)
    run = train(config)
    loaded.models[arch] = run.model.cpu().eval()
    loaded.curves[arch] = run.curve
    loaded.trained[arch] = {"sequences": run.sequences, "wall_seconds": run.wall_seconds, "device": run.device}


def _describe(arch: str, model: torch.nn.Module, trained: dict, *, here: bool) -> str:
    parameters = count_parameters(model)
    line = (f"{ARCH_LABELS[arch]:32s} {parameters:>9,} parameters, trained {'here ' if here else ''}on "
            f"{trained['sequences']:>9,} sequences in {trained['wall_seconds'] / 60:4.1f} min ({trained['device']})")
    best = trained.get("best") or {}
    if "eval_cost_bits" in best:
        line += f"; best evaluation {best['eval_cost_bits']:.2f} bits per sequence"
    if "eval_bit_errors" in best:
        line += f", {best['eval_bit_errors']:.2f} bit errors"
    return line
