"""The task figures of ntmlib.book.figures (chapters 7-11) on a small untrained NTM.

Every function returns a Figure with the expected panels, and the memory-use figure
shows exactly what the trace recorded.
"""
import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
import torch  # noqa: E402

from ntmlib.analysis import sweep_generalisation, used_locations  # noqa: E402
from ntmlib.book import figures  # noqa: E402
from ntmlib.ntm import NTM  # noqa: E402
from ntmlib.tasks import CopyTask, RepeatCopyTask  # noqa: E402

import helpers  # noqa: E402


@pytest.fixture
def small_ntm():
    return helpers.small_ntm()


@pytest.fixture
def batch():
    return CopyTask(4, 4).batch(3, torch.Generator().manual_seed(0))


def visible_axes(fig):
    return [ax for ax in fig.get_axes() if ax.get_visible()]


def test_plot_encoding_draws_input_target_mask(batch):
    fig = figures.plot_encoding(batch, index=1, task="copy")
    assert isinstance(fig, plt.Figure)
    axes = visible_axes(fig)
    assert len(axes) == 3
    np.testing.assert_array_equal(axes[0].images[0].get_array(), batch.x[1].numpy().T)
    np.testing.assert_array_equal(axes[1].images[0].get_array(), batch.y[1].numpy().T)
    np.testing.assert_array_equal(axes[2].images[0].get_array(), batch.mask[1].numpy()[None])
    assert [t.get_text() for t in axes[0].get_yticklabels()][-1] == "delimiter"


def test_plot_encoding_writes_non_binary_values():
    batch = RepeatCopyTask(3, 3, 4, 4).batch(1, torch.Generator().manual_seed(0))
    fig = figures.plot_encoding(batch, task="repeat-copy")
    texts = [t.get_text() for t in visible_axes(fig)[0].texts]
    assert texts == [f"{(4 - 5.5) / 8.25 ** 0.5:.2g}"]


def test_plot_learning_curves_from_given_curves(tmp_path, monkeypatch):
    monkeypatch.setenv("NTM_DATA_DIR", str(tmp_path))  # an empty zoo
    rows = [{"sequences": 3200 * k, "eval_cost_bits": 50.0 / k, "eval_bit_errors": 1.0 / k} for k in range(1, 6)]
    fig = figures.plot_learning_curves("copy", curves={"ntm-lstm": rows, "my run": rows})
    (ax,) = fig.get_axes()
    lines = [line for line in ax.get_lines() if len(line.get_xdata())]
    assert len(lines) == 2
    np.testing.assert_allclose(lines[0].get_xdata(), [3.2, 6.4, 9.6, 12.8, 16.0])
    np.testing.assert_allclose(lines[0].get_ydata(), [r["eval_cost_bits"] for r in rows])
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert "NTM with LSTM controller" in legend and "my run" in legend
    assert any("not trained yet" in text for text in legend)  # ntm-ff and lstm are missing


def test_plot_outputs_layout_and_errors(small_ntm):
    lengths = (3, 5, 40)
    cases = [CopyTask(L, L).batch(2, torch.Generator().manual_seed(L)) for L in lengths]
    with torch.no_grad():
        logits = [small_ntm(c.x) for c in cases]
    fig = figures.plot_outputs([c.y for c in cases], {"A": logits, "B": [-lg for lg in logits]},
                             mask=[c.mask for c in cases], case_labels=[f"L = {L}" for L in lengths],
                             max_steps_per_row=30)
    # Two blocks (3 + 5 steps, then 40): 3 rows (targets, A, B) per case.
    images = [ax for ax in visible_axes(fig) if ax.images]
    assert len(images) == 3 * len(lengths)
    # The outputs shown are the sigmoids of the logits over the target steps only.
    shown = {tuple(ax.images[0].get_array().shape) for ax in images}
    assert shown == {(8, 3), (8, 5), (8, 40)}
    for ax in images:
        if ax.images[0].get_array().shape == (8, 5) and ax.get_title(loc="right"):
            errors = int(ax.get_title(loc="right").split()[0])
            assert 0 <= errors <= 40
    first_a = [ax for ax in images if ax.get_ylabel() == "A"][0]
    expected = torch.sigmoid(logits[0][0, cases[0].mask[0] > 0]).numpy().T
    np.testing.assert_allclose(first_a.images[0].get_array(), expected, atol=1e-6)


def test_plot_outputs_rejects_mismatched_cases(batch):
    with pytest.raises(ValueError):
        figures.plot_outputs([batch.y, batch.y], {"A": [batch.y]})


def test_plot_memory_use_shows_the_trace(small_ntm, batch):
    trace = small_ntm.trace(batch.x)
    fig = figures.plot_memory_use(trace, batch.x, index=2, mask=batch.mask, task="copy", locations=None)
    axes = {ax.get_title(loc="left"): ax for ax in visible_axes(fig)}
    assert set(axes) == {"inputs", "outputs", "add vectors", "read vectors", "write weightings", "read weightings"}
    np.testing.assert_allclose(axes["write weightings"].images[0].get_array(),
                               trace.write_weightings[2, :, 0].numpy().T, atol=0)
    np.testing.assert_allclose(axes["read weightings"].images[0].get_array(),
                               trace.read_weightings[2, :, 0].numpy().T, atol=0)
    np.testing.assert_allclose(axes["add vectors"].images[0].get_array(), trace.add_vectors[2, :, 0].numpy().T)
    np.testing.assert_allclose(axes["outputs"].images[0].get_array(), torch.sigmoid(trace.logits[2]).numpy().T,
                               atol=1e-6)


def test_plot_memory_use_crops_to_used_locations(small_ntm, batch):
    trace = small_ntm.trace(batch.x)
    fig = figures.plot_memory_use(trace, batch.x, threshold=0.2)
    locations = used_locations(torch.cat([trace.read_weightings[0], trace.write_weightings[0]], dim=1),
                                     threshold=0.2)
    axes = {ax.get_title(loc="left"): ax for ax in visible_axes(fig)}
    np.testing.assert_allclose(axes["write weightings"].images[0].get_array(),
                               trace.write_weightings[0, :, 0][:, locations].numpy().T)


def test_plot_memory_use_head_selection():
    torch.manual_seed(0)
    model = NTM(9, 8, memory_size=16, memory_width=6, num_read_heads=2, num_write_heads=2,
                controller="feedforward", controller_size=16)
    x = CopyTask(3, 3).batch(1, torch.Generator().manual_seed(0)).x
    trace = model.trace(x)
    fig = figures.plot_memory_use(trace, x, locations=None)
    titles = {ax.get_title(loc="left") for ax in visible_axes(fig)}
    assert {"write weightings (head 1)", "read weightings (head 0)", "read vectors (head 1)"} <= titles
    assert len(visible_axes(fig)) == 2 + 4 * 2
    fig = figures.plot_memory_use(trace, x, read_heads=1, write_heads=[0], locations=None)
    axes = {ax.get_title(loc="left"): ax for ax in visible_axes(fig)}
    assert len(axes) == 6
    np.testing.assert_allclose(axes["read weightings"].images[0].get_array(), trace.read_weightings[0, :, 1].numpy().T)
    with pytest.raises(ValueError):
        figures.plot_memory_use(trace, x, read_heads=2)


def test_plot_generalisation_accepts_dicts_and_rows(small_ntm):
    results = sweep_generalisation({"ntm-lstm": small_ntm}, lambda L: CopyTask(L, L), [2, 4], sequences=2,
                                   batch_size=2, x="length")
    assert [row["length"] for row in results["ntm-lstm"]] == [2, 4]
    results["lstm"] = {2: 1.0, 4: 3.0}
    fig = figures.plot_generalisation(results, x="length", train_range=(1, 3))
    (ax,) = fig.get_axes()
    lines = ax.get_lines()
    assert len(lines) == 2
    np.testing.assert_allclose(lines[0].get_ydata(), [row["cost_bits"] for row in results["ntm-lstm"]])
    np.testing.assert_allclose(lines[1].get_ydata(), [1.0, 3.0])
