"""The zoo's recipes (ntmlib.training.recipes) are how the shipped models in data/ were trained."""
import json
from pathlib import Path

import pytest

from ntmlib.paper import ARCHITECTURES, TASK_NAMES
from ntmlib.training import TrainConfig
from ntmlib.training.recipes import RECIPES, base_dir, recipe

DATA = Path(__file__).resolve().parents[2] / "data"
# What a run's files say about where and how it ran, not what it trained.
MACHINERY = {"out", "resume", "progress", "threads", "device", "compile"}


def _trained(config: TrainConfig) -> dict:
    return {key: value for key, value in json.loads(json.dumps(config.resolved().to_dict())).items()
            if key not in MACHINERY}


def _shipped(saved: dict) -> dict:
    # Files written before a setting existed lack it: it had its default value then.
    defaults = _trained(TrainConfig(task=saved["task"], arch=saved["arch"]))
    return {key: saved.get(key, defaults[key]) for key in defaults}


@pytest.mark.parametrize("task", TASK_NAMES)
@pytest.mark.parametrize("arch", ARCHITECTURES)
def test_every_recipe_reproduces_the_settings_of_the_shipped_model(task, arch):
    shipped = json.loads((DATA / task / arch / "config.json").read_text())
    found = recipe(task, arch)
    if found.fine_tune is None:
        assert "base" not in shipped and _trained(found.config) == _shipped(shipped["train_config"])
    else:  # two stages: the base run's settings and the fine-tune's
        assert _trained(found.config) == _shipped(shipped["base"]["train_config"])
        assert _trained(found.fine_tune.config) == _shipped(shipped["fine_tune"]["train_config"])
        assert found.fine_tune.config.init_from == base_dir(task, arch) == f"data/{task}/{arch}/base"


def test_all_fifteen_models_have_a_recipe_without_an_output_folder_and_a_time():
    assert set(RECIPES) == {(t, a) for t in TASK_NAMES for a in ARCHITECTURES}
    for found in RECIPES.values():
        assert found.config.out is None and found.seconds > 0
    # A model with a fine-tune takes both stages' time: repeat copy's NTM-LSTM 1200 s, then 330 s.
    assert (RECIPES["repeat-copy", "ntm-lstm"].total_seconds, RECIPES["repeat-copy", "lstm"].total_seconds) == (1530, 1200)


def test_recipe_returns_a_copy_and_names_what_it_expected():
    recipe("priority-sort", "ntm-ff").config.lr_drops.append([1, 0.5])
    assert recipe("priority-sort", "ntm-ff").config.lr_drops == RECIPES["priority-sort", "ntm-ff"].config.lr_drops
    assert len(RECIPES["priority-sort", "ntm-ff"].config.lr_drops) == 3
    with pytest.raises(ValueError, match="no zoo recipe for copy/gru"):
        recipe("copy", "gru")
