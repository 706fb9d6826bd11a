"""ntmlib.book.widgets.ReplayExplorer: the time slider shows what the trace recorded.

A small untrained NTM is replayed; moving ``.slider.value`` (as a reader's drag would)
must show exactly ``model.trace(x)`` at that step.
"""
import matplotlib

matplotlib.use("Agg")

import base64  # noqa: E402

import ipywidgets as widgets  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
import torch  # noqa: E402

from ntmlib.baseline import StackedLSTM  # noqa: E402
from ntmlib.ntm import NTM  # noqa: E402
from ntmlib.book.widgets import ReplayExplorer  # noqa: E402
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
        updates = replay.updates
        replay.slider.value = t
        assert replay.updates == updates + 1
        current = replay.current
        assert current["t"] == t and current is replay.current  # computed once per step
        np.testing.assert_array_equal(current["memory"], trace.memory[index, t].numpy())
        np.testing.assert_array_equal(current["read_weighting"], trace.read_weightings[index, t, 0].numpy())
        np.testing.assert_array_equal(current["write_weighting"], trace.write_weightings[index, t, 0].numpy())
        np.testing.assert_array_equal(current["erase"], trace.erase_vectors[index, t, 0].numpy())
        np.testing.assert_array_equal(current["add"], trace.add_vectors[index, t, 0].numpy())
        np.testing.assert_array_equal(current["read"], trace.read_vectors[index, t, 0].numpy())
        np.testing.assert_allclose(current["output"], torch.sigmoid(trace.logits[index, t]).numpy(), atol=1e-6)
        np.testing.assert_array_equal(current["target"], batch.y[index, t].numpy())
    # ... and the page gets the whole trace, as float32 buffers it decodes.
    data = replay.view.data
    assert data["steps"] == T and data["locations"] == list(range(16))
    np.testing.assert_array_equal(unpack(data["memory"]), trace.memory[index].numpy())
    np.testing.assert_array_equal(unpack(data["write_w"]), trace.write_weightings[index, :, 0].numpy())
    np.testing.assert_array_equal(unpack(data["read"]), trace.read_vectors[index, :, 0].numpy())
    np.testing.assert_array_equal(unpack(data["targets"]), batch.y[index].numpy())


def unpack(packed):
    return np.frombuffer(base64.b64decode(packed["b64"]), dtype="<f4").reshape(packed["shape"])


def test_auto_locations_crop_the_memory(model, batch):
    replay = ReplayExplorer(model, batch.x, batch.y, batch.mask, threshold=0.3)
    trace = model.trace(batch.x)
    locations = replay.locations
    assert len(locations) <= 16
    replay.slider.value = 8
    np.testing.assert_array_equal(unpack(replay.view.data["memory"])[8], trace.memory[0, 8].numpy()[locations])
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
    assert replay.view in replay.widget.children and replay.view.kind == "replay"
    with pytest.raises(ValueError):
        ReplayExplorer(model, batch.x, read_head=2)
    with pytest.raises(ValueError):
        replay.compute(t=batch.x.shape[1])
    with pytest.raises(ValueError, match="start must be an integer in"):
        ReplayExplorer(model, batch.x[2], start=99)
    with pytest.raises(ValueError, match="locations must be indices in"):
        ReplayExplorer(model, batch.x[2], locations=[3, 12])
    with pytest.raises(TypeError, match="no trace"):
        ReplayExplorer(StackedLSTM(9, 8, hidden_size=8, num_layers=1), batch.x)
