"""Chapter 12's measurements drawn: memory initialisation schemes and training throughput
(the documents of ``tools/beyond.py``, read by :mod:`ntmlib.analysis.beyond`)."""
from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from ...analysis.beyond import current_runs
from ...training.config import TrainConfig
from ..style import COLORS

__all__ = ["SCHEME_LABELS", "plot_memory_init", "plot_throughput"]

DEFAULT_BATCH_SIZE = TrainConfig.__dataclass_fields__["batch_size"].default
#: How the figures name the memory initialisation schemes.
SCHEME_LABELS = {"constant": "constant 1e-6", "learned": "learned", "random": "random (fixed)"}


def plot_memory_init(document: dict, *, figsize=(12.0, 3.8)) -> plt.Figure:
    """Memory initialisation schemes compared (``memory_init.json``): for each scheme one
    dot per seed, (left) sequences until converged, (middle) wall seconds until converged,
    (right) bit errors per sequence at length 120; a bar marks the median. Runs that
    did not converge are drawn at the cap as crosses (diverged: red)."""
    runs = current_runs(document)
    settings = document["settings"]
    schemes = [s for s in SCHEME_LABELS if any(r.get("scheme") == s for r in runs)]
    fig, axes = plt.subplots(1, 3, figsize=figsize)
    # The convergence runs train at TrainConfig's default batch size unless the settings say.
    cap_sequences = settings["max_steps"] * settings.get("batch_size", DEFAULT_BATCH_SIZE)
    specs = (("sequences", "sequences until converged", cap_sequences),
             ("seconds", "seconds until converged", settings["max_seconds"]),
             ("length120_bit_errors", "bit errors / sequence at length 120", None))
    rng = np.random.default_rng(0)
    for ax, (key, label, cap) in zip(axes, specs):
        for k, scheme in enumerate(schemes):
            rows = [r for r in runs if r.get("scheme") == scheme and "error" not in r]
            done = [r[key] for r in rows if r.get("converged") and r.get(key) is not None]
            jitter = rng.uniform(-0.12, 0.12, len(done))
            ax.scatter(k + jitter, done, color=COLORS["ntm-lstm"], s=30, zorder=3)
            if done:
                ax.hlines(np.median(done), k - 0.3, k + 0.3, color="#333333", linewidth=2, zorder=4)
            if cap is not None:
                for r in rows:
                    if not r.get("converged"):
                        value = r.get(key) if key == "seconds" and r.get(key) is not None else cap
                        ax.scatter(k + rng.uniform(-0.12, 0.12), value, marker="x", s=40, zorder=3,
                                   color="#e41a1c" if r.get("diverged") else "#777777")
        ax.set_xticks(range(len(schemes)))
        ax.set_xticklabels([SCHEME_LABELS[s] for s in schemes], fontsize=9)
        ax.set_xlim(-0.6, len(schemes) - 0.4)
        ax.set_ylim(bottom=0)
        ax.set_title(label, loc="left", fontsize=10)
    axes[0].yaxis.set_major_formatter(plt.FuncFormatter(lambda v, _: f"{v:,.0f}"))
    return fig


def plot_throughput(document: dict, devices: dict | None = None, *, figsize=(11.0, 3.8)) -> plt.Figure:
    """Training throughput (``throughput.json``): sequences per second (left) and
    milliseconds per iteration (right) against batch size, eager and compiled; GPU rows
    of ``devices.json`` too when there are any."""
    rows = [r for r in current_runs(document) if "error" not in r]
    fig, axes = plt.subplots(1, 2, figsize=figsize)
    series = {"eager (CPU)": [r for r in rows if not r["compile"]],
              "torch.compile (CPU)": [r for r in rows if r["compile"]]}
    if devices and devices.get("summary", {}).get("cuda_available"):
        series["eager (GPU)"] = [r for r in devices["summary"]["rows"] if r["device"].startswith("cuda")]
    colors = {"eager (CPU)": "#0173b2", "torch.compile (CPU)": "#de8f05", "eager (GPU)": "#029e73"}
    for name, data in series.items():
        data = sorted(data, key=lambda r: r["batch_size"])
        if not data:
            continue
        b = [r["batch_size"] for r in data]
        axes[0].plot(b, [r["sequences_per_second"] for r in data], marker="o", color=colors[name], label=name)
        axes[1].plot(b, [r["ms_per_iteration"] for r in data], marker="o", color=colors[name], label=name)
    sizes = sorted({r["batch_size"] for data in series.values() for r in data})
    for ax, label in zip(axes, ("sequences per second", "milliseconds per training iteration")):
        ax.set_xscale("log", base=2)
        ax.set_xticks(sizes)
        ax.xaxis.set_major_formatter(plt.FuncFormatter(lambda v, _: f"{v:g}"))
        ax.xaxis.set_minor_locator(plt.NullLocator())
        ax.set_xlabel("batch size")
        ax.set_title(label, loc="left", fontsize=10)
        ax.set_ylim(bottom=0)
        ax.legend(fontsize=8)
    return fig
