"""Ablations of copy (chapter 12): which addressing mechanism carries generalisation?

    python tools/ablations.py --runs /tmp/ablation-runs     # train what is missing, then measure
    python tools/ablations.py --measure-only                # re-measure finished runs only
    make ablations                                          # the same, runs under runs/ablations

Four NTM-LSTMs on copy, identical but for one mechanism (paper §3.3):

* ``full``: the NTM as the zoo trains it;
* ``gamma-1``: no sharpening, gamma fixed at 1 (eq. 9 is the identity);
* ``gate-1``: no interpolation, g fixed at 1 (eq. 7 keeps only the content weighting);
* ``no-shift``: shift range 0 (eq. 8 is the identity).

Every variant trains with the same seed, the same data stream and the same budget in
sequences (one thread, one run at a time), each as ``python -m ntmlib.training ... --resume``
into its own folder under ``--runs``, so stopping this script and starting it again
continues where it stopped. Each finished run is then tested on fresh copy sequences of
lengths up to 120 and written to ``data/ablations/<variant>/`` (model.pt, config.json,
curve.csv: a zoo directory that ``ntmlib.zoo.load_dir`` opens) and
``data/ablations/<variant>-seed<S>.json`` (bit errors per sequence at each length).
"""
from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from ntmlib.book import report
from ntmlib import zoo  # noqa: E402
from ntmlib.training.files import atomic_write_json, read_curve, write_checksum  # noqa: E402
from ntmlib.evaluate import case_generator, evaluate_task  # noqa: E402
from ntmlib.tasks import get_task  # noqa: E402
from ntmlib.training.config import command_line  # noqa: E402
from ntmlib.training.recipes import recipe  # noqa: E402

OUT = ROOT / "data" / "ablations"
VARIANTS = {
    "full": {},
    "gamma-1": {"fixed_gamma": 1.0},
    "gate-1": {"fixed_gate": 1.0},
    "no-shift": {"max_shift": 0},
}
SEEDS = (1,)  # the zoo's seed; --seed adds others
SEQUENCES = 60_000  # the budget of every variant (the zoo's NTM-LSTM converged at 38,400)
LENGTHS = (10, 20, 30, 40, 50, 60, 80, 100, 120)
TEST_SEQUENCES = 100  # per length
SHIPPED = (zoo.MODEL_FILE, zoo.CONFIG_FILE, zoo.CURVE_FILE)


def command(variant: str, seed: int, run_dir: Path) -> list[str]:
    """The zoo's copy NTM-LSTM recipe with one mechanism changed and a budget in sequences."""
    zoo_recipe = recipe("copy", "ntm-lstm").config
    config = replace(zoo_recipe, seed=seed, steps=SEQUENCES // zoo_recipe.batch_size, max_seconds=None,
                     model_overrides=VARIANTS[variant], out=str(run_dir), resume=True, progress=False)
    return [sys.executable, "-m", "ntmlib.training", *command_line(config)]


def finished(run_dir: Path) -> bool:
    config = run_dir / zoo.CONFIG_FILE
    return config.exists() and json.loads(config.read_text()).get("finished", False)


def train(variant: str, seed: int, run_dir: Path) -> None:
    if finished(run_dir):
        return
    run_dir.mkdir(parents=True, exist_ok=True)
    with open(run_dir / "train.log", "a") as log:
        code = subprocess.call(command(variant, seed, run_dir), stdout=log, stderr=subprocess.STDOUT, cwd=ROOT)
    if code != 0:
        raise SystemExit(f"{variant}: training failed (exit {code}); see {run_dir / 'train.log'}")


def measure(variant: str, seed: int, run_dir: Path) -> dict:
    """Bit errors per sequence of the run's best model at every test length (the test
    data depend on the length only, so every variant and seed sees the same sequences)."""
    model = zoo.load_dir(run_dir)
    rows = []
    for length in LENGTHS:
        task = get_task("copy", min_length=length, max_length=length)
        row = evaluate_task(model, task, sequences=TEST_SEQUENCES, generator=case_generator(0, f"L={length}"),
                            batch_size=TEST_SEQUENCES)
        rows.append({"length": length, "bit_errors": row["bit_errors"], "cost_bits": row["cost_bits"]})
    config = json.loads((run_dir / zoo.CONFIG_FILE).read_text())
    converged = _first_converged(run_dir)
    return {"variant": variant, "model_overrides": VARIANTS[variant], "seed": seed, "budget_sequences": SEQUENCES,
            "sequences": config["sequences"], "wall_seconds": config["wall_seconds"], "best": config["best"],
            "converged_sequences": converged, "test_sequences_per_length": TEST_SEQUENCES, "lengths": rows,
            "parameters": config["parameters"]}


def _first_converged(run_dir: Path):
    """Sequences seen at the first evaluation below 0.1 bit errors (None: never)."""
    row = report.converged_row(read_curve(run_dir / zoo.CURVE_FILE))
    return None if row is None else int(row["sequences"])


def ship(variant: str, seed: int, run_dir: Path, result: dict) -> None:
    """data/ablations/<variant>-seed<S>.json; the zoo seed's model too (small: 250 kB)."""
    if seed == SEEDS[0]:
        target = OUT / variant
        target.mkdir(parents=True, exist_ok=True)
        for name in SHIPPED:
            shutil.copyfile(run_dir / name, target / name)
        model = target / zoo.MODEL_FILE
        write_checksum(model)  # the sidecar that loading checks
    atomic_write_json(OUT / f"{variant}-seed{seed}.json", result)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=Path, default=ROOT / "runs" / "ablations",
                        help="where the training runs and their checkpoints live (outside git)")
    parser.add_argument("--only", action="append", choices=list(VARIANTS), default=[], help="a variant (repeatable)")
    parser.add_argument("--seed", type=int, action="append", default=[],
                        help=f"training seeds (repeatable; default {list(SEEDS)})")
    parser.add_argument("--measure-only", action="store_true", help="measure finished runs, train nothing")
    parser.add_argument("--dry-run", action="store_true", help="print the training commands")
    args = parser.parse_args(argv)
    jobs = [(seed, variant) for seed in (args.seed or SEEDS) for variant in (args.only or VARIANTS)]
    for seed, variant in jobs:
        run_dir = args.runs / variant / f"seed{seed}"
        if args.dry_run:
            print(" ".join(command(variant, seed, run_dir)))
            continue
        start = time.time()
        if not args.measure_only:
            train(variant, seed, run_dir)
        if not finished(run_dir):
            print(f"{variant} seed {seed}: no finished run in {run_dir}; skipped", flush=True)
            continue
        result = measure(variant, seed, run_dir)
        ship(variant, seed, run_dir, result)
        errors = ", ".join(f"L={r['length']}: {r['bit_errors']:.2f}" for r in result["lengths"])
        print(f"{variant} seed {seed}: {time.time() - start:.0f} s; bit errors per sequence {errors}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
