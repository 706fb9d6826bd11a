"""ntmlib.analysis.arrays: the helpers the analyses and figures share."""
import numpy as np
import torch

from ntmlib.analysis import sigmoid, to_numpy, used_locations


def test_to_numpy_keeps_values_of_any_tensor():
    x = torch.tensor([[0.1, -2.5]], dtype=torch.float64, requires_grad=True)
    array = to_numpy(x * 1.0)
    assert array.dtype == np.float64 and array.tolist() == [[0.1, -2.5]]  # float64 not rounded to float32
    assert to_numpy(torch.tensor([1.5], dtype=torch.bfloat16)).tolist() == [1.5]
    assert to_numpy(torch.tensor([True, False])).tolist() == [1.0, 0.0]
    assert to_numpy([1, 2]).dtype == np.float64


def test_sigmoid_is_the_logistic_function_without_overflow():
    x = np.array([-1000.0, -2.0, 0.0, 3.0, 1000.0])
    with np.errstate(over="raise"):
        np.testing.assert_allclose(sigmoid(x), torch.sigmoid(torch.tensor(x)).numpy())


def test_used_locations_is_circular():
    w = np.zeros((5, 32))
    for t, loc in enumerate([29, 30, 31, 0, 1]):
        w[t, loc] = 1.0
    np.testing.assert_array_equal(used_locations(w, pad=1), [28, 29, 30, 31, 0, 1, 2])
    np.testing.assert_array_equal(used_locations(w, pad=0), [29, 30, 31, 0, 1])
    assert len(used_locations(np.full((3, 32), 1 / 32), threshold=0.01)) == 32


def test_circular_run_leaves_out_the_largest_gap():
    from ntmlib.analysis.arrays import circular_run
    assert circular_run(np.array([0, 1, 126, 127]), 128) == (126, 4)
    assert circular_run(np.array([3, 4, 9]), 128) == (3, 7)
    assert circular_run(np.array([5]), 128) == (5, 1)
