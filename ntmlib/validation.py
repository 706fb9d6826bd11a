"""Input checks shared by every model: clear errors that name what was expected."""
from __future__ import annotations

import torch


def check_positive(**sizes) -> None:
    """Raise ValueError unless every named size is a positive integer."""
    for name, value in sizes.items():
        if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
            raise ValueError(f"{name} must be a positive integer, got {value!r}")


def check_sequence_input(x, input_width: int) -> None:
    """A model input must be a floating tensor shaped (batch, time, input_width)."""
    if not isinstance(x, torch.Tensor):
        raise TypeError(f"expected a torch.Tensor of shape (B, T, {input_width}), got {type(x).__name__}")
    if not x.is_floating_point():
        raise TypeError(f"expected a floating-point input tensor, got dtype {x.dtype}")
    if x.dim() != 3:
        raise ValueError(f"expected input of shape (B, T, {input_width}) (rank 3), got rank {x.dim()} shape {tuple(x.shape)}")
    if x.shape[-1] != input_width:
        raise ValueError(f"expected input width {input_width} (shape (B, T, {input_width})), got shape {tuple(x.shape)}")
    if x.shape[0] == 0 or x.shape[1] == 0:
        raise ValueError(f"expected at least one sequence and one step, got shape {tuple(x.shape)}")
