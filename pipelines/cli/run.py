"""``xingnong run``: every pipeline end to end on a data folder."""

from __future__ import annotations

import argparse
from pathlib import Path

from pipelines.cli.args import add_model_args, job_settings
from pipelines.cli.scores import versus_baselines
from pipelines.jobs.run import RunReport, run_all
from recommender.data.assumptions import summarise

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
    parser.add_argument(
        "--data", type=Path, help="data folder (default: $XINGNONG_DATA, else the demo data)"
    )
    parser.add_argument("--out", type=Path, help="output folder (default: artifacts/)")
    parser.add_argument("--no-mlflow", action="store_true", help="do not log to MLflow")
    add_model_args(parser)
    parser.set_defaults(handler=run)


def summary(report: RunReport) -> str:
    """What ``xingnong run`` prints: the accounting, the scores and every file written.

    Args:
        report: The finished run.

    Returns:
        Lines of text (no trailing newline).
    """
    overall = report.metrics["overall"]
    lines = [
        f"rows: {report.rows_read:,} read, {report.rows_accepted:,} accepted, "
        f"{report.rows_quarantined:,} quarantined",
        f"demand: WAPE {overall['forecast']['wape']:.3f} vs {versus_baselines(overall)}",
        f"bundle: {report.bundle}",
    ]
    if report.decisions:
        shares = {p: v["share_of_perfect"] for p, v in report.decisions.items()}
        lines.append(
            "decisions (replayed on past windows, margin as a share of perfect foresight's): "
            + ", ".join(f"{p.replace('_', ' ')} {s:.0%}" for p, s in shares.items())
        )
    if report.assumptions:
        lines.append("assumed (category defaults shipped with xingnong, not your data):")
        lines += [f"  - {line}" for line in summarise(report.assumptions)]
    return "\n".join(lines + [f"wrote: {path}" for path in report.written])


def run(args: argparse.Namespace) -> int:
    """Validate, train and forecast; write every output; print what was done."""
    report = run_all(args.data, args.out, job_settings(args), track=not args.no_mlflow)
    print(summary(report))
    return 0
