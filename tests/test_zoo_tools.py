"""The zoo's scripts: tools/train_zoo.py builds the training commands, tools/results.py
writes data/RESULTS.md."""
import json
from dataclasses import replace

from ntmlib.paper import ARCHITECTURES, TASK_NAMES
from ntmlib.training import build_parser, config_from_args
from ntmlib.training.recipes import RECIPES, base_dir, recipe

from helpers import load_tool

train_zoo = load_tool("train_zoo")
results = load_tool("results")


def _flag(cmd, name):
    return cmd[cmd.index(name) + 1] if name in cmd else None


def _config(cmd):
    return config_from_args(build_parser().parse_args(cmd[3:]))


def test_wall_time_budget_is_shared_by_the_three_architectures_of_a_task():
    for task in TASK_NAMES:
        timed = [recipe(task, arch) for arch in ARCHITECTURES if recipe(task, arch).config.max_seconds is not None]
        # At most one budget per task (priority sort's three all train by steps instead).
        assert len({r.config.max_seconds for r in timed}) <= 1 and all(r.seconds == r.config.max_seconds for r in timed)
        for found in timed:
            assert _flag(train_zoo.command(task, found.config.arch), "--max-seconds") == f"{found.config.max_seconds:g}"
    assert sum(1 for r in RECIPES.values() if r.config.max_seconds is not None) >= 6
    lstm = train_zoo.command("copy", "lstm")
    assert "--memory-init" not in lstm and _flag(lstm, "--out") == "data/copy/lstm" and "--resume" in lstm


def test_step_budgets_replace_the_wall_time_and_match_for_the_baseline():
    by_steps = {key: found for key, found in RECIPES.items() if found.config.max_seconds is None}
    assert by_steps
    for (task, arch), found in by_steps.items():
        cmd = train_zoo.command(task, arch)
        assert _flag(cmd, "--steps") == str(found.config.steps) and "--max-seconds" not in cmd
        # The LSTM baseline of a task gets at least the sequences of any NTM trained by steps.
        assert recipe(task, "lstm").config.max_seconds is None and recipe(task, "lstm").config.steps >= found.config.steps


def test_every_command_trains_its_recipe_resumably_into_data():
    for (task, arch), found in RECIPES.items():
        config = _config(train_zoo.command(task, arch))
        assert config == replace(found.config, out=base_dir(task, arch), resume=True, progress=False)


def test_dry_run_prints_every_command_and_the_expected_time(capsys):
    assert train_zoo.main(["--dry-run", "--only", "priority-sort"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("3 runs") and len(out) == 4
    longest = max(recipe("priority-sort", a).seconds for a in ARCHITECTURES)
    assert f"about {longest / 60:.0f} min wall time" in out[0]


def test_seed_study_table(tmp_path):
    path = tmp_path / "memory_init.json"
    assert "Not measured yet" in "\n".join(results.seed_study(path))
    run = {"scheme": "constant", "converged": True, "sequences": 32000, "seconds": 40.0, "length120_bit_errors": 0.5}
    spread = {"median": 1.0, "min": 0.0, "max": 2.0}
    path.write_text(json.dumps({
        "command": "python tools/beyond.py", "settings": {"max_steps": 5000},
        "summary": {"constant": {"runs": 2, "converged": 2, "diverged": 0, "sequences": spread, "seconds": spread,
                                 "length120_bit_errors": spread}},
        "results": {"constant/seed0": {**run, "seed": 0}, "constant/seed1": {**run, "seed": 1, "converged": False},
                    "learned/seed0": {**run, "scheme": "learned", "seed": 0}}}))
    text = "\n".join(results.seed_study(path))
    assert "2 of 2 converged" in text
    assert "| 0 | yes | 32,000 | 40 | 0.5 |" in text and "| 1 | no |" in text
    assert text.count("| 32,000 |") == 2  # the learned-memory run is not part of the zoo's setting


def test_schedule_column_shows_every_drop():
    assert results._schedule({"lr": 3e-4, "batch_size": 32}) == "3e-04"
    text = results._schedule({"lr": 9e-5, "batch_size": 32, "lr_drops": [[25000, 1 / 3], [29000, 1 / 3]]})
    assert text == "9e-05, 3.0e-05 from 800k seq, 1.0e-05 from 928k seq"
