"""The ablation options of the heads (fixed gate, fixed gamma, no shift): what each
removes, that nothing else changes, their argument checks and their gradients."""
import json

import pytest
import torch

from ntmlib import addressing as A
from ntmlib import zoo
from ntmlib.heads import HeadBank
from ntmlib.ntm import NTM
from ntmlib.training import TrainConfig, train

from helpers import tiny_training


def tiny(**options) -> NTM:
    torch.manual_seed(0)
    return NTM(3, 2, memory_size=6, memory_width=4, controller_size=8, **options)


def sequence(batch=2, steps=5, seed=1) -> torch.Tensor:
    return torch.rand(batch, steps, 3, generator=torch.Generator().manual_seed(seed))


@pytest.mark.parametrize("option, value", [("fixed_gate", 1.0), ("fixed_gate", 0.25), ("fixed_gamma", 1.0),
                                           ("fixed_gamma", 3.0)])
def test_fixed_parameter_is_that_constant_on_every_step(option, value):
    trace = tiny(**{option: value}).trace(sequence())
    name = option.removeprefix("fixed_")
    assert torch.equal(getattr(trace, name), torch.full_like(getattr(trace, name), value))


def test_each_fixed_parameter_takes_one_projection_output_per_head_away():
    full = HeadBank(8, 4, num_read=2, num_write=1).projection.out_features
    assert HeadBank(8, 4, 2, 1, fixed_gate=1.0).projection.out_features == full - 3
    assert HeadBank(8, 4, 2, 1, fixed_gate=1.0, fixed_gamma=1.0).projection.out_features == full - 6
    assert HeadBank(8, 4, 2, 1, max_shift=0).projection.out_features == full - 2 * 3


def test_gate_one_forgets_the_previous_weighting():
    """With g = 1 the first step's weighting is the same whatever the initial weighting."""
    x = sequence()
    first, second = tiny(fixed_gate=1.0), tiny(fixed_gate=1.0)
    with torch.no_grad():
        second.initial_weighting_logits.copy_(torch.randn(second.initial_weighting_logits.shape))
    assert torch.allclose(first.trace(x).read_weightings, second.trace(x).read_weightings, atol=1e-6)
    learned = tiny()  # the learned gate does depend on it
    with torch.no_grad():
        learned.initial_weighting_logits.copy_(second.initial_weighting_logits)
    assert not torch.allclose(tiny().trace(x).read_weightings, learned.trace(x).read_weightings, atol=1e-3)


def test_gamma_one_is_no_sharpening_and_no_shift_is_the_identity():
    weighting = torch.softmax(torch.randn(2, 3, 6), dim=-1)
    assert torch.allclose(A.sharpen(weighting, torch.ones(2, 3)), weighting, atol=1e-6)
    trace = tiny(max_shift=0).trace(sequence())
    assert trace.shift.shape[-1] == 1 and torch.equal(trace.shift, torch.ones_like(trace.shift))


def test_options_show_in_the_module_repr():
    text = repr(tiny(fixed_gate=1.0, fixed_gamma=2.0, max_shift=0).heads)
    assert "fixed_gate=1.0" in text and "fixed_gamma=2.0" in text and "max_shift=0" in text
    assert "fixed" not in repr(tiny().heads)


@pytest.mark.parametrize("option, value", [("fixed_gate", 1.5), ("fixed_gate", -0.1), ("fixed_gate", float("nan")),
                                           ("fixed_gamma", 0.5), ("fixed_gamma", float("nan")), ("fixed_gamma", True),
                                           ("fixed_gamma", "1")])
def test_bad_fixed_values_raise_one_clear_error(option, value):
    with pytest.raises(ValueError, match=f"{option} must be None \\(learned\\) or a number"):
        tiny(**{option: value})


@pytest.mark.parametrize("options", [{"fixed_gate": 1.0}, {"fixed_gamma": 1.0}, {"max_shift": 0},
                                     {"fixed_gate": 0.5, "fixed_gamma": 2.0}])
def test_gradcheck_of_the_whole_model_in_float64(options):
    model = tiny(**options).double()
    x = sequence(batch=1, steps=3).double().requires_grad_()
    assert torch.autograd.gradcheck(lambda inputs: model(inputs), (x,))


def test_a_trained_ablation_reloads_with_its_options(tmp_path):
    settings = tiny_training(seed=0)
    settings["model_overrides"] = {**settings["model_overrides"], "fixed_gamma": 1.0, "max_shift": 0}
    train(TrainConfig(**settings, steps=5, out=str(tmp_path)))
    saved = json.loads((tmp_path / zoo.CONFIG_FILE).read_text())["model_kwargs"]
    assert saved["fixed_gamma"] == 1.0 and saved["max_shift"] == 0
    model = zoo.load_dir(tmp_path)
    assert model.heads.fixed_gamma == 1.0 and model.heads.max_shift == 0
