"""ntmlib.replay.ReplayExplorer: the time slider shows what the trace recorded.

A small untrained NTM is replayed; moving ``.slider.value`` (as a reader's drag would)
must show exactly ``model.trace(x)`` at that step.
"""
import matplotlib

matplotlib.use("Agg")

import ipywidgets as widgets  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
import torch  # noqa: E402

from ntmlib.baseline import StackedLSTM  # noqa: E402
from ntmlib.ntm import NTM  # noqa: E402
from ntmlib.replay import ReplayExplorer  # noqa: E402
from ntmlib.tasks import CopyTask  # noqa: E402

from helpers import small_ntm  # noqa: E402


@pytest.fixture
def model():
    return small_ntm()


@pytest.fixture
def batch():
    return CopyTask(5, 5).batch(3, torch.Generator().manual_seed(0))


def test_slider_shows_the_trace(model, batch):
    index = 1
    replay = ReplayExplorer(model, batch.x, batch.y, batch.mask, index=index, locations=None)
    trace = model.trace(batch.x)
    T = batch.x.shape[1]
    assert replay.slider is replay.sliders["t"]
    assert isinstance(replay.slider, widgets.IntSlider)
    assert (replay.slider.min, replay.slider.max) == (0, T - 1)
    assert replay.slider.value == 5  # the default start: the delimiter, the last step before the targets
    for t in (0, 3, T - 1, 7):
        renders = replay.renders
        replay.slider.value = t
        assert replay.renders == renders + 1
        current = replay.current
        assert current["t"] == t
        np.testing.assert_array_equal(current["memory"], trace.memory[index, t].numpy())
        np.testing.assert_array_equal(current["read_weighting"], trace.read_weightings[index, t, 0].numpy())
        np.testing.assert_array_equal(current["write_weighting"], trace.write_weightings[index, t, 0].numpy())
        np.testing.assert_array_equal(current["erase"], trace.erase_vectors[index, t, 0].numpy())
        np.testing.assert_array_equal(current["add"], trace.add_vectors[index, t, 0].numpy())
        np.testing.assert_array_equal(current["read"], trace.read_vectors[index, t, 0].numpy())
        np.testing.assert_allclose(current["output"], torch.sigmoid(trace.logits[index, t]).numpy(), atol=1e-6)
        np.testing.assert_array_equal(current["target"], batch.y[index, t].numpy())
        # ... and the figure draws those numbers.
        plotted = replay.plotted
        assert plotted["t"] == t
        np.testing.assert_allclose(plotted["memory"], trace.memory[index, t].numpy(), rtol=1e-6)
        np.testing.assert_allclose(plotted["write_weighting"], trace.write_weightings[index, t, 0].numpy(),
                                   rtol=1e-6)
        np.testing.assert_allclose(plotted["read_weighting"], trace.read_weightings[index, t, 0].numpy(),
                                   rtol=1e-6)
        np.testing.assert_allclose(plotted["read_weightings"], trace.read_weightings[index, : t + 1, 0].numpy().T,
                                   rtol=1e-6)
        np.testing.assert_allclose(plotted["add"], trace.add_vectors[index, t, 0].numpy(), rtol=1e-6)
        np.testing.assert_allclose(plotted["output"], current["output"], rtol=1e-6)
        assert replay.image.value[:8] == b"\x89PNG\r\n\x1a\n"


def test_auto_locations_crop_the_memory(model, batch):
    replay = ReplayExplorer(model, batch.x, batch.y, batch.mask, threshold=0.3)
    trace = model.trace(batch.x)
    locations = replay.locations
    assert len(locations) <= 16
    replay.slider.value = 8
    np.testing.assert_allclose(replay.plotted["memory"], trace.memory[0, 8].numpy()[locations], rtol=1e-6)
    np.testing.assert_array_equal(replay.current["memory"], trace.memory[0, 8].numpy())  # all locations


def test_heads_gallery_widget_and_errors(batch):
    torch.manual_seed(1)
    model = NTM(9, 8, memory_size=12, memory_width=4, num_read_heads=2, num_write_heads=1,
                controller="feedforward", controller_size=8)
    replay = ReplayExplorer(model, batch.x[2], read_head=1, start=2)  # one example, no targets
    trace = model.trace(batch.x[2:3])
    assert replay.slider.value == 2
    np.testing.assert_array_equal(replay.current["read_weighting"], trace.read_weightings[0, 2, 1].numpy())
    assert "target" not in replay.current
    fig = replay.gallery([0, 4])
    assert isinstance(fig, plt.Figure)
    assert isinstance(replay.widget, widgets.VBox)
    assert replay.play.max == replay.slider.max
    with pytest.raises(ValueError):
        ReplayExplorer(model, batch.x, read_head=2)
    with pytest.raises(ValueError):
        replay.data_at(batch.x.shape[1])
    with pytest.raises(TypeError, match="no trace"):
        ReplayExplorer(StackedLSTM(9, 8, hidden_size=8, num_layers=1), batch.x)
