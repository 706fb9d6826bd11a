"""Bad input to the library is a clear error naming what was expected: constructors, calls,
dtypes, task batches, model directories, evaluation; and integers are integers alike
everywhere (NumPy's accepted, bools refused)."""
import json
import re

import numpy as np
import pytest
import torch

from ntmlib.training import loop
from ntmlib import zoo
from ntmlib.baseline import StackedLSTM
from ntmlib.training.files import CheckpointError
from ntmlib.paper import build_model
from ntmlib.controllers import make_controller
from ntmlib.evaluate import evaluate
from ntmlib.heads import HeadBank
from ntmlib.ntm import NTM
from ntmlib.tasks import CopyTask, get_task
from ntmlib.training import TrainConfig, TrainingDiverged, train

from helpers import tiny_training

SMALL = dict(memory_size=8, memory_width=4, controller_size=8)

# (what is called, its arguments, the error, a pattern its message must match)
CONSTRUCTOR_CASES = [
    (NTM, (9, 8), dict(SMALL, num_read_heads=1.5), TypeError, r"num_read_heads must be an integer >= 0, got 1\.5"),
    (NTM, (9, 8), dict(SMALL, num_read_heads=True), TypeError, r"num_read_heads must be an integer.*True \(bool\)"),
    (NTM, (9, 8), dict(SMALL, num_read_heads="1"), TypeError, r"num_read_heads must be an integer.*'1' \(str\)"),
    (NTM, (9, 8), dict(SMALL, num_read_heads=-1), ValueError, r"num_read_heads must be an integer >= 0, got -1"),
    (NTM, (9, 8), dict(SMALL, num_write_heads=2.0), TypeError, r"num_write_heads must be an integer"),
    (NTM, (9, 8), dict(SMALL, num_read_heads=0, num_write_heads=0), ValueError, r"at least one head"),
    (NTM, (9, 8), dict(SMALL, controller_size=100.0), TypeError, r"controller_size must be a positive integer or a"),
    (NTM, (9, 8), dict(SMALL, controller_size=True), TypeError, r"controller_size must be a positive integer"),
    (NTM, (9, 8), dict(SMALL, controller_size=(16, 0)), ValueError, r"controller_size .*got \(16, 0\)"),
    (NTM, (9, 8), dict(SMALL, controller_size="100"), TypeError, r"controller_size must be"),
    (NTM, (9, 8), dict(SMALL, controller="gru"), ValueError, r"unknown controller kind 'gru'; expected one of"),
    (NTM, (9, 8), dict(SMALL, max_shift=1.0), TypeError, r"max_shift must be an integer >= 0"),
    (NTM, (9, 8), dict(SMALL, max_shift=4), ValueError, r"2\*max_shift\+1 <= memory_size=8"),
    (NTM, (9, 8), dict(SMALL, shift_mode="cubic"), ValueError, r"unknown shift_mode 'cubic'"),
    (NTM, (9, 8), dict(SMALL, memory_init="zeros"), ValueError, r"unknown memory_init 'zeros'"),
    (NTM, (9.0, 8), SMALL, TypeError, r"input_width must be an integer >= 1, got 9\.0"),
    (NTM, (True, 8), SMALL, TypeError, r"input_width must be an integer .*bool"),
    (NTM, (9, 0), SMALL, ValueError, r"output_width must be an integer >= 1, got 0"),
    (NTM, (9, 8), dict(SMALL, memory_size=np.float32(8)), TypeError, r"memory_size must be an integer"),
    (StackedLSTM, (9, 8), dict(hidden_size=8.5), TypeError, r"hidden_size must be an integer >= 1"),
    (StackedLSTM, (9, 8), dict(num_layers=True), TypeError, r"num_layers must be an integer .*bool"),
    (StackedLSTM, (9, 8), dict(num_layers=0), ValueError, r"num_layers must be an integer >= 1, got 0"),
    (HeadBank, (8, 4, 1, -2), {}, ValueError, r"num_write_heads must be an integer >= 0, got -2"),
    (make_controller, ("lstm", 4, (8, 2.5)), {}, TypeError, r"controller_size must be"),
    (get_task, ("copy",), dict(foo=1), ValueError, r"unknown argument\(s\) foo for task 'copy'; expected some of: "
                                                  r"min_length, max_length"),
    (CopyTask, (5, 2), {}, ValueError, r"min_length <= max_length"),
    (CopyTask, (True, 2), {}, ValueError, r"min_length to be an integer"),
    (build_model, ("copy", "ntm-lstm"), dict(foo=1), ValueError, r"unknown model argument\(s\) foo for ntm-lstm"),
    (build_model, ("copy", "lstm"), dict(memory_size=8), ValueError, r"unknown model argument\(s\) memory_size for lstm"),
]


@pytest.mark.parametrize("function, args, kwargs, error, pattern", CONSTRUCTOR_CASES,
                         ids=[f"{c[0].__name__}-{i}" for i, c in enumerate(CONSTRUCTOR_CASES)])
def test_bad_constructor_arguments_are_one_clear_error(function, args, kwargs, error, pattern):
    with pytest.raises(error) as raised:
        function(*args, **kwargs)
    message = str(raised.value)
    assert re.search(pattern, message), message
    assert "\n" not in message


def test_numpy_integers_are_integers_everywhere():
    n = np.int64
    ntm = NTM(n(9), n(8), memory_size=n(8), memory_width=n(4), num_read_heads=n(2), controller_size=n(8),
              max_shift=n(1))
    assert (ntm.input_width, ntm.memory_size, ntm.num_read_heads) == (9, 8, 2)
    assert all(type(v) is int for v in (ntm.input_width, ntm.memory_size, ntm.num_read_heads))
    assert ntm.controller.sizes == (8,) and type(ntm.controller.sizes[0]) is int
    lstm = StackedLSTM(n(9), n(8), hidden_size=n(8), num_layers=n(2))
    assert lstm(torch.zeros(1, 2, 9)).shape == (1, 2, 8)
    x, _, _ = CopyTask(n(1), n(3)).batch(n(2), torch.Generator().manual_seed(0))
    assert ntm(x).shape[0] == 2
    rows = evaluate(ntm, "copy", sequences=n(3), batch_size=n(2), seed=n(1), cases=["L=10"])
    assert rows[0]["sequences"] == 3


def test_numpy_integers_in_a_training_config_reach_config_json_as_ints(tmp_path):
    n = np.int64
    settings = {**tiny_training(seed=0), "model_overrides": {"memory_size": n(8), "controller_size": (n(8),)},
                "task_kwargs": {"max_length": n(3)}}
    result = train(TrainConfig(steps=n(4), out=str(tmp_path), **{**settings, "eval_every": n(2), "seed": n(0)}))
    saved = json.loads((tmp_path / "config.json").read_text())
    assert result.steps == 4 and saved["model_kwargs"]["memory_size"] == 8 and saved["train_config"]["seed"] == 0
    with pytest.raises(ValueError, match="steps must be an integer >= 1, got True"):
        TrainConfig(steps=True).validate()


@pytest.mark.parametrize("make", [lambda: NTM(9, 8, **SMALL), lambda: StackedLSTM(9, 8, hidden_size=8, num_layers=2)],
                         ids=["NTM", "StackedLSTM"])
@pytest.mark.parametrize("dtype", [torch.float64, torch.float16])
def test_an_input_in_another_dtype_is_refused_the_same_way_by_both_models(make, dtype):
    model = make()
    with pytest.raises(TypeError, match=rf"expected an input in the model's dtype torch.float32, got {dtype}"):
        model(torch.zeros(2, 3, 9, dtype=dtype))
    assert model.double()(torch.zeros(2, 3, 9, dtype=torch.float64)).dtype == torch.float64  # converted on purpose


def test_a_float16_ntm_works():
    torch.manual_seed(0)
    model = NTM(9, 8, memory_size=32, memory_width=8, controller_size=32)
    x, _, _ = CopyTask().batch(4, torch.Generator().manual_seed(0))
    reference = model(x)
    half = model.half()(x.half())
    assert torch.isfinite(half).all()  # EPS = 1e-8 underflowed to 0 in float16: every output was NaN
    assert (half.float() - reference).abs().max() < 0.05


def test_a_batch_with_a_seed_instead_of_a_generator():
    with pytest.raises(TypeError, match=r"expected generator to be a torch.Generator or None, got 42 \(int\); "
                                        r"for a seed pass torch.Generator\(\).manual_seed\(seed\)"):
        CopyTask().batch(2, 42)


def test_evaluate_checks_its_model_and_runs_at_one_thread(monkeypatch):
    with pytest.raises(TypeError, match="expected model to be a torch.nn.Module"):
        evaluate("copy", "copy")
    seen = []

    class Spy(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.weight = torch.nn.Parameter(torch.zeros(1))

        def forward(self, x):
            seen.append(torch.get_num_threads())
            return torch.zeros(*x.shape[:2], 8)

    torch.set_num_threads(2)
    evaluate(Spy(), "copy", sequences=2, cases=["L=10"])
    assert seen == [1] and torch.get_num_threads() == 2  # the fast setting inside, restored after
    evaluate(Spy(), "copy", sequences=2, cases=["L=10"], threads=None)
    assert seen[-1] == 2


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory):
    out = tmp_path_factory.mktemp("run")
    train(TrainConfig(steps=2, out=str(out), **{**tiny_training(seed=0), "eval_every": 2}))
    return out


def _damage_config(directory, change):
    path = directory / "config.json"
    if callable(change):
        data = json.loads(path.read_text())
        change(data)
        path.write_text(json.dumps(data))
    else:
        path.write_text(change)


# (how config.json is damaged, the error, a pattern its message must match besides the file name)
CONFIG_CASES = [
    (lambda c: c.pop("model_kwargs"), ValueError, r"lacks \['model_kwargs'\]: expected the config.json"),
    (lambda c: c["model_kwargs"].update(memory_size=16), CheckpointError, r"does not fit the model that .* describes"),
    (lambda c: c["model_kwargs"].update(colour=1), ValueError, r"model_kwargs do not build a model: unknown model"),
    ('{"task": "copy", "arch": ', ValueError, r"not valid JSON"),
    ("[1, 2]", ValueError, r"holds a JSON list, expected an object"),
]


@pytest.mark.parametrize("change, error, pattern", CONFIG_CASES)
def test_a_damaged_model_directory_is_an_error_naming_the_file(run_dir, tmp_path, change, error, pattern):
    directory = tmp_path / "copy"
    directory.mkdir()
    for name in ("config.json", "model.pt", "model.pt.sha256"):
        (directory / name).write_bytes((run_dir / name).read_bytes())
    _damage_config(directory, change)
    with pytest.raises(error) as raised:
        zoo.load_dir(directory)
    assert str(directory) in str(raised.value) and re.search(pattern, str(raised.value)), str(raised.value)


def test_zoo_load_names_a_broken_config(tmp_path, monkeypatch, run_dir):
    monkeypatch.setenv("NTM_DATA_DIR", str(tmp_path))
    directory = tmp_path / "copy" / "ntm-lstm"
    directory.mkdir(parents=True)
    (directory / "model.pt").write_bytes((run_dir / "model.pt").read_bytes())
    (directory / "config.json").write_text('{"task": ')
    with pytest.raises(ValueError, match=rf"cannot read {re.escape(str(directory / 'config.json'))}: not valid JSON"):
        zoo.load("copy", "ntm-lstm")


def test_after_a_divergence_before_any_model_no_model_is_claimed(monkeypatch, tmp_path):
    monkeypatch.setattr(loop, "cost_bits", lambda logits, y, mask: (logits * float("nan")).sum())
    with pytest.raises(TrainingDiverged) as error:
        train(TrainConfig(steps=500, out=str(tmp_path), **{**tiny_training(seed=0), "max_bad_steps": 2, "eval_every": 100}))
    message = str(error.value)
    assert "No model was saved" in message and "kept" not in message
    assert not (tmp_path / "model.pt").exists()
