"""The priority sort task (paper §4.5; wire format: docs/tasks.md, "priority sort").

``num_inputs`` (20) random 8-bit vectors, each with a priority ~ U[-1, 1] on
channel 8; one delimiter step (channel 9); then ``num_outputs`` (16) blank
steps whose targets are the highest-priority vectors in descending priority
order.  T = num_inputs + 1 + num_outputs = 37; targets on the last
``num_outputs`` steps.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch

from ..validation import check_int
from .base import Task, random_bits

__all__ = ["PrioritySortTask"]


@dataclass(frozen=True)
class PrioritySortTask(Task, name="priority-sort", input_width=10, output_width=8):
    """Priority sort of ``num_inputs`` vectors, keeping the top ``num_outputs``."""

    num_inputs: int = 20
    num_outputs: int = 16

    def __post_init__(self):
        check_int("num_inputs", self.num_inputs, 1)
        check_int("num_outputs", self.num_outputs, 1)
        if self.num_outputs > self.num_inputs:
            raise ValueError(
                f"expected num_outputs <= num_inputs, got {self.num_outputs} > {self.num_inputs}"
            )

    def generate(self, batch_size, generator):
        """Random vectors with priorities, a delimiter, then the highest-priority
        vectors in descending order (docs/tasks.md, "priority sort")."""
        B, n_in, n_out = batch_size, self.num_inputs, self.num_outputs
        data = random_bits(B, n_in, 8, generator=generator)
        priority = torch.rand(B, n_in, generator=generator) * 2.0 - 1.0  # U[-1, 1)
        T = n_in + 1 + n_out
        x = torch.zeros(B, T, self.input_width)
        x[:, :n_in, :8] = data
        x[:, :n_in, 8] = priority
        x[:, n_in, 9] = 1.0  # delimiter
        # Sort whole vectors: one permutation per sequence, applied to all 8 bits.
        order = torch.argsort(priority, dim=1, descending=True)[:, :n_out]
        top = torch.gather(data, 1, order.unsqueeze(-1).expand(-1, -1, 8))
        return self._answer(x, n_in + 1, top)

    def describe(self):
        return (
            f"priority-sort (paper §4.5): top {self.num_outputs} of {self.num_inputs} vectors "
            f"by priority ~ U[-1, 1], T = {self.num_inputs + 1 + self.num_outputs}, "
            f"input width {self.input_width}, output width {self.output_width}"
        )
