"""Input checks shared by every model: clear errors that name what was expected.

Integers are checked as :class:`numbers.Integral` (Python and NumPy integers alike) and
turned into Python ``int``; ``bool`` is refused although Python counts it as an integer,
because a flag passed as a size is a bug.
"""
from __future__ import annotations

import math
import numbers
from contextlib import contextmanager

import torch


def check_int(name: str, value, minimum: int | None = None) -> int:
    """``value`` as a Python int; TypeError unless an integer (not a bool), ValueError below ``minimum``."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        bound = f" >= {minimum}" if minimum is not None else ""
        raise TypeError(f"{name} must be an integer{bound}, got {value!r} ({type(value).__name__})")
    if minimum is not None and value < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}, got {value!r}")
    return int(value)


def check_positive(**sizes) -> dict:
    """Every named size as a positive Python int (TypeError/ValueError naming it otherwise)."""
    return {name: check_int(name, value, 1) for name, value in sizes.items()}


def check_choice(name: str, value, choices) -> str:
    """ValueError naming the choices unless ``value`` is one of them."""
    if not isinstance(value, str) or value not in choices:
        raise ValueError(f"unknown {name} {value!r}; expected one of {tuple(choices)}")
    return value


def check_sequence_input(x, input_width: int, dtype: torch.dtype | None = None) -> None:
    """A model input must be a floating tensor shaped (batch, time, input_width) in the
    model's ``dtype``: a mismatch is refused, never converted silently, for every model."""
    if not isinstance(x, torch.Tensor):
        raise TypeError(f"expected a torch.Tensor of shape (B, T, {input_width}), got {type(x).__name__}")
    if not x.is_floating_point():
        raise TypeError(f"expected a floating-point input tensor, got dtype {x.dtype}")
    if dtype is not None and x.dtype != dtype:
        raise TypeError(f"expected an input in the model's dtype {dtype}, got {x.dtype}: convert the input "
                        f"(x.to({dtype})) or the model (model.to({x.dtype}))")
    if x.dim() != 3:
        raise ValueError(f"expected input of shape (B, T, {input_width}) (rank 3), got rank {x.dim()} shape {tuple(x.shape)}")
    if x.shape[-1] != input_width:
        raise ValueError(f"expected input width {input_width} (shape (B, T, {input_width})), got shape {tuple(x.shape)}")
    if x.shape[0] == 0 or x.shape[1] == 0:
        raise ValueError(f"expected at least one sequence and one step, got shape {tuple(x.shape)}")


@contextmanager
def torch_threads(threads: int | None):
    """Run the block with ``threads`` torch intra-op threads (None: leave torch's setting),
    then restore the previous count. One thread is the fast setting on a small shared CPU:
    an NTM's many small operations spend more time synchronising threads than computing."""
    if threads is None:
        yield
        return
    threads = check_int("threads", threads, 1)
    before = torch.get_num_threads()
    torch.set_num_threads(threads)
    try:
        yield
    finally:
        torch.set_num_threads(before)


def check_count(name: str, value, minimum: int = 1) -> int:
    """A setting that counts something, as a Python int: ValueError unless an integer (not a bool)
    >= ``minimum``, whatever is wrong with it (a configuration is checked as one value)."""
    try:
        return check_int(name, value, minimum)
    except TypeError as error:
        raise ValueError(str(error)) from None


def check_number(name: str, value, *, positive: bool = True) -> float:
    """A finite real number (not a bool) as a float, > 0 unless ``positive=False``; ValueError otherwise."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not math.isfinite(value) \
            or (positive and value <= 0):
        raise ValueError(f"{name} must be a finite {'positive ' if positive else ''}number, got {value!r}")
    return float(value)
