"""The heads (paper §3.3-3.4): one fused projection to every head's parameters, in range."""
import pytest
import torch

from ntmlib.heads import HeadBank


@pytest.mark.parametrize("shift_mode", ["distribution", "scalar"])
def test_head_parameters_respect_their_ranges(shift_mode):
    torch.manual_seed(0)
    bank = HeadBank(controller_size=7, memory_width=4, num_read=2, num_write=3, max_shift=2, shift_mode=shift_mode)
    p = bank(10 * torch.randn(11, 7))
    assert p.key.shape == (11, 5, 4) and p.erase.shape == (11, 3, 4) and p.add.shape == (11, 3, 4)
    assert (p.beta >= 0).all() and (p.gamma >= 1).all()
    assert ((p.gate >= 0) & (p.gate <= 1)).all() and ((p.erase >= 0) & (p.erase <= 1)).all()
    assert p.shift.shape == (11, 5, 5)
    assert torch.allclose(p.shift.sum(-1), torch.ones(11, 5)) and (p.shift >= 0).all()


def test_heads_reject_impossible_counts_and_modes():
    with pytest.raises(ValueError, match="at least one head"):
        HeadBank(4, 4, 0, 0)
    with pytest.raises(ValueError, match="shift_mode"):
        HeadBank(4, 4, 1, 1, shift_mode="fourier")


@pytest.mark.parametrize("shift_mode", ["distribution", "scalar"])
def test_gradcheck_every_head_parameter_in_float64(shift_mode):
    torch.manual_seed(0)
    bank = HeadBank(5, 3, num_read=1, num_write=2, max_shift=1, shift_mode=shift_mode).double()
    hidden = torch.randn(2, 5, dtype=torch.float64, requires_grad=True)
    assert torch.autograd.gradcheck(lambda h: tuple(bank(h)), (hidden,))


def test_huge_controller_outputs_give_finite_parameters_and_gradients():
    torch.manual_seed(0)
    bank = HeadBank(4, 3, 1, 1)
    hidden = torch.tensor([[1e4, -1e4, 1e4, -1e4]], requires_grad=True)
    p = bank(hidden)
    assert all(torch.isfinite(t).all() for t in p)
    assert (p.gamma >= 1).all() and torch.allclose(p.shift.sum(-1), torch.ones(1, 2))
    sum(t.sum() for t in p).backward()
    assert torch.isfinite(hidden.grad).all()


def test_repr_shows_the_head_layout():
    text = repr(HeadBank(6, 4, num_read=2, num_write=1, max_shift=2, shift_mode="scalar"))
    assert "read=2, write=1, max_shift=2, shift_mode='scalar'" in text
    assert "fixed_gate" not in text  # only the ablations in use are shown
