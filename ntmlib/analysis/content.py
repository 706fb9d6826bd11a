"""The content weighting w^c (eq. 5) that each head computed on each step of a run.

:meth:`ntmlib.ntm.NTM.trace` records the weighting a head ended with (after the gate,
the shift and the sharpening) but not the content lookup inside it. This re-runs the
model step by step, keeps every head's key, and applies eq. 5 to the memory the head
addressed (M_{t-1}).
"""
from __future__ import annotations

import torch

from ..addressing import content_focus

__all__ = ["content_weightings"]


@torch.no_grad()
def content_weightings(model, x: torch.Tensor) -> tuple[object, torch.Tensor]:
    """``(trace, w_c)`` for the NTM ``model`` on input ``x`` ``(B, T, input_width)``.

    ``trace`` is ``model.trace(x)``; ``w_c`` ``(B, T, H, N)`` holds, for every step t and
    head h (read heads first), softmax_i(beta * K[k_t, M_{t-1}(i)]): where the head's key
    pointed before the gate (eq. 7) mixed it with the previous weighting.
    """
    keys = []
    hook = model.heads.register_forward_hook(lambda module, inputs, output: keys.append(output.key))
    try:
        trace = model.trace(x)
    finally:
        hook.remove()
    key = torch.stack(keys, dim=1)  # (B, T, H, M)
    start = model.initial_state(x.shape[0])[0]  # M_{-1}
    before = torch.cat([start[:, None], trace.memory[:, :-1]], dim=1)  # M_{t-1}, (B, T, N, M)
    w_c = content_focus(key.flatten(0, 1), trace.beta.flatten(0, 1), before.flatten(0, 1))
    return trace, w_c.view(*key.shape[:3], -1)
