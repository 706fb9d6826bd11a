"""Associative recall (paper §4.3): where the read head looked while the NTM answered."""
from __future__ import annotations

import numpy as np

from .arrays import to_numpy

__all__ = ["recall_read_sources"]


def recall_read_sources(trace, x, *, read_head: int = 0, write_head: int = 0, item_length: int = 3,
                        lead: int = 0) -> list[dict]:
    """Where did the read head look while the NTM answered an associative-recall query?

    For every sequence of the batch and every answer step s (the last ``item_length``
    steps), take the location the read head focused on (argmax of its weighting) and
    find the last input step before s at which the write head focused on that same
    location: that is the step whose write the read could return. Each answer step
    becomes a dict ``{"sequence", "answer_step", "location", "source_step", "item",
    "position", "expected_item"}``: ``item`` the item (0-based) whose block contained the
    source step (``"query"`` for the query section, None if nothing was written there),
    ``position`` 0 for the item's delimiter step and 1..item_length for its data steps,
    ``expected_item`` the item after the query item (the answer). The paper's reading of
    Fig. 12 predicts ``item == expected_item`` and ``position == answer_step + 1``.

    ``lead`` > 0 also analyses that many steps before the answer (``answer_step`` -1 is
    the second query delimiter): a controller can read a vector one step before it
    outputs it and carry it in its own state.
    """
    xs = to_numpy(x)
    read_w = to_numpy(trace.read_weightings)[:, :, read_head]
    write_w = to_numpy(trace.write_weightings)[:, :, write_head]
    B, T, _ = xs.shape
    block = item_length + 1
    K = (T - 2 * item_length - 2) // block
    rows = []
    for b in range(B):
        items = xs[b, : K * block].reshape(K, block, -1)[:, 1:, :6]
        query = xs[b, K * block + 1: K * block + 1 + item_length, :6]
        matches = [k for k in range(K - 1) if np.array_equal(items[k], query)]
        expected = matches[0] + 1 if matches else None
        write_peak = write_w[b].argmax(axis=-1)
        for j in range(-lead, item_length):
            s = T - item_length + j
            location = int(read_w[b, s].argmax())
            earlier = np.nonzero(write_peak[:s] == location)[0]
            source = int(earlier[-1]) if len(earlier) else None
            if source is None:
                item = position = None
            elif source < K * block:
                item, position = source // block, source % block
            else:
                item, position = "query", source - K * block
            rows.append({"sequence": b, "answer_step": j, "location": location, "source_step": source,
                         "item": item, "position": position, "expected_item": expected})
    return rows
