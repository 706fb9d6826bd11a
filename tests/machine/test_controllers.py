"""The controllers (paper §3.4): feedforward and LSTM, one interface."""
import pytest
import torch

from ntmlib.controllers import FeedforwardController, LSTMController, make_controller
from ntmlib.ntm import NTM


@pytest.mark.parametrize("cls", [FeedforwardController, LSTMController])
def test_controllers_step_with_their_state(cls):
    controller = cls(6, (8, 5))
    state = controller.initial_state(4)
    out, state = controller(torch.randn(4, 6), state)
    assert out.shape == (4, 5) and controller.output_size == 5


def test_unknown_controller_kind_and_bad_sizes():
    with pytest.raises(ValueError, match="lstm"):
        make_controller("gru", 4)
    with pytest.raises(ValueError, match="positive"):
        make_controller("lstm", 4, 0)
    with pytest.raises(ValueError, match="controller kind"):
        NTM(5, 3, controller="transformer")


@pytest.mark.parametrize("cls", [FeedforwardController, LSTMController])
def test_gradcheck_two_steps_in_float64(cls):
    torch.manual_seed(0)
    controller = cls(3, (4, 2)).double()
    inputs = torch.randn(2, 2, 3, dtype=torch.float64, requires_grad=True)

    def two_steps(x):
        out, state = controller(x[0], controller.initial_state(2))
        return controller(x[1], state)[0]

    assert torch.autograd.gradcheck(two_steps, (inputs,))


def test_lstm_initial_state_is_learned_and_shared_by_the_batch():
    controller = LSTMController(3, 4)
    (h, c), = controller.initial_state(5)
    assert h.shape == c.shape == (5, 4)
    out, _ = controller(torch.randn(5, 3), ((h, c),))
    out.sum().backward()
    assert controller.initial_h[0].grad.abs().sum() > 0 and controller.initial_c[0].grad.abs().sum() > 0
    assert FeedforwardController(3, 4).initial_state(5) == ()


@pytest.mark.parametrize("kind, cls", [("lstm", LSTMController), ("feedforward", FeedforwardController)])
def test_make_controller_and_repr(kind, cls):
    controller = make_controller(kind, 7, (6, 5))
    assert type(controller) is cls and controller.output_size == 5
    assert f"{cls.__name__}(\n  input_size=7, sizes=(6, 5)" in repr(controller)
