"""Regenerate the measurements of chapter 12 ("Beyond the paper") into data/beyond/ (JSON).

    python tools/beyond.py                  # everything: 5 seeds per memory initialisation
    python tools/beyond.py --seeds 3        # fewer seeds (a count, or a list like 0,3 or 2-4)
    python tools/beyond.py --quick          # a small version (1 seed, small caps) for development
    python tools/beyond.py --only memory-init --jobs 2
    python tools/beyond.py --force          # measure again what is already there

Three experiments, each written to its own file:

(a) ``memory_init.json``: the three memory initialisations of ``ntmlib.ntm.NTM``
    (constant 1e-6, learned, random) compared on copy with NTM-LSTM over several seeds:
    sequences and wall seconds until the bit errors per sequence at length 20 fall below
    0.1, how many runs diverged or did not converge within the cap, and the bit errors per
    sequence of every converged model at length 120. Each run is one call of
    ``python -m ntmlib.bench --convergence-only`` (the project's convergence measurement,
    with ``--train-arg memory_init=...`` and ``--train-arg out=...`` so that the converged
    model is kept); this script only adds the length-120 evaluation of that model.
(b) ``throughput.json``: training iterations per second by batch size, eager and with
    ``torch.compile``: one call of ``python -m ntmlib.bench --throughput-only`` per batch
    size and mode.
(c) ``devices.json``: CPU against GPU. Only when CUDA is available: the same training
    iteration timed on the GPU, eager (``NTM.compile_step`` is not used there). Without
    CUDA the file records that no GPU was measured, and nothing else.

Resumable and incremental: every result is stored with the settings that produced it,
and a result whose settings match the current ones is not measured again (``--force``
measures it again). So ``--seeds 5`` after ``--seeds 3`` runs only seeds 3 and 4, a
stopped run continues where it stopped, and a full run replaces the results of
``--quick`` (whose caps differ). Files are rewritten atomically after every result.
Runs of (a) train into ``runs/beyond/`` (ignored by git); only the JSON is kept.

Timings are wall-clock on a possibly shared machine: the load average is stored with
every measurement.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "data" / "beyond"
RUNS = ROOT / "runs" / "beyond"

SCHEMES = ("constant", "learned", "random")
EXPERIMENTS = ("memory-init", "throughput", "devices")
FILES = {"memory-init": "memory_init.json", "throughput": "throughput.json", "devices": "devices.json"}

#: Settings of the full run and of --quick (every number that changes a result).
FULL = {
    "memory_init": {"max_steps": 5000, "max_seconds": 600.0, "threads": 1, "length120_sequences": 100},
    "throughput": {"batch_sizes": [1, 8, 32, 64, 128], "modes": ["eager", "compiled"], "iterations": 100,
                   "threads": 1},
    "devices": {"batch_sizes": [1, 32, 128], "iterations": 20},
}
QUICK = {
    "memory_init": {"max_steps": 1500, "max_seconds": 150.0, "threads": 1, "length120_sequences": 20},
    "throughput": {"batch_sizes": [1, 32], "modes": ["eager", "compiled"], "iterations": 5, "threads": 1},
    "devices": {"batch_sizes": [1, 32], "iterations": 5},
}
DEFAULT_SEEDS = "5"
QUICK_SEEDS = "1"


# --- small pure helpers (tested in tests/test_beyond.py) ------------------------------------

def parse_seeds(text: str) -> list[int]:
    """"5" -> seeds 0..4; "0,3,7" or "2-4" -> those seeds (as ``python -m ntmlib.bench``)."""
    from ntmlib.bench import _parse_seeds

    seeds = _parse_seeds(str(text))
    if not seeds or any(s < 0 for s in seeds):
        raise ValueError(f"--seeds must name at least one seed >= 0, got {text!r}")
    return seeds


def run_key(scheme: str, seed: int) -> str:
    return f"{scheme}/seed{seed}"


def throughput_key(batch_size: int, mode: str) -> str:
    return f"batch{batch_size}/{mode}"


def needs_run(results: dict, key: str, settings: dict, force: bool = False) -> bool:
    """Whether the result ``key`` must be measured: forced, missing, failed, or measured
    with other settings."""
    if force:
        return True
    old = results.get(key)
    return old is None or "error" in old or old.get("settings") != settings


def load_results(path: Path) -> dict:
    """The ``results`` dict of a JSON file written by this script ({} if there is none)."""
    if not Path(path).exists():
        return {}
    with open(path, encoding="utf-8") as handle:
        return json.load(handle).get("results", {})


def write_json(path: Path, data: dict) -> None:
    """Write ``data`` atomically (a temporary file, then a rename)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        json.dump(data, handle, indent=2, sort_keys=False)
        handle.write("\n")
    os.replace(temporary, path)


def _spread(values: list[float]) -> dict:
    if not values:
        return {"median": None, "min": None, "max": None}
    return {"median": statistics.median(values), "min": min(values), "max": max(values)}


def summarise_memory_init(results: dict, settings: dict) -> dict:
    """Per scheme: counts of converged, diverged, not converged and failed runs, and the
    median and range of seconds, sequences and length-120 bit errors of the converged ones.
    Only results measured with ``settings`` count."""
    from ntmlib.bench import _summarise_convergence

    summary = {}
    for scheme in SCHEMES:
        rows = [r for r in results.values() if r.get("scheme") == scheme and r.get("settings") == settings]
        if not rows:
            continue
        measured = [r for r in rows if "error" not in r]
        base = _summarise_convergence(measured)
        done = [r for r in measured if r.get("converged")]
        errors_120 = [r["length120_bit_errors"] for r in done if r.get("length120_bit_errors") is not None]
        summary[scheme] = {
            "seeds": sorted(r["seed"] for r in rows),
            "runs": len(rows), "converged": base["converged"], "diverged": base["diverged"],
            "not_converged": base["not_converged"], "failed": len(rows) - len(measured),
            "seconds": _spread([r["seconds"] for r in done]),
            "sequences": _spread([r["sequences"] for r in done]),
            "length120_bit_errors": _spread(errors_120),
        }
    return summary


def summarise_throughput(results: dict, settings: dict) -> list[dict]:
    """The throughput rows measured with ``settings``, by batch size then mode, each with
    the speed-up of compiling over eager at the same batch size where both exist."""
    rows = [r for r in results.values() if r.get("settings") == settings and "error" not in r]
    rows.sort(key=lambda r: (r["batch_size"], r["compile"]))
    eager = {r["batch_size"]: r["sequences_per_second"] for r in rows if not r["compile"]}
    table = []
    for r in rows:
        row = {k: r[k] for k in ("batch_size", "compile", "ms_per_iteration", "sequences_per_second",
                                 "compile_seconds", "first_iteration_seconds") if k in r}
        if r["compile"] and r["batch_size"] in eager:
            row["speedup_over_eager"] = r["sequences_per_second"] / eager[r["batch_size"]]
        table.append(row)
    return table


def machine() -> dict:
    """What the measurements ran on."""
    import torch

    info = {"torch": torch.__version__, "python": platform.python_version(), "platform": platform.platform(),
            "processor": platform.processor() or platform.machine(), "cpus": os.cpu_count(),
            "cuda_available": torch.cuda.is_available()}
    if torch.cuda.is_available():
        info["gpu"] = torch.cuda.get_device_name(0)
    return info


def _load() -> list[float] | None:
    try:
        return [round(v, 2) for v in os.getloadavg()]
    except OSError:
        return None


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def _git_commit() -> str | None:
    try:
        return subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True,
                              text=True, check=True).stdout.strip() or None
    except (OSError, subprocess.CalledProcessError):
        return None


def _document(experiment: str, settings: dict, results: dict, summary, command: str) -> dict:
    quick = {"memory-init": QUICK["memory_init"], "throughput": QUICK["throughput"], "devices": QUICK["devices"]}
    return {"experiment": experiment, "settings": settings, "quick": settings == quick[experiment],
            "command": command, "updated": _now(),
            "machine": machine(), "git_commit": _git_commit(), "summary": summary, "results": results}


def _bench(arguments: list[str]) -> tuple[dict | None, str]:
    """Run ``python -m ntmlib.bench ARGS --json FILE``; returns (its JSON or None, log tail)."""
    with tempfile.TemporaryDirectory() as scratch:
        report = Path(scratch) / "bench.json"
        completed = subprocess.run([sys.executable, "-m", "ntmlib.bench", *arguments, "--json", str(report)],
                                   cwd=ROOT, capture_output=True, text=True)
        tail = (completed.stdout + completed.stderr).strip().splitlines()[-3:]
        if completed.returncode != 0 or not report.exists():
            return None, "\n".join(tail) or f"exit {completed.returncode}"
        with open(report, encoding="utf-8") as handle:
            return json.load(handle), "\n".join(tail)


# --- (a) memory initialisation --------------------------------------------------------------

def length120_bit_errors(model_dir: Path, sequences: int) -> dict:
    """Bit errors and cost per sequence at length 120 of the model in ``model_dir``."""
    import torch

    from ntmlib import zoo
    from ntmlib.evaluate import evaluate

    torch.set_num_threads(1)
    model = zoo.load_dir(model_dir, task="copy", arch="ntm-lstm")
    row = evaluate(model, "copy", sequences=sequences, cases=["L=120"], seed=0, batch_size=sequences)[0]
    return {"length120_bit_errors": row["bit_errors"], "length120_cost_bits": row["cost_bits"]}


def measure_memory_init_run(scheme: str, seed: int, settings: dict) -> dict:
    """One convergence run of ``python -m ntmlib.bench`` for (scheme, seed), plus the
    length-120 bit errors of the model it converged to."""
    out = RUNS / "memory-init" / scheme / f"seed{seed}"
    shutil.rmtree(out, ignore_errors=True)  # a fresh run (train() refuses an old checkpoint)
    load_before = _load()
    report, log = _bench(["--convergence-only", "--seeds", f"{seed}-{seed}", "--max-steps", str(settings["max_steps"]),
                          "--max-seconds", str(settings["max_seconds"]), "--threads", str(settings["threads"]),
                          "--train-arg", f"memory_init={scheme}", "--train-arg", f"out={out}"])
    result = {"scheme": scheme, "seed": seed, "settings": settings, "measured": _now(),
              "load_average_before": load_before}
    if report is None:
        return {**result, "error": log}
    rows = report.get("convergence", {}).get("runs", [])
    if len(rows) != 1:
        return {**result, "error": f"ntmlib.bench reported {len(rows)} runs, expected 1"}
    row = rows[0]
    if "error" in row:
        return {**result, "error": row["error"]}
    result.update({k: v for k, v in row.items() if k != "seed"})
    result["length120_bit_errors"] = result["length120_cost_bits"] = None
    if row.get("converged") and (out / "model.pt").exists():
        result.update(length120_bit_errors(out, settings["length120_sequences"]))
    result["load_average_after"] = _load()
    return result


def run_memory_init(seeds: list[int], settings: dict, force: bool, jobs: int, out_dir: Path, command: str) -> dict:
    path = out_dir / FILES["memory-init"]
    results = load_results(path)
    todo = [(scheme, seed) for seed in seeds for scheme in SCHEMES
            if needs_run(results, run_key(scheme, seed), settings, force)]
    skipped = len(seeds) * len(SCHEMES) - len(todo)
    print(f"(a) memory initialisation: {len(todo)} runs to do, {skipped} already in {path}", flush=True)

    def save():
        write_json(path, _document("memory-init", settings, results, summarise_memory_init(results, settings),
                                   command))

    def one(job):
        scheme, seed = job
        started = time.time()
        result = measure_memory_init_run(scheme, seed, settings)
        status = "error: " + result["error"] if "error" in result else (
            "converged" if result["converged"] else "diverged" if result["diverged"] else "not converged")
        extra = ""
        if result.get("converged"):
            extra = (f", {result['sequences']:,} sequences, {result['seconds']:.0f} s, length 120: "
                     f"{result['length120_bit_errors']:.2f} bit errors")
        print(f"  {scheme:8s} seed {seed}: {status}{extra} ({time.time() - started:.0f} s)", flush=True)
        return result

    save()
    with ThreadPoolExecutor(max(1, jobs)) as pool:
        for result in pool.map(one, todo):
            results[run_key(result["scheme"], result["seed"])] = result
            save()
    return summarise_memory_init(results, settings)


# --- (b) throughput -------------------------------------------------------------------------

def run_throughput(settings: dict, force: bool, out_dir: Path, command: str) -> list[dict]:
    path = out_dir / FILES["throughput"]
    results = load_results(path)
    todo = [(b, m) for b in settings["batch_sizes"] for m in settings["modes"]
            if needs_run(results, throughput_key(b, m), settings, force)]
    print(f"(b) throughput: {len(todo)} measurements to do", flush=True)

    def save():
        write_json(path, _document("throughput", settings, results, summarise_throughput(results, settings),
                                   command))

    save()
    for batch_size, mode in todo:
        load_before = _load()
        report, log = _bench(["--throughput-only", "--batch-sizes", str(batch_size), "--modes", mode,
                              "--iterations", str(settings["iterations"]), "--threads", str(settings["threads"])])
        row = {"batch_size": batch_size, "compile": mode == "compiled", "error": log} if report is None \
            else report["throughput"][0]
        row.update(settings=settings, measured=_now(), load_average_before=load_before, load_average_after=_load())
        results[throughput_key(batch_size, mode)] = row
        if "error" in row:
            print(f"  batch {batch_size:4d} {mode:8s}: error: {row['error']}", flush=True)
        else:
            print(f"  batch {batch_size:4d} {mode:8s}: {row['ms_per_iteration']:.1f} ms/iteration, "
                  f"{row['sequences_per_second']:.0f} sequences/s", flush=True)
        save()
    return summarise_throughput(results, settings)


# --- (c) CPU against GPU --------------------------------------------------------------------

def measure_throughput_on(device: str, batch_size: int, iterations: int = 20, warmup: int = 3,
                          seed: int = 0) -> dict:
    """``ntmlib.bench.measure_throughput`` (eager) on any device: one training iteration
    of NTM-LSTM on copy at length 20, timed with the device synchronised."""
    import torch

    from ntmlib.bench import measure_throughput

    row = measure_throughput(batch_size, compile=False, iterations=iterations, warmup=warmup, threads=None,
                             seed=seed, device=device)
    keys = ("batch_size", "compile", "ms_per_iteration", "sequences_per_second", "iterations", "threads")
    return {"device": str(torch.device(device)), **{key: row[key] for key in keys}}


def run_devices(settings: dict, force: bool, out_dir: Path, command: str) -> dict:
    import torch

    path = out_dir / FILES["devices"]
    results = load_results(path)
    if not torch.cuda.is_available():
        print("(c) CPU against GPU: CUDA is not available here; recorded that, measured nothing", flush=True)
        results = {"cuda": {"settings": settings, "measured": _now(), "cuda_available": False,
                            "note": f"torch {torch.__version__} sees no CUDA device on this machine: "
                                    f"no GPU timings were taken"}}
        summary = {"cuda_available": False, "rows": []}
        write_json(path, _document("devices", settings, results, summary, command))
        return summary
    results.pop("cuda", None)  # an earlier "no CUDA" record
    todo = [(d, b) for d in ("cpu", "cuda") for b in settings["batch_sizes"]
            if needs_run(results, f"{d}/batch{b}", settings, force)]
    print(f"(c) CPU against GPU ({torch.cuda.get_device_name(0)}): {len(todo)} measurements to do", flush=True)
    for device, batch_size in todo:
        # The CPU side uses one thread, as (b) does; each measurement in its own process.
        code = ("import json, sys, torch; sys.path.insert(0, 'tools'); torch.set_num_threads(1); "
                "from beyond import measure_throughput_on; "
                f"print(json.dumps(measure_throughput_on({device!r}, {batch_size}, {settings['iterations']})))")
        completed = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
        if completed.returncode != 0:
            row = {"device": device, "batch_size": batch_size,
                   "error": (completed.stderr.strip().splitlines() or ["failed"])[-1]}
        else:
            row = json.loads(completed.stdout.strip().splitlines()[-1])
        row.update(settings=settings, measured=_now(), load_average=_load())
        results[f"{device}/batch{batch_size}"] = row
        print(f"  {device:4s} batch {batch_size:4d}: " + (f"error: {row['error']}" if "error" in row else
              f"{row['ms_per_iteration']:.1f} ms/iteration, {row['sequences_per_second']:.0f} sequences/s"),
              flush=True)
        write_json(path, _document("devices", settings, results, None, command))
    rows = [r for r in results.values() if r.get("settings") == settings and "error" not in r]
    summary = {"cuda_available": True, "gpu": torch.cuda.get_device_name(0),
               "rows": sorted(rows, key=lambda r: (r["device"], r["batch_size"]))}
    write_json(path, _document("devices", settings, results, summary, command))
    return summary


# --- command line ---------------------------------------------------------------------------

def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python tools/beyond.py", description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter,
                                     epilog=__doc__.split("\n\n", 1)[1])
    parser.add_argument("--seeds", default=None,
                        help=f'(a) seeds per scheme: a count ("5": 0-4) or a list ("0,3", "2-4"); '
                             f'default {DEFAULT_SEEDS} ({QUICK_SEEDS} with --quick)')
    parser.add_argument("--quick", action="store_true",
                        help="small caps and few configurations (development; replaced by a full run)")
    parser.add_argument("--force", action="store_true", help="measure again results that are already there")
    parser.add_argument("--only", action="append", choices=EXPERIMENTS, default=None,
                        help="run only this experiment (repeatable)")
    parser.add_argument("--jobs", type=int, default=1,
                        help="(a) runs side by side, one thread each (faster, noisier timings)")
    parser.add_argument("--out", default=str(OUT), help="directory of the JSON files (default data/beyond)")
    args = parser.parse_args(argv)

    preset = QUICK if args.quick else FULL
    try:
        seeds = parse_seeds(args.seeds or (QUICK_SEEDS if args.quick else DEFAULT_SEEDS))
    except ValueError as error:
        parser.error(str(error))
    out_dir = Path(args.out)
    command = "python tools/beyond.py" + (f" {' '.join(argv)}" if argv else
                                          (" " + " ".join(sys.argv[1:]) if sys.argv[1:] else ""))
    experiments = args.only or list(EXPERIMENTS)
    started = time.time()
    print(f"tools/beyond.py: {', '.join(experiments)} -> {out_dir} ({'quick' if args.quick else 'full'}; "
          f"load average {_load()})", flush=True)
    if "memory-init" in experiments:
        summary = run_memory_init(seeds, preset["memory_init"], args.force, args.jobs, out_dir, command)
        for scheme, s in summary.items():
            medians = (f"; median {s['sequences']['median']:,.0f} sequences, {s['seconds']['median']:.0f} s"
                       if s["converged"] else "")
            print(f"  {scheme:8s}: {s['converged']}/{s['runs']} converged (diverged {s['diverged']}, "
                  f"not converged {s['not_converged']}, failed {s['failed']}){medians}", flush=True)
    if "throughput" in experiments:
        run_throughput(preset["throughput"], args.force, out_dir, command)
    if "devices" in experiments:
        run_devices(preset["devices"], args.force, out_dir, command)
    print(f"done in {time.time() - started:.0f} s", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
