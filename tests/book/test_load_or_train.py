"""ntmlib.book.chapters.load_or_train: the task chapters' models, from the zoo or trained here."""
from types import SimpleNamespace

import pytest
import torch

from ntmlib import zoo
from ntmlib.book import chapters
from ntmlib.training.recipes import recipe


def test_zoo_models_come_with_their_records(capsys):
    loaded = chapters.load_or_train("copy", archs=("ntm-ff", "lstm"))
    assert list(loaded.models) == ["ntm-ff", "lstm"] and loaded.curves == {}
    assert loaded.trained["lstm"]["sequences"] == zoo.info("copy", "lstm")["sequences"]
    assert loaded.curve("ntm-ff") == zoo.curve("copy", "ntm-ff")
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 2 and lines[0].startswith("NTM with feedforward controller")
    assert f"{zoo.info('copy', 'lstm')['sequences']:,} sequences" in lines[1]


def test_retraining_uses_the_zoo_recipe_for_the_given_seconds(monkeypatch, capsys):
    configs = []
    model = torch.nn.Linear(2, 3)

    def fake_train(config):
        configs.append(config)
        return SimpleNamespace(model=model, curve=[{"sequences": 32, "eval_cost_bits": 1.0}], sequences=32,
                               wall_seconds=6.0, device="cpu")

    monkeypatch.setattr(chapters, "train", fake_train)
    loaded = chapters.load_or_train("repeat-copy", retrain=["ntm-lstm"], seconds=7)
    (config,) = configs
    zoo_config = recipe("repeat-copy", "ntm-lstm").config
    assert (config.task, config.arch, config.lr, config.seed) == ("repeat-copy", "ntm-lstm", zoo_config.lr, zoo_config.seed)
    assert config.max_seconds == 7.0 and config.device == "auto"
    assert loaded.models["ntm-lstm"] is model and set(loaded.models) == {"ntm-lstm", "ntm-ff", "lstm"}
    assert loaded.curve("ntm-lstm") == [{"sequences": 32, "eval_cost_bits": 1.0}]
    assert "trained here on        32 sequences" in capsys.readouterr().out
    chapters.load_or_train("repeat-copy", archs=("lstm",), retrain=True, seconds=1, seed=5,
                           task_kwargs={"max_repeats": 20})
    assert (configs[-1].arch, configs[-1].seed, configs[-1].task_kwargs) == ("lstm", 5, {"max_repeats": 20})


def test_missing_models_and_bad_names(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("NTM_DATA_DIR", str(tmp_path))
    loaded = chapters.load_or_train("copy")
    assert loaded.models == {}
    assert capsys.readouterr().out.count("not in the zoo yet; train it with:") == 3
    with pytest.raises(ValueError, match="not among archs"):
        chapters.load_or_train("copy", archs=("lstm",), retrain=["ntm-lstm"])
