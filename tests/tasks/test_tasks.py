"""The task encodings of docs/tasks.md (paper §4.1-4.5), checked on small cases."""

import math

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from ntmlib.tasks import (TASKS, AssociativeRecallTask, Batch, CopyTask, NGramsTask, PrioritySortTask,
                          RepeatCopyTask, Task, get_task, normalise_repeats)

FAST = settings(max_examples=30, deadline=None)


def gen(seed=0):
    return torch.Generator().manual_seed(seed)


def encoded(task, batch_size, seed, T, input_width, output_width):
    """A batch of ``task`` drawn from ``seed``, after checking that x and y are
    ``(batch_size, T, input_width)`` and ``(batch_size, T, output_width)``."""
    x, y, mask = task.batch(batch_size, gen(seed))
    assert x.shape == (batch_size, T, input_width) and y.shape == (batch_size, T, output_width)
    return x, y, mask


# ---------------------------------------------------------------- common


def test_task_names_are_the_documented_names():
    assert set(TASKS) == {"copy", "repeat-copy", "associative-recall", "ngrams", "priority-sort"}
    for name, cls in TASKS.items():
        assert cls.name == name and issubclass(cls, Task)


@pytest.mark.parametrize("name", sorted(TASKS))
def test_shapes_dtypes_and_widths(name):
    task = get_task(name)
    batch = task.batch(3, gen())
    assert isinstance(batch, Batch)
    x, y, mask = batch
    B, T = mask.shape
    assert B == 3
    assert x.shape == (3, T, task.input_width)
    assert y.shape == (3, T, task.output_width)
    assert x.dtype == y.dtype == mask.dtype == torch.float32
    assert set(mask.unique().tolist()) <= {0.0, 1.0}
    assert name in task.describe() and name in str(task)


@pytest.mark.parametrize("name", sorted(TASKS))
def test_seeded_determinism(name):
    task = get_task(name)
    a, b = task.batch(4, gen(7)), task.batch(4, gen(7))
    for s, t in zip(a, b):
        assert torch.equal(s, t)
    c = task.batch(4, gen(8))
    assert a.x.shape != c.x.shape or not torch.equal(a.x, c.x)


@pytest.mark.parametrize("name", sorted(TASKS))
def test_device_argument_moves_the_same_data(name):
    task = get_task(name)
    ref = task.batch(2, gen(3))
    devices = ["cpu"] + (["cuda"] if torch.cuda.is_available() else [])
    for device in devices:
        moved = task.batch(2, gen(3), device=device)
        assert moved.x.device.type == device
        for s, t in zip(ref, moved):
            assert torch.equal(s, t.cpu())


@pytest.mark.parametrize("bad, error", [(0, ValueError), (-1, ValueError), (2.5, TypeError), (True, TypeError),
                                        ("4", TypeError)])
def test_bad_batch_size(bad, error):
    with pytest.raises(error, match="batch_size must be an integer >= 1"):
        CopyTask().batch(bad, gen())


@pytest.mark.parametrize(
    "cls, kwargs, match",
    [
        (CopyTask, dict(min_length=0), "min_length"),
        (CopyTask, dict(min_length=5, max_length=4), "min_length <= max_length"),
        (RepeatCopyTask, dict(min_length=0), "min_length"),
        (RepeatCopyTask, dict(min_repeats=0), "min_repeats"),
        (RepeatCopyTask, dict(min_repeats=3, max_repeats=2), "min_repeats <= max_repeats"),
        (AssociativeRecallTask, dict(min_items=1), "min_items must be an integer >= 2, got 1"),
        (AssociativeRecallTask, dict(min_items=4, max_items=3), "min_items <= max_items"),
        (AssociativeRecallTask, dict(item_length=0), "item_length"),
        (NGramsTask, dict(length=0), "length"),
        (PrioritySortTask, dict(num_inputs=0), "num_inputs"),
        (PrioritySortTask, dict(num_outputs=0), "num_outputs"),
        (PrioritySortTask, dict(num_inputs=5, num_outputs=6), "num_outputs <= num_inputs"),
    ],
)
def test_bad_parameters(cls, kwargs, match):
    with pytest.raises(ValueError, match=match):
        cls(**kwargs)


@pytest.mark.parametrize(
    "cls, kwargs, match",
    [
        (CopyTask, dict(max_length=2.0), r"max_length must be an integer >= 1, got 2\.0 \(float\)"),
        (RepeatCopyTask, dict(min_repeats=True), r"min_repeats must be an integer >= 1, got True \(bool\)"),
        (AssociativeRecallTask, dict(item_length="3"), r"item_length must be an integer >= 1, got '3' \(str\)"),
        (NGramsTask, dict(length=200.0), r"length must be an integer >= 1"),
        (PrioritySortTask, dict(num_outputs=None), r"num_outputs must be an integer >= 1, got None"),
    ],
)
def test_non_integer_parameters_are_type_errors(cls, kwargs, match):
    with pytest.raises(TypeError, match=match):
        cls(**kwargs)


def test_get_task():
    assert get_task("copy", max_length=5) == CopyTask(1, 5)
    with pytest.raises(ValueError) as err:
        get_task("sort")
    for name in TASKS:
        assert name in str(err.value)


def test_defaults_are_the_paper_training_distributions():
    assert CopyTask() == CopyTask(1, 20)
    assert RepeatCopyTask() == RepeatCopyTask(1, 10, 1, 10)
    assert AssociativeRecallTask() == AssociativeRecallTask(2, 6, 3)
    assert NGramsTask().length == 200
    assert PrioritySortTask() == PrioritySortTask(20, 16)


def test_generalisation_cases():
    copy = CopyTask().generalisation_cases()
    assert [c.min_length for c in copy.values()] == [10, 20, 30, 50, 120]
    assert all(c.min_length == c.max_length for c in copy.values())
    assert copy["L=120"].batch(1, gen()).x.shape[1] == 241

    rc = RepeatCopyTask().generalisation_cases()
    assert rc["training"] == RepeatCopyTask()
    assert rc["L=20,R=10"] == RepeatCopyTask(20, 20, 10, 10)
    assert rc["L=10,R=20"] == RepeatCopyTask(10, 10, 20, 20)
    assert rc["L=20,R=20"] == RepeatCopyTask(20, 20, 20, 20)

    ar = AssociativeRecallTask().generalisation_cases()
    assert [c.min_items for c in ar.values()] == list(range(6, 21))
    assert ar["K=20"].batch(1, gen()).x.shape[1] == 4 * 20 + 8

    assert list(NGramsTask().generalisation_cases().values()) == [NGramsTask()]
    assert list(PrioritySortTask().generalisation_cases().values()) == [PrioritySortTask()]


# ---------------------------------------------------------------- copy (§4.1)


@FAST
@given(L=st.integers(1, 25), seed=st.integers(0, 2**31))
def test_copy_encoding(L, seed):
    T = 2 * L + 1
    x, y, mask = encoded(CopyTask(L, L), 3, seed, T, 9, 8)
    assert torch.equal(y[:, L + 1 :], x[:, :L, :8])  # targets are the data, in order
    assert not y[:, : L + 1].any()
    assert set(x[:, :L, :8].unique().tolist()) <= {0.0, 1.0}
    assert torch.equal(x[:, L], torch.tensor([0.0] * 8 + [1.0]).expand(3, 9))  # delimiter step
    assert not x[:, :L, 8].any() and not x[:, L + 1 :].any()
    assert torch.equal(mask, torch.cat([torch.zeros(3, L + 1), torch.ones(3, L)], 1))


def test_copy_hand_case():
    x, y, mask = CopyTask(2, 2).batch(1, gen(0))
    d0, d1 = x[0, 0, :8], x[0, 1, :8]
    expected_x = torch.stack(
        [torch.cat([d0, torch.zeros(1)]), torch.cat([d1, torch.zeros(1)]),
         torch.tensor([0.0] * 8 + [1.0]), torch.zeros(9), torch.zeros(9)]
    )
    assert torch.equal(x[0], expected_x)
    assert torch.equal(y[0], torch.stack([torch.zeros(8)] * 3 + [d0, d1]))
    assert mask[0].tolist() == [0, 0, 0, 1, 1]


def test_copy_length_distribution_covers_training_range():
    g = gen(1)
    lengths = {(CopyTask().batch(1, g).x.shape[1] - 1) // 2 for _ in range(400)}
    assert lengths == set(range(1, 21))


# ---------------------------------------------------------------- repeat copy (§4.2)


def test_normalise_repeats():
    assert normalise_repeats(5.5) == 0.0
    assert normalise_repeats(1) == pytest.approx(-4.5 / math.sqrt(8.25))
    assert normalise_repeats(20) == pytest.approx(14.5 / math.sqrt(8.25))
    r = torch.arange(1, 11, dtype=torch.float64)  # the training distribution U{1..10}
    z = normalise_repeats(r)
    assert z.mean().item() == pytest.approx(0.0, abs=1e-12)
    assert z.var(unbiased=False).item() == pytest.approx(1.0)


@FAST
@given(L=st.integers(1, 12), R=st.integers(1, 12), seed=st.integers(0, 2**31))
def test_repeat_copy_encoding(L, R, seed):
    T = L + 1 + R * L + 1
    x, y, mask = encoded(RepeatCopyTask(L, L, R, R), 2, seed, T, 10, 9)
    data = x[:, :L, :8]
    assert not x[:, :L, 8:].any() and not x[:, L + 1 :].any()
    assert x[:, L, 8].eq(1).all() and not x[:, L, :8].any()
    assert torch.allclose(x[:, L, 9], torch.tensor(normalise_repeats(R), dtype=torch.float32))
    for r in range(R):  # R copies back to back, end marker off
        start = L + 1 + r * L
        assert torch.equal(y[:, start : start + L, :8], data)
    assert not y[:, : T - 1, 8].any()
    assert torch.equal(y[:, T - 1], torch.tensor([0.0] * 8 + [1.0]).expand(2, 9))
    assert not y[:, : L + 1].any()
    assert torch.equal(mask, torch.cat([torch.zeros(2, L + 1), torch.ones(2, R * L + 1)], 1))


def test_repeat_copy_hand_case():
    x, y, mask = RepeatCopyTask(2, 2, 3, 3).batch(1, gen(0))
    assert x.shape[1] == 2 + 1 + 6 + 1 == 10
    assert x[0, 2].tolist()[8:] == [1.0, pytest.approx((3 - 5.5) / math.sqrt(8.25))]
    d = x[0, :2, :8]
    assert torch.equal(y[0, 3:9, :8], torch.cat([d, d, d]))
    assert y[0, :, 8].tolist() == [0] * 9 + [1]
    assert mask[0].tolist() == [0, 0, 0] + [1] * 7


# ---------------------------------------------------------------- associative recall (§4.3)


def _parse_recall(x, K):
    """Items (B, K, 3, 6) and the query (B, 3, 6) read back from the input."""
    B = x.shape[0]
    items = x[:, : 4 * K].reshape(B, K, 4, 8)[:, :, 1:, :6]
    query = x[:, 4 * K + 1 : 4 * K + 4, :6]
    return items, query


@FAST
@given(K=st.integers(2, 8), seed=st.integers(0, 2**31))
def test_associative_recall_encoding(K, seed):
    T = 4 * K + 8
    x, y, mask = encoded(AssociativeRecallTask(K, K), 4, seed, T, 8, 6)
    item_delims = [4 * k for k in range(K)]
    query_delims = [4 * K, 4 * K + 4]
    for t in range(T):
        assert x[:, t, 6].eq(1.0 if t in item_delims else 0.0).all()
        assert x[:, t, 7].eq(1.0 if t in query_delims else 0.0).all()
        if t in item_delims or t in query_delims or t >= T - 3:
            assert not x[:, t, :6].any()  # delimiter and answer steps carry no data
    items, query = _parse_recall(x, K)
    # The target is the item after the query item, which is never the last one.
    for b in range(4):
        hits = [j for j in range(K) if torch.equal(items[b, j], query[b])]
        assert any(j < K - 1 and torch.equal(y[b, T - 3 :], items[b, j + 1]) for j in hits)
    assert not y[:, : T - 3].any()
    assert torch.equal(mask, torch.cat([torch.zeros(4, T - 3), torch.ones(4, 3)], 1))


def test_associative_recall_query_never_last_and_uniform():
    K, g = 4, gen(5)
    counts = torch.zeros(K)
    for _ in range(50):
        x, y, _ = AssociativeRecallTask(K, K).batch(32, g)
        items, query = _parse_recall(x, K)
        for b in range(32):
            j = next(j for j in range(K) if torch.equal(items[b, j], query[b]))
            counts[j] += 1
            assert j < K - 1 and torch.equal(y[b, -3:], items[b, j + 1])
    assert counts[-1] == 0
    # 1600 draws uniform over 3 items: each near 533 (sd ~19).
    assert ((counts[:-1] - 1600 / 3).abs() < 100).all()


def test_associative_recall_item_count_distribution():
    g = gen(2)
    ks = {(AssociativeRecallTask().batch(1, g).x.shape[1] - 8) // 4 for _ in range(200)}
    assert ks == {2, 3, 4, 5, 6}


# ---------------------------------------------------------------- priority sort (§4.5)


@FAST
@given(seed=st.integers(0, 2**31))
def test_priority_sort_encoding(seed):
    x, y, mask = encoded(PrioritySortTask(), 4, seed, 37, 10, 8)
    prio = x[:, :20, 8]
    assert ((prio >= -1) & (prio <= 1)).all()
    assert x[:, 20, 9].eq(1).all() and not x[:, 20, :9].any() and not x[:, :20, 9].any()
    assert not x[:, 21:].any() and not y[:, :21].any()
    for b in range(4):
        ranked = sorted(range(20), key=lambda i: -prio[b, i].item())
        for k in range(16):  # the k-th target row is the whole k-th highest-priority vector
            assert torch.equal(y[b, 21 + k], x[b, ranked[k], :8])
    assert torch.equal(mask, torch.cat([torch.zeros(4, 21), torch.ones(4, 16)], 1))


def test_priority_sort_other_sizes():
    x, y, mask = PrioritySortTask(5, 5).batch(3, gen(1))
    assert x.shape == (3, 11, 10) and mask.sum().item() == 15
    order = x[:, :5, 8].argsort(dim=1, descending=True)
    assert torch.equal(y[:, 6:], x[:, :5, :8].gather(1, order[..., None].expand(-1, -1, 8)))
    # Sorted by priority means the priorities of the targets are descending.
    assert (x[:, :5, 8].gather(1, order).diff(dim=1) <= 0).all()
