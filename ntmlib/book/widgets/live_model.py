"""A trained NTM as the page's JavaScript runs it (``static/ntm.js``): its shape, its
weights as float32 buffers, interventions as plain dicts, and the float64 reference
that the page's numbers are pinned to.

The page runs the float32 weights in float64 arithmetic; :func:`reference_trace` does
the same in torch (the model copied to float64), so the two agree to rounding.
"""
from __future__ import annotations

import copy

import torch

from ...heads import Intervention, as_interventions
from .base import pack

__all__ = ["INTERVENTION_FIELDS", "intervention_dicts", "interventions_from_dicts", "model_config", "model_from_view",
           "model_tensors", "reference_trace"]

#: The fields of an intervention the page sends and receives (ntmlib.Intervention's).
INTERVENTION_FIELDS = ("gamma_one", "gate", "no_shift", "beta_cap", "write_at_peak", "heads")


def _check_ntm(model) -> None:
    if not hasattr(model, "heads") or not hasattr(model, "trace"):
        raise TypeError(f"{type(model).__name__} is not an NTM: the page runs NTMs only (ntmlib.NTM, e.g. "
                        "zoo.load(task, 'ntm-lstm'))")
    if model.heads.shift_mode != "distribution" or model.heads.fixed_gate is not None or \
            model.heads.fixed_gamma is not None:
        raise ValueError("the page runs NTMs with a learned gate and gamma and a shift distribution; this model "
                         f"has {model.heads.extra_repr()}")


def model_config(model) -> dict:
    """What ``makeNTM`` in the page needs besides the weights: sizes and kinds."""
    _check_ntm(model)
    return {"controller": model.controller_kind, "controller_sizes": list(model.controller.sizes),
            "input_width": model.input_width, "output_width": model.output_width,
            "memory_size": model.memory_size, "memory_width": model.memory_width,
            "num_read_heads": model.num_read_heads, "num_write_heads": model.num_write_heads,
            "max_shift": model.heads.max_shift}


def model_tensors(model) -> dict[str, dict]:
    """The model's state_dict as float32 buffers by name (what the page decodes)."""
    _check_ntm(model)
    return {name: pack(tensor.detach().cpu().float().flatten()) for name, tensor in model.state_dict().items()}


def intervention_dicts(intervention) -> list[dict]:
    """None, an :class:`~ntmlib.Intervention` or a sequence of them, as the page's dicts."""
    return [{name: (list(value) if name == "heads" and value is not None else value)
             for name, value in vars(switch).items()} for switch in as_interventions(intervention)]


def interventions_from_dicts(items) -> tuple[Intervention, ...]:
    """The page's dicts (unknown keys refused) as :class:`~ntmlib.Intervention` objects."""
    if not isinstance(items, (list, tuple)):
        raise TypeError(f"interventions must be a list of dicts with keys from {INTERVENTION_FIELDS}, "
                        f"got {type(items).__name__}")
    out = []
    for item in items:
        if not isinstance(item, dict) or set(item) - set(INTERVENTION_FIELDS):
            raise ValueError(f"an intervention must be a dict with keys from {INTERVENTION_FIELDS}, got {item!r}")
        out.append(Intervention(**item))
    return tuple(out)


def reference_trace(model, x, intervention=None):
    """``model.trace`` in float64 with the same (float32) weights the page uses."""
    reference = copy.deepcopy(model).double()
    return reference.trace(torch.as_tensor(x, dtype=torch.float64), intervention=intervention)


def model_from_view(config: dict, tensors: dict):
    """The NTM that the page runs, rebuilt from its view data (config and float32 buffers)."""
    import base64

    import numpy as np

    from ...ntm import NTM

    model = NTM(config["input_width"], config["output_width"], memory_size=config["memory_size"],
                memory_width=config["memory_width"], num_read_heads=config["num_read_heads"],
                num_write_heads=config["num_write_heads"], controller=config["controller"],
                controller_size=tuple(config["controller_sizes"]), max_shift=config["max_shift"])
    shapes = {name: value.shape for name, value in model.state_dict().items()}
    state = {name: torch.from_numpy(np.frombuffer(base64.b64decode(packed["b64"]), dtype="<f4").copy()).view(shapes[name])
             for name, packed in tensors.items()}
    model.load_state_dict(state)
    return model.eval()
