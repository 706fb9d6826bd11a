"""ntmlib.analysis.recall (chapter 9) on a fake trace whose reads are known."""
from types import SimpleNamespace

import torch

from ntmlib import analysis


def test_recall_read_sources_finds_the_item_that_was_read():
    K, n = 3, 3
    T = 4 * K + 8
    x = torch.zeros(1, T, 8)
    items = torch.tensor([[[1, 0, 0, 0, 0, 0]] * 3, [[0, 1, 0, 0, 0, 0]] * 3, [[0, 0, 1, 0, 0, 0]] * 3]).float()
    for k in range(K):
        x[0, 4 * k, 6] = 1
        x[0, 4 * k + 1: 4 * k + 4, :6] = items[k]
    x[0, 4 * K, 7] = x[0, 4 * K + 4, 7] = 1
    x[0, 4 * K + 1: 4 * K + 4, :6] = items[0]  # query item 0: the answer is item 1
    write = torch.zeros(1, T, 1, 16)
    write[0, torch.arange(T), 0, torch.arange(T) % 16] = 1.0  # step t writes location t
    read = torch.zeros(1, T, 1, 16)
    for j in range(n):
        read[0, T - n + j, 0, 4 * 1 + 1 + j] = 1.0  # the data steps of item 1, in order
    trace = SimpleNamespace(read_weightings=read, write_weightings=write)
    rows = analysis.recall_read_sources(trace, x)
    assert [(r["item"], r["position"], r["expected_item"]) for r in rows] == [(1, 1, 1), (1, 2, 1), (1, 3, 1)]
    assert [r["source_step"] for r in rows] == [5, 6, 7]
    # lead=1 adds the second query delimiter, whose read (location 0) comes from step 0: item 0's delimiter.
    rows = analysis.recall_read_sources(trace, x, lead=1)
    assert [r["answer_step"] for r in rows] == [-1, 0, 1, 2]
    assert (rows[0]["item"], rows[0]["position"]) == (0, 0)
