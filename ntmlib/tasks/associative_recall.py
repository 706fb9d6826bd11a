"""The associative recall task (paper §4.3; wire format: docs/tasks.md).

K items of ``item_length`` (3) vectors of 6 bits, each introduced by an item
delimiter (channel 6).  Then a query delimiter (channel 7), a copy of one item
(never the last), the query delimiter again, and ``item_length`` blank steps
whose target is the item that followed the query item.
T = (item_length + 1) * K + 2 * item_length + 2, i.e. 4K + 8; targets on the
last ``item_length`` steps.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch

from ..validation import check_int
from .base import Task, check_range, draw_int, random_bits

__all__ = ["AssociativeRecallTask", "RECALL_GENERALISATION_ITEMS"]

#: Item counts of the paper's Figure 11 (trained on at most 6).
RECALL_GENERALISATION_ITEMS = range(6, 21)

DATA_BITS = 6


@dataclass(frozen=True)
class AssociativeRecallTask(Task, name="associative-recall", input_width=8, output_width=6):
    """Associative recall: K ~ U{min_items..max_items} (paper training: 2..6)."""

    min_items: int = 2
    max_items: int = 6
    item_length: int = 3

    def __post_init__(self):
        # The query is never the last item, so there must be at least two.
        check_range("min_items", self.min_items, "max_items", self.max_items, 2)
        check_int("item_length", self.item_length, 1)

    def generate(self, batch_size, generator):
        """K delimited items, a delimited query item, then the item that followed it
        (docs/tasks.md, "associative recall")."""
        B, n = batch_size, self.item_length
        K = draw_int(self.min_items, self.max_items, generator)
        items = random_bits(B, K, n, DATA_BITS, generator=generator)
        # Query index uniform on the first K-1 items, one per sequence.
        q = torch.randint(0, K - 1, (B,), generator=generator)
        rows = torch.arange(B)
        query, answer = items[rows, q], items[rows, q + 1]  # (B, n, 6) each

        # Items section: K blocks of [item delimiter, n data steps].
        blocks = torch.zeros(B, K, n + 1, self.input_width)
        blocks[:, :, 0, 6] = 1.0
        blocks[:, :, 1:, :DATA_BITS] = items
        # Query section: [query delimiter, n query steps, query delimiter, n blank].
        tail = torch.zeros(B, 2 * n + 2, self.input_width)
        tail[:, 0, 7] = 1.0
        tail[:, 1 : n + 1, :DATA_BITS] = query
        tail[:, n + 1, 7] = 1.0
        x = torch.cat([blocks.reshape(B, K * (n + 1), self.input_width), tail], dim=1)

        return self._answer(x, x.shape[1] - n, answer)

    def generalisation_cases(self):
        return {
            f"K={K}": AssociativeRecallTask(K, K, self.item_length)
            for K in RECALL_GENERALISATION_ITEMS
        }

    def describe(self):
        return (
            f"associative-recall (paper §4.3): K ~ U{{{self.min_items}..{self.max_items}}} items "
            f"of {self.item_length} x {DATA_BITS} bits, T = {self.item_length + 1}K + "
            f"{2 * self.item_length + 2}, input width {self.input_width}, "
            f"output width {self.output_width}"
        )
