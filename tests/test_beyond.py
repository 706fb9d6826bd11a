"""tools/beyond.py (the data of chapter 12) and ntmlib.book.figures.task_figures (chapters 9-12).

The script's logic is tested without training anything: the measurements are
monkeypatched, so these tests check what is skipped, what is summarised and what is
written. One test times a real training iteration of the device benchmark on the CPU.
"""
from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace

import matplotlib
import numpy as np
import pytest
import torch

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from ntmlib.book.figures import task_figures as tf  # noqa: E402
from ntmlib.tasks import NGramsTask, optimal_estimator  # noqa: E402

from helpers import load_tool  # noqa: E402

beyond = load_tool("beyond")
SETTINGS = dict(beyond.QUICK["memory_init"])


def _run(scheme, seed, *, converged=True, diverged=False, sequences=32_000, seconds=60.0, errors=5.0,
         settings=SETTINGS):
    return {"scheme": scheme, "seed": seed, "settings": settings, "converged": converged, "diverged": diverged,
            "sequences": sequences, "seconds": seconds, "length120_bit_errors": errors if converged else None}


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


# --------------------------------------------------------------------------------------
# ntmlib.book.figures.task_figures: N-grams


def test_ngram_contexts_follow_the_optimal_estimator():
    bits = torch.tensor([1, 0, 0, 1, 0, 1, 1, 0, 0, 1, 0, 1, 1])
    contexts = tf.ngram_contexts(bits)
    assert list(contexts[:5]) == [-1] * 5
    assert tf.context_string(contexts[5]) == "10010"  # b[0..4], oldest first
    assert tf.context_string(contexts[12]) == "00101"  # b[7..11]
    # Eq. 10 at every step counts what followed the earlier occurrences of its context.
    long = NGramsTask(80).batch(1, torch.Generator().manual_seed(3)).y[0, :, 0]
    contexts = tf.ngram_contexts(long)
    p = optimal_estimator(long[None])[0]
    repeated = 0
    for j in range(5, len(long)):
        earlier = [k for k in range(5, j) if contexts[k] == contexts[j]]
        ones = sum(int(long[k]) for k in earlier)
        assert p[j].item() == pytest.approx((ones + 0.5) / (len(earlier) + 1))
        repeated += bool(earlier)
    assert repeated > 20


def test_context_estimator_generalises_eq_10():
    from ntmlib.tasks import optimal_cost_bits

    bits = NGramsTask(60).batch(4, torch.Generator().manual_seed(1)).y[..., 0]
    assert torch.allclose(tf.context_estimator(bits, 5), optimal_estimator(bits))
    assert torch.allclose(tf.sequence_cost_bits(bits, tf.context_estimator(bits, 5)), optimal_cost_bits(bits))
    # Order 0: the running share of ones, smoothed by a half-count of each outcome.
    p0 = tf.context_estimator(bits, 0)
    ones_before = torch.cumsum(bits, dim=1) - bits
    t = torch.arange(bits.shape[1], dtype=torch.float32)
    assert torch.allclose(p0, (ones_before + 0.5) / (t + 1.0))
    # Order 1 at step t counts only the steps that followed the same previous bit.
    p1 = tf.context_estimator(bits, 1)[0]
    b = bits[0]
    for step in (1, 10, 59):
        same = [k for k in range(1, step) if b[k - 1] == b[step - 1]]
        ones = sum(float(b[k]) for k in same)
        assert p1[step].item() == pytest.approx((ones + 0.5) / (len(same) + 1))
    assert tf.context_estimator(bits, 3)[:, :3].eq(0.5).all()
    with pytest.raises(ValueError):
        tf.context_estimator(bits[0], 2)


def test_context_locations_counts_and_consistency():
    T, N = 8, 4
    contexts = np.array([-1, -1, 3, 5, 3, 5, 3, 7])
    weightings = np.zeros((T, N))
    location = {3: 1, 5: 2, 7: 0}
    for t, c in enumerate(contexts):
        weightings[t, location.get(c, 3)] = 1.0
    weightings[6] = 0
    weightings[6, 0] = 1.0  # context 3 once elsewhere
    counts = tf.context_locations(weightings, contexts)
    assert counts.shape == (32, N) and counts.sum() == 6
    assert counts[3].tolist() == [1, 2, 0, 0] and counts[5].tolist() == [0, 0, 2, 0]
    assert tf.context_consistency(counts) == pytest.approx(5 / 6)
    # Delay 1: the step after each context; batched input gives the same counts.
    delayed = tf.context_locations(weightings[None, :, None, :], contexts[None], delay=1)
    assert delayed.sum() == 5  # the last step has no successor
    assert np.isnan(tf.context_consistency(np.zeros((32, N))))


def test_ngram_figures_draw():
    batch = NGramsTask(40).batch(1, torch.Generator().manual_seed(0))
    bits = batch.y[0, :, 0]
    p = optimal_estimator(batch.y[..., 0])[0]
    fig = tf.plot_ngram_predictions(bits, {"optimal": p, "model": torch.full((40,), 0.5)},
                                    costs={"optimal": 30.0, "model": 40.0}, colors={"model": "red"})
    assert isinstance(fig, plt.Figure)
    strips = fig.axes[0].images[0].get_array()
    assert strips.shape == (3, 40) and np.allclose(strips[1], p.numpy())
    counts = np.zeros((32, 128), dtype=int)
    counts[0, 5] = 3
    counts[1, 7] = 1
    fig = tf.plot_context_locations(counts)
    assert fig.axes[0].images[0].get_array().shape == (32, 2)


# --------------------------------------------------------------------------------------
# ntmlib.book.figures.task_figures: priority sort and associative recall


def test_unwrap_locations_around_the_circular_memory():
    assert tf.unwrap_locations([126, 127, 0, 1, 3], 128).tolist() == [126, 127, 128, 129, 131]
    assert tf.unwrap_locations([10, 12, 11], 128).tolist() == [10, 12, 11]
    assert tf.unwrap_locations([4, 4], 128).tolist() == [4, 4]


def _priority_trace(priorities, slope=20.0, offset=120, n=128, read_in_order=True):
    """A fake trace of one priority-sort sequence: writes at offset + slope * priority."""
    K, S = len(priorities), 16
    T = K + 1 + S
    write = np.zeros((1, T, 1, n))
    locations = (np.round(offset + slope * np.asarray(priorities)).astype(int)) % n
    write[0, np.arange(K), 0, locations] = 1.0
    read = np.zeros((1, T, 1, n))
    order = np.argsort(-np.asarray(priorities))[:S]
    for k, i in enumerate(order):
        read[0, K + 1 + k, 0, locations[i] if read_in_order else 0] = 1.0
    x = np.zeros((1, T, 10))
    x[0, :K, 8] = priorities
    return SimpleNamespace(write_weightings=torch.tensor(write), read_weightings=torch.tensor(read)), torch.tensor(x)


def test_write_location_fit_recovers_a_linear_placement():
    priorities = np.linspace(-1, 1, 20)
    trace, x = _priority_trace(priorities, slope=20.0, offset=120)  # wraps past 127
    fit = tf.write_location_fit(x[0, :20, 8], trace.write_weightings[0, :20, 0])
    assert fit["r"] == pytest.approx(1.0, abs=1e-3)
    assert fit["slope"] == pytest.approx(20.0, rel=0.02)
    assert fit["intercept"] == pytest.approx(120.0, abs=0.5)
    assert np.all(fit["peak"] == 1.0)
    flat = tf.write_location_fit(priorities, np.tile(np.eye(128)[3], (20, 1)))
    assert flat["r"] == 0.0 and flat["slope"] == 0.0


def test_priority_head_fits_and_read_matches():
    rng = np.random.default_rng(0)
    priorities = rng.uniform(-1, 1, 20)
    trace, x = _priority_trace(priorities, slope=40.0)  # locations 80..160, wrapping past 127
    assert tf.priority_head_fits(trace, x)[0, 0] == pytest.approx(1.0, abs=0.02)
    locations = trace.write_weightings[0, :20, 0].argmax(-1).numpy()
    unique_share = np.mean([np.sum(locations == locations[i]) == 1
                            for i in np.argsort(-priorities)[:16]])
    assert tf.priority_read_matches(trace, x)[0, 0] == pytest.approx(unique_share)
    assert unique_share >= 0.5
    # The reads sweep through memory in the order of the outputs; a head that stays put does not.
    order = tf.priority_read_order(trace)
    assert order.shape == (1, 1) and abs(order[0, 0]) > 0.9
    assert tf.priority_read_order(SimpleNamespace(read_weightings=torch.zeros(1, 37, 2, 128)))[0].tolist() == [0, 0]
    # A head that writes everything to one location matches nothing.
    trace_one, x_one = _priority_trace(priorities, slope=0.0)
    assert tf.priority_read_matches(trace_one, x_one)[0, 0] == 0.0
    # Reads one step ahead of the outputs match only with lead=1.
    early = SimpleNamespace(write_weightings=trace.write_weightings,
                            read_weightings=torch.roll(trace.read_weightings, -1, dims=1))
    assert tf.priority_read_matches(early, x)[0, 0] < 0.2
    assert tf.priority_read_matches(early, x, lead=1)[0, 0] == pytest.approx(unique_share)
    with pytest.raises(ValueError, match="lead must be an integer from 0 to"):
        tf.priority_read_matches(trace, x, lead=22)


def test_recall_read_sources_finds_the_item_that_was_read():
    K, n = 3, 3
    T = 4 * K + 8
    x = torch.zeros(1, T, 8)
    items = torch.tensor([[[1, 0, 0, 0, 0, 0]] * 3, [[0, 1, 0, 0, 0, 0]] * 3, [[0, 0, 1, 0, 0, 0]] * 3]).float()
    for k in range(K):
        x[0, 4 * k, 6] = 1
        x[0, 4 * k + 1: 4 * k + 4, :6] = items[k]
    x[0, 4 * K, 7] = x[0, 4 * K + 4, 7] = 1
    x[0, 4 * K + 1: 4 * K + 4, :6] = items[0]  # query item 0: the answer is item 1
    write = torch.zeros(1, T, 1, 16)
    write[0, torch.arange(T), 0, torch.arange(T) % 16] = 1.0  # step t writes location t
    read = torch.zeros(1, T, 1, 16)
    for j in range(n):
        read[0, T - n + j, 0, 4 * 1 + 1 + j] = 1.0  # the data steps of item 1, in order
    trace = SimpleNamespace(read_weightings=read, write_weightings=write)
    rows = tf.recall_read_sources(trace, x)
    assert [(r["item"], r["position"], r["expected_item"]) for r in rows] == [(1, 1, 1), (1, 2, 1), (1, 3, 1)]
    assert [r["source_step"] for r in rows] == [5, 6, 7]
    # lead=1 adds the second query delimiter, whose read (location 0) comes from step 0: item 0's delimiter.
    rows = tf.recall_read_sources(trace, x, lead=1)
    assert [r["answer_step"] for r in rows] == [-1, 0, 1, 2]
    assert (rows[0]["item"], rows[0]["position"]) == (0, 0)


def test_priority_figures_draw():
    priorities = np.linspace(-1, 1, 20)
    trace, x = _priority_trace(priorities)
    fit = tf.write_location_fit(priorities, trace.write_weightings[0, :20, 0])
    fig = tf.plot_priority_memory(fit, trace.write_weightings[0, :20, 0], trace.read_weightings[0, 21:, 0])
    assert len(fig.axes) == 3
    y = torch.zeros(1, 37, 8)
    fig = tf.plot_priority_example(x.float(), y, torch.zeros(1, 37, 8))
    assert "bit errors" in fig.axes[3].get_title(loc="left")


# --------------------------------------------------------------------------------------
# ntmlib.book.figures.task_figures: chapter 12


def _documents():
    memory = {"settings": SETTINGS, "results": {
        "constant/seed0": _run("constant", 0), "learned/seed0": _run("learned", 0, converged=False, diverged=True),
        "random/seed0": _run("random", 0, settings={})}}
    settings = beyond.QUICK["throughput"]
    throughput = {"settings": settings, "results": {
        f"batch{b}/{m}": {"batch_size": b, "compile": m == "compiled", "sequences_per_second": 10.0 * b,
                          "ms_per_iteration": 100.0, "settings": settings}
        for b in (1, 32) for m in ("eager", "compiled")}}
    return memory, throughput


def test_beyond_figures_draw_only_current_results():
    memory, throughput = _documents()
    assert [r["scheme"] for r in tf.current_runs(memory)] == ["constant", "learned"]
    fig = tf.plot_memory_init(memory)
    assert [t.get_text() for t in fig.axes[0].get_xticklabels()] == ["constant 1e-6", "learned"]
    fig = tf.plot_throughput(throughput)
    assert len(fig.axes[0].lines) == 2


def test_load_beyond_and_zoo_table(tmp_path, monkeypatch):
    monkeypatch.setenv("NTM_DATA_DIR", str(tmp_path))
    assert tf.load_beyond("memory_init") is None
    (tmp_path / "beyond").mkdir()
    (tmp_path / "beyond" / "memory_init.json").write_text(json.dumps({"results": {}}))
    assert tf.load_beyond("memory_init") == {"results": {}}
    assert tf.zoo_table() == []
    model_dir = tmp_path / "copy" / "ntm-lstm"
    model_dir.mkdir(parents=True)
    (model_dir / "config.json").write_text(json.dumps({
        "task": "copy", "arch": "ntm-lstm", "model_kwargs": {"memory_init": "learned"}, "parameters": 10,
        "steps": 5, "sequences": 160, "wall_seconds": 3.0, "stopped": "steps", "finished": True,
        "best": {"eval_cost_bits": 1.5, "eval_bit_errors": 0.5, "sequences": 96}}))
    (row,) = tf.zoo_table()
    assert (row["task"], row["arch"], row["memory_init"], row["best_cost_bits"]) == ("copy", "ntm-lstm", "learned", 1.5)
