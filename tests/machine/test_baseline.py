"""The paper's LSTM baseline (§4): stacked LSTM layers with a learned initial state."""
import torch

from ntmlib.baseline import StackedLSTM


def test_lstm_baseline_batch_equals_single_sequences():
    torch.manual_seed(0)
    model = StackedLSTM(5, 3, hidden_size=8, num_layers=3).double()
    x = torch.rand(4, 6, 5, dtype=torch.float64)
    assert torch.allclose(model(x), torch.cat([model(x[i : i + 1]) for i in range(4)]), atol=1e-10)


def test_gradcheck_in_float64():
    torch.manual_seed(0)
    model = StackedLSTM(2, 2, hidden_size=3, num_layers=2).double()
    x = torch.randn(2, 3, 2, dtype=torch.float64, requires_grad=True)
    assert torch.autograd.gradcheck(model, (x,))


def test_learned_initial_state_gets_gradients_and_every_layer_sees_the_input():
    torch.manual_seed(0)
    model = StackedLSTM(4, 2, hidden_size=3, num_layers=3)
    assert [layer.input_size for layer in model.layers] == [4, 7, 7]  # skip connections from the input
    assert model.output.in_features == 9  # the output layer sees every layer
    model(torch.rand(2, 5, 4)).sum().backward()
    assert model.initial_h.grad.abs().sum() > 0 and model.initial_c.grad.abs().sum() > 0


def test_huge_inputs_stay_finite():
    model = StackedLSTM(3, 2, hidden_size=4, num_layers=2)
    x = torch.full((1, 4, 3), 1e6, requires_grad=True)
    y = model(x)
    y.sum().backward()
    assert torch.isfinite(y).all() and torch.isfinite(x.grad).all()


def test_repr_shows_the_sizes():
    text = repr(StackedLSTM(5, 3, hidden_size=8, num_layers=2))
    assert text.startswith("StackedLSTM(\n  input_width=5, output_width=3, hidden_size=8, num_layers=2\n")
