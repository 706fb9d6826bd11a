"""Shared machinery for the five tasks of paper §4 (wire format: docs/tasks.md).

Every task turns a seed into a :class:`Batch` of batch-first tensors.  All
randomness is drawn on the CPU from the caller's ``torch.Generator`` and only
then moved to the requested device, so one seed gives bit-identical data on a
laptop and on a GPU.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar, NamedTuple

import torch

from ..validation import check_int

__all__ = ["Batch", "Task", "check_range", "draw_int", "random_bits"]


class Batch(NamedTuple):
    """One batch of a task (docs/tasks.md).

    x: ``(B, T, input_width)`` inputs; y: ``(B, T, output_width)`` targets;
    mask: ``(B, T)``, 1.0 on the steps that carry targets and 0.0 elsewhere.
    All float32.
    """

    x: torch.Tensor
    y: torch.Tensor
    mask: torch.Tensor

    def to(self, device) -> "Batch":
        """The same batch on ``device``."""
        return Batch(*(t.to(device) for t in self))


def check_range(lo_name: str, lo, hi_name: str, hi, minimum: int) -> None:
    """Validate an inclusive integer range ``minimum <= lo <= hi``."""
    check_int(lo_name, lo, minimum)
    check_int(hi_name, hi, minimum)
    if lo > hi:
        raise ValueError(f"expected {lo_name} <= {hi_name}, got {lo_name}={lo} > {hi_name}={hi}")


def draw_int(lo: int, hi: int, generator: torch.Generator | None) -> int:
    """One integer uniform on ``{lo, ..., hi}`` (inclusive), from ``generator``."""
    return int(torch.randint(lo, hi + 1, (1,), generator=generator).item())


def random_bits(*shape: int, generator: torch.Generator | None) -> torch.Tensor:
    """Independent fair 0/1 bits as float32 (docs/tasks.md: fair coin flips)."""
    return torch.randint(0, 2, shape, generator=generator).to(torch.float32)


@dataclass(frozen=True)
class Task:
    """Base class of the tasks.  Subclasses are frozen dataclasses whose fields
    are the parameters of the length distribution, and implement ``generate``.

    Class attributes: ``name`` (the task's name in docs/tasks.md), ``input_width``,
    ``output_width``; a subclass sets them as class keywords,
    ``class CopyTask(Task, name="copy", input_width=9, output_width=8)``.
    """

    name: ClassVar[str] = ""
    input_width: ClassVar[int] = 0
    output_width: ClassVar[int] = 0

    def __init_subclass__(cls, *, name: str | None = None, input_width: int | None = None,
                          output_width: int | None = None, **kwargs):
        super().__init_subclass__(**kwargs)
        for attribute, value in (("name", name), ("input_width", input_width), ("output_width", output_width)):
            if value is not None:
                setattr(cls, attribute, value)

    def batch(
        self,
        batch_size: int,
        generator: torch.Generator | None = None,
        device=None,
    ) -> Batch:
        """Draw ``batch_size`` sequences (one shared length per batch).

        ``generator`` must be a CPU generator (``None`` uses torch's global
        one); the finished tensors are moved to ``device``.
        """
        batch_size = check_int("batch_size", batch_size, 1)
        if generator is not None and not isinstance(generator, torch.Generator):
            raise TypeError(f"expected generator to be a torch.Generator or None, got {generator!r} "
                            f"({type(generator).__name__}); for a seed pass torch.Generator().manual_seed(seed)")
        if generator is not None and generator.device.type != "cpu":
            # Drawing on the accelerator would make the data depend on the device.
            raise ValueError(f"expected a CPU torch.Generator, got one on {generator.device}")
        out = self.generate(batch_size, generator)
        return out if device is None else out.to(device)

    def generate(self, batch_size: int, generator: torch.Generator | None) -> Batch:
        """The task itself: ``batch_size`` sequences of the wire format of docs/tasks.md.

        Each task implements it in three moves: draw the sequence's sizes (one length
        for the whole batch, so no padding is needed) and its random content from
        ``generator``, on the CPU; lay the content and the markers (delimiters, counts,
        priorities) out on the input channels of ``x``; and put the answer on the
        steps where the network must give it, with the mask 1.0 there
        (:meth:`_answer`). :meth:`batch` checks the arguments, calls this and moves
        the result to the device.
        """
        raise NotImplementedError

    def _answer(self, x: torch.Tensor, start: int, targets: torch.Tensor) -> Batch:
        """The batch of inputs ``x`` ``(B, T, input_width)`` whose targets are ``targets`` on
        the steps from ``start`` to the end, with the mask 1.0 there; zeros before."""
        B, T = x.shape[:2]
        y = torch.zeros(B, T, self.output_width)
        y[:, start:] = targets
        mask = torch.zeros(B, T)
        mask[:, start:] = 1.0
        return Batch(x, y, mask)

    def generalisation_cases(self) -> dict[str, "Task"]:
        """Named task configurations for the paper's generalisation studies."""
        return {"training": self}

    def describe(self) -> str:
        """A one-line human-readable description."""
        return repr(self)

    def __str__(self) -> str:
        return self.describe()
