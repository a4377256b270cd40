"""The ``run`` sub-command: every pipeline end to end on a data folder."""

from __future__ import annotations

import argparse
import dataclasses
from pathlib import Path

from pipelines.common import add_model_args, backtest_config, data_folder_inputs, log, series_keys
from pipelines.differentiation import train_brand, train_processing, write_recommendations
from pipelines.io import write_csv, write_json
from pipelines.recommend import load_evidence
from pipelines.train import train_demand
from recommender.config import settings

_EXAMPLES = """examples:
  xingnong run                      # the embedded demo data (data/demo)
  xingnong run --data my_coop/      # a folder with sales.csv, regions.csv, products.csv

Writes to artifacts/ (or --out): forecast.csv, backtest.csv, metrics.json, processing.csv,
brand.csv, recommendations/<region>.json and, when rows were rejected, quarantine.csv; the model
bundle to models/demand; every run to MLflow.
"""


def add_parser(sub: argparse._SubParsersAction) -> None:
    """Register the sub-command."""
    parser = sub.add_parser(
        "run",
        help="the main job: validate, backtest, train and forecast on a data folder",
        description="Run every pipeline end to end on a folder laid out like data/demo/.",
        epilog=_EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--data", type=Path, help="data folder (default: the demo data)")
    parser.add_argument("--out", type=Path, help="output folder (default: artifacts/)")
    parser.add_argument("--no-mlflow", action="store_true", help="do not log to MLflow")
    add_model_args(parser)
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Validate, train and forecast; write every output."""
    out = args.out or settings().artifacts_dir
    log.info("[1/5] validating %s", args.data or "the demo data")
    inputs = data_folder_inputs(args.data)
    written = []
    if inputs.ingest.rows_quarantined:
        written.append(write_csv(inputs.ingest.quarantine, out / "quarantine.csv", excel_bom=True))
    log.info("[2/5] demand: backtest and training")
    outcome = train_demand(
        inputs, backtest_config(args), series_keys(args), track=not args.no_mlflow
    )
    log.info("[3/5] writing the forecast to %s", out)
    written.append(write_csv(outcome.forecast, out / "forecast.csv"))
    written.append(write_csv(outcome.backtest, out / "backtest.csv"))
    written.append(write_json(outcome.metrics, out / "metrics.json"))
    track = not args.no_mlflow
    if inputs.regions is not None and inputs.products is not None:
        evidence = load_evidence(args.data, out)
        log.info("[4/5] processing options and regional brands")
        _, multipliers = train_processing(evidence, out, track=track)
        evidence = dataclasses.replace(evidence, multipliers=multipliers)
        train_brand(evidence, out, track=track)
        written += [out / "processing.csv", out / "brand.csv"]
        log.info("[5/5] recommendations")
        written += write_recommendations(evidence, out, weeks=args.horizon, track=track)
    else:
        log.info("no regions.csv/products.csv: processing, brand and recommendations skipped")
    overall = outcome.metrics["overall"]
    print(
        f"rows: {inputs.ingest.rows_read:,} read, {inputs.ingest.rows_accepted:,} accepted, "
        f"{inputs.ingest.rows_quarantined:,} quarantined"
    )
    print(
        f"demand: WAPE {overall['forecast']['wape']:.3f} vs seasonal naive "
        f"{overall['seasonal_naive']['wape']:.3f}, ETS {overall['ets']['wape']:.3f}"
    )
    print(f"bundle: {outcome.bundle}")
    for path in written:
        print(f"wrote: {path}")
    return 0
