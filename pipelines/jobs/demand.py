"""The demand jobs: backtest, train on all data, save the bundle, log the run to MLflow."""

from __future__ import annotations

import logging
import shutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from pipelines.jobs.engine import open_engine
from pipelines.jobs.settings import JobSettings
from recommender import tracking
from recommender.bundle import (
    check_replaceable,
    library_versions,
    replace_folder,
    staging_path,
)
from recommender.config import DEMAND_EXPERIMENT, REGISTERED_DEMAND_MODEL, settings
from recommender.data.aggregate import SummedIngest
from recommender.data.contract import DS
from recommender.data.folder import Inputs
from recommender.data.layout import BACKTEST_FILE, METRICS_FILE
from recommender.errors import XingnongError
from recommender.forecast import (
    DemandRun,
    Panel,
    backtest_table,
    build_panel,
    metrics_document,
    panel_from_sums,
    run_demand,
)
from recommender.forecast.engine import Engine
from recommender.forecast.series import from_model_frame
from recommender.tracking import plots

log = logging.getLogger(__name__)

Report = Callable[[str], None]
"""Told a line of text as each backtest window and the final fit finish."""
Plan = Callable[[int], None]
"""Told, before the backtest starts, how many lines :data:`Report` will then be told."""


@dataclass(frozen=True)
class DemandOutcome:
    """What training the demand model produced.

    Attributes:
        run: The finished demand run.
        metrics: The metrics document.
        bundle: Where the bundle was saved.
        forecast: The served forecast in contract columns.
        backtest: The backtest forecasts in contract columns.
        version: The registered model version (None without MLflow).
    """

    run: DemandRun
    metrics: dict[str, Any]
    bundle: Path
    forecast: pd.DataFrame
    backtest: pd.DataFrame
    version: str | None


def _log_line(message: str) -> None:
    log.info("  %s", message)


@contextmanager
def _engine(job: JobSettings, engine: Engine | None) -> Iterator[Engine]:
    """The engine given, else the one the job asks for (opened and closed here)."""
    if engine is not None:
        yield engine
        return
    with open_engine(job) as opened:
        yield opened


def _panel(inputs: Inputs, job: JobSettings) -> tuple[Panel, int]:
    """The panel, and how many backtest windows it gets (warm-up and scored)."""
    config = job.backtest
    ingest = inputs.ingest
    if isinstance(ingest, SummedIngest):  # summed by a cluster's workers
        if (ingest.freq, ingest.by) != (config.freq, job.keys):
            raise ValueError("the sales were summed to other periods or series than the job's")
        panel = panel_from_sums(
            ingest.panel, config.freq, job.keys, inputs.regions, inputs.products
        )
    else:
        panel = build_panel(ingest.sales, config.freq, job.keys, inputs.regions, inputs.products)
    periods = panel.long[DS].nunique()
    warmup = config.warmup_windows(periods, len(panel.series))
    n_series = len(panel.series)
    log.info(
        "demand: %d series x %d periods; %d warm-up + %d scored windows of %d; %s; LightGBM %s",
        n_series,
        periods,
        warmup,
        config.folds,
        config.horizon,
        "seasonal naive, ETS and Theta"
        if config.full_statistics(n_series)
        else f"seasonal naive only (ETS and Theta off: {_why(config.statistical)})",
        f"fast recipe ({_why(config.booster)})" if config.fast_booster(n_series) else "full recipe",
    )
    return panel, warmup + config.folds


def _why(choice: str) -> str:
    """Why a large-panel setting was taken: by default for a large panel, or as asked."""
    return "large panel" if choice == "auto" else "as asked"


def backtest_demand(
    inputs: Inputs,
    job: JobSettings,
    *,
    report: Report = _log_line,
    engine: Engine | None = None,
) -> tuple[pd.DataFrame, dict[str, Any]]:
    """Backtest the demand forecast on rolling origins (nothing is saved or logged).

    Args:
        inputs: Validated inputs.
        job: Periods, horizon, folds and series keys.
        report: Told a line of text as each backtest window finishes.
        engine: An open engine (default: the job's, opened for this call).

    Returns:
        The backtest forecasts in contract columns and the metrics document.
    """
    panel, _ = _panel(inputs, job)
    with _engine(job, engine) as where:
        run = run_demand(panel, job.backtest, fit_final=False, progress=report, engine=where)
    return backtest_table(run), metrics_document(run)


def train_demand(
    inputs: Inputs,
    job: JobSettings,
    *,
    bundle: Path | None = None,
    track: bool = True,
    report: Report = _log_line,
    plan: Plan | None = None,
    engine: Engine | None = None,
) -> DemandOutcome:
    """Backtest, fit on all data, save the bundle and (optionally) log everything to MLflow.

    Args:
        inputs: Validated inputs.
        job: Periods, horizon, folds and series keys.
        bundle: Bundle folder (default ``models/demand`` under the project folder).
        track: Log to MLflow and register the model.
        report: Told a line of text as each backtest window and the final fit finish.
        plan: Told how many such lines to expect, before the backtest starts.
        engine: An open engine (default: the job's, opened for this call).

    Returns:
        The outcome.
    """
    panel, windows = _panel(inputs, job)
    if plan is not None:
        plan(windows + 1)
    with _engine(job, engine) as where:
        run = run_demand(panel, job.backtest, fit_final=True, progress=report, engine=where)
    assert run.forecaster is not None
    doc = metrics_document(run)
    forecast = run.forecaster.predict()
    path = bundle or settings().demand_bundle
    meta = {
        "data_digest": panel.digest,
        "source": Path(inputs.source).name,
        "metrics": {"overall": doc["overall"], "beats_baselines": doc["beats_baselines"]},
        "backtest": asdict(job.backtest),
        "warmup": doc["warmup"],
        "engine": doc["engine"],
        "members": doc["members"],
        "timings_seconds": doc["timings_seconds"],
        "rows": {
            "read": inputs.ingest.rows_read,
            "accepted": inputs.ingest.rows_accepted,
            "quarantined": inputs.ingest.rows_quarantined,
        },
    }
    check_replaceable(path)  # before any work is kept: never over a folder it did not write
    contract_forecast = from_model_frame(forecast, panel.series)
    table = backtest_table(run)
    # Saved aside, logged, then swapped in: if MLflow fails the previous bundle stays.
    staged = staging_path(path, "train")
    try:
        run.forecaster.save(staged / path.name, meta, forecast)
        version = None
        if track:
            try:
                version = _track(run, doc, staged / path.name, forecast, table, inputs)
            except XingnongError:
                raise
            except Exception as exc:  # MLflow and its store raise many types
                first = (str(exc).strip().splitlines() or [""])[0][:200]
                raise XingnongError(
                    f"MLflow logging failed ({type(exc).__name__}: {first}); the previous "
                    "model and outputs were kept (--no-mlflow trains without it)"
                ) from exc
        replace_folder(f"bundle {path}", staged / path.name, path)
    finally:
        shutil.rmtree(staged, ignore_errors=True)
    log.info("bundle saved: %s", path)
    return DemandOutcome(run, doc, path, contract_forecast, table, version)


def _track(
    run: DemandRun,
    doc: dict[str, Any],
    bundle: Path,
    forecast: pd.DataFrame,
    backtest: pd.DataFrame,
    inputs: Inputs,
) -> str:
    """Log the run's parameters, metrics, tables and plots, and register its bundle."""
    assert run.forecaster is not None
    tracking.configure()
    name = f"demand-{run.panel.digest[:8]}"
    with tracking.start_run(DEMAND_EXPERIMENT, run_name=name, exclusive=True):
        config = asdict(run.config)
        params = {k: v for k, v in config.items() if k != "params"}
        params.update({f"lgb_{k}": v for k, v in config["params"].items()})
        params.update(
            n_series=doc["n_series"],
            n_periods=doc["n_periods"],
            source=Path(inputs.source).name,
            engine=doc["engine"],
        )
        tracking.log_params(params)
        tracking.set_tags(
            {
                "data_digest": run.panel.digest,
                "beats_baselines": doc["beats_baselines"],
                **{f"version.{lib}": v for lib, v in library_versions().items()},
            }
        )
        # Per-fold values under their own names: MLflow shows a metric's latest step as the
        # run's value, so sharing a name would put the last fold where the overall belongs.
        for step, fold in enumerate(doc["folds"], start=1):
            per_fold = {**_flat(fold["metrics"], prefix="fold_"), "fold_regret": fold["regret"]}
            tracking.log_metrics(per_fold, step=step)
        tracking.log_metrics({**_flat(doc["overall"]), "regret": doc["regret"]})
        tracking.log_params({"warmup_windows": doc["warmup"]})
        tracking.log_metrics({f"time_{k}": v for k, v in doc["timings_seconds"].items()})
        tracking.log_dict(doc, METRICS_FILE)
        tracking.log_table(backtest, BACKTEST_FILE)
        importance = run.forecaster.model_.feature_importance()
        tracking.log_table(importance, "feature_importance.csv")
        tracking.log_figure(plots.importance_figure(importance), "feature_importance.png")
        tracking.log_figure(plots.forecast_figure(run.panel.long, forecast), "forecast.png")
        version = tracking.log_bundle_model(
            bundle,
            registered_name=REGISTERED_DEMAND_MODEL,
            champion=bool(doc["beats_baselines"]),
            input_example=run.panel.series.head(2).reset_index(drop=True),
        )
    verdict = "champion" if doc["beats_baselines"] else "not champion (baselines not beaten)"
    log.info("MLflow: registered %s version %s, %s", REGISTERED_DEMAND_MODEL, version, verdict)
    return version


def _flat(metrics: dict[str, dict[str, float]], prefix: str = "") -> dict[str, float]:
    return {f"{prefix}{model}_{k}": v for model, m in metrics.items() for k, v in m.items()}
