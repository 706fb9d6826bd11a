"""tools/beyond.py, the data of chapter 12.

The script's logic is tested without training anything: the measurements are
monkeypatched, so these tests check what is skipped, what is summarised and what is
written. One test times a real training iteration of the device benchmark on the CPU.
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest
import torch

from helpers import beyond_run, load_tool

beyond = load_tool("beyond")
SETTINGS = dict(beyond.QUICK["memory_init"])


def _run(scheme, seed, *, settings=SETTINGS, **kwargs):
    return beyond_run(scheme, seed, settings=settings, **kwargs)


# --------------------------------------------------------------------------------------
# tools/beyond.py: pure helpers


def test_parse_seeds_like_the_benchmark():
    assert beyond.parse_seeds("3") == [0, 1, 2]
    assert beyond.parse_seeds("2-4") == [2, 3, 4]
    assert beyond.parse_seeds("0,3,7") == [0, 3, 7]
    assert beyond.parse_seeds("5-5") == [5]
    with pytest.raises(ValueError):
        beyond.parse_seeds("0")  # a count of zero seeds


def test_needs_run_skips_only_results_with_the_same_settings():
    results = {"constant/seed0": _run("constant", 0), "learned/seed0": {"error": "boom", "settings": SETTINGS}}
    assert not beyond.needs_run(results, "constant/seed0", SETTINGS)
    assert beyond.needs_run(results, "constant/seed0", SETTINGS, force=True)
    assert beyond.needs_run(results, "constant/seed0", {**SETTINGS, "max_steps": 1})  # other caps: measure again
    assert beyond.needs_run(results, "learned/seed0", SETTINGS)  # failed before: try again
    assert beyond.needs_run(results, "random/seed0", SETTINGS)  # never measured


def test_quick_and_full_settings_differ():
    """A full run must replace --quick results rather than skip them."""
    for part in ("memory_init", "throughput", "devices"):
        assert beyond.QUICK[part] != beyond.FULL[part]


def test_summarise_memory_init_counts_and_spreads():
    results = {
        "constant/seed0": _run("constant", 0, sequences=10_000, seconds=30, errors=0.0),
        "constant/seed1": _run("constant", 1, sequences=30_000, seconds=90, errors=10.0),
        "constant/seed2": _run("constant", 2, sequences=20_000, seconds=60, errors=4.0),
        "learned/seed0": _run("learned", 0, converged=False, diverged=True),
        "learned/seed1": _run("learned", 1, converged=False),
        "learned/seed2": {"scheme": "learned", "seed": 2, "settings": SETTINGS, "error": "crashed"},
        "random/seed0": _run("random", 0, settings={**SETTINGS, "max_steps": 1}),  # other settings: ignored
    }
    summary = beyond.summarise_memory_init(results, SETTINGS)
    assert set(summary) == {"constant", "learned"}
    c = summary["constant"]
    assert (c["runs"], c["converged"], c["diverged"], c["not_converged"], c["failed"]) == (3, 3, 0, 0, 0)
    assert c["sequences"] == {"median": 20_000, "min": 10_000, "max": 30_000}
    assert c["seconds"]["median"] == 60
    assert c["length120_bit_errors"] == {"median": 4.0, "min": 0.0, "max": 10.0}
    assert c["seeds"] == [0, 1, 2]
    learned = summary["learned"]
    assert (learned["runs"], learned["converged"], learned["diverged"], learned["not_converged"],
            learned["failed"]) == (3, 0, 1, 1, 1)
    assert learned["sequences"]["median"] is None


def test_summarise_throughput_orders_rows_and_computes_speedups():
    settings = beyond.QUICK["throughput"]

    def row(batch, compiled, per_second):
        return {"batch_size": batch, "compile": compiled, "sequences_per_second": per_second,
                "ms_per_iteration": 1000 * batch / per_second, "compile_seconds": 5.0 if compiled else None,
                "settings": settings}

    results = {"batch32/compiled": row(32, True, 300.0), "batch32/eager": row(32, False, 100.0),
               "batch1/eager": row(1, False, 10.0), "batch1/compiled": {"error": "x", "settings": settings},
               "batch64/eager": row(64, False, 1.0) | {"settings": {}}}
    table = beyond.summarise_throughput(results, settings)
    assert [(r["batch_size"], r["compile"]) for r in table] == [(1, False), (32, False), (32, True)]
    assert table[2]["speedup_over_eager"] == pytest.approx(3.0)
    assert "speedup_over_eager" not in table[0]


def test_write_json_is_atomic_and_load_results_reads_it_back(tmp_path):
    path = tmp_path / "sub" / "x.json"
    assert beyond.load_results(path) == {}
    beyond.write_json(path, {"results": {"a": 1}})
    assert beyond.load_results(path) == {"a": 1}
    assert [p.name for p in path.parent.iterdir()] == ["x.json"]  # no temporary file left


# --------------------------------------------------------------------------------------
# tools/beyond.py: incremental runs, measurements monkeypatched


def test_memory_init_runs_only_what_is_missing(tmp_path, monkeypatch):
    calls = []

    def fake(scheme, seed, settings):
        calls.append((scheme, seed))
        return _run(scheme, seed, settings=settings, sequences=1000 * (seed + 1))

    monkeypatch.setattr(beyond, "measure_memory_init_run", fake)
    summary = beyond.run_memory_init([0], SETTINGS, False, 1, tmp_path, "test")
    assert calls == [("constant", 0), ("learned", 0), ("random", 0)]
    assert summary["constant"]["runs"] == 1

    calls.clear()  # two seeds now: only seed 1 is new
    beyond.run_memory_init([0, 1], SETTINGS, False, 2, tmp_path, "test")
    assert sorted(calls) == [("constant", 1), ("learned", 1), ("random", 1)]
    document = json.loads((tmp_path / "memory_init.json").read_text())
    assert set(document["results"]) == {f"{s}/seed{n}" for s in beyond.SCHEMES for n in (0, 1)}
    assert document["summary"]["random"]["sequences"]["median"] == 1500
    assert document["quick"] is True and document["settings"] == SETTINGS

    calls.clear()  # everything there: nothing to do ...
    beyond.run_memory_init([0, 1], SETTINGS, False, 1, tmp_path, "test")
    assert calls == []
    beyond.run_memory_init([1], SETTINGS, True, 1, tmp_path, "test")  # ... unless forced
    assert sorted(calls) == [("constant", 1), ("learned", 1), ("random", 1)]

    calls.clear()  # other caps (a full run after --quick): everything again
    full = beyond.FULL["memory_init"]
    beyond.run_memory_init([0], full, False, 1, tmp_path, "test")
    assert len(calls) == 3
    document = json.loads((tmp_path / "memory_init.json").read_text())
    assert document["quick"] is False
    assert all(s["runs"] == 1 for s in document["summary"].values())  # only the full-run results count


def test_memory_init_run_reads_the_benchmark_report(tmp_path, monkeypatch):
    """measure_memory_init_run passes the scheme to ntmlib.bench and adds length-120 errors."""
    monkeypatch.setattr(beyond, "RUNS", tmp_path / "runs")
    seen = {}

    def fake_bench(arguments):
        seen["arguments"] = arguments
        out = Path(next(a for a in arguments if a.startswith("out="))[4:])
        out.mkdir(parents=True)
        (out / "model.pt").write_bytes(b"")
        return {"convergence": {"runs": [{"seed": 3, "converged": True, "diverged": False, "seconds": 12.0,
                                          "sequences": 6400, "steps": 200}]}}, ""

    monkeypatch.setattr(beyond, "_bench", fake_bench)
    monkeypatch.setattr(beyond, "length120_bit_errors",
                        lambda directory, sequences: {"length120_bit_errors": 2.5, "length120_cost_bits": 9.0})
    result = beyond.measure_memory_init_run("random", 3, SETTINGS)
    assert "memory_init=random" in seen["arguments"] and "3-3" in seen["arguments"]
    assert result["converged"] and result["sequences"] == 6400 and result["length120_bit_errors"] == 2.5
    assert result["scheme"] == "random" and result["seed"] == 3 and result["settings"] == SETTINGS

    monkeypatch.setattr(beyond, "_bench", lambda arguments: (None, "it broke"))
    assert beyond.measure_memory_init_run("random", 3, SETTINGS)["error"] == "it broke"


def test_throughput_skips_existing_measurements(tmp_path, monkeypatch):
    calls = []

    def fake_bench(arguments):
        batch, mode = int(arguments[arguments.index("--batch-sizes") + 1]), arguments[arguments.index("--modes") + 1]
        calls.append((batch, mode))
        return {"throughput": [{"batch_size": batch, "compile": mode == "compiled", "ms_per_iteration": 10.0 * batch,
                                "sequences_per_second": 100.0, "compile_seconds": None}]}, ""

    monkeypatch.setattr(beyond, "_bench", fake_bench)
    settings = beyond.QUICK["throughput"]
    table = beyond.run_throughput(settings, False, tmp_path, "test")
    assert len(calls) == len(settings["batch_sizes"]) * len(settings["modes"]) == len(table)
    calls.clear()
    beyond.run_throughput(settings, False, tmp_path, "test")
    assert calls == []


def test_devices_without_cuda_records_that_and_measures_nothing(tmp_path, monkeypatch):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    summary = beyond.run_devices(beyond.QUICK["devices"], False, tmp_path, "test")
    assert summary == {"cuda_available": False, "rows": []}
    document = json.loads((tmp_path / "devices.json").read_text())
    assert document["results"]["cuda"]["cuda_available"] is False
    assert "no GPU timings" in document["results"]["cuda"]["note"]


def test_main_quick_only_devices(tmp_path, monkeypatch):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    assert beyond.main(["--quick", "--only", "devices", "--out", str(tmp_path)]) == 0
    assert (tmp_path / "devices.json").exists() and not (tmp_path / "memory_init.json").exists()


def test_measure_throughput_on_cpu():
    row = beyond.measure_throughput_on("cpu", 2, iterations=1, warmup=0)
    assert row["device"] == "cpu" and row["batch_size"] == 2
    assert row["ms_per_iteration"] > 0 and row["sequences_per_second"] > 0
