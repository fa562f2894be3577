"""Core engine of the dashboard: data, models, training, probes. Plain PyTorch + numpy + pandas.

`core.config` is pure Python (no torch), so the app can draw its sidebar before torch has
finished importing; `train` and `RunResult` are imported on first use. `core.models` fixes
torch to a small thread count once (many app sessions share a small server); set
NN_TORCH_THREADS to change it.
"""

from .config import FIELDS, ConfigError, RunConfig, from_params, to_params

__all__ = ["FIELDS", "ConfigError", "RunConfig", "RunResult", "from_params", "to_params", "train"]


def __getattr__(name: str):
    if name in ("train", "RunResult"):
        from . import training

        return getattr(training, name)
    raise AttributeError(f"module 'core' has no attribute {name!r}")
