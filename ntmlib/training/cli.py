"""What the command lines share: one-line errors (``error: ...`` on stderr, exit code 2),
option types that say what they expected, and the interpreter as the user would type it."""
from __future__ import annotations

import argparse
import math
import os
import sys

from .files import CheckpointError
from .guard import DirectoryInUse

__all__ = ["Parser", "integer", "number", "fail", "one_line", "python_command", "USAGE_ERROR", "INTERRUPTED",
           "EXPECTED_ERRORS"]

USAGE_ERROR = 2
#: The shell's code for a process stopped by Ctrl-C (128 + SIGINT).
INTERRUPTED = 130
#: Errors that are the user's input (a setting, a file), reported as one line, never a traceback.
EXPECTED_ERRORS = (ValueError, TypeError, CheckpointError, DirectoryInUse, OSError)


class Parser(argparse.ArgumentParser):
    """argparse with a one-line error: ``error: argument --steps: expected ...`` and exit 2."""

    def error(self, message: str):
        self.exit(USAGE_ERROR, f"error: {message} (see {self.prog} --help)\n")


def integer(minimum: int):
    """An option type: an integer >= ``minimum``."""
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            value = None
        if value is None or value < minimum:
            raise argparse.ArgumentTypeError(f"expected an integer >= {minimum}, got {text!r}")
        return value
    return parse


def number(*, positive: bool = True):
    """An option type: a finite number (> 0 unless ``positive=False``)."""
    def parse(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            value = math.nan
        if not math.isfinite(value) or (positive and value <= 0):
            raise argparse.ArgumentTypeError(f"expected a finite {'positive ' if positive else ''}number, got {text!r}")
        return value
    return parse


def one_line(error: BaseException) -> str:
    """The error's message on one line (torch's messages span several)."""
    return " ".join(str(error).split()) or type(error).__name__


def fail(error: BaseException | str, code: int = USAGE_ERROR) -> int:
    """Print ``error: <message>`` on stderr; return ``code`` for ``sys.exit``."""
    print(f"error: {error if isinstance(error, str) else one_line(error)}", file=sys.stderr)
    return code


def python_command() -> str:
    """This interpreter as a command to type from the current folder (e.g. ``.venv/bin/python``)."""
    relative = os.path.relpath(sys.executable)
    return relative if not relative.startswith("..") else sys.executable
