"""``xingnong backtest``: rolling-origin backtest of the demand forecast."""

from __future__ import annotations

import argparse
from pathlib import Path

from pipelines.cli.args import add_model_args, check_outputs, job_settings
from pipelines.jobs.demand import backtest_demand
from pipelines.jobs.engine import open_engine, read_sales
from pipelines.jobs.outputs import write_csv, write_json

_EXAMPLES = """examples:
  xingnong backtest --sales data/demo/sales.csv --freq W-SUN --horizon 8 --folds 4 \\
      --output backtest.csv --metrics metrics.json
  xingnong backtest --sales monthly.csv --freq MS --horizon 3 --folds 4 --output bt.csv

The output has one row per (region, product, cutoff, date) with columns
region, product, cutoff, date, forecast, lo, hi (lo/hi: the 80% interval).
"""

_SHOWN = ("forecast", "lgb", "seasonal_naive", "ets", "theta", "ets_theta")


def add_parser(sub: argparse._SubParsersAction) -> None:
    """Register the sub-command."""
    parser = sub.add_parser(
        "backtest",
        help="rolling-origin backtest against seasonal naive, ETS and Theta",
        description="Forecast K non-overlapping windows of H periods, the last ending at the "
        "last period in the data, each from the data up to its cutoff only.",
        epilog=_EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--sales",
        type=Path,
        required=True,
        help="sales CSV or Parquet file, or a folder of Parquet parts",
    )
    parser.add_argument("--regions", type=Path, help="regions table (optional)")
    parser.add_argument("--products", type=Path, help="products table (optional)")
    parser.add_argument("--output", type=Path, required=True, help="forecasts CSV to write")
    parser.add_argument("--metrics", type=Path, help="metrics JSON to write")
    add_model_args(parser)
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Run the backtest, write its forecasts (and metrics) and print the scores."""
    check_outputs(
        {"--output": args.output, "--metrics": args.metrics},
        (args.sales, args.regions, args.products),
    )
    job = job_settings(args)
    with open_engine(job) as engine:
        inputs = read_sales(args.sales, args.regions, args.products, job, engine)
        table, doc = backtest_demand(inputs, job, engine=engine)
    write_csv(table.round({"forecast": 4, "lo": 4, "hi": 4}), args.output)
    if args.metrics:
        write_json(doc, args.metrics)
    overall = doc["overall"]
    for name in (n for n in _SHOWN if n in overall):
        m = overall[name]
        print(
            f"{name:15s} WAPE {m['wape']:.3f}  MASE {m['mase']:.3f}  coverage {m['coverage']:.2f}"
        )
    print(f"forecasts: {args.output}" + (f"  metrics: {args.metrics}" if args.metrics else ""))
    return 0
