from .backtest import BacktestResult
from .forecaster import DemandForecaster
from .global_model import GlobalDemandModel
from .settings import DEFAULTS, BacktestConfig, BoosterParams
from .training import (
    DemandRun,
    Panel,
    backtest_table,
    beats_baselines,
    build_panel,
    metrics_document,
    panel_from_sums,
    run_demand,
)

__all__ = [
    "DEFAULTS",
    "BacktestConfig",
    "BacktestResult",
    "BoosterParams",
    "DemandForecaster",
    "DemandRun",
    "GlobalDemandModel",
    "Panel",
    "backtest_table",
    "beats_baselines",
    "build_panel",
    "panel_from_sums",
    "metrics_document",
    "run_demand",
]
