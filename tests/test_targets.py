"""The targets table (tools/targets.py): README.md shows the one the recorded figures give, and a
verdict follows its bound."""
import pytest

from helpers import ROOT, load_tool

targets = load_tool("targets")


def test_readme_shows_the_targets_table_of_the_recorded_figures():
    readme = (ROOT / "README.md").read_text()
    block = "\n".join([targets.TABLE_START, *targets.table(), targets.TABLE_END])
    assert block in readme, "README.md's targets table is stale: run `python tools/results.py --cached`"


def test_every_target_names_a_recorded_case_and_metric():
    for target in targets.TARGETS:
        row = targets.recorded(target.task, target.arch)[target.case]
        assert target.metric in row and target.metric in targets.MEASURES, target


def test_a_verdict_follows_the_bound():
    below = targets.Target("copy", "ntm-lstm", "L=20", "bit_errors", "<", 0.1, "why")
    at_most = targets.Target("priority-sort", "ntm-ff", "training", "cost_bits", "<=", 15, "why")
    assert below.met(0.05) and not below.met(0.1) and at_most.met(15.0) and not at_most.met(15.01)
    assert targets.Target("a", "b", "c", "bit_errors", None, None, "why").met(3.0) is None
    fake = {"L=20": {"bit_errors": 0.3}, "L=120": {"bit_errors": 0.0}, "L=10": {"bit_errors": 0.0}}
    lines = targets.table(lambda task, arch: fake if task == "copy" else targets.recorded(task, arch))
    assert "| copy | ntm-lstm | L=20 | bit errors/seq | 0.300 | < 0.1 (Fig 4: copies twice the training length) | **no** |" \
        in lines


def test_replacing_the_table_needs_both_marks():
    text = f"before\n{targets.TABLE_START}\nold\n{targets.TABLE_END}\nafter"
    assert targets.replace_table(text, ["new"]) == f"before\n{targets.TABLE_START}\nnew\n{targets.TABLE_END}\nafter"
    with pytest.raises(ValueError, match="expected the marks"):
        targets.replace_table("no marks here", ["new"])
