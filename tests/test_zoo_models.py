"""Every shipped model loads (ntmlib.zoo) and reaches its recorded training-distribution
figure on fresh data that training never saw."""
import json

import pytest
import torch

from ntmlib import zoo
from ntmlib.paper import ARCHITECTURES, TASK_NAMES, WIDTHS
from ntmlib.evaluate import evaluate_task
from ntmlib.tasks import get_task

SEQUENCES = 128
BATCH = 4  # one length per batch: small batches sample many lengths


@pytest.mark.parametrize("task", TASK_NAMES)
@pytest.mark.parametrize("arch", ARCHITECTURES)
def test_shipped_model_loads_and_reaches_its_recorded_cost(task, arch):
    model = zoo.load(task, arch)
    assert not model.training
    assert all(p.device.type == "cpu" for p in model.parameters())
    input_width, output_width = WIDTHS[task]
    assert model(torch.zeros(2, 3, input_width)).shape == (2, 3, output_width)

    # The training-distribution figure that tools/results.py recorded (data/RESULTS.md).
    results = json.loads((zoo.model_dir(task, arch) / "results.json").read_text())
    recorded = next(row for row in results if row["case"] == "training")["cost_bits"]
    generator = torch.Generator().manual_seed(20261124)  # not a seed training used
    with torch.no_grad():
        figures = evaluate_task(model, get_task(task), sequences=SEQUENCES, generator=generator,
                                batch_size=BATCH)
    # A fresh sample of 128 sequences scatters around the recorded 200-sequence figure.
    assert figures["cost_bits"] <= 1.3 * recorded + 2.0, (figures, recorded)
