"""The figures of chapters 10-12 (ntmlib.book.figures.ngrams, .priority, .beyond)."""
import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import torch  # noqa: E402

from ntmlib import analysis  # noqa: E402
from ntmlib.book import figures  # noqa: E402
from ntmlib.tasks import NGramsTask, optimal_estimator  # noqa: E402

from helpers import beyond_documents, priority_trace  # noqa: E402


def test_ngram_figures_draw():
    batch = NGramsTask(40).batch(1, torch.Generator().manual_seed(0))
    bits = batch.y[0, :, 0]
    p = optimal_estimator(batch.y[..., 0])[0]
    fig = figures.plot_ngram_predictions(bits, {"optimal": p, "model": torch.full((40,), 0.5)},
                                    costs={"optimal": 30.0, "model": 40.0}, colors={"model": "red"})
    assert isinstance(fig, plt.Figure)
    strips = fig.axes[0].images[0].get_array()
    assert strips.shape == (3, 40) and np.allclose(strips[1], p.numpy())
    counts = np.zeros((32, 128), dtype=int)
    counts[0, 5] = 3
    counts[1, 7] = 1
    fig = figures.plot_context_locations(counts)
    assert fig.axes[0].images[0].get_array().shape == (32, 2)


def test_priority_figures_draw():
    priorities = np.linspace(-1, 1, 20)
    trace, x = priority_trace(priorities)
    fit = analysis.write_location_fit(priorities, trace.write_weightings[0, :20, 0])
    fig = figures.plot_priority_memory(fit, trace.write_weightings[0, :20, 0], trace.read_weightings[0, 21:, 0])
    assert len(fig.axes) == 3
    y = torch.zeros(1, 37, 8)
    fig = figures.plot_priority_example(x.float(), y, torch.zeros(1, 37, 8))
    assert "bit errors" in fig.axes[3].get_title(loc="left")


def test_beyond_figures_draw_only_current_results():
    memory, throughput = beyond_documents()
    fig = figures.plot_memory_init(memory)
    assert [t.get_text() for t in fig.axes[0].get_xticklabels()] == ["constant 1e-6", "learned"]
    fig = figures.plot_throughput(throughput)
    assert len(fig.axes[0].lines) == 2
