"""Controllers (paper §3.4): the network that drives the heads.

A controller maps one step's input (the external input concatenated with the previous
step's read vectors) and its own state to an output vector from which the heads and the
external output are computed. Both kinds share one interface:

    state = controller.initial_state(batch_size)
    output, state = controller(step_input, state)

A feedforward controller has no state of its own (its only memory is the NTM's); an
LSTM controller carries (h, c) per layer, reset at each sequence start to learned
biases (paper §4).
"""
from __future__ import annotations

import numbers

import torch
from torch import nn

from .validation import check_choice, check_int

CONTROLLER_KINDS = ("lstm", "feedforward")


def _as_sizes(sizes) -> tuple[int, ...]:
    """An int or a non-empty sequence of ints (NumPy's too) as a tuple of positive ints."""
    expected = "controller_size must be a positive integer or a non-empty tuple of them (e.g. 100 or (100, 100))"
    if isinstance(sizes, numbers.Integral) and not isinstance(sizes, bool):
        sizes = (sizes,)
    if isinstance(sizes, (str, bytes)) or not isinstance(sizes, (tuple, list)) or not sizes:
        raise TypeError(f"{expected}, got {sizes!r}")
    try:
        return tuple(check_int("controller_size", s, 1) for s in sizes)
    except (TypeError, ValueError) as error:
        raise type(error)(f"{expected}, got {sizes!r}") from None


class _Controller(nn.Module):
    """What both controllers share: ``sizes`` (an int or a tuple of layer widths),
    checked, and the output size, the width of the last layer."""

    def __init__(self, input_size: int, sizes=100):
        super().__init__()
        self.sizes = _as_sizes(sizes)
        self._input_size = check_int("input_size", input_size, 1)

    def _layer_widths(self):
        """(input width, output width) of each layer, first to last."""
        widths = (self._input_size,) + self.sizes
        return zip(widths[:-1], widths[1:])

    @property
    def output_size(self) -> int:
        """Width of the controller output: the last layer's size."""
        return self.sizes[-1]

    def extra_repr(self) -> str:
        return f"input_size={self._input_size}, sizes={self.sizes}"


class FeedforwardController(_Controller):
    """Layers of ``tanh(W x + b)``; ``sizes`` is an int or a tuple of layer widths.
    Its only memory is the NTM's, so the number of heads bounds what one step can
    combine (paper §3.4)."""

    def __init__(self, input_size: int, sizes=100):
        super().__init__(input_size, sizes)
        self.layers = nn.ModuleList(nn.Linear(a, b) for a, b in self._layer_widths())

    def initial_state(self, batch_size: int) -> tuple:
        """No state: ``()``."""
        return ()

    def forward(self, step_input: torch.Tensor, state: tuple):
        """``(output (B, output_size), state)`` for one step's input ``(B, input_size)``."""
        for layer in self.layers:
            step_input = torch.tanh(layer(step_input))
        return step_input, state


class LSTMController(_Controller):
    """Stacked LSTM cells stepped one time step at a time, with a learned initial state
    (h, c) per layer (paper §4: every sequence starts from learned biases)."""

    def __init__(self, input_size: int, sizes=100):
        super().__init__(input_size, sizes)
        self.cells = nn.ModuleList(nn.LSTMCell(a, b) for a, b in self._layer_widths())
        self.initial_h = nn.ParameterList(nn.Parameter(torch.zeros(s)) for s in self.sizes)
        self.initial_c = nn.ParameterList(nn.Parameter(torch.zeros(s)) for s in self.sizes)

    def initial_state(self, batch_size: int) -> tuple:
        """``((h, c), ...)`` per layer, each ``(batch_size, size)``: the learned biases."""
        return tuple(
            (h.expand(batch_size, -1), c.expand(batch_size, -1)) for h, c in zip(self.initial_h, self.initial_c)
        )

    def forward(self, step_input: torch.Tensor, state: tuple):
        """``(output (B, output_size), new state)``: each layer's h feeds the next layer."""
        new_state = []
        for cell, (h, c) in zip(self.cells, state):
            h, c = cell(step_input, (h, c))
            new_state.append((h, c))
            step_input = h
        return step_input, tuple(new_state)


def make_controller(kind: str, input_size: int, sizes=100) -> nn.Module:
    """Build a controller by name: ``"lstm"`` or ``"feedforward"``."""
    check_choice("controller kind", kind, CONTROLLER_KINDS)
    return (LSTMController if kind == "lstm" else FeedforwardController)(input_size, sizes)
