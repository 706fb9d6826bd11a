"""ntmlib.analysis.priority (chapter 11) on fake traces whose placement is known."""
from types import SimpleNamespace

import numpy as np
import pytest
import torch

from ntmlib import analysis

from helpers import priority_trace


def test_unwrap_locations_around_the_circular_memory():
    assert analysis.unwrap_locations([126, 127, 0, 1, 3], 128).tolist() == [126, 127, 128, 129, 131]
    assert analysis.unwrap_locations([10, 12, 11], 128).tolist() == [10, 12, 11]
    assert analysis.unwrap_locations([4, 4], 128).tolist() == [4, 4]


def test_write_location_fit_recovers_a_linear_placement():
    priorities = np.linspace(-1, 1, 20)
    trace, x = priority_trace(priorities, slope=20.0, offset=120)  # wraps past 127
    fit = analysis.write_location_fit(x[0, :20, 8], trace.write_weightings[0, :20, 0])
    assert fit["r"] == pytest.approx(1.0, abs=1e-3)
    assert fit["slope"] == pytest.approx(20.0, rel=0.02)
    assert fit["intercept"] == pytest.approx(120.0, abs=0.5)
    assert np.all(fit["peak"] == 1.0)
    flat = analysis.write_location_fit(priorities, np.tile(np.eye(128)[3], (20, 1)))
    assert flat["r"] == 0.0 and flat["slope"] == 0.0


def test_priority_head_fits_and_read_matches():
    rng = np.random.default_rng(0)
    priorities = rng.uniform(-1, 1, 20)
    trace, x = priority_trace(priorities, slope=40.0)  # locations 80..160, wrapping past 127
    assert analysis.priority_head_fits(trace, x)[0, 0] == pytest.approx(1.0, abs=0.02)
    locations = trace.write_weightings[0, :20, 0].argmax(-1).numpy()
    unique_share = np.mean([np.sum(locations == locations[i]) == 1
                            for i in np.argsort(-priorities)[:16]])
    assert analysis.priority_read_matches(trace, x)[0, 0] == pytest.approx(unique_share)
    assert unique_share >= 0.5
    # The reads sweep through memory in the order of the outputs; a head that stays put does not.
    order = analysis.priority_read_order(trace)
    assert order.shape == (1, 1) and abs(order[0, 0]) > 0.9
    assert analysis.priority_read_order(SimpleNamespace(read_weightings=torch.zeros(1, 37, 2, 128)))[0].tolist() == [0, 0]
    # A head that writes everything to one location matches nothing.
    trace_one, x_one = priority_trace(priorities, slope=0.0)
    assert analysis.priority_read_matches(trace_one, x_one)[0, 0] == 0.0
    # Reads one step ahead of the outputs match only with lead=1.
    early = SimpleNamespace(write_weightings=trace.write_weightings,
                            read_weightings=torch.roll(trace.read_weightings, -1, dims=1))
    assert analysis.priority_read_matches(early, x)[0, 0] < 0.2
    assert analysis.priority_read_matches(early, x, lead=1)[0, 0] == pytest.approx(unique_share)
    with pytest.raises(ValueError, match="lead must be an integer from 0 to"):
        analysis.priority_read_matches(trace, x, lead=22)
