from .demand import DemandOutcome, backtest_demand, train_demand
from .demo_data import write_demo
from .differentiation import train_brand, train_processing, write_recommendations
from .outputs import write_csv, write_json, write_parquet
from .run import (
    STEPS,
    Progress,
    RunReport,
    run_all,
)
from .settings import SPLITTABLE, JobSettings
from .transaction import RunBusy, run_lock, settle
from .upload import stage_upload

__all__ = [
    "SPLITTABLE",
    "STEPS",
    "DemandOutcome",
    "JobSettings",
    "Progress",
    "RunBusy",
    "RunReport",
    "backtest_demand",
    "run_all",
    "run_lock",
    "settle",
    "stage_upload",
    "train_brand",
    "train_demand",
    "train_processing",
    "write_csv",
    "write_demo",
    "write_json",
    "write_parquet",
    "write_recommendations",
]
