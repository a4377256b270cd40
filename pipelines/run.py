"""The ``run`` sub-command: every pipeline end to end on a data folder."""

from __future__ import annotations

import argparse
import dataclasses
from collections.abc import Callable
from pathlib import Path

from pipelines.common import (
    add_model_args,
    backtest_config,
    data_folder_inputs,
    log,
    series_keys,
)
from pipelines.common import progress as log_progress
from pipelines.differentiation import train_brand, train_processing, write_recommendations
from pipelines.io import write_csv, write_json
from pipelines.recommend import load_evidence
from pipelines.train import train_demand
from recommender.config import REGISTERED_DEMAND_MODEL, settings

_EXAMPLES = """examples:
  xingnong run                      # the embedded demo data (data/demo)
  xingnong run --data my_coop/      # a folder with sales.csv, regions.csv, products.csv

Writes to artifacts/ (or --out): forecast.csv, backtest.csv, metrics.json, processing.csv,
brand.csv, recommendations/<region>.json and, when rows were rejected, quarantine.csv; the model
bundle to models/demand; every run to MLflow.
"""


STEPS: tuple[tuple[str, float], ...] = (
    ("validate", 0.0),
    ("demand", 0.03),
    ("forecast", 0.80),
    ("differentiation", 0.82),
    ("recommendations", 0.93),
)
"""The run's steps and roughly how far along the whole run each one starts (0-1)."""

Progress = Callable[[str, float], None]
"""Told ``(step, fraction done)`` as each step starts, and ``("done", 1.0)`` at the end."""


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


def _step(progress: Progress | None, index: int, message: str, *fields: object) -> None:
    """Log step ``index`` (0-based) and tell ``progress`` how far the run is."""
    log.info("[%d/%d] " + message, index + 1, len(STEPS), *fields)
    if progress is not None:
        progress(*STEPS[index])


def _demand_report(progress: Progress | None, lines: int) -> Callable[[str], None]:
    """Log the demand step's lines and move ``progress`` on by one part in ``lines`` each."""
    start, end = STEPS[1][1], STEPS[2][1]
    done = 0

    def report(message: str) -> None:
        nonlocal done
        log_progress(message)
        done += 1
        if progress is not None:
            progress(STEPS[1][0], start + (end - start) * min(done, lines) / lines)

    return report


def run(args: argparse.Namespace, progress: Progress | None = None) -> int:
    """Validate, train and forecast; write every output.

    Args:
        args: The parsed ``run`` arguments.
        progress: Told how far the run is as each step starts (the app's progress bar).

    Returns:
        0 (failures raise).
    """
    out = args.out or settings().artifacts_dir
    _step(progress, 0, "validating %s", args.data or settings().data_dir)
    inputs = data_folder_inputs(args.data)
    written = []
    if inputs.ingest.rows_quarantined:
        written.append(write_csv(inputs.ingest.quarantine, out / "quarantine.csv", excel_bom=True))
    _step(progress, 1, "demand: backtest and training")
    config = backtest_config(args)
    outcome = train_demand(
        inputs,
        config,
        series_keys(args),
        track=not args.no_mlflow,
        report=_demand_report(progress, config.warmup + config.folds + 1),
    )
    _step(progress, 2, "writing the forecast to %s", out)
    written.append(write_csv(outcome.forecast, out / "forecast.csv"))
    written.append(write_csv(outcome.backtest, out / "backtest.csv"))
    served = {
        "registered_model": REGISTERED_DEMAND_MODEL,
        "model_version": outcome.version,
        "data_folder": str(Path(args.data or settings().data_dir).resolve()),
    }
    written.append(write_json({**outcome.metrics, **served}, out / "metrics.json"))
    track = not args.no_mlflow
    if inputs.regions is not None and inputs.products is not None:
        evidence = load_evidence(args.data, out)
        _step(progress, 3, "processing options and regional brands")
        _, multipliers = train_processing(evidence, out, track=track)
        evidence = dataclasses.replace(evidence, multipliers=multipliers)
        train_brand(evidence, out, track=track)
        written += [out / "processing.csv", out / "brand.csv"]
        _step(progress, 4, "recommendations")
        written += write_recommendations(evidence, out, weeks=args.horizon, track=track)
    else:
        log.info("no regions.csv/products.csv: processing, brand and recommendations skipped")
    if progress is not None:
        progress("done", 1.0)
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


def run_everything(argv: list[str] | None = None, progress: Progress | None = None) -> int:
    """``xingnong run [argv]`` called from Python, with a progress callback (the app's button).

    Args:
        argv: Arguments after ``run`` (default: none, i.e. the default data folder).
        progress: Told how far the run is as each step starts.

    Returns:
        0 (failures raise, e.g. :class:`~recommender.errors.DataError` for bad input).
    """
    parser = argparse.ArgumentParser(prog="xingnong")
    add_parser(parser.add_subparsers())
    return run(parser.parse_args(["run", *(argv or [])]), progress)
