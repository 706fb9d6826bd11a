"""The training loop: :func:`train_step`, one optimisation step, and :func:`train`, the run around it.

A run (paper §4.6, with the deviations of ``ntmlib.training``) repeats the step on fresh
batches; every ``eval_every`` steps it evaluates on its validation set and keeps the best
model, every ``checkpoint_every`` steps it writes a checkpoint. A non-finite loss or
gradient never reaches the weights (the step is skipped); after ``max_bad_steps`` skipped
steps in a row the run rolls back to its last checkpointed state with half the learning
rate, and after ``max_rollbacks`` rollbacks it stops with :class:`TrainingDiverged`.
"""
from __future__ import annotations

import sys
import time
import warnings
from pathlib import Path

import torch
from torch import nn

from ..metrics import bit_errors, cost_bits
from ..validation import torch_threads
from . import files, guard
from .config import TrainConfig, resolve_device
from .evaluation import evaluate_batches, evaluate_task
from .state import Run, TrainResult

__all__ = ["train", "train_step", "losses", "bf16_available", "TrainingDiverged", "TrainingInterrupted", "COMPILE_NOTICE"]

COMPILE_NOTICE = ("compiling the training step with torch.compile, once per machine and shape: ~1-2 min the first "
                  "time on an idle machine (several on a busy one), seconds once cached; not counted in "
                  "--max-seconds (--no-compile trains eagerly)")


class TrainingDiverged(RuntimeError):
    """Training kept producing non-finite losses or gradients after every rollback.

    ``result`` holds the run so far (best model, curve) when there was one.
    """

    def __init__(self, message: str, result: TrainResult | None = None):
        super().__init__(message)
        self.result = result


class TrainingInterrupted(KeyboardInterrupt):
    """Training stopped by Ctrl-C (SIGINT) after finishing its step and writing a checkpoint.

    ``step``: the steps done; ``checkpoint``: the file a resume continues from (None
    without an ``out`` directory); ``result``: the run so far.
    """

    def __init__(self, step: int, checkpoint, result: TrainResult):
        where = (f"checkpoint written to {checkpoint}; resume with resume=True (command line: --resume)"
                 if checkpoint is not None else "nothing written (no out directory)")
        super().__init__(f"interrupted at step {step}: {where}")
        self.step, self.checkpoint, self.result = step, checkpoint, result


BF16_FALLBACK = ("this CPU has no bfloat16 arithmetic (AVX512-BF16 or AMX), which the LSTM's oneDNN kernel "
                 "needs: autocast bf16 runs the forward pass in float32 here")


def bf16_available(device: torch.device) -> bool:
    """Whether ``torch.autocast`` in bfloat16 can run on ``device``: always on CUDA, on a CPU
    only where oneDNN has bfloat16 kernels (AVX512-BF16 or AMX; the LSTM has no other)."""
    if device.type != "cpu":
        return True
    return bool(torch.backends.mkldnn.is_available() and torch.ops.mkldnn._is_mkldnn_bf16_supported())


def losses(model: nn.Module, batch, *, write_focus: float = 0.0, autocast: bool = False):
    """(logits, the loss to minimise, the cost in bits) of ``model`` on ``batch`` = (x, y, mask).
    The loss adds ``write_focus`` times the mean write-focus penalty (NTMs). With ``autocast``
    the forward pass runs in bfloat16 where torch allows it and the device has it (else in
    float32, with a warning once: see :func:`bf16_available`); the logits and the cost are float32."""
    x, y, mask = batch
    if autocast and not bf16_available(x.device):
        warnings.warn(BF16_FALLBACK, stacklevel=2)
        autocast = False
    with torch.autocast(x.device.type, dtype=torch.bfloat16, enabled=autocast):
        out = model(x, write_focus=True) if write_focus else model(x)
    logits, focus = out if write_focus else (out, None)
    logits = logits.float()
    cost = cost_bits(logits, y, mask)
    return logits, cost if focus is None else cost + write_focus * focus.float().mean(), cost


def _all_finite(tensors) -> bool:
    tensors = [t for t in tensors if t is not None]
    return not tensors or bool(torch.stack([torch.isfinite(t).all() for t in tensors]).all())


def train_step(model: nn.Module, optimizer: torch.optim.Optimizer, batch, clip: float, *,
               write_focus: float = 0.0, autocast: bool = False) -> tuple[float, float] | None:
    """One optimisation step on ``batch`` = (x, y, mask): the cost in bits (plus the
    write-focus term), its gradient, every gradient component clipped to [-clip, clip]
    (paper §4.6), the optimiser's update. Returns the batch's (cost, bit errors) per
    sequence, or None when the loss or a gradient was not finite: then nothing changed."""
    model.train()
    logits, loss, cost = losses(model, batch, write_focus=write_focus, autocast=autocast)
    optimizer.zero_grad(set_to_none=True)
    parameters = [p for p in model.parameters() if p.requires_grad]
    if torch.isfinite(loss):
        loss.backward()
        if _all_finite(p.grad for p in parameters):
            nn.utils.clip_grad_value_(parameters, clip)
            optimizer.step()
            _, y, mask = batch
            return float(cost.detach()), float(bit_errors(logits.detach(), y, mask))
    optimizer.zero_grad(set_to_none=True)
    return None


def train(config: TrainConfig, *, on_eval=None) -> TrainResult:
    """Train a model as ``config`` says and return a :class:`TrainResult`.

    ``on_eval(row)`` (optional) is called with each new learning-curve row, e.g. to
    plot live in a notebook. Raises ValueError for bad settings,
    :class:`~ntmlib.training.files.CheckpointError` for an unreadable checkpoint on resume
    and :class:`TrainingDiverged` when the divergence guard gives up.
    """
    config = config.resolved()
    with torch_threads(config.threads), guard.owned_directory(config.out, quiet=not config.progress), \
            guard.InterruptRequest() as interrupt:
        run = _start(config, on_eval)
        return _run(run, interrupt)


def _start(config: TrainConfig, on_eval) -> Run:
    """The run's state: new, or resumed from the checkpoint in ``out``; compiled if asked."""
    if config.out is not None:
        files.remove_stale_temporaries(config.out)
        checkpoint = Path(config.out) / files.CHECKPOINT_NAME
        if checkpoint.exists() and not config.resume:
            raise ValueError(f"{checkpoint} exists: pass --resume (resume=True) to continue that run, "
                             f"or choose another --out directory, or delete it to start again")
    run = Run(config, resolve_device(config.device), on_eval)
    if config.resume and run.checkpoint_path.exists():
        run.resume()
    elif config.resume and config.progress:
        print(f"no checkpoint in {run.out}: starting a new run", file=sys.stderr)
    if config.compile and hasattr(run.model, "compile_step"):
        run.model.compile_step()
        run.compiled = True
    done_already = _nothing_to_do(run)
    if done_already is not None or (run.compiled and config.progress):
        print(done_already or COMPILE_NOTICE, file=sys.stderr, flush=True)
    return run


def _run(run: Run, interrupt: guard.InterruptRequest) -> TrainResult:
    """Train until a stopping rule says so, then finish: the last evaluation and the files."""
    config, clock = run.config, _Clock(run)
    bar = _Progress(run)
    try:
        while (stopped := _stop_reason(run, interrupt, clock)) is None:
            if any(at == run.step for at, _ in config.lr_drops):
                run.set_lr()
            batch = run.task.batch(config.batch_size, run.data_generator, run.device)
            outcome = _first_step(run, batch, bar) if clock.steps == 0 else _step(run, batch)
            clock.steps += 1
            _count(run, outcome)
            bar.stepped()
            clock.tick()
            if _evaluate_and_save(run, bar):
                stopped = "target"
                break
        bar.finish(stopped)
    finally:
        bar.close()
    clock.tick()
    if stopped == "interrupted":
        run.save_checkpoint()
        run.save_files(None)
        raise TrainingInterrupted(run.step, run.checkpoint_path, run.result(stopped))
    return _finish(run, stopped)


class _Clock:
    """The run's wall time: that of earlier parts plus this part's so far."""

    def __init__(self, run: Run):
        self.run, self.base, self.started, self.steps = run, run.wall_seconds, time.perf_counter(), 0

    def tick(self) -> None:
        self.run.wall_seconds = self.base + time.perf_counter() - self.started


def _stop_reason(run: Run, interrupt: guard.InterruptRequest, clock: _Clock) -> str | None:
    """Why the loop stops before the next step, or None to go on."""
    clock.tick()
    if interrupt.requested:
        return "interrupted"
    if run.step >= run.config.steps:
        return "steps"
    if run.config.max_seconds is not None and run.budget_seconds() >= run.config.max_seconds:
        return "max_seconds"
    if clock.steps == 0 and _target_met(run):  # a resumed run that had reached it
        return "target"
    return None


def _step(run: Run, batch):
    config = run.config
    return train_step(run.model, run.optimizer, batch, config.clip, write_focus=config.write_focus,
                      autocast=config.autocast == "bf16")


def _first_step(run: Run, batch, bar: "_Progress"):
    """The first step of a part: it compiles (timed, not counted in ``max_seconds``), and
    if compiling fails the run goes on eagerly."""
    started = time.perf_counter()
    try:
        outcome = _step(run, batch)
    except Exception as error:  # a compile failure surfaces on the first call
        if not run.compiled:
            raise
        print(f"torch.compile failed ({type(error).__name__}: {error}); training eagerly", file=sys.stderr)
        run.model.uncompile()
        run.compiled = False
        outcome = _step(run, batch)
    if run.compiled:
        run.part_compile_seconds = round(time.perf_counter() - started, 3)
        run.compile_seconds += run.part_compile_seconds
        bar.unpause()  # the rate and time left leave the compile out
    return outcome


def _count(run: Run, outcome) -> None:
    """Book a step: its cost and bit errors, or a skipped step (and the divergence guard)."""
    run.step += 1
    run.sequences += run.config.batch_size
    if outcome is not None:
        run.bad_streak = 0
        run.accumulated["cost"] += outcome[0]
        run.accumulated["errors"] += outcome[1]
        run.accumulated["count"] += 1
        return
    run.skipped_steps += 1
    run.bad_streak += 1
    if run.bad_streak >= run.config.max_bad_steps:
        _guard_divergence(run)


def _guard_divergence(run: Run) -> None:
    """Too many non-finite steps in a row: roll back, or give up after ``max_rollbacks``."""
    config = run.config
    if len(run.rollbacks) >= config.max_rollbacks:
        run.save_files("diverged")
        raise TrainingDiverged(
            f"training diverged: {config.max_bad_steps} consecutive steps with a non-finite loss "
            f"or gradient at step {run.step}, after {len(run.rollbacks)} rollbacks that each "
            f"halved the learning rate (now {run.current_lr():g}). {run.kept()}; "
            f"try a smaller --lr or another --seed.", run.result("diverged"))
    run.roll_back()
    print(f"rollback {len(run.rollbacks)}/{config.max_rollbacks}: {config.max_bad_steps} "
          f"non-finite steps in a row at step {run.step}; weights of step {run.snapshot['step']} "
          f"restored, learning rate now {run.current_lr():g}", file=sys.stderr)
    run.save_checkpoint()


def _evaluate_and_save(run: Run, bar: "_Progress") -> bool:
    """Evaluate and checkpoint when the step is due; whether the target is met."""
    config = run.config
    target = False
    if run.step % config.eval_every == 0:
        row = _curve_row(run)
        run.record(row)
        bar.evaluated(row)
        target = _target_met(run)
    if run.step % config.checkpoint_every == 0:  # the last step's checkpoint: _finish
        if not _all_finite(run.model.parameters()):
            raise RuntimeError("internal error: non-finite weights passed the divergence guard")
        run.save_checkpoint()
        if run.bad_streak == 0:  # a rollback goes back to before the streak began
            run.snapshot = run.take_snapshot()
    return target


def _curve_row(run: Run) -> dict:
    """A learning-curve row: the training figures since the last row and the validation set's."""
    config = run.config
    if run.eval_batches is not None:
        figures = evaluate_batches(run.model, run.eval_task.name, run.eval_batches)
    else:
        figures = evaluate_task(run.model, run.eval_task, sequences=config.eval_sequences,
                                generator=run.eval_generator, batch_size=config.eval_batch_size, device=run.device)
    count = run.accumulated["count"]
    row = {
        "step": run.step,
        "sequences": run.sequences,
        "wall_seconds": round(run.wall_seconds, 3),
        "train_cost": run.accumulated["cost"] / count if count else None,
        "train_bit_errors": run.accumulated["errors"] / count if count else None,
        "eval_cost_bits": figures["cost_bits"],
        "eval_bit_errors": figures["bit_errors"],
        "lr": run.current_lr(run.step - 1),  # that of the last iteration
    }
    if "optimal_cost_bits" in figures:
        row["eval_optimal_cost_bits"] = figures["optimal_cost_bits"]
    if run.select_batches is not None:
        held_out = evaluate_batches(run.model, run.task.name, run.select_batches)
        row["select_cost_bits"], row["select_bit_errors"] = held_out["cost_bits"], held_out["bit_errors"]
    run.accumulated = {"cost": 0.0, "errors": 0.0, "count": 0}
    return row


def _finish(run: Run, stopped: str) -> TrainResult:
    """The end of a run: an evaluation of the last step if it had none, the files, the result."""
    if not run.curve or run.curve[-1]["step"] != run.step:
        # An off-schedule final evaluation; its data comes from a copy of the eval stream
        # so that a run resumed from here sees the same evaluation data as one never stopped.
        saved_eval, saved_accumulated = run.eval_generator.get_state(), dict(run.accumulated)
        run.record(_curve_row(run))
        run.eval_generator.set_state(saved_eval)
        run.accumulated = saved_accumulated
    if _target_met(run):
        stopped = "target"  # the last evaluation reached the target, whatever stopped the loop
    run.save_checkpoint()
    run.save_files(stopped, model_file=True)
    return run.result(stopped)


def _target_met(run: Run) -> bool:
    """Whether the last evaluation is below ``target_bit_errors``."""
    target = run.config.target_bit_errors
    return target is not None and bool(run.curve) and run.curve[-1]["eval_bit_errors"] < target


def _nothing_to_do(run: Run) -> str | None:
    """Why a resumed run has nothing to do (one line), or None."""
    config = run.config
    if run.step == 0:
        return None
    where = f"the checkpoint in {run.out} is at step {run.step}"
    if run.step >= config.steps:
        return (f"nothing to train: {where} and --steps {config.steps} is the total to reach (not a number of "
                f"further steps); pass --steps above {run.step} to train on")
    if config.max_seconds is not None and run.budget_seconds() >= config.max_seconds:
        return (f"nothing to train: {where}, whose parts used {run.budget_seconds():.0f} s of --max-seconds "
                f"{config.max_seconds:g} (a total over every part, compiles excluded); pass a larger --max-seconds")
    if _target_met(run):
        return (f"nothing to train: {where}, whose last evaluation ({run.curve[-1]['eval_bit_errors']:.3g} bit "
                f"errors/seq) is already below --target-bit-errors {config.target_bit_errors:g}")
    return None


class _Progress:
    """The progress bar (tqdm; in a notebook its widget): steps, the training cost since the
    last evaluation, the last evaluation's cost and bit errors."""

    def __init__(self, run: Run):
        from tqdm.auto import tqdm

        config = self.config = run.config
        self.run, self.postfix = run, {}
        self.bar = tqdm(total=config.steps, initial=min(run.step, config.steps), disable=not config.progress,
                        desc=f"{config.task}/{config.arch}", unit="step", dynamic_ncols=True)

    def unpause(self) -> None:
        self.bar.unpause()

    def stepped(self) -> None:
        self.bar.update(1)
        accumulated = self.run.accumulated
        if self.config.progress and self.run.step % 10 == 0 and accumulated["count"]:
            self.postfix["cost"] = f"{accumulated['cost'] / accumulated['count']:.3g}"
            self.bar.set_postfix(self.postfix, refresh=False)

    def evaluated(self, row: dict) -> None:
        self.postfix.update(eval_cost=f"{row['eval_cost_bits']:.3g}", bit_errors=f"{row['eval_bit_errors']:.3g}")
        self.bar.set_postfix(self.postfix)

    def finish(self, stopped: str) -> None:
        """A run that ends as planned ends with a full bar (in a notebook a full, green one)."""
        if stopped == "interrupted":
            return
        _end_bar_full(self.bar)
        if stopped != "steps":
            self.bar.set_description(f"{self.config.task}/{self.config.arch} (stopped: {stopped})", refresh=False)
        self.bar.refresh()

    def close(self) -> None:
        self.bar.close()


def _end_bar_full(bar) -> None:
    bar.total = bar.n
    container = getattr(bar, "container", None)  # tqdm.notebook: (label, FloatProgress, text)
    if container is not None:
        container.children[1].max = bar.n
