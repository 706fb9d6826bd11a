"""The zoo interface: ntmlib.zoo.load(task, arch) and friends, against a
temporary zoo (NTM_DATA_DIR) holding a tiny trained model."""

import json

import pytest
import torch

from ntmlib import zoo
from ntmlib.paper import ARCHITECTURES, TASK_NAMES
from ntmlib.training import CURVE_COLUMNS, TrainConfig, train

from helpers import TINY_NTM


@pytest.fixture
def tiny_zoo(tmp_path, monkeypatch):
    """A zoo with copy/ntm-lstm trained for a few steps, and copy/lstm."""
    monkeypatch.setenv("NTM_DATA_DIR", str(tmp_path))
    for arch, overrides in (("ntm-lstm", TINY_NTM), ("lstm", {"hidden_size": 6, "num_layers": 2})):
        train(TrainConfig(task="copy", arch=arch, steps=6, batch_size=2, eval_every=3, eval_sequences=4,
                          model_overrides=overrides, task_kwargs={"max_length": 3}, compile=False, progress=False,
                          out=str(tmp_path / "copy" / arch)))
    return tmp_path


def test_data_dir_default_and_override(tmp_path, monkeypatch):
    monkeypatch.delenv("NTM_DATA_DIR", raising=False)
    assert zoo.data_dir().name == "data"
    assert (zoo.data_dir().parent / "ntmlib" / "zoo.py").exists()  # beside the package
    monkeypatch.setenv("NTM_DATA_DIR", str(tmp_path))
    assert zoo.data_dir() == tmp_path
    assert zoo.model_dir("copy", "lstm") == tmp_path / "copy" / "lstm"


def test_unknown_names_name_the_known_ones():
    with pytest.raises(ValueError) as error:
        zoo.load("copying", "ntm-lstm")
    assert all(task in str(error.value) for task in TASK_NAMES)
    with pytest.raises(ValueError) as error:
        zoo.load("copy", "ntm")
    assert all(arch in str(error.value) for arch in ARCHITECTURES)
    for function in (zoo.info, zoo.curve):
        with pytest.raises(ValueError):
            function("copy", "transformer")


def test_missing_model_names_the_file_and_the_train_command(tmp_path, monkeypatch):
    monkeypatch.delenv("NTM_DATA_DIR", raising=False)
    monkeypatch.setattr(zoo, "data_dir", lambda: tmp_path / "data")
    with pytest.raises(FileNotFoundError) as error:
        zoo.load("repeat-copy", "ntm-ff")
    message = str(error.value)
    assert str(tmp_path / "data" / "repeat-copy" / "ntm-ff") in message
    assert "python -m ntmlib.training --task repeat-copy --arch ntm-ff --out data/repeat-copy/ntm-ff" in message


def test_missing_model_with_a_data_dir_override(tmp_path, monkeypatch):
    monkeypatch.setenv("NTM_DATA_DIR", str(tmp_path))
    (tmp_path / "copy" / "lstm").mkdir(parents=True)
    (tmp_path / "copy" / "lstm" / "config.json").write_text("{}")
    with pytest.raises(FileNotFoundError) as error:
        zoo.load("copy", "lstm")
    assert "model.pt" in str(error.value)
    assert f"python -m ntmlib.training --task copy --arch lstm --out {tmp_path / 'copy' / 'lstm'}" in str(error.value)
    with pytest.raises(FileNotFoundError, match="ntmlib.training"):
        zoo.info("ngrams", "lstm")
    with pytest.raises(FileNotFoundError, match="curve.csv"):
        zoo.curve("ngrams", "lstm")


def test_load_returns_an_eval_mode_cpu_module(tiny_zoo):
    model = zoo.load("copy", "ntm-lstm")
    assert isinstance(model, torch.nn.Module)
    assert not model.training
    assert all(p.device.type == "cpu" for p in model.parameters())
    for batch, steps in ((1, 3), (3, 41), (2, 130)):  # any B and T, far beyond training lengths
        logits = model(torch.rand(batch, steps, 9))
        assert logits.shape == (batch, steps, 8)
    trace = model.trace(torch.rand(2, 5, 9))  # the weightings of a call, for figures
    assert trace.read_weightings.shape[:2] == (2, 5) and trace.add_vectors.shape[:2] == (2, 5)
    baseline = zoo.load("copy", "lstm")
    assert baseline(torch.rand(2, 7, 9)).shape == (2, 7, 8)


def test_load_gives_the_best_weights_and_uses_weights_only(tiny_zoo, monkeypatch):
    calls = []
    real_load = torch.load

    def spy(*args, **kwargs):
        calls.append(kwargs.get("weights_only"))
        return real_load(*args, **kwargs)

    monkeypatch.setattr(torch, "load", spy)
    model = zoo.load("copy", "ntm-lstm")
    assert calls and all(flag is True for flag in calls)
    saved = real_load(tiny_zoo / "copy" / "ntm-lstm" / "model.pt", weights_only=True)
    for name, tensor in model.state_dict().items():
        assert torch.equal(tensor, saved[name])


def test_available_info_and_curve(tiny_zoo):
    assert zoo.available() == [("copy", "ntm-lstm"), ("copy", "lstm")]
    info = zoo.info("copy", "ntm-lstm")
    assert info["task"] == "copy" and info["arch"] == "ntm-lstm"
    for key in ("model_kwargs", "train_config", "seed", "device", "torch_version", "wall_seconds", "sequences",
                "best", "parameters"):
        assert key in info, key
    assert info["sequences"] == 12 and info["best"]["eval_cost_bits"] > 0
    json.dumps(info)  # plain JSON
    rows = zoo.curve("copy", "ntm-lstm")
    assert [row["step"] for row in rows] == [3, 6]
    assert list(rows[0])[:len(CURVE_COLUMNS)] == list(CURVE_COLUMNS)
    assert isinstance(rows[0]["sequences"], int) and isinstance(rows[0]["eval_cost_bits"], float)


def test_load_dir_checks_the_task(tiny_zoo):
    model = zoo.load_dir(tiny_zoo / "copy" / "lstm")
    assert not model.training
    with pytest.raises(ValueError, match="holds a model for task 'copy'"):
        zoo.load_dir(tiny_zoo / "copy" / "lstm", task="ngrams", arch="lstm")
