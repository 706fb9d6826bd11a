"""The static frame of a :class:`~ntmlib.book.widgets.replay.ReplayExplorer` (its
gallery): the same panels the page draws, in matplotlib."""
from __future__ import annotations

import matplotlib as mpl
import numpy as np
from matplotlib.patches import Rectangle

from ..style import COLORS, location_ticks

__all__ = ["draw_replay", "replay_axes"]

_BLANK_GREY = mpl.colormaps["gray"].with_extremes(bad="#e8e8e8")  # future steps: light grey


def replay_axes(fig) -> dict:
    """The axes of one frame: the story so far on top, the state at step t below."""
    outer = fig.add_gridspec(2, 1, height_ratios=[1.0, 1.25])
    top = outer[0].subgridspec(1, 3, width_ratios=[1, 1, 1])
    bottom = outer[1].subgridspec(1, 3, width_ratios=[1.25, 0.55, 1.3])
    axes = {"figure": fig}
    axes["inputs"], axes["write_weightings"], axes["read_weightings"] = (fig.add_subplot(top[0, k]) for k in range(3))
    axes["memory"] = fig.add_subplot(bottom[0, 0])
    axes["bars"] = fig.add_subplot(bottom[0, 1], sharey=axes["memory"])
    right = bottom[0, 2].subgridspec(4, 1, height_ratios=[1, 1, 1, 2.2], hspace=0.2)
    axes["vectors"] = [fig.add_subplot(right[k, 0]) for k in range(3)]
    axes["output"] = fig.add_subplot(right[3, 0])
    return axes


def draw_replay(replay, axes: dict, data: dict) -> None:
    """Draw step ``data["t"]`` of ``replay`` (what :meth:`ReplayExplorer.compute` returns)."""
    t = data["t"]
    _draw_history(replay, axes, t)
    _draw_memory(replay, axes, data)
    _draw_bars(replay, axes, data)
    _draw_vectors(replay, axes["vectors"], data)
    _draw_output(replay, axes["output"], data)
    phase = replay.phase(t)
    focus = (f"write focus at location {_focus_text(replay, data['write_weighting'])}, "
             f"read focus at {_focus_text(replay, data['read_weighting'])}")
    axes["figure"].suptitle(f"step t = {t}" + (f" ({phase})" if phase else "") + f": {focus}",
                            x=0.01, ha="left", fontsize=12)


def _so_far(series: np.ndarray, t: int) -> np.ndarray:
    """``series`` (T, rows) as an image (rows, T) with the steps after t blanked out."""
    image = np.array(series.T, dtype=float)
    image[:, t + 1:] = np.nan
    return np.ma.masked_invalid(image)


def _draw_history(replay, axes: dict, t: int) -> None:
    """The inputs and the two heads' weightings of steps 0..t, the step t marked."""
    locs, extent_time = replay.locations, (-0.5, replay.steps - 0.5)
    ax_in, width = axes["inputs"], replay.inputs.shape[1]
    ax_in.imshow(_so_far(replay.inputs, t), cmap=_BLANK_GREY, vmin=0, vmax=1, aspect="auto",
                 interpolation="nearest", extent=(*extent_time, width - 0.5, -0.5))
    ax_in.set_title("inputs $x$", loc="left", fontsize=10)
    ax_in.set_yticks([0, width - 1])
    if replay.input_names:
        ax_in.set_yticklabels([replay.input_names[0], replay.input_names[-1]], fontsize=7)
    for key, series, title in (("write_weightings", "write_w", "write weightings $w_t$"),
                               ("read_weightings", "read_w", "read weightings $w_t$")):
        ax = axes[key]
        ax.imshow(_so_far(replay.series[series][:, locs], t), cmap=_BLANK_GREY, vmin=0, vmax=1, aspect="auto",
                  interpolation="nearest", extent=(*extent_time, len(locs) - 0.5, -0.5))
        ax.set_title(title, loc="left", fontsize=10)
        ax.set_ylabel("location", fontsize=9)
        location_ticks(ax, locs)
    for ax in (ax_in, axes["write_weightings"], axes["read_weightings"]):
        ax.grid(False)
        ax.set_xlabel("step", fontsize=9)
        ax.tick_params(labelsize=8)
        ax.axvline(t, color="#e41a1c", linewidth=1.6, alpha=0.85)
        if replay.first_target is not None:
            ax.axvline(replay.first_target - 0.5, color=COLORS["write"], linestyle="--", linewidth=0.9)


def _draw_memory(replay, axes: dict, data: dict) -> None:
    """The memory after step t's write (the rows shown), the heads' focus outlined."""
    ax, locs = axes["memory"], replay.locations
    memory = data["memory"][locs]
    width = memory.shape[1]
    image = ax.imshow(memory, cmap="RdBu_r", vmin=-replay.memory_max, vmax=replay.memory_max, aspect="auto",
                      interpolation="nearest", extent=(-0.5, width - 0.5, len(locs) - 0.5, -0.5))
    ax.set_title("memory $M_t$ after the write", loc="left", fontsize=10)
    ax.set_xlabel("component $j$", fontsize=9)
    ax.set_ylabel("location", fontsize=9)
    ax.grid(False)
    ax.tick_params(labelsize=8)
    location_ticks(ax, locs)
    axes["figure"].colorbar(image, ax=ax, shrink=0.8, pad=0.01).ax.tick_params(labelsize=7)
    ax.set_xticks(range(0, width, max(1, width // 5)))
    # Where the heads are focused: an outline around the row of largest weight (over all
    # N locations, as the title says); none for a blurry weighting, nor off the rows shown.
    for weighting, style in ((data["write_weighting"], dict(linewidth=2.2, edgecolor=COLORS["write"],
                                                             label="write focus")),
                             (data["read_weighting"], dict(linewidth=1.8, linestyle=(0, (3, 2)),
                                                            edgecolor=COLORS["read"], label="read focus"))):
        at = int(np.argmax(weighting))
        rows = np.nonzero(locs == at)[0]
        outline = ax.add_patch(Rectangle((-0.5, (rows[0] if len(rows) else 0) - 0.5), width, 1, fill=False, **style))
        outline.set_visible(bool(len(rows) and weighting[at] >= 0.2))
    ax.set_xlim(-0.5, width - 0.5)


def _draw_bars(replay, axes: dict, data: dict) -> None:
    """The two weightings w_t over the rows shown, beside the memory."""
    ax, locs = axes["bars"], replay.locations
    rows = np.arange(len(locs))
    ax.barh(rows - 0.2, data["write_weighting"][locs], height=0.4, color=COLORS["write"], label="write")
    ax.barh(rows + 0.2, data["read_weighting"][locs], height=0.4, color=COLORS["read"], label="read")
    ax.set_xlim(0, 1.02 * replay.bar_max)
    ax.set_title("$w_t$", loc="left", fontsize=10)
    ax.tick_params(labelleft=False, labelsize=8)
    ax.grid(axis="y", visible=False)
    ax.legend(fontsize=7, loc="lower right")
    axes["memory"].set_ylim(len(locs) - 0.5, -0.5)


def _draw_vectors(replay, axes: list, data: dict) -> None:
    """The erase, add and read vectors of step t (eq. 2-4), one strip each."""
    vm = replay.vector_max
    for ax, key, label, low, high, cmap in ((axes[0], "erase", "erase $e_t$", 0, 1, "gray"),
                                            (axes[1], "add", "add $a_t$", -vm, vm, "RdBu_r"),
                                            (axes[2], "read", "read $r_t$", -vm, vm, "RdBu_r")):
        ax.imshow(data[key][None, :], cmap=cmap, vmin=low, vmax=high, aspect="auto", interpolation="nearest")
        ax.set_yticks([0])
        ax.set_yticklabels([label], fontsize=9)
        ax.set_xticks([])
        ax.grid(False)
    axes[0].set_title("vectors of step $t$ (component $j$ along x)", loc="left", fontsize=10)


def _draw_output(replay, ax, data: dict) -> None:
    """The output of step t (sigmoid), under its target when there is one."""
    out = data["output"][None, :]
    title = "output (sigmoid)"
    if replay.targets is not None:
        out = np.concatenate([data["target"][None, :], out])
        if replay.mask is None or replay.mask[data["t"]] > 0:
            wrong = int(((data["output"] > 0.5) != (data["target"] > 0.5)).sum())
            title = f"output (sigmoid) and target: {wrong} wrong bit(s)"
        else:
            title = "output (sigmoid) and target"
    ax.imshow(out, cmap="gray", vmin=0, vmax=1, aspect="auto", interpolation="nearest")
    ax.set_yticks(range(out.shape[0]))
    ax.set_yticklabels(["target", "output"] if replay.targets is not None else ["output"], fontsize=9)
    ax.set_xlabel("output channel", fontsize=9)
    ax.tick_params(labelsize=8)
    ax.grid(False)
    ax.set_title(title, loc="left", fontsize=9)


def _focus_text(replay, weighting) -> str:
    at = int(np.argmax(weighting))
    return f"{at}" if at in replay.locations else f"{at} (outside the rows shown)"
