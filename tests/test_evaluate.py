"""ntmlib.evaluate: the cases of every task, the figures' values on known models,
determinism given a seed, and the command line."""

import json

import pytest
import torch
from torch import nn

from ntmlib.paper import build_model
from ntmlib.evaluate import evaluate, evaluation_cases, format_rows, main
from ntmlib.training import TrainConfig, train

from helpers import TINY_NTM


class ZeroLogits(nn.Module):
    """Predicts probability 1/2 for every bit: exactly 1 bit of cost per target element."""

    def __init__(self, output_width):
        super().__init__()
        self.output_width = output_width
        self.dummy = nn.Parameter(torch.zeros(()))

    def forward(self, x):
        return torch.zeros(x.shape[0], x.shape[1], self.output_width) + 0 * self.dummy


def test_cases_of_each_task():
    assert list(evaluation_cases("copy")) == ["training", "L=10", "L=20", "L=30", "L=50", "L=120"]
    repeat = evaluation_cases("repeat-copy")
    assert "training" in repeat and "L=20,R=20" in repeat and "L=10,R=20" in repeat
    recall = evaluation_cases("associative-recall")
    assert [f"K={k}" for k in range(6, 21)] == [name for name in recall if name != "training"]
    assert list(evaluation_cases("ngrams")) == ["training"]
    assert list(evaluation_cases("priority-sort")) == ["training"]


def test_copy_rows_on_a_model_that_always_says_one_half():
    rows = evaluate(ZeroLogits(8), "copy", sequences=10, seed=0)
    assert [r["case"] for r in rows] == ["training", "L=10", "L=20", "L=30", "L=50", "L=120"]
    for row in rows:
        assert {"task", "case", "description", "sequences", "cost_bits", "bit_errors"} <= set(row)
        assert row["task"] == "copy" and row["sequences"] == 10
        if row["case"] != "training":
            length = int(row["case"][2:])
            assert row["cost_bits"] == pytest.approx(8 * length)  # one bit per target element
            # logit 0 predicts 0: the errors are the target's ones, about half of 8L
            assert 0.3 * 8 * length < row["bit_errors"] < 0.7 * 8 * length


def test_evaluate_is_deterministic_given_a_seed():
    torch.manual_seed(0)
    model = build_model("copy", "ntm-lstm", **TINY_NTM)
    first = evaluate(model, "copy", sequences=6, seed=3, cases=["training", "L=10"])
    again = evaluate(model, "copy", sequences=6, seed=3, cases=["L=10", "training"])
    by_case = {r["case"]: r for r in again}
    for row in first:
        assert by_case[row["case"]] == row  # same numbers whatever the order or subset of cases
    other = evaluate(model, "copy", sequences=6, seed=4, cases=["L=10"])
    assert other[0]["cost_bits"] != by_case["L=10"]["cost_bits"]
    assert model.training  # the model's mode is restored


def test_ngrams_against_the_optimal_estimator():
    rows = evaluate(build_model("ngrams", "lstm", hidden_size=4, num_layers=1), "ngrams", sequences=20, seed=0)
    (row,) = rows
    assert row["case"] == "training"
    assert row["optimal_cost_bits"] < row["cost_bits"]
    assert row["excess_bits"] == pytest.approx(row["cost_bits"] - row["optimal_cost_bits"])
    # The optimal estimator stays below one bit per step on these sequences.
    assert 0 < row["optimal_cost_bits"] < 200


def test_ngrams_default_is_the_papers_validation_set_size():
    rows = evaluate(ZeroLogits(1), "ngrams", seed=0)
    assert rows[0]["sequences"] == 1000
    assert rows[0]["cost_bits"] == pytest.approx(200.0)


def test_repeat_copy_reports_the_end_marker():
    rows = evaluate(ZeroLogits(9), "repeat-copy", sequences=4, seed=0, cases=["training", "L=20,R=20"])
    for row in rows:
        assert {"end_marker_errors", "end_marker_correct", "data_bit_errors"} <= set(row)
        # Logit 0 never predicts the end marker: exactly one marker error per sequence.
        assert row["end_marker_errors"] == pytest.approx(1.0)
        assert row["end_marker_correct"] == 0.0
        assert row["bit_errors"] == pytest.approx(row["data_bit_errors"] + 1.0)
    assert "L=20,R=20" in format_rows(rows)


def test_unknown_case_and_bad_sizes():
    model = ZeroLogits(8)
    with pytest.raises(ValueError, match="L=10"):
        evaluate(model, "copy", cases=["R=3"])  # copy has no repeats
    with pytest.raises(ValueError, match="LETTER=N"):
        evaluate(model, "copy", cases=["L=eleven"])
    with pytest.raises(ValueError, match="sequences"):
        evaluate(model, "copy", sequences=0)
    with pytest.raises(ValueError, match="unknown task"):
        evaluate(model, "sorting")


def _tiny_run(out):
    return train(TrainConfig(task="copy", arch="ntm-lstm", steps=4, batch_size=2, eval_every=2, eval_sequences=4,
                             model_overrides=TINY_NTM, task_kwargs={"max_length": 3}, compile=False,
                             progress=False, out=str(out)))


def test_command_line_json_and_table(tmp_path, capsys):
    _tiny_run(tmp_path / "run")
    code = main(["--task", "copy", "--arch", "ntm-lstm", "--model-dir", str(tmp_path / "run"),
                 "--sequences", "4", "--json"])
    assert code == 0
    rows = json.loads(capsys.readouterr().out)
    assert [r["case"] for r in rows][:2] == ["training", "L=10"]
    assert main(["--task", "copy", "--arch", "ntm-lstm", "--model-dir", str(tmp_path / "run"),
                 "--sequences", "2", "--case", "L=10"]) == 0
    text = capsys.readouterr().out
    assert "L=10" in text and "bit errors/seq" in text


def test_command_line_errors(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("NTM_DATA_DIR", str(tmp_path))
    assert main(["--task", "copy", "--arch", "ntm-lstm"]) == 2
    assert "python -m ntmlib.training --task copy --arch ntm-lstm" in capsys.readouterr().err
    assert main(["--task", "copying", "--arch", "ntm-lstm"]) == 2
    assert "expected one of" in capsys.readouterr().err
    _tiny_run(tmp_path / "run")
    assert main(["--task", "ngrams", "--arch", "ntm-lstm", "--model-dir", str(tmp_path / "run")]) == 2
    assert "holds a model for task 'copy'" in capsys.readouterr().err
