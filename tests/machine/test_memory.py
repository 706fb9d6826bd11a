"""Reading and writing memory (eq. 2-4): hand-computed cases, gradients, edges."""
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from ntmlib import memory as mem

D = torch.float64


def test_read_by_hand():
    memory = torch.tensor([[[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]], dtype=D)
    w = torch.tensor([[[0.5, 0.5, 0.0], [0.0, 0.0, 1.0]]], dtype=D)  # two read heads
    assert torch.allclose(mem.read(memory, w), torch.tensor([[[2.0, 3.0], [5.0, 6.0]]], dtype=D))
    assert torch.allclose(mem.read(memory, w[:, 0]), torch.tensor([[2.0, 3.0]], dtype=D))


def test_erase_by_hand():
    memory = torch.ones(1, 2, 2, dtype=D)
    w = torch.tensor([[[1.0, 0.5]]], dtype=D)
    e = torch.tensor([[[1.0, 0.5]]], dtype=D)
    # M~(i) = M(i) * (1 - w(i) e): row 0 * (0, 0.5), row 1 * (0.5, 0.75)
    assert torch.allclose(mem.erase(memory, w, e), torch.tensor([[[0.0, 0.5], [0.5, 0.75]]], dtype=D))


def test_add_by_hand_and_two_heads_sum():
    memory = torch.zeros(1, 2, 2, dtype=D)
    w = torch.tensor([[[1.0, 0.0], [0.25, 0.75]]], dtype=D)
    a = torch.tensor([[[1.0, 2.0], [4.0, 4.0]]], dtype=D)
    assert torch.allclose(mem.add(memory, w, a), torch.tensor([[[2.0, 3.0], [3.0, 3.0]]], dtype=D))


def test_erase_factors_of_several_heads_multiply():
    torch.manual_seed(0)
    memory = torch.randn(2, 5, 3, dtype=D)
    w = torch.softmax(torch.randn(2, 2, 5, dtype=D), -1)
    e = torch.rand(2, 2, 3, dtype=D)
    one_by_one = mem.erase(mem.erase(memory, w[:, :1], e[:, :1]), w[:, 1:], e[:, 1:])
    assert torch.allclose(mem.erase(memory, w, e), one_by_one)


@settings(max_examples=30, deadline=None)
@given(st.integers(2, 10), st.integers(1, 5), st.integers(0, 2**31 - 1))
def test_full_erase_under_one_hot_clears_that_row(n, m, seed):
    g = torch.Generator().manual_seed(seed)
    memory = torch.randn(1, n, m, generator=g, dtype=D)
    row = int(torch.randint(n, (1,), generator=g))
    w = torch.zeros(1, 1, n, dtype=D)
    w[0, 0, row] = 1
    erased = mem.erase(memory, w, torch.ones(1, 1, m, dtype=D))
    assert torch.all(erased[0, row] == 0)
    others = [i for i in range(n) if i != row]
    assert torch.equal(erased[0, others], memory[0, others])


def test_write_is_erase_then_add():
    torch.manual_seed(1)
    memory = torch.randn(2, 4, 3, dtype=D)
    w = torch.softmax(torch.randn(2, 1, 4, dtype=D), -1)
    e, a = torch.rand(2, 1, 3, dtype=D), torch.randn(2, 1, 3, dtype=D)
    assert torch.allclose(mem.write(memory, w, e, a), mem.add(mem.erase(memory, w, e), w, a))


def test_gradcheck_read_erase_add_write():
    g = torch.Generator().manual_seed(2)
    memory = torch.randn(2, 5, 3, generator=g, dtype=D, requires_grad=True)
    w = torch.softmax(torch.randn(2, 2, 5, generator=g, dtype=D), -1).requires_grad_(True)
    e = torch.rand(2, 2, 3, generator=g, dtype=D).requires_grad_(True)
    a = torch.randn(2, 2, 3, generator=g, dtype=D, requires_grad=True)
    assert torch.autograd.gradcheck(mem.read, (memory, w))
    assert torch.autograd.gradcheck(mem.erase, (memory, w, e))
    assert torch.autograd.gradcheck(mem.add, (memory, w, a))
    assert torch.autograd.gradcheck(mem.write, (memory, w, e, a))


def test_zero_memory_reads_zero_with_finite_gradients():
    memory = torch.zeros(2, 8, 4, dtype=D, requires_grad=True)
    w = torch.full((2, 1, 8), 1 / 8, dtype=D, requires_grad=True)
    r = mem.read(memory, w)
    assert torch.all(r == 0)
    r.sum().backward()
    assert torch.isfinite(memory.grad).all() and torch.isfinite(w.grad).all()
