from . import plots
from .registry import (
    BUNDLE_ARTIFACT,
    BUNDLE_DIGEST_TAG,
    LOADER_MODULE,
    MODEL_NAME,
    champion_version,
    load_registered_bundle,
    load_registered_model,
    log_bundle_model,
    promote,
)
from .runs import (
    log_artifacts,
    log_dict,
    log_figure,
    log_metrics,
    log_params,
    log_table,
    runs_table,
    set_tags,
    start_run,
)
from .serving import SERVED_COLUMNS, DemandForecasts, DemandPyfunc, set_demand_model
from .store import configure

__all__ = [
    "plots",
    "BUNDLE_ARTIFACT",
    "BUNDLE_DIGEST_TAG",
    "LOADER_MODULE",
    "MODEL_NAME",
    "SERVED_COLUMNS",
    "DemandForecasts",
    "DemandPyfunc",
    "champion_version",
    "configure",
    "load_registered_bundle",
    "load_registered_model",
    "log_artifacts",
    "log_bundle_model",
    "log_dict",
    "log_figure",
    "log_metrics",
    "log_params",
    "log_table",
    "promote",
    "runs_table",
    "set_demand_model",
    "set_tags",
    "start_run",
]
