"""Interventions (ntmlib.Intervention): mechanisms switched off in a model while it runs.

Each switch forces exactly what it names on exactly the heads it names, an empty one
changes nothing, bad values are one-line errors, gradients still flow (float64
gradcheck), and on the trained copy model removing the shift breaks the copy."""
import pytest
import torch

from ntmlib import Intervention, zoo
from ntmlib.ntm import NTM
from ntmlib.tasks import CopyTask


def tiny(**options) -> NTM:
    torch.manual_seed(0)
    return NTM(3, 2, memory_size=6, memory_width=4, controller_size=8, num_read_heads=2, num_write_heads=1,
               **options).double()


def sequence(batch=2, steps=5, seed=1) -> torch.Tensor:
    return torch.rand(batch, steps, 3, generator=torch.Generator().manual_seed(seed), dtype=torch.float64)


def test_an_empty_intervention_changes_nothing():
    model, x = tiny(), sequence()
    plain, empty = model.trace(x), model.trace(x, intervention=Intervention())
    for name, value in vars(plain).items():
        assert torch.equal(value, getattr(empty, name)), name
    assert torch.equal(model(x), model(x, intervention=[Intervention(), Intervention()]))


@pytest.mark.parametrize("switch, field, value", [
    (Intervention(gamma_one=True), "gamma", 1.0), (Intervention(gate=1.0), "gate", 1.0),
    (Intervention(gate=0.0), "gate", 0.0), (Intervention(gamma_one=True, heads=[2]), "gamma", 1.0)])
def test_a_forced_parameter_is_that_value_on_the_heads_named_only(switch, field, value):
    trace = tiny().trace(sequence(), intervention=switch)
    heads = list(switch.heads or range(3))
    others = [h for h in range(3) if h not in heads]
    forced = getattr(trace, field)
    assert torch.equal(forced[:, :, heads], torch.full_like(forced[:, :, heads], value))
    assert not torch.any(forced[:, :, others] == value)


def test_no_shift_puts_all_mass_on_offset_zero_and_beta_cap_caps():
    trace = tiny().trace(sequence(), intervention=Intervention(no_shift=True, beta_cap=0.3))
    assert torch.equal(trace.shift, torch.tensor([0.0, 1.0, 0.0], dtype=torch.float64).expand_as(trace.shift))
    plain = tiny().trace(sequence())
    assert trace.beta.max() <= 0.3 and plain.beta.max() > 0.3


def test_write_at_peak_makes_the_write_one_hot_at_the_largest_weight():
    model, x = tiny(), sequence()
    trace = model.trace(x, intervention=Intervention(write_at_peak=True))
    w = trace.write_weightings
    assert torch.equal(w.max(dim=-1).values, torch.ones_like(w[..., 0])) and torch.equal(w.sum(-1), w.max(-1).values)
    # the first step's write is the peak of what the model would have written
    assert torch.equal(w[:, 0].argmax(-1), model.trace(x).write_weightings[:, 0].argmax(-1))
    # read heads are left alone: still blurry
    assert trace.read_weightings.max() < 1


def test_interventions_in_sequence_apply_one_per_head():
    model, x = tiny(), sequence()
    trace = model.trace(x, intervention=[Intervention(gate=1.0, heads=[0]), Intervention(gate=0.0, heads=(1,))])
    assert torch.all(trace.gate[:, :, 0] == 1) and torch.all(trace.gate[:, :, 1] == 0)
    assert not torch.any(trace.gate[:, :, 2] == 1)


@pytest.mark.parametrize("kwargs, error, text", [
    ({"gate": 1.5}, ValueError, "gate must be None"), ({"gate": float("nan")}, ValueError, "gate must be None"),
    ({"beta_cap": -1.0}, ValueError, "beta_cap must be None"), ({"gamma_one": 1}, TypeError, "gamma_one must be"),
    ({"heads": []}, ValueError, "heads must be None"), ({"heads": "0"}, TypeError, "heads must be None"),
    ({"heads": [-1]}, ValueError, "heads must be None")])
def test_bad_switches_are_one_line_errors(kwargs, error, text):
    with pytest.raises(error, match=text):
        Intervention(**kwargs)


def test_out_of_range_heads_and_wrong_types_are_one_line_errors():
    with pytest.raises(ValueError, match="out of range: the model has 3 heads"):
        tiny().trace(sequence(), intervention=Intervention(gamma_one=True, heads=[3]))
    with pytest.raises(TypeError, match="intervention must be None, an ntmlib.Intervention"):
        tiny()(sequence(), intervention={"gamma_one": True})


@pytest.mark.parametrize("switch", [Intervention(gamma_one=True, gate=1.0), Intervention(no_shift=True, beta_cap=0.5),
                                    Intervention(write_at_peak=True, heads=[2]), Intervention(gate=0.0, heads=[1])])
def test_gradcheck_through_an_intervention_in_float64(switch):
    model = tiny()
    x = sequence(batch=1, steps=3).requires_grad_()
    assert torch.autograd.gradcheck(lambda inputs: model(inputs, intervention=switch), (x,))


def test_the_trained_copy_model_needs_its_shift():
    model = zoo.load("copy", "ntm-lstm")
    batch = CopyTask(20, 20).batch(1, torch.Generator().manual_seed(0))

    def bit_errors(intervention=None):
        with torch.no_grad():
            logits = model(batch.x, intervention=intervention)
        return int((((logits > 0) != (batch.y > 0.5)) & (batch.mask[..., None] > 0)).sum())

    assert bit_errors() <= 2
    assert bit_errors(Intervention(no_shift=True)) > 20
