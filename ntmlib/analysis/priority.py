"""Priority sort (paper §4.5): is each input written at a location that is a linear
function of its priority, and read back in priority order (the questions behind Fig. 17)?"""
from __future__ import annotations

import numpy as np

from .arrays import circular_run, to_numpy

__all__ = ["priority_head_fits", "priority_read_matches", "priority_read_order", "unwrap_locations",
           "write_location_fit"]


def unwrap_locations(locations, n: int) -> np.ndarray:
    """Memory is circular: write locations such as 126, 127, 0, 1 are neighbours.
    Return the locations shifted by multiples of ``n`` so that they lie on one
    unbroken stretch (the largest circular gap between used locations is where the
    stretch is cut), ready for a linear fit."""
    loc = np.asarray(locations, dtype=int) % n
    used = np.unique(loc)
    if len(used) < 2:
        return loc.astype(float)
    start, _ = circular_run(used, n)
    return (start + (loc - start) % n).astype(float)


def write_location_fit(priorities, write_weightings, n: int | None = None) -> dict:
    """The test behind the paper's Fig. 17: is an input written at a location that is a
    linear function of its priority?

    ``priorities``: ``(K,)`` the priorities of the K input steps; ``write_weightings``:
    ``(K, N)`` one write head's weightings on those steps. The observed location of step k
    is the argmax of its weighting (unwrapped around the circular memory, see
    :func:`unwrap_locations`). Fits location = slope * priority + intercept with
    ``numpy.polyfit`` and returns ``{"priorities", "locations", "slope", "intercept",
    "r", "predicted", "peak"}`` (``r``: Pearson correlation; ``peak``: the weight at
    each argmax, how sharp the write was).
    """
    p = to_numpy(priorities).ravel()
    w = to_numpy(write_weightings)
    n = n or w.shape[-1]
    raw = w.argmax(axis=-1)
    locations = unwrap_locations(raw, n)
    if np.ptp(locations) == 0 or np.ptp(p) == 0:
        slope, intercept, r = 0.0, float(locations.mean()), 0.0
    else:
        slope, intercept = np.polyfit(p, locations, 1)
        r = float(np.corrcoef(p, locations)[0, 1])
    return {"priorities": p, "locations": locations, "raw_locations": raw, "slope": float(slope),
            "intercept": float(intercept), "r": r, "predicted": slope * p + intercept,
            "peak": w.max(axis=-1)}


def priority_head_fits(trace, x, *, num_inputs: int = 20) -> np.ndarray:
    """``r[b, h]``: the correlation of write location and priority (:func:`write_location_fit`)
    for every sequence b of a priority-sort batch and every write head h."""
    xs = to_numpy(x)
    w = to_numpy(trace.write_weightings)
    return np.array([[write_location_fit(xs[b, :num_inputs, 8], w[b, :num_inputs, h])["r"]
                      for h in range(w.shape[2])] for b in range(w.shape[0])])


def priority_read_order(trace, *, num_inputs: int = 20) -> np.ndarray:
    """``r[b, h]``: the correlation between the output step and the location read head h
    focused on (argmax, unwrapped around the circular memory) for every sequence b of a
    priority-sort batch. Near +1 or -1: the head sweeps through memory in one direction
    while the sorted vectors come out, the second half of the paper's Fig. 17."""
    read = to_numpy(trace.read_weightings)
    B, T, R, N = read.shape
    steps = np.arange(T - num_inputs - 1)
    r = np.zeros((B, R))
    for b in range(B):
        for h in range(R):
            locations = unwrap_locations(read[b, num_inputs + 1:, h].argmax(axis=-1), N)
            r[b, h] = 0.0 if np.ptp(locations) == 0 else float(np.corrcoef(steps, locations)[0, 1])
    return r


def priority_read_matches(trace, x, *, num_inputs: int = 20, lead: int = 0) -> np.ndarray:
    """``m[r, h]``: the share of output steps at which read head r focused on the location
    where write head h had focused when the vector that step should output came in
    (the k-th output step should return the input with the k-th highest priority), and
    no other input of the sequence was written there by that head (a head that writes
    everything to one place matches nothing). 1.0 for some pair (r, h) means: the
    machine reads its writes back in priority order. ``lead=1`` compares the read of the
    step *before* each output step (the delimiter's read for the first output): a
    controller that takes in the previous read vectors (§3.4) outputs what it read then."""
    if isinstance(lead, bool) or not isinstance(lead, int) or not 0 <= lead <= num_inputs + 1:
        raise ValueError(f"lead must be an integer from 0 to num_inputs + 1 = {num_inputs + 1}, got {lead!r}")
    xs = to_numpy(x)
    write_peak = to_numpy(trace.write_weightings).argmax(axis=-1)  # (B, T, W)
    read_peak = to_numpy(trace.read_weightings).argmax(axis=-1)  # (B, T, R)
    B, T, R = read_peak.shape
    W = write_peak.shape[2]
    outputs = T - num_inputs - 1
    hits = np.zeros((R, W))
    for b in range(B):
        order = np.argsort(-xs[b, :num_inputs, 8])[:outputs]
        for h in range(W):
            written = write_peak[b, :num_inputs, h]
            unique = np.array([np.sum(written == written[k]) == 1 for k in order])
            for r in range(R):
                reads = read_peak[b, num_inputs + 1 - lead:num_inputs + 1 - lead + outputs, r]
                hits[r, h] += np.sum((reads == written[order]) & unique)
    return hits / (B * outputs)
