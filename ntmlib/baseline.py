"""The paper's baseline (§4): a stack of LSTM layers with a learned initial state.

Following Graves (2013), which the paper's LSTM baseline comes from, every layer also
sees the external input (skip connections) and the output layer sees every layer.
Each layer runs over the whole sequence at once (``nn.LSTM``, cuDNN on a GPU).
"""
from __future__ import annotations

import torch
from torch import nn

from .validation import check_positive, check_sequence_input


class StackedLSTM(nn.Module):
    """``num_layers`` LSTM layers of ``hidden_size`` units; same call as :class:`~ntmlib.ntm.NTM`
    (an input in another dtype than the model's is refused the same way)."""

    def __init__(self, input_width: int, output_width: int, *, hidden_size: int = 256, num_layers: int = 3):
        super().__init__()
        input_width, output_width, hidden_size, num_layers = check_positive(
            input_width=input_width, output_width=output_width, hidden_size=hidden_size,
            num_layers=num_layers).values()
        self.input_width, self.output_width = input_width, output_width
        self.hidden_size, self.num_layers = hidden_size, num_layers
        self.layers = nn.ModuleList(
            nn.LSTM(input_width + (hidden_size if i else 0), hidden_size, batch_first=True) for i in range(num_layers)
        )
        self.initial_h = nn.Parameter(torch.zeros(num_layers, hidden_size))
        self.initial_c = nn.Parameter(torch.zeros(num_layers, hidden_size))
        self.output = nn.Linear(num_layers * hidden_size, output_width)

    def extra_repr(self) -> str:
        return (f"input_width={self.input_width}, output_width={self.output_width}, "
                f"hidden_size={self.hidden_size}, num_layers={self.num_layers}")

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Logits ``(B, T, output_width)`` for inputs ``(B, T, input_width)``."""
        check_sequence_input(x, self.input_width, self.output.weight.dtype)
        batch = x.shape[0]
        layer_input, hidden_states = x, []
        for i, layer in enumerate(self.layers):
            start = (self.initial_h[i].expand(1, batch, -1).contiguous(), self.initial_c[i].expand(1, batch, -1).contiguous())
            h, _ = layer(layer_input, start)
            hidden_states.append(h)
            layer_input = torch.cat([x, h], dim=-1)
        return self.output(torch.cat(hidden_states, dim=-1))
