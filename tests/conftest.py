"""One torch thread per test process: `make test` runs two processes on two cores, and
OpenMP threads fighting for them made half-second tests take 15-40 s.

Every test also runs with one thread (restored after it) and leaves no matplotlib figure
open. Helpers the test files share are in tests/helpers.py."""
import matplotlib
import pytest
import torch

matplotlib.use("Agg")
torch.set_num_threads(1)

import matplotlib.pyplot as plt  # noqa: E402

from browser_fixtures import base_url, browser, explorer_page, site  # noqa: E402,F401  (one Chromium per process)


@pytest.fixture(autouse=True)
def one_thread():
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")
