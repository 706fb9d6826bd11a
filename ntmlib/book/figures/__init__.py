"""The book's static figures, in the manner of the paper's Figures 1-18; each function draws
into a new figure (or the ``ax`` given), returns the Figure and never calls ``plt.show()``.

- :mod:`.diagrams`: the architecture (Fig. 1), the fused head projection (chapter 5).
- :mod:`.encoding`, :mod:`.curves`, :mod:`.outputs`, :mod:`.memory_use`: what every task
  chapter draws (encodings, learning curves, generalisation, targets against outputs,
  memory use).
- :mod:`.ngrams`, :mod:`.priority`, :mod:`.beyond`: figures of chapters 10, 11 and 12.

The measurements they draw come from :mod:`ntmlib.analysis`. Typical use (chapter 7)::

    from ntmlib import zoo
    from ntmlib.book import use_style
    from ntmlib.book.figures import plot_encoding, plot_memory_use, plot_outputs
    from ntmlib.tasks import CopyTask

    use_style()
    batch = CopyTask(5, 5).batch(1, torch.Generator().manual_seed(0))
    plot_encoding(batch, task="copy"); plt.show()
    model = zoo.load("copy", "ntm-lstm")
    plot_outputs(batch.y, {"NTM": model(batch.x)}, mask=batch.mask); plt.show()
    plot_memory_use(model.trace(batch.x), batch.x, mask=batch.mask); plt.show()
"""
from .beyond import SCHEME_LABELS, plot_memory_init, plot_throughput
from .curves import plot_generalisation, plot_learning_curves
from .diagrams import draw_architecture, draw_projection_layout, projection_layout
from .encoding import plot_encoding
from .memory_use import plot_memory_use
from .ngrams import plot_context_locations, plot_ngram_predictions
from .outputs import plot_outputs
from .priority import plot_priority_example, plot_priority_memory

__all__ = ["SCHEME_LABELS", "draw_architecture", "draw_projection_layout", "plot_context_locations",
           "plot_encoding", "plot_generalisation", "plot_learning_curves", "plot_memory_init", "plot_memory_use",
           "plot_ngram_predictions", "plot_outputs", "plot_priority_example", "plot_priority_memory",
           "plot_throughput", "projection_layout"]
