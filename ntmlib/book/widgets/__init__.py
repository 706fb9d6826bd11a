"""Interactive explorers for chapters 2-5 and 7-11: sliders that drive the real equations.

Every explorer is an ipywidget (an ``anywidget``, :mod:`ntmlib.book.widgets.base`): its
``ipywidgets`` sliders and a view whose front end, ``static/*.js``, recomputes
the equations in the reader's page and draws them on canvases, so the explorers stay
live in the static HTML book too. The JavaScript mirrors :mod:`ntmlib.memory` and
:mod:`ntmlib.addressing`; the browser tests pin the two equal.

- :class:`WriteExplorer` (chapter 2): one write head's erase and add (eq. 3-4).
- :class:`ContentExplorer` (chapter 3): a key, its key strength and the content
  weighting (eq. 5-6).
- :class:`AddressingExplorer` (chapter 4): the whole pipeline of Figure 2 (eq. 5-9),
  every stage drawn, with a step button.
- :class:`ScalarShiftExplorer` (chapter 5): the scalar shift of §3.3.2.
- :class:`ReplayExplorer` (chapters 7-11): a trained model's trace, step by step.
- :class:`LiveExplorer` (chapters 7-11): a trained model running in the page on the
  reader's input, with interventions, and the replay of that run.

In Python every explorer exposes:

- ``explorer.values``: the sliders' current values by name;
- ``explorer.stages``: what :mod:`ntmlib` computes for those values (e.g.
  ``stages["content"]``), what the page draws;
- ``explorer.compute(**values)``: the same computation for any values, sliders untouched;
- ``explorer.view``: the widget that draws (its synced state: ``kind``, ``data``, the
  ``sliders`` it follows);
- ``explorer.gallery([...])``: a static matplotlib figure of several settings;
- ``explorer.widget``: the assembled interface (displaying the explorer shows it).
"""
from .base import Explorer, ExplorerView
from .content import ContentExplorer
from .live import LiveExplorer
from .location import AddressingExplorer, ScalarShiftExplorer, normalise_shift, shift_names
from .replay import ReplayExplorer
from .write import WriteExplorer

__all__ = ["AddressingExplorer", "ContentExplorer", "Explorer", "ExplorerView", "LiveExplorer", "ReplayExplorer",
           "ScalarShiftExplorer", "WriteExplorer", "normalise_shift", "shift_names"]
