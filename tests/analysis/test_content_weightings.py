import torch

from ntmlib.addressing import content_focus
from ntmlib.analysis import content_weightings
from ntmlib.ntm import NTM


def test_content_weightings_match_eq5_and_gate_one():
    torch.manual_seed(0)
    model = NTM(input_width=4, output_width=3, memory_size=10, memory_width=5, controller_size=8,
                num_read_heads=1, num_write_heads=1).eval()
    x = torch.rand(2, 6, 4)
    trace, w_c = content_weightings(model, x)
    assert w_c.shape == (2, 6, 2, 10)
    assert torch.allclose(w_c.sum(-1), torch.ones(2, 6, 2))
    assert torch.allclose(trace.logits, model.trace(x).logits)
    # recompute step 3 by hand from the recorded memory
    keys = []
    h = model.heads.register_forward_hook(lambda m, i, o: keys.append(o.key))
    model.trace(x)
    h.remove()
    manual = content_focus(keys[3], trace.beta[:, 3], trace.memory[:, 2])
    assert torch.allclose(manual, w_c[:, 3], atol=1e-6)
