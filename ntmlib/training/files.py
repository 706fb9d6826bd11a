"""Crash-safe files for training runs: atomic writes, checkpoints that load safely, checksum
sidecars and the learning curve ``curve.csv`` (written and read here).

Every file a run writes (``checkpoint.pt``, ``model.pt``, ``config.json``,
``curve.csv``) goes through :func:`atomic_write`: the bytes go to a temporary file
in the same directory, are flushed and fsync'ed, and the temporary file is then
renamed over the target with :func:`os.replace` (atomic on POSIX). A reader
therefore sees either the old file or the new one, never half of one; a process
killed mid-write leaves at most a stray ``.<name>.*.tmp`` file, which
:func:`remove_stale_temporaries` deletes when the next run starts.

Every ``.pt`` file written here (checkpoints and ``model.pt``) gets a checksum beside it,
``<name>.sha256`` in ``sha256sum`` format (``sha256sum -c model.pt.sha256`` checks it by
hand), and every load compares the file's SHA-256 with it: a damaged file is an error
naming it instead of weights silently changed. The sidecar is updated in three atomic
steps (old and new digest, then the file, then the new digest alone), so a process killed
between any two of them leaves a pair that still matches. A file without a sidecar (one
written before checksums existed) loads unchecked; :func:`write_checksum` gives it one.

Checkpoints hold only tensors and primitive containers (dicts, lists, tuples,
numbers, strings, None) so that they load with ``torch.load(weights_only=True)``,
which never executes code from the file. Random-number-generator states are
stored as tensors (:func:`rng_state` / :func:`set_rng_state`).
"""
from __future__ import annotations

import csv
import hashlib
import io
import json
import math
import os
import random
import tempfile
from pathlib import Path

import torch

__all__ = [
    "CHECKPOINT_NAME",
    "CURVE_COLUMNS",
    "CheckpointError",
    "atomic_write",
    "atomic_write_text",
    "atomic_write_json",
    "atomic_write_checked",
    "atomic_torch_save",
    "write_curve",
    "read_curve",
    "save_checkpoint",
    "load_checkpoint",
    "load_state_dict_file",
    "checksum_path",
    "read_digests",
    "write_checksum",
    "remove_stale_temporaries",
    "rng_state",
    "set_rng_state",
    "python_random_state",
    "set_python_random_state",
]

CHECKPOINT_NAME = "checkpoint.pt"
#: Format version written into every checkpoint; bumped on incompatible changes.
CHECKPOINT_FORMAT = 1
_TMP_SUFFIX = ".tmp"


def _file_mode() -> int:
    """0o666 less the process umask: what ``open()`` would have given the file."""
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


_FILE_MODE = _file_mode()


class CheckpointError(RuntimeError):
    """A checkpoint (or model file) that cannot be read: truncated, corrupt or foreign."""


def _fsync_directory(directory: Path) -> None:
    """Make a rename durable (POSIX); silently skipped where directories can't be opened."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def atomic_write(path: str | os.PathLike, data: bytes) -> Path:
    """Write ``data`` to ``path`` atomically (temp file in the same dir, fsync, rename)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=_TMP_SUFFIX)
    try:
        with os.fdopen(fd, "wb") as handle:
            os.fchmod(handle.fileno(), _FILE_MODE)  # mkstemp creates 0600
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp_name, path)
    except BaseException:
        try:
            os.unlink(tmp_name)
        except FileNotFoundError:
            pass
        raise
    _fsync_directory(path.parent)
    return path


def atomic_write_text(path: str | os.PathLike, text: str) -> Path:
    """:func:`atomic_write` for text (UTF-8)."""
    return atomic_write(path, text.encode("utf-8"))


def atomic_write_json(path: str | os.PathLike, obj) -> Path:
    """Write ``obj`` as indented JSON, atomically."""
    return atomic_write_text(path, json.dumps(obj, indent=2, sort_keys=False) + "\n")


CHECKSUM_SUFFIX = ".sha256"


def checksum_path(path: str | os.PathLike) -> Path:
    """The checksum file of ``path``: ``<path>.sha256`` beside it."""
    path = Path(path)
    return path.with_name(path.name + CHECKSUM_SUFFIX)


def read_digests(path: str | os.PathLike) -> list[str] | None:
    """The SHA-256 digests the sidecar of ``path`` accepts, or None without a sidecar."""
    sidecar = checksum_path(path)
    if not sidecar.exists():
        return None
    return [line.split()[0].lower() for line in sidecar.read_text(encoding="utf-8").splitlines() if line.strip()]


def _write_digests(path: Path, digests: list[str]) -> None:
    atomic_write_text(checksum_path(path), "".join(f"{digest}  {path.name}\n" for digest in digests))


def write_checksum(path: str | os.PathLike) -> Path:
    """Write the sidecar ``<path>.sha256`` for an existing file (e.g. a model written before
    checksums existed); returns the sidecar's path."""
    path = Path(path)
    _write_digests(path, [hashlib.sha256(path.read_bytes()).hexdigest()])
    return checksum_path(path)


def atomic_write_checked(path: str | os.PathLike, data: bytes) -> Path:
    """:func:`atomic_write` plus the checksum sidecar, so that the pair matches at every moment."""
    path = Path(path)
    digest = hashlib.sha256(data).hexdigest()
    before = read_digests(path) or []
    _write_digests(path, [digest] + [d for d in before if d != digest])
    atomic_write(path, data)
    _write_digests(path, [digest])
    return path


def atomic_torch_save(path: str | os.PathLike, obj) -> Path:
    """``torch.save(obj)`` to ``path`` atomically, with its checksum sidecar."""
    buffer = io.BytesIO()
    torch.save(obj, buffer)
    return atomic_write_checked(path, buffer.getvalue())


def remove_stale_temporaries(directory: str | os.PathLike) -> list[Path]:
    """Delete temporary files that an :func:`atomic_write` killed mid-write left behind."""
    directory = Path(directory)
    removed = []
    if directory.is_dir():
        for candidate in directory.glob(f".*{_TMP_SUFFIX}"):
            try:
                candidate.unlink()
                removed.append(candidate)
            except FileNotFoundError:
                pass
    return removed


def save_checkpoint(path: str | os.PathLike, state: dict) -> Path:
    """Write a checkpoint dict (tensors and primitive containers only) atomically."""
    return atomic_torch_save(path, {"format": CHECKPOINT_FORMAT, **state})


def _first_line(error: BaseException) -> str:
    return (str(error).strip().splitlines() or [""])[0]


def _load_weights_only(path: Path, what: str, advice: str):
    if not path.exists():
        raise FileNotFoundError(f"{what} {path} does not exist")
    data = path.read_bytes()
    digests = read_digests(path)
    if digests is not None and hashlib.sha256(data).hexdigest() not in digests:
        raise CheckpointError(f"{what} {path} does not match its checksum in {checksum_path(path)}: the file is "
                              f"damaged or was changed after it was written. {advice}")
    try:
        return torch.load(io.BytesIO(data), map_location="cpu", weights_only=True)
    except Exception as error:  # truncated zip, bad pickle, foreign objects, ...
        raise CheckpointError(
            f"cannot read {what} {path}: it is truncated, corrupt or not a file this "
            f"version of ntmlib wrote ({type(error).__name__}: {_first_line(error)}). {advice}"
        ) from error


def load_checkpoint(path: str | os.PathLike) -> dict:
    """Load a training checkpoint with ``torch.load(weights_only=True)``.

    Raises :class:`CheckpointError` naming the file, with what to do, when the file is
    truncated, corrupt or of another format.
    """
    path = Path(path)
    advice = (f"Delete it (rm {path} {checksum_path(path)}) to start that run afresh, or run again without --resume "
              f"and with another --out directory.")
    state = _load_weights_only(path, "checkpoint", advice)
    if not isinstance(state, dict) or state.get("format") != CHECKPOINT_FORMAT:
        found = state.get("format") if isinstance(state, dict) else type(state).__name__
        raise CheckpointError(
            f"checkpoint {path} has format {found!r}, expected {CHECKPOINT_FORMAT}. {advice}")
    missing = [key for key in ("config", "model", "optimizer", "rng", "progress") if key not in state]
    if missing:
        raise CheckpointError(f"checkpoint {path} lacks {missing}. {advice}")
    return state


def load_state_dict_file(path: str | os.PathLike) -> dict:
    """Load a ``model.pt`` (a state_dict) with ``weights_only=True`` and a clear error."""
    path = Path(path)
    state = _load_weights_only(path, "model file", "Train the model again to rewrite it.")
    if not isinstance(state, dict) or not all(isinstance(v, torch.Tensor) for v in state.values()):
        raise CheckpointError(f"model file {path} does not hold a state_dict of tensors")
    return state


# --- random number generator states as tensors -------------------------------------------

def python_random_state() -> dict:
    """Python's ``random`` state as ``{"version", "internal" (int64 tensor), "gauss"}``."""
    version, internal, gauss = random.getstate()
    return {"version": version, "internal": torch.tensor(internal, dtype=torch.int64), "gauss": gauss}


def set_python_random_state(state: dict) -> None:
    random.setstate((state["version"], tuple(int(v) for v in state["internal"].tolist()), state["gauss"]))


def rng_state(**generators: torch.Generator) -> dict:
    """Every RNG state a run depends on: torch's CPU (and CUDA) default generators,
    Python's ``random`` and each named ``torch.Generator``."""
    return {
        "torch": torch.get_rng_state(),
        "cuda": torch.cuda.get_rng_state_all() if torch.cuda.is_available() else [],
        "python": python_random_state(),
        "generators": {name: generator.get_state() for name, generator in generators.items()},
    }


def set_rng_state(state: dict, **generators: torch.Generator) -> None:
    """Restore :func:`rng_state`; CUDA states only where the same devices exist."""
    torch.set_rng_state(state["torch"])
    cuda = state.get("cuda") or []
    if cuda and torch.cuda.is_available() and torch.cuda.device_count() == len(cuda):
        torch.cuda.set_rng_state_all(cuda)
    set_python_random_state(state["python"])
    for name, generator in generators.items():
        generator.set_state(state["generators"][name])


# --- the learning curve ------------------------------------------------------------------

#: Columns of ``curve.csv``, in order (``eval_optimal_cost_bits`` only for N-grams; a run's
#: further columns, e.g. ``select_cost_bits``, follow).
CURVE_COLUMNS = ("step", "sequences", "wall_seconds", "train_cost", "train_bit_errors",
                 "eval_cost_bits", "eval_bit_errors", "lr")


def _format_number(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return repr(round(value, 6)) if math.isfinite(value) else str(value)
    return str(value)


def write_curve(path: str | os.PathLike, rows: list[dict]) -> Path:
    """Rewrite ``curve.csv`` atomically: one row per evaluation, empty cells for None."""
    columns = list(CURVE_COLUMNS)
    for row in rows:
        columns += [key for key in row if key not in columns]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([_format_number(row.get(column)) for column in columns])
    return atomic_write_text(path, buffer.getvalue())


def _parse_number(text: str):
    if text == "":
        return None
    try:
        value = float(text)
    except ValueError:
        return text
    return int(value) if value.is_integer() and "." not in text and "e" not in text.lower() else value


def read_curve(path: str | os.PathLike) -> list[dict]:
    """A ``curve.csv`` as a list of dicts with numbers parsed (empty cells become None)."""
    with open(path, newline="", encoding="utf-8") as handle:
        return [{key: _parse_number(value) for key, value in row.items()} for row in csv.DictReader(handle)]
