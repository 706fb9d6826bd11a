"""One torch thread per test process: `make test` runs two processes on two cores, and
OpenMP threads fighting for them made half-second tests take 15-40 s."""
import matplotlib
import torch

matplotlib.use("Agg")
torch.set_num_threads(1)
