"""The repeat copy task (paper §4.2; wire format: docs/tasks.md, "repeat copy").

L random 8-bit vectors; one step carrying the delimiter (channel 8) and the
normalised repeat count (channel 9); then R*L + 1 blank steps whose targets are
the L vectors repeated R times followed by an end-marker step (output channel
8).  T = L + 1 + R*L + 1; targets on the last R*L + 1 steps.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch

from .base import Task, check_range, draw_int, random_bits

__all__ = ["RepeatCopyTask", "normalise_repeats", "REPEATS_MEAN", "REPEATS_STD"]

# Mean and standard deviation of R ~ U{1..10}, the paper's training distribution:
# mean (1 + 10) / 2 = 5.5, variance (10**2 - 1) / 12 = 8.25.  These stay fixed
# whatever distribution a RepeatCopyTask draws R from (docs/tasks.md), so that a
# trained model reads the same number for the same R at test time.
REPEATS_MEAN = 5.5
REPEATS_STD = math.sqrt(8.25)


def normalise_repeats(R):
    """Channel-9 value for repeat count ``R``: (R - 5.5) / sqrt(8.25).

    Works on Python numbers and tensors alike.
    """
    return (R - REPEATS_MEAN) / REPEATS_STD


@dataclass(frozen=True)
class RepeatCopyTask(Task, name="repeat-copy", input_width=10, output_width=9):
    """Repeat copy: L ~ U{min_length..max_length}, R ~ U{min_repeats..max_repeats}
    (paper training: both 1..10)."""

    min_length: int = 1
    max_length: int = 10
    min_repeats: int = 1
    max_repeats: int = 10

    def __post_init__(self):
        check_range("min_length", self.min_length, "max_length", self.max_length, 1)
        check_range("min_repeats", self.min_repeats, "max_repeats", self.max_repeats, 1)

    def generate(self, batch_size, generator):
        """L random vectors, one step with the delimiter and the normalised repeat count,
        then the vectors R times over and an end marker (docs/tasks.md, "repeat copy")."""
        L = draw_int(self.min_length, self.max_length, generator)
        R = draw_int(self.min_repeats, self.max_repeats, generator)
        data = random_bits(batch_size, L, 8, generator=generator)
        T = L + 1 + R * L + 1
        x = torch.zeros(batch_size, T, self.input_width)
        x[:, :L, :8] = data
        x[:, L, 8] = 1.0  # delimiter
        x[:, L, 9] = normalise_repeats(R)
        targets = torch.zeros(batch_size, R * L + 1, self.output_width)
        targets[:, :-1, :8] = data.repeat(1, R, 1)  # R copies back to back
        targets[:, -1, 8] = 1.0  # end marker, data bits 0
        return self._answer(x, L + 1, targets)

    def generalisation_cases(self):
        # Paper Fig. 8 doubles first the length, then the number of repeats.
        return {
            "training": self,
            "L=20,R=10": RepeatCopyTask(20, 20, 10, 10),
            "L=10,R=20": RepeatCopyTask(10, 10, 20, 20),
            "L=20,R=20": RepeatCopyTask(20, 20, 20, 20),
        }

    def describe(self):
        return (
            f"repeat-copy (paper §4.2): L ~ U{{{self.min_length}..{self.max_length}}}, "
            f"R ~ U{{{self.min_repeats}..{self.max_repeats}}}, T = L + 1 + R*L + 1, "
            f"input width {self.input_width}, output width {self.output_width}"
        )
