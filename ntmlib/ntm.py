"""The Neural Turing Machine (paper §3, Figure 1): a controller, heads and a memory.

:meth:`NTM.step` is one time step of Figure 1 for all heads at once: the controller
(§3.4) drives the heads (§3.3), which address (eq. 5-9), read (eq. 2) and write (eq. 3-4)
the memory. :meth:`NTM.forward` loops it over a sequence, :meth:`NTM.trace` records it.

All dynamic state (memory, weightings, read vectors, controller state) starts every
sequence from learned biases (paper §4); the memory's start is selectable.
"""
from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass

import torch
from torch import nn

from . import addressing
from .controllers import CONTROLLER_KINDS, make_controller
from .heads import HeadBank, as_interventions, check_head_counts
from .memory import read, write
from .validation import check_choice, check_int, check_positive, check_sequence_input

MEMORY_INITS = ("constant", "learned", "random")


@dataclass
class NTMTrace:
    """What the machine did on one call, stacked over time (all ``(B, T, ...)``).

    Read heads are ``read_weightings[:, :, h]``; write heads ``write_weightings[:, :, h]``.
    ``memory[:, t]`` is the memory after step t's write.
    """

    logits: torch.Tensor  # (B, T, output_width)
    read_weightings: torch.Tensor  # (B, T, R, N)
    write_weightings: torch.Tensor  # (B, T, W, N)
    read_vectors: torch.Tensor  # (B, T, R, M)
    erase_vectors: torch.Tensor  # (B, T, W, M)
    add_vectors: torch.Tensor  # (B, T, W, M)
    memory: torch.Tensor  # (B, T, N, M)
    beta: torch.Tensor  # (B, T, H)
    gate: torch.Tensor  # (B, T, H)
    gamma: torch.Tensor  # (B, T, H)
    shift: torch.Tensor  # (B, T, H, 2k+1)


def write_focus_penalty(add: torch.Tensor, write_weightings: torch.Tensor) -> torch.Tensor:
    """How much a step writes without focus: ``sum_heads ||a|| * (1 - max_i w(i))``, ``(B,)``.

    ``add`` ``(B, W, M)``, ``write_weightings`` ``(B, W, N)``. Zero for a write focused
    on one location (max w = 1) or one that adds nothing (a = 0); largest for a strong
    add vector spread evenly over the memory. It knows nothing of any task: a penalty on
    blurred writes, our addition to the paper's training (chapter 8 measures why).
    """
    return (add.norm(dim=-1) * (1 - write_weightings.max(dim=-1).values)).sum(dim=-1)


class NTM(nn.Module):
    """A Neural Turing Machine over sequences ``(B, T, input_width)``.

    Args:
        input_width, output_width: sizes of the external input and output.
        memory_size, memory_width: N locations of width M (the paper: 128 x 20).
        num_read_heads, num_write_heads: any counts, at least one head in all.
        controller: ``"lstm"`` or ``"feedforward"``; controller_size an int or a tuple
            of layer sizes (e.g. ``(100, 100)``).
        max_shift: shifts -k..+k allowed in eq. 8 (the paper: 1).
        shift_mode: ``"distribution"`` (softmax over -k..k) or ``"scalar"`` (§3.3.2).
        memory_init: ``"constant"`` (1e-6 everywhere, fastest to train per Collier &
            Beel 2018), ``"learned"`` (a bias, the paper's §4) or ``"random"`` (drawn
            once from N(0, 0.5^2) at construction and kept fixed).
        fixed_gate, fixed_gamma: ablations (None: learned); a constant gate g (eq. 7)
            or sharpening exponent gamma (eq. 9) for every head (see
            :class:`~ntmlib.heads.HeadBank`). ``max_shift=0`` removes the shift.
    """

    def __init__(self, input_width: int, output_width: int, *, memory_size: int = 128, memory_width: int = 20,
                 num_read_heads: int = 1, num_write_heads: int = 1, controller: str = "lstm",
                 controller_size=100, max_shift: int = 1, shift_mode: str = "distribution",
                 memory_init: str = "constant", fixed_gate: float | None = None,
                 fixed_gamma: float | None = None):
        super().__init__()
        input_width, output_width, memory_size, memory_width = check_positive(
            input_width=input_width, output_width=output_width, memory_size=memory_size,
            memory_width=memory_width).values()
        num_read_heads, num_write_heads = check_head_counts(num_read_heads, num_write_heads)
        check_choice("controller kind", controller, CONTROLLER_KINDS)
        check_choice("memory_init", memory_init, MEMORY_INITS)
        max_shift = check_int("max_shift", max_shift, 0)
        if 2 * max_shift + 1 > memory_size:
            raise ValueError(f"max_shift must be an integer with 0 <= 2*max_shift+1 <= memory_size={memory_size}, got {max_shift!r}")
        self.input_width, self.output_width = input_width, output_width
        self.memory_size, self.memory_width = memory_size, memory_width
        self.memory_init = memory_init

        self.controller = make_controller(controller, input_width + num_read_heads * memory_width, controller_size)
        self.controller_kind = controller
        self.heads = HeadBank(self.controller.output_size, memory_width, num_read_heads, num_write_heads,
                              max_shift, shift_mode, fixed_gate=fixed_gate, fixed_gamma=fixed_gamma)
        self.output = nn.Linear(self.controller.output_size + num_read_heads * memory_width, output_width)

        # Learned starting points of the dynamic state (paper §4).
        self.initial_reads = nn.Parameter(torch.zeros(num_read_heads, memory_width))
        start = torch.zeros(self.heads.num_heads, memory_size)
        start[:, 0] = 10.0  # begin focused on location 0, so that shifts have somewhere to start from
        self.initial_weighting_logits = nn.Parameter(start)
        if memory_init == "learned":
            self.initial_memory = nn.Parameter(torch.full((memory_size, memory_width), 1e-6))
        elif memory_init == "random":
            self.register_buffer("initial_memory", 0.5 * torch.randn(memory_size, memory_width))
        else:
            self.register_buffer("initial_memory", torch.full((memory_size, memory_width), 1e-6))
        self._step = self.step

    def extra_repr(self) -> str:
        return (f"input_width={self.input_width}, output_width={self.output_width}, "
                f"memory_size={self.memory_size}, memory_width={self.memory_width}, "
                f"memory_init={self.memory_init!r}")

    @property
    def num_read_heads(self) -> int:
        return self.heads.num_read

    @property
    def num_write_heads(self) -> int:
        return self.heads.num_write

    def initial_state(self, batch_size: int):
        """(memory, weightings, reads, controller state) at the start of a sequence."""
        memory = self.initial_memory.expand(batch_size, -1, -1)
        weightings = torch.softmax(self.initial_weighting_logits, dim=-1).expand(batch_size, -1, -1)
        reads = self.initial_reads.expand(batch_size, -1, -1)
        return memory, weightings, reads, self.controller.initial_state(batch_size)

    def step(self, x_t: torch.Tensor, state, intervention=None):
        """One time step of Figure 1 for the whole batch, every head at once.

        ``x_t`` is the external input ``(B, input_width)``; ``state`` is
        ``(memory, weightings, reads, controller_state)`` as :meth:`initial_state`
        returns it: memory M_{t-1} ``(B, N, M)``, the previous weightings w_{t-1} of all
        H heads ``(B, H, N)`` (read heads first), the previous read vectors
        ``(B, R, M)`` and the controller's own state. In order:

        1. the controller sees the input beside the previous reads (§3.4);
        2. its output becomes every head's parameters (:class:`~ntmlib.heads.HeadBank`);
        3. each head turns them into a weighting over M_{t-1}: content focus,
           interpolation, shift, sharpening (eq. 5-9, :func:`~ntmlib.addressing.address`);
        4. read heads read M_{t-1} (eq. 2); write heads erase and add (eq. 3-4) to give M_t;
        5. the output logits are a linear map of the controller output and the new reads.

        ``intervention`` (an :class:`~ntmlib.heads.Intervention` or a sequence of them)
        switches mechanisms off between steps 2 and 3 (and, for ``write_at_peak``, after 3).

        Returns ``(logits (B, output_width), new state, head parameters)``. Always
        eager; :meth:`forward` loops over time calling this (or the copy that
        :meth:`compile_step` compiled).
        """
        memory, weightings, reads, controller_state = state
        hidden, controller_state = self.controller(torch.cat([x_t, reads.flatten(1)], dim=-1), controller_state)
        p = self.heads(hidden)
        interventions = as_interventions(intervention)
        for switch in interventions:
            p = switch.apply(p)
        weightings = addressing.address(memory, weightings, p.key, p.beta, p.gate, p.shift, p.gamma)
        for switch in interventions:
            weightings = switch.focus_writes(weightings, self.num_read_heads)
        read_w, write_w = weightings.split([self.num_read_heads, self.num_write_heads], dim=1)
        reads = read(memory, read_w)
        memory = write(memory, write_w, p.erase, p.add)
        logits = self.output(torch.cat([hidden, reads.flatten(1)], dim=-1))
        return logits, (memory, weightings, reads, controller_state), p

    def compile_step(self, **options) -> "NTM":
        """Compile the per-step function with ``torch.compile`` (faster per step; each
        new batch size compiles again). Returns self."""
        self._step = torch.compile(self.step, dynamic=False, **options)
        return self

    def uncompile(self) -> "NTM":
        """Go back to the eager per-step function. Returns self."""
        self._step = self.step
        return self

    @contextmanager
    def uncompiled(self):
        """Run eagerly inside the block (a compiled step would compile again for a new
        batch size or for no-grad evaluation), then restore whatever step was in use."""
        step = self._step
        self._step = self.step
        try:
            yield self
        finally:
            self._step = step

    def forward(self, x: torch.Tensor, *, write_focus: bool = False, intervention=None):
        """Logits ``(B, T, output_width)`` for inputs ``(B, T, input_width)`` in the model's dtype.

        ``intervention``: None, or an :class:`~ntmlib.heads.Intervention` (or a sequence of
        them) applied at every step; such a run is eager (the compiled step is not used).

        With ``write_focus=True`` returns ``(logits, focus)``: ``focus`` ``(B,)`` is
        :func:`write_focus_penalty` averaged over the time steps (the regulariser of
        ``TrainConfig.write_focus``).
        """
        check_sequence_input(x, self.input_width, self.output.weight.dtype)
        interventions = as_interventions(intervention)
        state = self.initial_state(x.shape[0])
        outputs, penalties = [], []
        # Time-major and contiguous: every step's input has the same strides whatever T
        # is, so a compiled step is not recompiled for each sequence length.
        for x_t in x.transpose(0, 1).contiguous().unbind(0):
            logits, state, p = self.step(x_t, state, interventions) if interventions else self._step(x_t, state)
            outputs.append(logits)
            if write_focus:
                penalties.append(write_focus_penalty(p.add, state[1][:, self.num_read_heads:]))
        logits = torch.stack(outputs, dim=1)
        return (logits, torch.stack(penalties, dim=1).mean(dim=1)) if write_focus else logits

    @torch.no_grad()
    def trace(self, x: torch.Tensor, *, intervention=None) -> NTMTrace:
        """Run without gradients and record every step's heads and memory (for figures);
        ``intervention`` as in :meth:`forward` (the trace holds the parameters it forced)."""
        check_sequence_input(x, self.input_width, self.output.weight.dtype)
        interventions = as_interventions(intervention)
        state = self.initial_state(x.shape[0])
        steps = []
        for x_t in x.unbind(1):
            logits, state, p = self.step(x_t, state, interventions)
            memory, weightings, reads, _ = state
            read_w, write_w = weightings.split([self.num_read_heads, self.num_write_heads], dim=1)
            steps.append((logits, read_w, write_w, reads, p.erase, p.add, memory, p.beta, p.gate, p.gamma, p.shift))
        stacked = [torch.stack(column, dim=1) for column in zip(*steps)]
        return NTMTrace(*stacked)
