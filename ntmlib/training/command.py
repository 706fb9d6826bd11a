"""The command line ``python -m ntmlib.training`` (its options: ``--help``, from :class:`TrainConfig`)."""
from __future__ import annotations

import shlex
import sys

from . import cli
from .config import build_parser, config_from_args
from .loop import TrainingDiverged, TrainingInterrupted, train

__all__ = ["main", "resume_command", "DIVERGED"]

#: The exit code of a run stopped by the divergence guard.
DIVERGED = 3


def resume_command(argv: list[str]) -> str:
    """The command that continues the run ``argv`` started."""
    return f"{cli.python_command()} -m ntmlib.training {shlex.join(argv)}" + ("" if "--resume" in argv else " --resume")


def main(argv: list[str] | None = None) -> int:
    """The command line; exit codes: 0 done, 2 bad input (one line on stderr), 3 diverged, 130 Ctrl-C."""
    argv = sys.argv[1:] if argv is None else list(argv)
    config = config_from_args(build_parser().parse_args(argv))
    try:
        result = train(config)
    except TrainingInterrupted as error:
        print(f"interrupted at step {error.step}: checkpoint written to {error.checkpoint}; resume with: "
              f"{resume_command(argv)}", file=sys.stderr)
        return cli.INTERRUPTED
    except KeyboardInterrupt:
        print(f"interrupted at once: this part is not saved; resume from the last checkpoint in {config.out} "
              f"(if any) with: {resume_command(argv)}", file=sys.stderr)
        return cli.INTERRUPTED
    except TrainingDiverged as error:
        return cli.fail(error, DIVERGED)
    except cli.EXPECTED_ERRORS as error:
        return cli.fail(error)
    best = result.best or {}
    print(f"{config.task}/{config.arch}: {result.steps} steps, {result.sequences} sequences, "
          f"{result.wall_seconds:.1f} s on {result.device} (stopped: {result.stopped}); best eval at step "
          f"{best.get('step')}: {best.get('eval_cost_bits', float('nan')):.4f} bits/seq, "
          f"{best.get('eval_bit_errors', float('nan')):.4f} bit errors/seq -> {result.out}")
    return 0
