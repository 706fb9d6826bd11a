"""The zoo's scripts: tools/train_zoo.py builds the training commands, tools/results.py
writes data/RESULTS.md."""
import json

from helpers import load_tool

train_zoo = load_tool("train_zoo")
results = load_tool("results")


def _flag(cmd, name):
    return cmd[cmd.index(name) + 1] if name in cmd else None


def test_wall_time_budget_is_shared_by_the_three_architectures_of_a_task():
    for task, (seconds, _) in train_zoo.BUDGETS.items():
        commands = [train_zoo.command(task, arch) for arch in train_zoo.ARCHS if (task, arch) not in train_zoo.STEPS]
        assert {_flag(cmd, "--max-seconds") for cmd in commands} <= {str(seconds)}
    lstm = train_zoo.command("copy", "lstm")
    assert "--memory-init" not in lstm and _flag(lstm, "--out") == "data/copy/lstm" and "--resume" in lstm


def test_step_budgets_replace_the_wall_time_and_match_for_the_baseline():
    for (task, arch), (steps, _) in train_zoo.STEPS.items():
        cmd = train_zoo.command(task, arch)
        assert _flag(cmd, "--steps") == str(steps) and "--max-seconds" not in cmd
    # The LSTM baseline of a task gets at least the sequences of any NTM trained by steps.
    for (task, arch), (steps, _) in train_zoo.STEPS.items():
        if arch != "lstm":
            assert train_zoo.STEPS.get((task, "lstm"), (0,))[0] >= steps


def test_dry_run_prints_every_command_and_the_expected_time(capsys):
    assert train_zoo.main(["--dry-run", "--only", "priority-sort"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("3 runs") and len(out) == 4
    longest = max(train_zoo.STEPS.get(("priority-sort", a), (None, 720))[1] for a in train_zoo.ARCHS)
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
