"""What several test files share: the repository root, tools/ scripts loaded as modules,
the book's sources, and tiny models and training settings."""
from __future__ import annotations

import importlib.util
from pathlib import Path

import torch

ROOT = Path(__file__).resolve().parent.parent

#: Constructor overrides that make an NTM tiny (fast to train for a few steps).
TINY_NTM = {"memory_size": 8, "memory_width": 4, "controller_size": 8}


def load_tool(name: str):
    """The script tools/NAME.py, imported as the module NAME."""
    spec = importlib.util.spec_from_file_location(name, ROOT / "tools" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
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
