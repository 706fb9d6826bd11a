"""The measurements of chapter 12: ``tools/beyond.py``'s JSON documents and the zoo's
training records."""
from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Sequence

from .. import zoo
from ..paper import ARCHITECTURES, TASK_NAMES

__all__ = ["beyond_dir", "current_runs", "load_beyond", "zoo_table"]


def beyond_dir() -> Path:
    """``data/beyond`` of the zoo's data directory (``$NTM_DATA_DIR`` if set)."""
    return zoo.data_dir() / "beyond"


def load_beyond(name: str, directory: str | os.PathLike | None = None) -> dict | None:
    """The JSON document ``<name>.json`` written by ``tools/beyond.py`` (None if absent)."""
    path = Path(directory or beyond_dir()) / f"{name}.json"
    if not path.exists():
        return None
    with open(path, encoding="utf-8") as handle:
        return json.load(handle)


def current_runs(document: dict) -> list[dict]:
    """The results of a beyond document measured with its current settings."""
    return [r for r in document.get("results", {}).values() if r.get("settings") == document.get("settings")]


def zoo_table(tasks: Sequence[str] | None = None, archs: Sequence[str] | None = None) -> list[dict]:
    """One row per trained model of the zoo: task, architecture, parameters, steps,
    sequences, wall seconds, why training stopped, best evaluation cost and bit errors
    (from :func:`ntmlib.zoo.info`). Models not trained yet are left out."""
    rows = []
    for task in tasks or TASK_NAMES:
        for arch in archs or ARCHITECTURES:
            try:
                info = zoo.info(task, arch)
            except FileNotFoundError:
                continue
            best = info.get("best") or {}
            rows.append({"task": task, "arch": arch, "parameters": info.get("parameters"), "steps": info.get("steps"),
                         "sequences": info.get("sequences"), "wall_seconds": info.get("wall_seconds"),
                         "stopped": info.get("stopped"), "finished": info.get("finished"),
                         "memory_init": (info.get("model_kwargs") or {}).get("memory_init", "constant")
                         if arch != "lstm" else None,
                         "best_cost_bits": best.get("eval_cost_bits"),
                         "best_bit_errors": best.get("eval_bit_errors"),
                         "best_sequences": best.get("sequences")})
    return rows
