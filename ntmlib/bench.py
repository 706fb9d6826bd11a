"""Benchmarks: training throughput and time to converge on copy (NTM-LSTM).

::

    python -m ntmlib.bench --quick              # (a) at batch 32 only, 10 iterations: ~1 minute
    python -m ntmlib.bench                      # both parts
    python -m ntmlib.bench --throughput-only    # (a) only
    python -m ntmlib.bench --convergence-only --seeds 3

(a) Throughput: one training iteration (:func:`~ntmlib.training.train_step`: forward,
    backward, clipping, RMSProp step)
    of NTM-LSTM on copy at length 20 (41 time steps), for batch sizes 1, 32 and 64,
    eager and with ``torch.compile`` of the per-step function; the compile time (the
    first iteration) is reported separately.
(b) Time to converge: the default training configuration (:class:`~ntmlib.training.TrainConfig`)
    until the bit errors per sequence on fresh length-20 sequences are below 0.1,
    over several seeds: median and range of wall seconds (compile and evaluation
    included) and of sequences, and how many runs diverged or did not converge
    within the cap.

Every measurement runs in its own subprocess (one compiled graph per process, as a
training run has; the inductor cache on disk makes all but the first compile warm)
and, by default, one after another with one intra-op thread, so that the timings of
one run are not disturbed by the next. The load average is printed beside the
results: on a shared machine timings vary by up to 1.5x.

The figures measured on this project's machine are in data/RESULTS.md ("Training speed").
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time

from .paper import ARCHITECTURES
from .training.config import key_value

__all__ = ["measure_throughput", "measure_convergence", "main"]

LENGTH = 20


def _load() -> str:
    try:
        return "load average %.2f %.2f %.2f" % os.getloadavg()
    except OSError:
        return "load average unknown"


def measure_throughput(batch_size: int, compile: bool, iterations: int = 20, warmup: int = 3,
                       threads: int | None = 1, seed: int = 0, device=None, arch: str = "ntm-lstm",
                       autocast: bool = False) -> dict:
    """Time training iterations of ``arch`` on copy at length 20 in this process.

    ``device`` (default: the CPU) is where the model and the batches go; on a CUDA device
    the timings wait for it to finish (``torch.cuda.synchronize``). ``autocast``: the
    forward pass in bfloat16 (``TrainConfig.autocast="bf16"``)."""
    import torch

    from .paper import build_model
    from .tasks import CopyTask
    from .training import TrainConfig, make_optimizer, train_step
    from .training.loop import bf16_available

    if threads is not None:
        torch.set_num_threads(threads)
    device = torch.device("cpu" if device is None else device)

    def sync():
        if device.type == "cuda":
            torch.cuda.synchronize(device)

    torch.manual_seed(seed)
    model = build_model("copy", arch).to(device)
    config = TrainConfig().resolved()
    optimizer = make_optimizer(config, model.parameters())
    if compile:
        model.compile_step()
    task = CopyTask(LENGTH, LENGTH)
    generator = torch.Generator().manual_seed(seed)
    times = []
    for _ in range(warmup + iterations):
        batch = task.batch(batch_size, generator, device)
        sync()
        start = time.perf_counter()
        train_step(model, optimizer, batch, config.clip, autocast=autocast)
        sync()
        times.append(time.perf_counter() - start)
    steady = statistics.median(times[warmup:])
    ran_bf16 = autocast and bf16_available(device)  # else the loop ran float32 (and warned)
    return {"batch_size": batch_size, "compile": compile, "autocast": ran_bf16, "arch": arch,
            "ms_per_iteration": 1000 * steady,
            "sequences_per_second": batch_size / steady, "first_iteration_seconds": times[0],
            "compile_seconds": times[0] - steady if compile else None, "threads": torch.get_num_threads(),
            "iterations": iterations}


def measure_convergence(seed: int, *, max_steps: int = 5000, max_seconds: float | None = 600,
                        threads: int | None = 1, **overrides) -> dict:
    """Train copy/NTM-LSTM with the default configuration (plus ``overrides``) until the
    bit errors per sequence at length 20 are below 0.1; report time and sequences."""
    from .training import TrainConfig, TrainingDiverged, train

    config = TrainConfig(task="copy", arch="ntm-lstm", seed=seed, steps=max_steps, max_seconds=max_seconds,
                         target_bit_errors=0.1, eval_case=f"L={LENGTH}", threads=threads, progress=False,
                         **overrides)
    started = time.perf_counter()
    try:
        result = train(config)
    except TrainingDiverged as error:
        result, diverged = error.result, True
    else:
        diverged = False
    converged = result is not None and result.stopped == "target"
    return {"seed": seed, "converged": converged, "diverged": diverged,
            "seconds": result.wall_seconds if result else time.perf_counter() - started,
            "sequences": result.sequences if result else None, "steps": result.steps if result else None,
            "compile_seconds": result.compile_seconds if result else None,
            "compiled": result.compiled if result else None,
            "final_bit_errors": result.curve[-1]["eval_bit_errors"] if result and result.curve else None,
            "rollbacks": len(result.rollbacks) if result else None,
            "skipped_steps": result.skipped_steps if result else None,
            "lr": result.config.lr if result else None, "batch_size": config.batch_size,
            "optimizer": config.optimizer}


def _subprocess(kind: str, arguments: dict) -> dict:
    command = [sys.executable, "-m", "ntmlib.bench", "--_worker", kind, json.dumps(arguments)]
    completed = subprocess.run(command, capture_output=True, text=True)
    if completed.returncode != 0:
        return {"error": completed.stderr.strip().splitlines()[-1] if completed.stderr.strip() else "failed",
                **arguments}
    return json.loads(completed.stdout.strip().splitlines()[-1])


def _parse_seeds(text: str) -> list[int]:
    """"5" -> seeds 0..4; "0,3,7" or "2-4" -> those seeds."""
    if "," in text or "-" in text:
        seeds = []
        for part in text.split(","):
            if "-" in part:
                lo, hi = part.split("-")
                seeds.extend(range(int(lo), int(hi) + 1))
            elif part:
                seeds.append(int(part))
        return seeds
    return list(range(int(text)))


def _mode(row: dict) -> str:
    return "compiled" if row["compile"] else "bf16" if row.get("autocast") else "eager"


def _format_throughput(rows: list[dict]) -> str:
    lines = [f"{'batch':>5} {'mode':<9}{'ms/iteration':>14}{'sequences/s':>13}{'compile (s)':>13}"]
    for r in rows:
        if "error" in r:
            lines.append(f"{r['batch_size']:>5} {_mode(r):<9}  error: {r['error']}")
            continue
        compile_s = f"{r['compile_seconds']:.1f}" if r["compile_seconds"] is not None else "-"
        lines.append(f"{r['batch_size']:>5} {_mode(r):<9}"
                     f"{r['ms_per_iteration']:>14.1f}{r['sequences_per_second']:>13.0f}{compile_s:>13}")
    return "\n".join(lines)


def _summarise_convergence(rows: list[dict]) -> dict:
    done = [r for r in rows if r.get("converged")]
    summary = {"runs": len(rows), "converged": len(done), "diverged": sum(1 for r in rows if r.get("diverged")),
               "not_converged": sum(1 for r in rows if not r.get("converged") and not r.get("diverged"))}
    if done:
        seconds = [r["seconds"] for r in done]
        sequences = [r["sequences"] for r in done]
        summary.update(median_seconds=statistics.median(seconds), min_seconds=min(seconds), max_seconds=max(seconds),
                       median_sequences=statistics.median(sequences), min_sequences=min(sequences),
                       max_sequences=max(sequences))
    return summary


def _format_convergence(rows: list[dict], summary: dict) -> str:
    lines = [f"{'seed':>4}{'converged':>10}{'seconds':>9}{'sequences':>11}{'compile (s)':>13}{'final bit err':>15}"]
    for r in rows:
        if "error" in r:
            lines.append(f"{r['seed']:>4}  error: {r['error']}")
            continue
        compile_s = f"{r['compile_seconds']:.1f}" if r.get("compile_seconds") is not None else "-"
        lines.append(f"{r['seed']:>4}{'yes' if r['converged'] else ('diverged' if r['diverged'] else 'no'):>10}"
                     f"{r['seconds']:>9.1f}{r['sequences']:>11}{compile_s:>13}{r['final_bit_errors']:>15.3f}")
    if summary.get("converged"):
        lines.append(f"converged {summary['converged']}/{summary['runs']} (diverged {summary['diverged']}, "
                     f"not converged in the cap {summary['not_converged']}): median {summary['median_seconds']:.1f} s "
                     f"(range {summary['min_seconds']:.1f}-{summary['max_seconds']:.1f}), median "
                     f"{summary['median_sequences']:,.0f} sequences ({summary['min_sequences']:,}-"
                     f"{summary['max_sequences']:,})")
    else:
        lines.append(f"no run converged ({summary})")
    return "\n".join(lines)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m ntmlib.bench", description=__doc__.split("\n\n")[0])
    part = parser.add_mutually_exclusive_group()
    part.add_argument("--throughput-only", action="store_true", help="only (a): time per training iteration")
    part.add_argument("--convergence-only", action="store_true", help="only (b): time to converge on copy")
    part.add_argument("--quick", action="store_true",
                      help="only (a) at batch 32, 10 iterations, eager and compiled (about a minute)")
    parser.add_argument("--batch-sizes", default="1,32,64", help="batch sizes for (a)")
    parser.add_argument("--iterations", type=int, default=20, help="timed iterations per configuration in (a)")
    parser.add_argument("--modes", default="eager,compiled",
                        help="for (a), comma-separated: eager, compiled, bf16 (eager, the forward pass in bfloat16)")
    parser.add_argument("--arch", default="ntm-lstm", choices=ARCHITECTURES, help="the model timed in (a)")
    parser.add_argument("--seeds", default="5", help='(b): a count ("5": seeds 0-4) or a list ("0,3" or "2-4")')
    parser.add_argument("--max-steps", type=int, default=5000, help="(b): give up after this many steps")
    parser.add_argument("--max-seconds", type=float, default=600, help="(b): give up after this many seconds")
    parser.add_argument("--threads", type=int, default=1, help="torch intra-op threads per run")
    parser.add_argument("--jobs", type=int, default=1,
                        help="(b): runs side by side (faster sweep, slower and noisier single runs)")
    parser.add_argument("--train-arg", action="append", default=[], metavar="KEY=VALUE", type=key_value,
                        help="(b): override a TrainConfig field, e.g. lr=1e-3 or compile=false (repeatable)")
    parser.add_argument("--json", default=None, help="also write every measurement to this JSON file")
    parser.add_argument("--_worker", nargs=2, help=argparse.SUPPRESS)
    return parser


def _throughput(args) -> list[dict]:
    print(f"\n(a) training throughput, {args.arch} on copy at length {LENGTH} ({2 * LENGTH + 1} steps), "
          f"median of {args.iterations} iterations:", flush=True)
    rows = [_subprocess("throughput", {"batch_size": batch_size, "compile": mode == "compiled",
                                       "autocast": mode == "bf16", "arch": args.arch,
                                       "iterations": args.iterations, "threads": args.threads})
            for batch_size in [int(b) for b in args.batch_sizes.split(",")] for mode in args.modes.split(",")]
    print(_format_throughput(rows))
    print(_load(), flush=True)
    return rows


def _convergence(args, overrides: dict) -> dict:
    seeds = _parse_seeds(args.seeds)
    print(f"\n(b) time to converge on copy (bit errors/sequence < 0.1 at length {LENGTH}), "
          f"{len(seeds)} seeds, default training configuration"
          + (f" with {overrides}" if overrides else "") + f", {args.jobs} at a time:", flush=True)
    arguments = [{"seed": seed, "max_steps": args.max_steps, "max_seconds": args.max_seconds,
                  "threads": args.threads, **overrides} for seed in seeds]
    if args.jobs <= 1:
        rows = [_subprocess("convergence", a) for a in arguments]
    else:
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(args.jobs) as pool:
            rows = list(pool.map(lambda a: _subprocess("convergence", a), arguments))
    summary = _summarise_convergence(rows)
    print(_format_convergence(rows, summary))
    print(_load(), flush=True)
    return {"runs": rows, "summary": summary, "overrides": overrides}


MODES = ("eager", "compiled", "bf16")


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    unknown = [mode for mode in args.modes.split(",") if mode not in MODES]
    if unknown:
        parser.error(f"--modes: unknown {', '.join(map(repr, unknown))}; expected a comma-separated list of {MODES}")
    if args.quick:
        args.throughput_only, args.batch_sizes, args.iterations = True, "32", 10
    if args._worker:
        kind, arguments = args._worker[0], json.loads(args._worker[1])
        function = measure_throughput if kind == "throughput" else measure_convergence
        print(json.dumps(function(**arguments)))
        return 0

    import torch

    report = {"torch": torch.__version__, "cpus": os.cpu_count(), "threads": args.threads}
    print(f"ntmlib bench: torch {torch.__version__}, {os.cpu_count()} CPUs, {args.threads} thread(s) per run, "
          f"{_load()}", flush=True)
    if not args.convergence_only:
        report["throughput"] = _throughput(args)
    if not args.throughput_only:
        report["convergence"] = _convergence(args, dict(args.train_arg))
    if args.json:
        with open(args.json, "w", encoding="utf-8") as handle:
            json.dump(report, handle, indent=2)
    return 0


if __name__ == "__main__":
    sys.exit(main())
