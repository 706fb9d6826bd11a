"""The copy task (paper §4.1; wire format: docs/tasks.md, "copy").

L random 8-bit vectors, one delimiter step (channel 8), then L blank steps in
which the targets are the L vectors again.  T = 2L + 1; targets on the last L
steps.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch

from .base import Task, check_range, draw_int, random_bits

__all__ = ["CopyTask", "COPY_GENERALISATION_LENGTHS"]

#: Test lengths of the paper's Figures 4 and 5 (trained on at most 20).
COPY_GENERALISATION_LENGTHS = (10, 20, 30, 50, 120)


@dataclass(frozen=True)
class CopyTask(Task, name="copy", input_width=9, output_width=8):
    """Copy: L ~ U{min_length..max_length} (paper training: 1..20)."""

    min_length: int = 1
    max_length: int = 20

    def __post_init__(self):
        check_range("min_length", self.min_length, "max_length", self.max_length, 1)

    def generate(self, batch_size, generator):
        """L random vectors, a delimiter step, then L blank steps whose targets are the
        vectors again (docs/tasks.md, "copy")."""
        L = draw_int(self.min_length, self.max_length, generator)
        data = random_bits(batch_size, L, 8, generator=generator)
        T = 2 * L + 1
        x = torch.zeros(batch_size, T, self.input_width)
        x[:, :L, :8] = data
        x[:, L, 8] = 1.0  # delimiter
        return self._answer(x, L + 1, data)

    def generalisation_cases(self):
        return {f"L={L}": CopyTask(L, L) for L in COPY_GENERALISATION_LENGTHS}

    def describe(self):
        return (
            f"copy (paper §4.1): L ~ U{{{self.min_length}..{self.max_length}}} vectors of 8 bits, "
            f"T = 2L + 1, input width {self.input_width}, output width {self.output_width}"
        )
