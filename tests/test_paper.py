"""The paper's settings (§4.6, Tables 1-3): models by task and architecture, parameter counts."""
import pytest
import torch

from ntmlib.tasks import TASKS, get_task
from ntmlib.paper import ARCHITECTURES, PAPER, TASK_NAMES, WIDTHS, build_model, count_parameters, format_parameter_table, parameter_table


def test_parameter_table_covers_all_fifteen_and_is_close_to_the_paper():
    rows = parameter_table()
    assert len(rows) == 15 and {(r["task"], r["arch"]) for r in rows} == set(PAPER)
    for r in rows:
        assert r["ours"] == count_parameters(build_model(r["task"], r["arch"], **({} if r["arch"] == "lstm" else {"memory_init": "learned"})))
        # Within the differences explained in parameter_table's docstring.
        assert abs(r["difference_percent"]) < 20, r
        if r["arch"] == "lstm" and r["task"] in ("copy", "repeat-copy"):
            assert abs(r["difference_percent"]) < 1, r
    text = format_parameter_table(rows)
    assert "priority-sort" in text and f"{rows[0]['paper']:,}" in text


def test_build_model_uses_the_paper_heads_and_controller():
    model = build_model("priority-sort", "ntm-lstm")
    assert model.num_read_heads == 5 and model.num_write_heads == 5
    assert model.controller.sizes == (100, 100)
    with pytest.raises(ValueError, match="copy"):
        build_model("sorting", "ntm-lstm")
    with pytest.raises(ValueError, match="ntm-lstm"):
        build_model("copy", "gru")


@pytest.mark.parametrize("arch", ARCHITECTURES)
def test_every_model_takes_its_task_s_batches(arch):
    assert TASK_NAMES == tuple(TASKS) and set(WIDTHS) == set(TASKS)
    for task in TASK_NAMES:
        assert WIDTHS[task] == (TASKS[task].input_width, TASKS[task].output_width)
        model = build_model(task, arch, **({"hidden_size": 4, "num_layers": 1} if arch == "lstm" else
                                           {"memory_size": 8, "memory_width": 3, "controller_size": 4}))
        x, y, _ = get_task(task).batch(2, torch.Generator().manual_seed(0))
        assert model(x).shape == y.shape, task


def test_paper_settings_are_the_tables():
    assert len(PAPER) == 15
    assert PAPER["associative-recall", "ntm-ff"].heads == 4 and PAPER["associative-recall", "ntm-ff"].size == (256,)
    assert PAPER["repeat-copy", "lstm"].size == (512,) and PAPER["repeat-copy", "lstm"].layers == 3
    assert PAPER["ngrams", "ntm-lstm"].learning_rate == 3e-5
    model = build_model("copy", "ntm-ff", memory_init="learned")
    assert (model.memory_size, model.memory_width, model.controller_kind) == (128, 20, "feedforward")
