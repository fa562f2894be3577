"""Core engine of the dashboard: data, models, training, probes. Plain PyTorch + numpy + pandas.

Importing `core` fixes torch to a small thread count once (many app sessions share a small
server); set NN_TORCH_THREADS to change it.
"""

import os

import torch

from .config import FIELDS, ConfigError, RunConfig, from_params, to_params
from .training import RunResult, train

torch.set_num_threads(max(1, int(os.environ.get("NN_TORCH_THREADS", "1"))))

__all__ = ["FIELDS", "ConfigError", "RunConfig", "RunResult", "from_params", "to_params", "train"]
