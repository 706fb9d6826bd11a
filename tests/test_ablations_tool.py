"""tools/ablations.py: the training commands it runs and the files it writes, on a tiny budget."""
import json

from ntmlib import zoo
from ntmlib.training.recipes import recipe

from helpers import load_tool


def test_commands_differ_only_in_the_ablated_option(tmp_path):
    tool = load_tool("ablations")
    commands = {v: tool.command(v, 1, tmp_path / v) for v in tool.VARIANTS}
    assert "--model-arg" not in commands["full"]
    for variant, option in (("gamma-1", "fixed_gamma=1.0"), ("no-shift", "max_shift=0")):
        at = commands[variant].index("--model-arg")
        assert commands[variant][at + 1] == option and commands[variant].count("--model-arg") == 1
        rest = commands[variant][:at] + commands[variant][at + 2:]
        assert rest == [str(tmp_path / variant) if a == str(tmp_path / "full") else a for a in commands["full"]]
    steps = {c[c.index("--steps") + 1] for c in commands.values()}
    batch = recipe("copy", "ntm-lstm").config.batch_size
    assert steps == {str(tool.SEQUENCES // batch)}  # the same budget for every variant


def test_train_measure_and_ship_a_tiny_run(tmp_path, monkeypatch):
    tool = load_tool("ablations")
    full_command = tool.command
    monkeypatch.setattr(tool, "command", lambda *a: full_command(*a) + ["--no-compile", "--eval-sequences", "4",
                                                                        "--eval-every", "1"])
    monkeypatch.setattr(tool, "SEQUENCES", 2 * recipe("copy", "ntm-lstm").config.batch_size)
    monkeypatch.setattr(tool, "LENGTHS", (3, 5))
    monkeypatch.setattr(tool, "TEST_SEQUENCES", 2)
    monkeypatch.setattr(tool, "OUT", tmp_path / "data")
    assert tool.main(["--runs", str(tmp_path / "runs"), "--only", "no-shift"]) == 0
    result = json.loads((tmp_path / "data" / "no-shift-seed1.json").read_text())
    assert [row["length"] for row in result["lengths"]] == [3, 5] and result["sequences"] == 64
    assert result["model_overrides"] == {"max_shift": 0}
    model = zoo.load_dir(tmp_path / "data" / "no-shift")  # checksum sidecar written and checked
    assert model.heads.max_shift == 0
    assert tool.main(["--runs", str(tmp_path / "runs"), "--only", "no-shift"]) == 0  # a finished run is not retrained
