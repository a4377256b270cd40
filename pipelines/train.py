"""The ``train`` sub-command: train the demand model, save its bundle, log it to MLflow."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from pipelines.common import (
    Inputs,
    add_model_args,
    backtest_config,
    data_folder_inputs,
    log,
    progress,
    read_inputs,
    series_keys,
)
from recommender.bundle.folder import library_versions
from recommender.config import REGISTERED_DEMAND_MODEL, settings
from recommender.data.contract import DS, UID
from recommender.forecast.backtest import BacktestConfig
from recommender.forecast.series import from_model_frame
from recommender.forecast.training import (
    DemandRun,
    backtest_table,
    build_panel,
    metrics_document,
    run_demand,
)
from recommender.tracking import mlflow_tracking as tracking
from recommender.tracking import plots

EXPERIMENT = "xingnong-demand"
PYFUNC_FILE = (
    Path(__file__).resolve().parent.parent / "recommender" / "tracking" / "pyfunc_model.py"
)

_EXAMPLES = """examples:
  xingnong train demand                       # the embedded demo data
  xingnong train demand --sales my_sales.csv --regions regions.csv --products products.csv
  xingnong train demand --sales monthly.csv --freq MS --horizon 6 --no-mlflow
  xingnong train processing                   # after demand: score processing options
  xingnong train brand --data my_coop/        # regional-brand opportunity scores
"""


def add_parser(sub: argparse._SubParsersAction) -> None:
    """Register the sub-command."""
    parser = sub.add_parser(
        "train",
        help="train a model (demand) on all data and save it",
        description="Backtest, train on all data, save a verified bundle under models/, and "
        "log the run to MLflow (registered as xingnong-demand; @champion only when it beats "
        "the baselines).",
        epilog=_EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "model",
        choices=["demand", "processing", "brand"],
        help="demand (the forecast), processing (option scores) or brand (GI opportunities); "
        "processing and brand read the forecast that demand wrote",
    )
    parser.add_argument(
        "--data",
        type=Path,
        help="data folder for processing/brand (default: $XINGNONG_DATA, else the demo data)",
    )
    parser.add_argument("--sales", type=Path, help="sales CSV or Parquet (default: demo data)")
    parser.add_argument("--regions", type=Path, help="regions table (optional)")
    parser.add_argument("--products", type=Path, help="products table (optional)")
    parser.add_argument("--bundle", type=Path, help="bundle folder (default: models/demand)")
    parser.add_argument("--no-mlflow", action="store_true", help="do not log to MLflow")
    add_model_args(parser)
    parser.set_defaults(handler=run)


@dataclass(frozen=True)
class TrainOutcome:
    """What training produced.

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


def train_demand(
    inputs: Inputs,
    config: BacktestConfig,
    keys: tuple[str, ...],
    bundle: Path | None = None,
    track: bool = True,
    report: Callable[[str], None] = progress,
) -> TrainOutcome:
    """Backtest, fit on all data, save the bundle and (optionally) log everything to MLflow.

    Args:
        inputs: Validated inputs.
        config: Backtest settings.
        keys: Columns identifying a series.
        bundle: Bundle folder (default ``models/demand`` under the project folder).
        track: Log to MLflow and register the model.
        report: Told a line of text as each backtest window and the final fit finish.

    Returns:
        The outcome.
    """
    panel = build_panel(inputs.ingest.sales, config.freq, keys, inputs.regions, inputs.products)
    log.info(
        "demand: %d series x %d periods; %d warm-up + %d scored windows of %d",
        panel.long[UID].nunique(),
        panel.long[DS].nunique(),
        config.warmup,
        config.folds,
        config.horizon,
    )
    run = run_demand(panel, config, fit_final=True, progress=report)
    assert run.forecaster is not None
    doc = metrics_document(run)
    forecast = run.forecaster.predict()
    path = bundle or settings().models_dir / "demand"
    meta = {
        "data_digest": panel.digest,
        "source": Path(inputs.source).name,
        "metrics": {"overall": doc["overall"], "beats_baselines": doc["beats_baselines"]},
        "backtest": asdict(config),
        "rows": {
            "read": inputs.ingest.rows_read,
            "accepted": inputs.ingest.rows_accepted,
            "quarantined": inputs.ingest.rows_quarantined,
        },
    }
    run.forecaster.save(path, meta, forecast)
    log.info("bundle saved: %s", path)
    contract_forecast = from_model_frame(forecast, panel.series)
    table = backtest_table(run)
    version = _track(run, doc, path, forecast, table, inputs) if track else None
    return TrainOutcome(run, doc, path, contract_forecast, table, version)


def _track(
    run: DemandRun,
    doc: dict[str, Any],
    bundle: Path,
    forecast: pd.DataFrame,
    backtest: pd.DataFrame,
    inputs: Inputs,
) -> str:
    assert run.forecaster is not None
    tracking.configure()
    name = f"demand-{run.panel.digest[:8]}"
    with tracking.start_run(EXPERIMENT, run_name=name):
        config = asdict(run.config)
        params = {k: v for k, v in config.items() if k != "params"}
        params.update({f"lgb_{k}": v for k, v in config["params"].items()})
        params.update(
            n_series=doc["n_series"], n_periods=doc["n_periods"], source=Path(inputs.source).name
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
            tracking.log_metrics(_flat(fold["metrics"], prefix="fold_"), step=step)
        tracking.log_metrics(_flat(doc["overall"]))
        tracking.log_metrics({f"time_{k}": v for k, v in doc["timings_seconds"].items()})
        tracking.log_dict(doc, "metrics.json")
        tracking.log_table(backtest, "backtest.csv")
        importance = run.forecaster.model_.feature_importance()
        tracking.log_table(importance, "feature_importance.csv")
        tracking.log_figure(plots.importance_figure(importance), "feature_importance.png")
        tracking.log_figure(plots.forecast_figure(run.panel.long, forecast), "forecast.png")
        version = tracking.log_bundle_model(
            bundle,
            registered_name=REGISTERED_DEMAND_MODEL,
            champion=bool(doc["beats_baselines"]),
            python_model=PYFUNC_FILE,
            input_example=run.panel.series.head(2).reset_index(drop=True),
        )
    verdict = "champion" if doc["beats_baselines"] else "not champion (baselines not beaten)"
    log.info("MLflow: registered %s version %s, %s", REGISTERED_DEMAND_MODEL, version, verdict)
    return version


def _flat(metrics: dict[str, dict[str, float]], prefix: str = "") -> dict[str, float]:
    return {f"{prefix}{model}_{k}": v for model, m in metrics.items() for k, v in m.items()}


def run(args: argparse.Namespace) -> int:
    """Train the demand model, or score processing options or regional brands."""
    if args.model in ("processing", "brand"):
        from pipelines.differentiation import train_brand, train_processing
        from pipelines.recommend import load_evidence

        out = settings().artifacts_dir
        evidence = load_evidence(args.data, out)
        track = not args.no_mlflow
        if args.model == "processing":
            table, _ = train_processing(evidence, out, track=track)
        else:
            table = train_brand(evidence, out, track=track)
        print(f"{args.model}: {len(table)} rows written to {out / (args.model + '.csv')}")
        return 0
    if args.sales:
        inputs = read_inputs(args.sales, args.regions, args.products)
    else:
        inputs = data_folder_inputs(None)
    outcome = train_demand(
        inputs, backtest_config(args), series_keys(args), args.bundle, track=not args.no_mlflow
    )
    overall = outcome.metrics["overall"]
    print(
        f"trained demand model: WAPE {overall['forecast']['wape']:.3f} "
        f"(seasonal naive {overall['seasonal_naive']['wape']:.3f}, "
        f"ETS {overall['ets']['wape']:.3f}), "
        f"80% interval coverage {overall['forecast']['coverage']:.2f}"
    )
    print(f"bundle: {outcome.bundle}")
    if outcome.version:
        champion = "@champion" if outcome.metrics["beats_baselines"] else "(not champion)"
        print(f"MLflow: {REGISTERED_DEMAND_MODEL} version {outcome.version} {champion}")
    return 0
