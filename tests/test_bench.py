"""ntmlib.bench: the throughput measurement, including the bfloat16 mode of the LSTM baseline."""
import pytest
import torch

from ntmlib import bench
from ntmlib.training.loop import bf16_available


@pytest.mark.skipif(not bf16_available(torch.device("cpu")), reason="this CPU has no bfloat16 kernels")
def test_bf16_throughput_of_the_lstm_baseline_is_measured_and_labelled():
    row = bench.measure_throughput(2, compile=False, iterations=2, warmup=0, arch="lstm", autocast=True)
    assert row["arch"] == "lstm" and row["autocast"] is True and row["ms_per_iteration"] > 0


def test_throughput_rows_are_labelled_by_mode():
    row = {"batch_size": 2, "compile": False, "autocast": True, "arch": "lstm", "ms_per_iteration": 5.0,
           "sequences_per_second": 400.0, "first_iteration_seconds": 0.1, "compile_seconds": None}
    table = bench._format_throughput([row, {**row, "autocast": False}, {**row, "compile": True}])
    assert [line.split()[1] for line in table.splitlines()[1:]] == ["bf16", "eager", "compiled"]


def test_bench_refuses_an_unknown_architecture(capsys):
    with pytest.raises(SystemExit) as stop:
        bench.main(["--throughput-only", "--arch", "gru"])
    assert stop.value.code == 2
    assert "invalid choice: 'gru'" in capsys.readouterr().err


def test_bench_refuses_an_unknown_mode(capsys):
    with pytest.raises(SystemExit) as stop:
        bench.main(["--throughput-only", "--modes", "eager,bf"])
    assert stop.value.code == 2
    assert "--modes: unknown 'bf'" in capsys.readouterr().err
