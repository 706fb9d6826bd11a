"""What guards a training run's output folder and its Ctrl-C.

* :func:`owned_directory`: the folder (and any missing parents) is created, then locked
  by the run with ``.train.lock`` holding its PID. A second run on the same folder is
  refused with :class:`DirectoryInUse` naming the owner's PID. The lock is an
  ``fcntl.flock`` on that file, which the kernel releases when the owner dies, so a lock
  left by a killed run (its PID no longer running) is taken over, with a note. On the way
  out the lock file is removed, and so are the folders the run created if it wrote nothing
  into them: a run that fails at start-up leaves nothing behind.
* :class:`InterruptRequest`: while active, the first Ctrl-C (SIGINT) only sets
  ``requested``; the training loop finishes its step, writes a checkpoint and stops. A
  second Ctrl-C raises :class:`KeyboardInterrupt` at once (the last checkpoint stays).
"""
from __future__ import annotations

import os
import signal
import sys
import threading
from contextlib import contextmanager
from pathlib import Path

try:
    import fcntl
except ImportError:  # not POSIX: the PID in the lock file is all there is
    fcntl = None

__all__ = ["LOCK_NAME", "DirectoryInUse", "owned_directory", "InterruptRequest"]

LOCK_NAME = ".train.lock"


class DirectoryInUse(RuntimeError):
    """Another live training run owns the output folder."""


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # alive, another user's
        return True
    return True


def _read_pid(path: Path) -> int | None:
    try:
        return int(path.read_text(encoding="utf-8").split()[0])
    except (OSError, ValueError, IndexError):
        return None


def _refuse(directory: Path, lock: Path, pid) -> DirectoryInUse:
    return DirectoryInUse(f"{directory} is in use by another training run (PID {pid}, lock file {lock}): wait "
                          f"for it to finish, or choose another --out directory")


def _acquire(directory: Path) -> tuple[int, int | None]:
    """Lock ``directory``: (the lock file's descriptor, the PID of a stale lock taken over or None)."""
    lock = directory / LOCK_NAME
    while True:
        fd = os.open(lock, os.O_RDWR | os.O_CREAT, 0o644)
        previous = _read_pid(lock)
        try:
            if fcntl is not None:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            elif previous not in (None, os.getpid()) and _pid_alive(previous):
                raise BlockingIOError
        except BlockingIOError:
            os.close(fd)
            raise _refuse(directory, lock, previous) from None
        try:
            same_file = os.stat(lock).st_ino == os.fstat(fd).st_ino
        except FileNotFoundError:
            same_file = False
        if same_file:  # not a file its owner unlinked while we opened it
            break
        os.close(fd)
    os.ftruncate(fd, 0)
    os.write(fd, f"{os.getpid()}\n".encode())
    os.fsync(fd)
    stale = previous if previous not in (None, os.getpid()) else None
    return fd, stale


def _make_directories(directory: Path) -> list[Path]:
    """Create ``directory`` and its missing parents; return the ones created, deepest first."""
    if directory.exists() and not directory.is_dir():
        raise NotADirectoryError(f"--out {directory} is a file; expected a directory (or a path that does not "
                                 f"exist yet)")
    missing = [p for p in [directory, *directory.parents] if not p.exists()]
    directory.mkdir(parents=True, exist_ok=True)
    return missing


def _remove_if_empty(directories: list[Path]) -> None:
    for directory in directories:  # deepest first
        try:
            directory.rmdir()
        except OSError:  # not empty (the run wrote files), or gone
            return


@contextmanager
def owned_directory(directory: str | os.PathLike | None, *, quiet: bool = False):
    """Create and lock ``directory`` for the block (None: nothing to guard)."""
    if directory is None:
        yield None
        return
    directory = Path(directory)
    created = _make_directories(directory)
    try:
        fd, stale = _acquire(directory)
    except BaseException:
        _remove_if_empty(created)
        raise
    if stale is not None and not quiet:
        print(f"note: took over the lock of PID {stale} in {directory} (that process is no longer running)",
              file=sys.stderr)
    try:
        yield directory
    finally:
        try:
            os.unlink(directory / LOCK_NAME)
        except FileNotFoundError:
            pass
        os.close(fd)
        _remove_if_empty(created)


class InterruptRequest:
    """Context manager turning the first SIGINT into a request the loop polls (``requested``)."""

    def __init__(self, message: str = "interrupt: finishing this step (a first compile can take a minute or "
                                      "two), then writing a checkpoint; Ctrl-C again stops at once without "
                                      "saving this part"):
        self.message = message
        self.requested = False
        self._previous = None

    def _handle(self, signum, frame):
        if self.requested:
            raise KeyboardInterrupt
        self.requested = True
        print(self.message, file=sys.stderr, flush=True)

    def __enter__(self) -> "InterruptRequest":
        if threading.current_thread() is threading.main_thread():
            self._previous = signal.signal(signal.SIGINT, self._handle)
        return self

    def __exit__(self, *exc) -> None:
        if self._previous is not None:
            signal.signal(signal.SIGINT, self._previous)
            self._previous = None
