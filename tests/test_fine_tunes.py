"""Fine-tuned zoo models (the recipes with a fine_tune, tools/train_zoo.py), the write-focus ablation
(tools/write_focus.py) and how data/RESULTS.md reports them (tools/results.py)."""
import json

import torch

from ntmlib import zoo
from ntmlib.training.files import load_state_dict_file, read_curve
from ntmlib.training import TrainConfig, build_parser, config_from_args, train
from ntmlib.training.recipes import RECIPES, recipe

from helpers import load_tool, tiny_training

train_zoo = load_tool("train_zoo")
results = load_tool("results")
write_focus = load_tool("write_focus")


def _flag(cmd, name):
    return cmd[cmd.index(name) + 1] if name in cmd else None


FINE_TUNED = [key for key, found in RECIPES.items() if found.fine_tune is not None]


def _config(cmd):
    return config_from_args(build_parser().parse_args(cmd[3:]))


def test_a_fine_tuned_model_trains_its_base_first_then_fine_tunes_from_it():
    assert FINE_TUNED
    for task, arch in FINE_TUNED:
        base = train_zoo.command(task, arch)
        assert _flag(base, "--out") == f"data/{task}/{arch}/base"
        tune = train_zoo.fine_tune_command(task, arch)
        assert _flag(tune, "--init-from") == f"data/{task}/{arch}/base" and "--resume" in tune
        focus = recipe(task, arch).fine_tune.config.write_focus
        if focus:
            assert float(_flag(tune, "--write-focus")) == focus > 0
        else:  # a fine-tune without the term (associative recall's NTM-FF)
            assert "--write-focus" not in tune
        assert _flag(tune, "--select-on")
        assert _flag(tune, "--steps") == str(recipe(task, arch).fine_tune.config.steps)
        if not focus:
            continue
        # The ablation changes lambda and the seed, nothing else.
        off = train_zoo.fine_tune_command(task, arch, seed=7, write_focus=0.0, out="x")
        assert "--write-focus" not in off and _flag(off, "--seed") == "7" and _flag(off, "--out") == "x"
        tuned, ablated = _config(tune).to_dict(), _config(off).to_dict()
        assert {key for key in tuned if tuned[key] != ablated[key]} == {"write_focus", "seed", "out"}
        assert ablated["write_focus"] == 0.0
    assert _flag(train_zoo.command("copy", "ntm-lstm"), "--out") == "data/copy/ntm-lstm"


def test_dry_run_lists_the_fine_tune_and_counts_its_time(capsys):
    task, arch = FINE_TUNED[0]
    assert train_zoo.main(["--dry-run", "--only", f"{task}/{arch}"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert len(out) == 3 and "--init-from" in out[2]
    found = recipe(task, arch)
    assert found.total_seconds == found.seconds + found.fine_tune.seconds > found.seconds
    assert f"{found.total_seconds / 60:.0f} min of training" in out[0]


def test_shipping_joins_the_curves_and_keeps_the_fine_tuned_weights(tmp_path):
    settings = tiny_training(seed=4)
    train(TrainConfig(steps=10, out=str(tmp_path / "base"), **settings))
    train(TrainConfig(steps=5, out=str(tmp_path / "tuned"), init_from=str(tmp_path / "base"), write_focus=1.0,
                      select_on="L=6", **settings))
    (tmp_path / "dest").mkdir()
    train_zoo.ship_fine_tune(tmp_path / "base", tmp_path / "tuned", tmp_path / "dest")
    rows = read_curve(tmp_path / "dest" / "curve.csv")
    assert [r["step"] for r in rows] == [5, 10, 15] and [r["sequences"] for r in rows] == [20, 40, 60]
    assert rows[0]["wall_seconds"] < rows[1]["wall_seconds"] < rows[2]["wall_seconds"]
    assert rows[2]["select_cost_bits"] >= 0 and rows[0].get("select_cost_bits") is None
    info = json.loads((tmp_path / "dest" / "config.json").read_text())
    assert info["sequences"] == 60 and info["base"]["sequences"] == 40 and info["fine_tune"]["sequences"] == 20
    assert info["best"]["step"] == 15 and info["train_config"]["write_focus"] == 1.0
    tuned = load_state_dict_file(tmp_path / "tuned" / "model.pt")
    shipped = zoo.load_dir(tmp_path / "dest").state_dict()
    assert all(torch.equal(tuned[k], shipped[k]) for k in tuned)
    assert "lambda 1, lr 2e-04, from 0k seq for 0k more, chosen on L=6" == results._write_focus(info)
    assert results._write_focus({}) == "-"
    info["fine_tune"]["train_config"]["select_on"] = None  # chosen on the validation set, as priority sort's
    assert results._write_focus(info).endswith("chosen on the validation set")


def _figures(value):
    return {case: {key: value for key in write_focus.FIGURES} for case in write_focus.CASES}


def test_ablation_summary_and_table(tmp_path):
    runs = [{"seed": s, "write_focus": lam, "figures": _figures(s * (1 + 10 * (lam == 0)))}
            for s in (1, 2, 3) for lam in (0.0, 1.0)]
    summary = write_focus.summary(runs)
    assert summary[1.0]["L=20,R=10"]["bit_errors"] == {"median": 2, "min": 1, "max": 3}
    assert summary[0.0]["training"]["cost_bits"]["max"] == 33
    path = tmp_path / "ablation.json"
    assert "Not measured yet" in "\n".join(results.ablation(path))
    path.write_text(json.dumps({"command": "python tools/write_focus.py", "base": {"sequences": 1000, "figures": _figures(9.0)},
                                "settings": {"cases": list(write_focus.CASES), "steps": 5, "sequences_per_case": 10},
                                "runs": runs, "summary": summary}))
    text = "\n".join(results.ablation(path))
    assert "| before the fine-tune | 9.00 |" in text
    assert "| fine-tuned, lambda 1 | 2.00 (1.00 to 3.00) |" in text and "| fine-tuned, lambda 0 | 22.00 (11.00 to 33.00) |" in text
    assert "seeds [1, 2, 3]" in text


def test_the_shipped_fine_tune_generalises_as_recorded_and_its_base_did_not():
    from ntmlib.evaluate import evaluate_task
    from ntmlib.tasks.repeat_copy import RepeatCopyTask

    recorded = {row["case"]: row for row in json.loads((zoo.model_dir("repeat-copy", "ntm-lstm") / "results.json").read_text())}
    assert recorded["L=20,R=10"]["bit_errors"] < 1  # the target, as data/RESULTS.md reports it
    info = zoo.info("repeat-copy", "ntm-lstm")
    assert info["train_config"]["write_focus"] > 0 and info["sequences"] > info["base"]["sequences"]
    generator = torch.Generator().manual_seed(20261201)  # fresh sequences, not the recorded ones
    long_case = RepeatCopyTask(20, 20, 10, 10)
    tuned = evaluate_task(zoo.load("repeat-copy", "ntm-lstm"), long_case, sequences=16, generator=generator, batch_size=16)
    generator.manual_seed(20261201)
    base = evaluate_task(zoo.load_dir(zoo.model_dir("repeat-copy", "ntm-lstm") / "base"), long_case, sequences=16,
                         generator=generator, batch_size=16)
    assert tuned["bit_errors"] <= 3 * recorded["L=20,R=10"]["bit_errors"] + 1.0, tuned
    assert base["bit_errors"] > 10 * max(tuned["bit_errors"], 1.0), (base, tuned)
