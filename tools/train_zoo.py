"""Train the model zoo: 5 tasks x 3 architectures into data/<task>/<arch>/.

    python tools/train_zoo.py                 # everything, two runs at a time (make zoo)
    python tools/train_zoo.py --only copy     # one task (or --only copy/ntm-lstm)
    python tools/train_zoo.py --dry-run       # print the commands

Models with a fine-tune train in two stages: their recipe's first stage into
data/<task>/<arch>/base (shipped too, the starting point of tools/write_focus.py's ablation),
then the fine-tune from those weights (most with the write-focus regulariser, our addition,
chapter 8) into runs/zoo/, whose best model (on a held-out case where the recipe names one)
is shipped in data/<task>/<arch>/ with the two learning curves joined.

Every run is `python -m ntmlib.training ... --resume`, so stopping this script and starting
it again continues where each run stopped. A finished run is skipped. The recipes, with the
reasons for each setting, are ntmlib/training/recipes.py; every deviation from the paper is
listed in data/RESULTS.md.
"""
from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from ntmlib.paper import ARCHITECTURES, TASK_NAMES  # noqa: E402
from ntmlib.training.config import command_line  # noqa: E402
from ntmlib.training.files import atomic_write_json, read_curve, write_checksum, write_curve  # noqa: E402
from ntmlib.training.recipes import RECIPES, base_dir, recipe  # noqa: E402

TRAIN = [sys.executable, "-m", "ntmlib.training"]
# What every zoo run adds to its recipe: resumable, quiet (its log is train.log).
RUN_OPTIONS = {"resume": True, "progress": False}


def command(task: str, arch: str) -> list[str]:
    """The first (or only) stage of the zoo model (task, arch)."""
    config = replace(recipe(task, arch).config, out=base_dir(task, arch), **RUN_OPTIONS)
    return TRAIN + command_line(config)


def fine_tune_dir(task: str, arch: str) -> str:
    """Where the second stage of a model with a fine-tune trains (relative to the repository)."""
    return f"runs/zoo/{task}/{arch}-fine-tune"


def fine_tune_command(task: str, arch: str, *, seed: int | None = None, write_focus: float | None = None,
                      out: str | None = None) -> list[str]:
    """The second stage of a model with a fine-tune (``seed`` and ``write_focus`` change it: the ablation)."""
    config = recipe(task, arch).fine_tune.config
    changes = {key: value for key, value in (("seed", seed), ("write_focus", write_focus)) if value is not None}
    config = replace(config, out=out or fine_tune_dir(task, arch), **changes, **RUN_OPTIONS)
    return TRAIN + command_line(config)


def ship_fine_tune(base: Path, tuned: Path, dest: Path) -> None:
    """data/<task>/<arch>/: the fine-tune's best model, the base's curve followed by the
    fine-tune's (steps, sequences and seconds counted on), and config.json with both runs."""
    first, second = (json.loads((d / "config.json").read_text()) for d in (base, tuned))
    offset = {key: first[key] for key in ("steps", "sequences", "wall_seconds")}
    offset["step"] = offset.pop("steps")
    rows = read_curve(base / "curve.csv") + [{**row, **{k: row[k] + v for k, v in offset.items()}}
                                             for row in read_curve(tuned / "curve.csv")]
    write_curve(dest / "curve.csv", rows)
    shutil.copyfile(tuned / "model.pt", dest / "model.pt")
    write_checksum(dest / "model.pt")
    second["fine_tune"] = {key: second[key] for key in ("train_config", "steps", "sequences", "wall_seconds", "best")}
    second["base"] = {key: first[key] for key in ("train_config", "steps", "sequences", "wall_seconds", "best")}
    second.update({key: first[key] + second[key] for key in ("steps", "sequences")},
                  wall_seconds=round(first["wall_seconds"] + second["wall_seconds"], 3))
    second["best"] = {**second["best"], **{k: second["best"][k] + v for k, v in offset.items()}}
    atomic_write_json(dest / "config.json", second)



def run(task: str, arch: str) -> tuple[str, int, float]:
    log = ROOT / base_dir(task, arch) / "train.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    start = time.time()
    with open(log, "a") as out:
        code = subprocess.call(command(task, arch), stdout=out, stderr=subprocess.STDOUT, cwd=ROOT)
        if code == 0 and recipe(task, arch).fine_tune is not None:
            code = subprocess.call(fine_tune_command(task, arch), stdout=out, stderr=subprocess.STDOUT, cwd=ROOT)
            if code == 0:
                ship_fine_tune(ROOT / base_dir(task, arch), ROOT / fine_tune_dir(task, arch), ROOT / "data" / task / arch)
    return f"{task}/{arch}", code, time.time() - start


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", action="append", default=[], help="task or task/arch (repeatable)")
    parser.add_argument("--jobs", type=int, default=2, help="runs side by side (one thread each)")
    parser.add_argument("--dry-run", action="store_true")
    args = parser.parse_args(argv)
    jobs = [(t, a) for t, a in RECIPES if not args.only or t in args.only or f"{t}/{a}" in args.only]
    if not jobs:
        parser.error(f"--only matched nothing; tasks are {list(TASK_NAMES)}, architectures {list(ARCHITECTURES)}")
    seconds = [recipe(t, a).total_seconds for t, a in jobs]
    wall = max(sum(seconds) / args.jobs, max(seconds))  # the longest run cannot be shared out
    print(f"{len(jobs)} runs, {sum(seconds) / 60:.0f} min of training, about {wall / 60:.0f} min "
          f"wall time with {args.jobs} side by side (plus compile and evaluation)")
    if args.dry_run:
        for t, a in jobs:
            print(" ".join(command(t, a)))
            if recipe(t, a).fine_tune is not None:
                print(" ".join(fine_tune_command(t, a)))
        return 0
    failures = 0
    with ThreadPoolExecutor(args.jobs) as pool:
        for name, code, seconds in pool.map(lambda job: run(*job), jobs):
            print(f"{name}: {'ok' if code == 0 else f'FAILED (exit {code}, see its train.log)'} in {seconds:.0f} s",
                  flush=True)
            failures += code != 0
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
