"""What several test files share: the repository root, tools/ scripts loaded as modules,
the book's sources, and tiny models and training settings."""
from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import torch

ROOT = Path(__file__).resolve().parent.parent

#: Constructor overrides that make an NTM tiny (fast to train for a few steps).
TINY_NTM = {"memory_size": 8, "memory_width": 4, "controller_size": 8}


def load_tool(name: str):
    """The script tools/NAME.py, imported as the module NAME."""
    spec = importlib.util.spec_from_file_location(name, ROOT / "tools" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # what a dataclass in the script looks its module up in
    spec.loader.exec_module(module)
    return module


def book_sources():
    """(the tools/colab_cell.py module, _config.yml as a dict, the chapters of _toc.yml)."""
    import yaml

    colab_cell = load_tool("colab_cell")
    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    return colab_cell, config, colab_cell.toc_files(ROOT)


def tiny_training(seed: int) -> dict:
    """TrainConfig settings for a few fast steps of a small NTM-LSTM on copy (lengths up to 4)."""
    return dict(task="copy", arch="ntm-lstm", batch_size=4, eval_every=5, eval_sequences=8, compile=False,
                progress=False, model_overrides={"memory_size": 12, "memory_width": 8, "controller_size": 16},
                task_kwargs={"max_length": 4}, seed=seed)


def small_ntm():
    """An untrained NTM-LSTM for the copy task's widths (seeded, in eval mode)."""
    from ntmlib.ntm import NTM

    torch.manual_seed(0)
    return NTM(9, 8, memory_size=16, memory_width=6, controller="lstm", controller_size=16).eval()


def priority_trace(priorities, slope=20.0, offset=120, n=128, read_in_order=True):
    """A fake trace of one priority-sort sequence: writes at offset + slope * priority."""
    K, S = len(priorities), 16
    T = K + 1 + S
    write = np.zeros((1, T, 1, n))
    locations = (np.round(offset + slope * np.asarray(priorities)).astype(int)) % n
    write[0, np.arange(K), 0, locations] = 1.0
    read = np.zeros((1, T, 1, n))
    order = np.argsort(-np.asarray(priorities))[:S]
    for k, i in enumerate(order):
        read[0, K + 1 + k, 0, locations[i] if read_in_order else 0] = 1.0
    x = np.zeros((1, T, 10))
    x[0, :K, 8] = priorities
    return SimpleNamespace(write_weightings=torch.tensor(write), read_weightings=torch.tensor(read)), torch.tensor(x)


def beyond_run(scheme, seed, *, settings, converged=True, diverged=False, sequences=32_000, seconds=60.0,
               errors=5.0):
    """One memory-initialisation result as tools/beyond.py records it."""
    return {"scheme": scheme, "seed": seed, "settings": settings, "converged": converged, "diverged": diverged,
            "sequences": sequences, "seconds": seconds, "length120_bit_errors": errors if converged else None}


def beyond_documents():
    """A memory_init and a throughput document of tools/beyond.py's quick settings, each with
    one result measured with other settings (which the figures must leave out)."""
    quick = load_tool("beyond").QUICK
    settings = dict(quick["memory_init"])
    memory = {"settings": settings, "results": {
        "constant/seed0": beyond_run("constant", 0, settings=settings),
        "learned/seed0": beyond_run("learned", 0, converged=False, diverged=True, settings=settings),
        "random/seed0": beyond_run("random", 0, settings={})}}
    settings = quick["throughput"]
    throughput = {"settings": settings, "results": {
        f"batch{b}/{m}": {"batch_size": b, "compile": m == "compiled", "sequences_per_second": 10.0 * b,
                          "ms_per_iteration": 100.0, "settings": settings}
        for b in (1, 32) for m in ("eager", "compiled")}}
    return memory, throughput
