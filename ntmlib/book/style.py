"""The book's one figure style: the named colours, the architectures' labels and markers, the
rcParams, and the small helpers that label heatmaps of channels and memory locations.

Every figure of the book (chapters 2-13, the explorers and the replay) draws with these::

    from ntmlib.book import use_style
    use_style()                    # once, near the top of a chapter
    with use_style(**{"figure.figsize": (10, 3)}):
        ...                        # or only for a few figures

Figures get an opaque white background, so that they stay readable when the page is shown in
the theme's dark mode (a transparent PNG would put black text on a dark page).
"""
from __future__ import annotations

from typing import Any

import matplotlib as mpl
import numpy as np

from .png import record_text_size_in_pngs

__all__ = ["ARCH_LABELS", "ARCH_MARKERS", "COLORS", "GREY", "TASK_CHANNELS", "arch_of", "channel_names",
           "location_ticks", "style_rc", "task_name", "use_style"]

#: Named colours of the book's figures, all from the seaborn "colorblind" palette, so that
#: reads and writes, the stages of addressing and the three architectures stay
#: distinguishable for colour-blind readers.
COLORS: dict[str, str] = {
    "read": "#0173b2",  # blue: read heads, read weightings
    "write": "#de8f05",  # orange: write heads, write weightings
    "controller": "#029e73",  # green: the controller
    "memory": "#949494",  # grey: the memory matrix
    # The four stages of Figure 2, in pipeline order, and the weighting they start from.
    "content": "#0173b2",
    "gated": "#029e73",
    "shifted": "#de8f05",
    "sharpened": "#cc78bc",
    "previous": "#555555",
    # The three architectures (paper Fig. 3's green, red and blue), targets and the optimum.
    "ntm-lstm": "#029e73",
    "ntm-ff": "#d55e00",
    "lstm": "#0173b2",
    "target": "#000000",
    "optimal": "#cc78bc",
}

#: Paper-style markers of the three architectures (Fig. 3: green squares, red triangles,
#: blue circles).
ARCH_MARKERS: dict[str, str] = {"ntm-lstm": "s", "ntm-ff": "^", "lstm": "o"}
#: How the figures name the architectures.
ARCH_LABELS: dict[str, str] = {
    "ntm-lstm": "NTM with LSTM controller",
    "ntm-ff": "NTM with feedforward controller",
    "lstm": "LSTM",
}

#: Colour map of bits, outputs and weightings: black 0, white 1 (paper Fig. 6).
GREY = "gray"

#: Names of the input / output channels of every task (docs/tasks.md), for y labels.
TASK_CHANNELS: dict[str, tuple[list[str], list[str]]] = {
    "copy": ([f"bit {i}" for i in range(8)] + ["delimiter"], [f"bit {i}" for i in range(8)]),
    "repeat-copy": ([f"bit {i}" for i in range(8)] + ["delimiter", "repeats"],
                    [f"bit {i}" for i in range(8)] + ["end marker"]),
    "associative-recall": ([f"bit {i}" for i in range(6)] + ["item delim.", "query delim."],
                           [f"bit {i}" for i in range(6)]),
    "ngrams": (["previous bit"], ["next bit"]),
    "priority-sort": ([f"bit {i}" for i in range(8)] + ["priority", "delimiter"],
                      [f"bit {i}" for i in range(8)]),
}


def arch_of(name: str) -> str | None:
    """The architecture a line label stands for: ``"ntm-lstm"`` for "ntm-lstm", "NTM-LSTM"
    or "NTM with LSTM controller" (so that relabelled results keep the book's colours)."""
    key = str(name).strip().lower().replace(" ", "-").replace("_", "-")
    if key in ARCH_LABELS:
        return key
    for arch, label in ARCH_LABELS.items():
        if str(name).strip().lower() == label.lower():
            return arch
    return None


def task_name(task) -> str | None:
    """The name of a task given by name or as a Task (None for None)."""
    if task is None:
        return None
    return task if isinstance(task, str) else getattr(task, "name", None)


def channel_names(task, width: int, which: int) -> list[str] | None:
    """The names of ``task``'s input (``which=0``) or output (``which=1``) channels, or None
    when the task is unknown or its width is not ``width``. ``task``: a name or a Task."""
    names = TASK_CHANNELS.get(task_name(task) or "")
    if names is None or len(names[which]) != width:
        return None
    return names[which]


def location_ticks(ax, locations: np.ndarray) -> None:
    """Label the rows of a heatmap of ``locations`` (at most 8 ticks)."""
    n = len(locations)
    step = max(1, int(np.ceil(n / 8)))
    ax.set_yticks(range(0, n, step))
    ax.set_yticklabels([str(locations[i]) for i in range(0, n, step)], fontsize=8)


def style_rc(**overrides: Any) -> dict[str, Any]:
    """The rcParams of the book's style, with ``overrides`` applied on top.

    Seaborn's ``whitegrid`` axes and ``notebook`` context, the colour-blind
    palette, and an opaque white figure and axes background.
    """
    import seaborn as sns  # imported here: only plotting needs it

    rc: dict[str, Any] = {}
    rc.update(sns.axes_style("whitegrid"))
    rc.update(sns.plotting_context("notebook"))
    rc.update(
        {
            "axes.prop_cycle": mpl.cycler(color=sns.color_palette("colorblind").as_hex()),
            # Opaque backgrounds: readable on light and dark pages alike.
            "figure.facecolor": "white",
            "figure.edgecolor": "white",
            "axes.facecolor": "white",
            "savefig.facecolor": "white",
            "savefig.edgecolor": "white",
            "savefig.transparent": False,
            "text.color": "black",
            "axes.labelcolor": "black",
            "xtick.color": "black",
            "ytick.color": "black",
            "axes.edgecolor": "#333333",
            "grid.color": "#dddddd",
            # Sharp enough on high-density screens, small enough to build fast.
            "figure.dpi": 100,
            "savefig.dpi": 150,
            "figure.figsize": (7.0, 4.0),
            "figure.autolayout": False,
            "figure.constrained_layout.use": True,
            "image.cmap": "viridis",
            "image.interpolation": "nearest",
            "legend.frameon": True,
            "legend.framealpha": 0.9,
            "legend.facecolor": "white",
        }
    )
    rc.update(overrides)
    return rc


class use_style:
    """Apply the book's figure style.

    Called on its own (``use_style()``) it sets the style for the rest of the
    session, which is what a chapter does once near its top. Used as a context
    manager (``with use_style(): ...``) it restores the previous settings on
    exit. Keyword arguments override single rcParams, e.g.
    ``use_style(**{"figure.figsize": (10, 3)})``. In IPython, figures are then
    shown through :func:`ntmlib.book.png.figure_png` (which records their
    smallest text size for the book's browser test).
    """

    def __init__(self, **overrides: Any) -> None:
        import matplotlib.pyplot as plt

        # Settle the backend first (in Jupyter this activates the inline
        # backend), so that nothing it configures later overrides our style.
        plt.get_backend()
        self._saved = dict(mpl.rcParams.copy())
        mpl.rcParams.update(style_rc(**overrides))
        record_text_size_in_pngs()

    def __enter__(self) -> "use_style":
        return self

    def __exit__(self, *exc_info: object) -> None:
        # The same restore that matplotlib.rc_context performs.
        dict.update(mpl.rcParams, self._saved)

    def __repr__(self) -> str:
        return "use_style()"

    def _ipython_display_(self) -> None:
        # `use_style()` as the last line of a notebook cell shows nothing
        # (rather than an "<ntmlib.book.style.use_style at 0x...>" output).
        return None
