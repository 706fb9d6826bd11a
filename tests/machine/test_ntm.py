"""The NTM as a whole (paper §3, Figure 1): shapes, state reset, traces, edges, bad input."""
import pytest
import torch

from ntmlib.baseline import StackedLSTM
from ntmlib.ntm import NTM

SMALL = dict(memory_size=16, memory_width=6, controller_size=12)


def small_ntm(**kwargs):
    torch.manual_seed(0)
    return NTM(5, 3, **{**SMALL, **kwargs})


# --- the NTM -----------------------------------------------------------------------------------

@pytest.mark.parametrize("controller", ["lstm", "feedforward"])
@pytest.mark.parametrize("memory_init", ["constant", "learned", "random"])
def test_ntm_shapes_and_state_reset(controller, memory_init):
    model = small_ntm(controller=controller, memory_init=memory_init, num_read_heads=2, num_write_heads=2)
    x = torch.rand(3, 7, 5)
    y = model(x)
    assert y.shape == (3, 7, 3) and torch.isfinite(y).all()
    # State is reset at every call: the same input gives the same output.
    assert torch.equal(model(x), y)


def test_ntm_batch_equals_single_sequences():
    model = small_ntm(num_read_heads=2, num_write_heads=1).double()
    x = torch.rand(5, 9, 5, dtype=torch.float64)
    batched = model(x)
    singles = torch.cat([model(x[i : i + 1]) for i in range(5)])
    assert torch.allclose(batched, singles, atol=1e-10)


def test_any_length_works_including_far_longer_than_training():
    model = small_ntm()
    assert model(torch.rand(2, 1, 5)).shape == (2, 1, 3)
    assert model(torch.rand(1, 300, 5)).shape == (1, 300, 3)


def test_trace_matches_forward_and_is_consistent():
    model = small_ntm(num_read_heads=2, num_write_heads=1)
    x = torch.rand(2, 6, 5)
    trace = model.trace(x)
    assert torch.allclose(trace.logits, model(x), atol=1e-6)
    assert trace.read_weightings.shape == (2, 6, 2, 16) and trace.write_weightings.shape == (2, 6, 1, 16)
    assert trace.memory.shape == (2, 6, 16, 6) and trace.add_vectors.shape == (2, 6, 1, 6)
    assert torch.allclose(trace.read_weightings.sum(-1), torch.ones(2, 6, 2), atol=1e-5)
    # The first step's reads are the read weightings applied to the initial memory (eq. 2).
    initial = model.initial_memory.expand(2, -1, -1)
    assert torch.allclose(trace.read_vectors[:, 0], trace.read_weightings[:, 0] @ initial, atol=1e-6)


def test_learned_initial_state_gets_gradients():
    model = small_ntm(memory_init="learned")
    model(torch.rand(2, 4, 5)).sum().backward()
    for name in ("initial_memory", "initial_reads", "initial_weighting_logits"):
        grad = getattr(model, name).grad
        assert grad is not None and grad.abs().sum() > 0, name


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
@pytest.mark.parametrize("controller", ["lstm", "feedforward"])
def test_no_nan_at_the_edges(controller, dtype):
    """Zero memory, a zero key (the zero input), huge key strength, large sharpening."""
    model = small_ntm(controller=controller, memory_init="learned").to(dtype)
    with torch.no_grad():
        model.initial_memory.zero_()
        bias = model.heads.projection.bias.view(-1)
        weight = model.heads.projection.weight
        layout = model.heads.addressing_sizes
        heads = model.heads.num_heads
        per_head = sum(layout)
        for h in range(heads):
            start = h * per_head
            weight[start : start + layout[0]] = 0  # the key is exactly zero
            bias[start : start + layout[0]] = 0
            bias[start + layout[0]] = 1e3  # beta = softplus(1e3) = 1e3
            bias[start + per_head - 1] = 49.0  # gamma = 1 + softplus(49) = 50
    x = torch.zeros(3, 12, 5, dtype=dtype)
    x[:, ::2, 0] = 1
    x.requires_grad_(True)
    y = model(x)
    assert torch.isfinite(y).all()
    y.sum().backward()
    assert torch.isfinite(x.grad).all()
    assert all(torch.isfinite(p.grad).all() for p in model.parameters() if p.grad is not None)


@pytest.mark.parametrize("controller, shift_mode", [("lstm", "distribution"), ("feedforward", "scalar")])
def test_gradcheck_of_the_whole_machine_in_float64(controller, shift_mode):
    """Every mechanism at once, over three steps: eq. 2-9 and the controller."""
    torch.manual_seed(0)
    model = NTM(2, 2, memory_size=5, memory_width=3, controller=controller, controller_size=4,
                num_read_heads=2, num_write_heads=1, shift_mode=shift_mode, memory_init="random").double()
    x = torch.rand(2, 3, 2, dtype=torch.float64, requires_grad=True)
    assert torch.autograd.gradcheck(model, (x,))


def test_step_is_what_forward_loops_over():
    model = small_ntm(num_read_heads=2)
    x = torch.rand(2, 4, 5)
    state, logits = model.initial_state(2), []
    for t in range(4):
        out, state, heads = model.step(x[:, t], state)
        logits.append(out)
    assert torch.allclose(torch.stack(logits, 1), model(x), atol=1e-6)
    memory, weightings, reads, _ = state
    assert memory.shape == (2, 16, 6) and weightings.shape == (2, 3, 16) and reads.shape == (2, 2, 6)
    assert heads.key.shape == (2, 3, 6)


def test_repr_shows_the_sizes_and_the_parts():
    text = repr(small_ntm(memory_init="learned"))
    assert text.startswith("NTM(\n  input_width=5, output_width=3, memory_size=16, memory_width=6, "
                           "memory_init='learned'\n")
    assert "(controller): LSTMController(" in text and "(heads): HeadBank(" in text


def test_scalar_shift_mode_trains_end_to_end():
    model = small_ntm(shift_mode="scalar", max_shift=2)
    y = model(torch.rand(2, 5, 5))
    y.sum().backward()
    assert torch.isfinite(y).all()


# --- bad input ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("model", [small_ntm(), StackedLSTM(5, 3, hidden_size=4, num_layers=1)])
def test_bad_inputs_name_what_was_expected(model):
    with pytest.raises(ValueError, match=r"input width 5"):
        model(torch.rand(2, 3, 4))
    with pytest.raises(ValueError, match=r"rank 3"):
        model(torch.rand(3, 5))
    with pytest.raises(TypeError, match="torch.Tensor"):
        model([[0.0] * 5])
    with pytest.raises(TypeError, match="floating"):
        model(torch.ones(1, 2, 5, dtype=torch.long))


@pytest.mark.parametrize("kwargs,match", [
    (dict(memory_size=0), "memory_size"), (dict(memory_width=-1), "memory_width"),
    (dict(memory_init="zeros"), "memory_init"), (dict(max_shift=20), "max_shift"),
    (dict(num_read_heads=0, num_write_heads=0), "at least one head"),
])
def test_impossible_configurations(kwargs, match):
    with pytest.raises(ValueError, match=match):
        NTM(5, 3, **{**SMALL, **kwargs})


def test_non_positive_sizes():
    with pytest.raises(ValueError, match="input_width"):
        NTM(0, 3)
    with pytest.raises(ValueError, match="hidden_size"):
        StackedLSTM(5, 3, hidden_size=0)


# --- devices -------------------------------------------------------------------------------------------------

@pytest.mark.skipif(not torch.cuda.is_available(), reason="no CUDA device")
def test_cuda_forward_matches_cpu():
    model = small_ntm(num_read_heads=2)
    x = torch.rand(3, 8, 5)
    expected = model(x)
    got = model.to("cuda")(x.to("cuda"))
    assert got.device.type == "cuda"
    assert torch.allclose(got.cpu(), expected, atol=1e-4)


def test_uncompiled_runs_eagerly_and_restores_the_compiled_step():
    model = small_ntm().compile_step()  # torch.compile is lazy: nothing compiles here
    compiled = model._step
    assert compiled is not model.step
    x = torch.rand(2, 3, 5)
    with model.uncompiled():
        assert model._step == model.step
        eager = model(x)
    assert model._step is compiled
    assert torch.equal(model.uncompile()(x), eager)
