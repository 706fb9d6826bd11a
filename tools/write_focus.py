"""The write-focus ablation (chapter 8): the zoo's repeat-copy NTM-LSTM before its fine-tune
(data/repeat-copy/ntm-lstm/base) fine-tuned with and without the regulariser, with the same
seeds and the same budget, every model evaluated as data/RESULTS.md evaluates the zoo.

    python tools/write_focus.py                  # train what is missing (resumable), write the table
    python tools/write_focus.py --seeds 1        # one seed only
    python tools/write_focus.py --runs DIR       # where the fine-tunes train (default runs/write-focus)

Writes data/repeat-copy/ablation.json. The fine-tune is the zoo recipe's second stage
(ntmlib.training.recipes) with only the seed and the term's weight lambda changed; seed 1, lambda 1 is
the shipped model. The seed draws the fine-tune's training data (the starting weights are
the same for all).
"""
from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))
import train_zoo  # noqa: E402  (the recipe)

from ntmlib import zoo  # noqa: E402
from ntmlib.evaluate import evaluate  # noqa: E402
from ntmlib.training import recipes  # noqa: E402
from ntmlib.training.config import command_line  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
TASK, ARCH = "repeat-copy", "ntm-lstm"
SEEDS = (1, 2, 3)
LAMBDAS = ("0", "1")
# The reported cases (data/RESULTS.md) and the held-out case that chose each checkpoint.
# The training distribution, the recipe's held-out case (never reported as a result) and the reported cases.
CASES = ("training", recipes.FINE_TUNES[TASK, ARCH][0], "L=20,R=10", "L=10,R=20", "L=20,R=20")
SEQUENCES, BATCH_SIZE = 200, 25  # batches of 25: 8 draws of (L, R) for the training case
FIGURES = ("bit_errors", "data_bit_errors", "end_marker_correct", "cost_bits")
OUTPUT = ROOT / "data" / TASK / "ablation.json"


def run_dir(runs: Path, seed: int, write_focus: str) -> Path:
    return runs / f"seed{seed}-wf{write_focus}"


def fine_tune(runs: Path, seed: int, write_focus: str) -> int:
    out = run_dir(runs, seed, write_focus)
    if _finished(out):
        return 0
    out.parent.mkdir(parents=True, exist_ok=True)
    command = train_zoo.fine_tune_command(TASK, ARCH, seed=seed, write_focus=float(write_focus), out=str(out))
    with open(out.parent / f"{out.name}.log", "a") as log:
        return subprocess.call(command, stdout=log, stderr=subprocess.STDOUT, cwd=ROOT)


def _finished(out: Path) -> bool:
    config = out / "config.json"
    return config.exists() and json.loads(config.read_text()).get("finished", False)


def figures(directory: Path) -> dict:
    """The model in ``directory`` on CASES: {case: {figure: value}} (cached in figures.json)."""
    cache = directory / "figures.json"
    if cache.exists() and cache.stat().st_mtime >= (directory / "model.pt").stat().st_mtime:
        return json.loads(cache.read_text())
    rows = evaluate(zoo.load_dir(directory, task=TASK, arch=ARCH), TASK, sequences=SEQUENCES, seed=0,
                    batch_size=BATCH_SIZE, cases=list(CASES))
    result = {row["case"]: {key: row[key] for key in FIGURES} for row in rows}
    cache.write_text(json.dumps(result, indent=1))
    return result


def summary(runs: list[dict]) -> dict:
    """Per lambda and case: median, min and max of every figure over the seeds."""
    table = {}
    for write_focus in sorted({r["write_focus"] for r in runs}):
        chosen = [r for r in runs if r["write_focus"] == write_focus]
        table[write_focus] = {case: {key: {"median": statistics.median(r["figures"][case][key] for r in chosen),
                                           "min": min(r["figures"][case][key] for r in chosen),
                                           "max": max(r["figures"][case][key] for r in chosen)}
                                     for key in FIGURES} for case in CASES}
    return table


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=Path, default=ROOT / "runs" / "write-focus")
    parser.add_argument("--seeds", type=int, nargs="+", default=list(SEEDS))
    parser.add_argument("--jobs", type=int, default=2, help="fine-tunes side by side (one thread each)")
    args = parser.parse_args(argv)
    jobs = [(seed, lam) for seed in args.seeds for lam in LAMBDAS]
    started = time.time()
    with ThreadPoolExecutor(args.jobs) as pool:
        codes = list(pool.map(lambda job: fine_tune(args.runs, *job), jobs))
    failed = [job for job, code in zip(jobs, codes) if code != 0]
    if failed:
        print(f"fine-tunes failed: {failed} (see their logs in {args.runs})", file=sys.stderr)
        return 1
    torch.set_num_threads(1)
    runs = []
    for seed, lam in jobs:
        out = run_dir(args.runs, seed, lam)
        info = json.loads((out / "config.json").read_text())
        runs.append({"seed": seed, "write_focus": float(lam), "sequences": info["sequences"],
                     "wall_seconds": info["wall_seconds"], "best_sequences": info["best"]["sequences"],
                     "figures": figures(out)})
        print(f"seed {seed}, lambda {lam}: evaluated", file=sys.stderr, flush=True)
    base_dir = ROOT / recipes.base_dir(TASK, ARCH)
    tune = recipes.recipe(TASK, ARCH).fine_tune.config
    data = {"command": "python tools/write_focus.py", "task": TASK, "arch": ARCH,
            "settings": {"steps": tune.steps, "recipe": command_line(tune), "cases": list(CASES),
                         "sequences_per_case": SEQUENCES, "batch_size": BATCH_SIZE,
                         "evaluation_seed": 0},
            "base": {"sequences": json.loads((base_dir / "config.json").read_text())["sequences"],
                     "figures": figures(base_dir)},
            "runs": runs, "summary": summary(runs)}
    OUTPUT.write_text(json.dumps(data, indent=1))
    print(f"wrote {OUTPUT.relative_to(ROOT)} in {time.time() - started:.0f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
