"""``xingnong train``: train the demand model, or score processing options or regional brands."""

from __future__ import annotations

import argparse
from pathlib import Path

from pipelines.cli.args import add_model_args, job_settings
from pipelines.cli.scores import versus_baselines
from pipelines.jobs.demand import train_demand
from pipelines.jobs.differentiation import train_brand, train_processing
from pipelines.jobs.engine import open_engine, read_sales
from pipelines.jobs.transaction import run_lock
from recommender.config import REGISTERED_DEMAND_MODEL, settings
from recommender.data.artifacts import record_outputs
from recommender.data.folder import read_data_folder
from recommender.data.layout import BRAND_FILE, ELASTICITY_FILE, MULTIPLIERS_FILE, PROCESSING_FILE
from recommender.decide.evidence import load_evidence

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
    parser.add_argument(
        "--sales",
        type=Path,
        help="sales CSV or Parquet file, or a folder of Parquet parts (default: demo data)",
    )
    parser.add_argument("--regions", type=Path, help="regions table (optional)")
    parser.add_argument("--products", type=Path, help="products table (optional)")
    parser.add_argument("--bundle", type=Path, help="bundle folder (default: models/demand)")
    parser.add_argument("--no-mlflow", action="store_true", help="do not log to MLflow")
    add_model_args(parser)
    parser.set_defaults(handler=run)


def _differentiation(args: argparse.Namespace) -> int:
    """Score processing options or regional brands from the forecast ``demand`` wrote."""
    out = settings().artifacts_dir
    with run_lock(settings().home):
        evidence = load_evidence(args.data, out)
        track = not args.no_mlflow
        if args.model == "processing":
            table, _ = train_processing(evidence, out, track=track)
            names = [PROCESSING_FILE, MULTIPLIERS_FILE, ELASTICITY_FILE]
        else:
            table = train_brand(evidence, out, track=track)
            names = [BRAND_FILE]
        record_outputs(out, names)
    print(f"{args.model}: {len(table)} rows written to {out / names[0]}")
    return 0


def run(args: argparse.Namespace) -> int:
    """Train the demand model, or score processing options or regional brands."""
    if args.model != "demand":
        return _differentiation(args)
    job = job_settings(args)
    bundle = args.bundle or settings().demand_bundle
    with run_lock(settings().home, bundle), open_engine(job) as engine:
        if args.sales:
            inputs = read_sales(args.sales, args.regions, args.products, job, engine)
        else:
            inputs = read_data_folder(settings().data_dir)
        outcome = train_demand(
            inputs, job, bundle=args.bundle, track=not args.no_mlflow, engine=engine
        )
    overall = outcome.metrics["overall"]
    print(
        f"trained demand model: WAPE {overall['forecast']['wape']:.3f} "
        f"({versus_baselines(overall)}), "
        f"80% interval coverage {overall['forecast']['coverage']:.2f}"
    )
    print(f"bundle: {outcome.bundle}")
    if outcome.version:
        champion = "@champion" if outcome.metrics["beats_baselines"] else "(not champion)"
        print(f"MLflow: {REGISTERED_DEMAND_MODEL} version {outcome.version} {champion}")
    return 0
