"""Argument types and options the sub-commands share, and the job settings they make."""

from __future__ import annotations

import argparse
import os
from collections.abc import Iterable
from pathlib import Path

from pipelines.jobs.settings import SPLITTABLE, JobSettings
from recommender.data.periods import validate_freq
from recommender.errors import XingnongError
from recommender.forecast.settings import (
    BOOSTERS,
    DASK,
    DEFAULTS,
    ENGINES,
    FAST_TRAINING_ROWS,
    LARGE_PANEL,
    LOCAL,
    MAX_TRAINING_ROWS,
    STATISTICAL,
    BacktestConfig,
)


def positive_int(text: str) -> int:
    """Argparse type: a whole number of at least 1."""
    try:
        value = int(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from exc
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text!r} must be at least 1")
    return value


def frequency(text: str) -> str:
    """Argparse type: a pandas offset alias."""
    try:
        return validate_freq(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from exc


def split_columns(text: str) -> tuple[str, ...]:
    """Argparse type: comma-separated columns that split a series (``channel,form``)."""
    columns = tuple(c.strip() for c in text.split(",") if c.strip())
    unknown = sorted(set(columns) - set(SPLITTABLE))
    if unknown:
        allowed = " and ".join(SPLITTABLE)
        raise argparse.ArgumentTypeError(f"--by accepts {allowed}, not {', '.join(unknown)}")
    return columns


def add_model_args(parser: argparse.ArgumentParser) -> None:
    """Add the model options: periods, horizon, folds, warm-up, members, engine and ``--by``.

    Defaults are the job settings'.

    Args:
        parser: The sub-command's parser.
    """
    parser.add_argument(
        "--freq",
        type=frequency,
        default=DEFAULTS.freq,
        help="pandas offset alias of the periods: W-SUN (weeks ending Sunday), MS (months)",
    )
    parser.add_argument(
        "--horizon",
        type=positive_int,
        default=DEFAULTS.horizon,
        help="periods to forecast ahead (default: %(default)s)",
    )
    parser.add_argument(
        "--folds",
        type=positive_int,
        default=DEFAULTS.folds,
        help="scored backtest windows (default: %(default)s)",
    )
    parser.add_argument(
        "--warmup",
        type=positive_int,
        default=DEFAULTS.warmup,
        help="earlier windows that only teach the blend and the intervals (default: enough to "
        f"cover a year, at least 2, at most 8, as the history allows; 2 from {LARGE_PANEL:,} "
        "series)",
    )
    parser.add_argument(
        "--statistical",
        choices=STATISTICAL,
        default=DEFAULTS.statistical,
        help="statistical members: full (seasonal naive, ETS, Theta), naive (seasonal naive "
        f"only: much faster on many series) or auto (full below {LARGE_PANEL:,} series; "
        "default)",
    )
    parser.add_argument(
        "--booster",
        choices=BOOSTERS,
        default=DEFAULTS.booster,
        help="LightGBM recipe: full (L1 loss, 200 rounds, up to "
        f"{MAX_TRAINING_ROWS:,} training pairs), fast (Huber loss, 100 rounds, up to "
        f"{FAST_TRAINING_ROWS:,} pairs: about a fifth of the time) or auto (full below "
        f"{LARGE_PANEL:,} series; default)",
    )
    parser.add_argument(
        "--engine",
        choices=ENGINES,
        default=LOCAL,
        help=f"where features, LightGBM and the statistical members run: {LOCAL} (this "
        f"process; default) or {DASK} (a Dask cluster; needs the dask extra)",
    )
    parser.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help=f"address of a running Dask scheduler, e.g. tcp://10.0.0.5:8786 (with --engine "
        f"{DASK}; without it a local cluster starts, one worker per core)",
    )
    parser.add_argument(
        "--by",
        type=split_columns,
        default=(),
        help="extra columns that split a series, comma-separated (e.g. channel,form)",
    )


def job_settings(args: argparse.Namespace) -> JobSettings:
    """The job settings the parsed model options describe."""
    config = BacktestConfig(
        freq=args.freq,
        horizon=args.horizon,
        folds=args.folds,
        warmup=args.warmup,
        statistical=args.statistical,
        booster=args.booster,
    )
    return JobSettings(
        backtest=config, by=tuple(args.by), engine=args.engine, scheduler=args.scheduler
    )


def _same_or_inside(path: Path, other: Path) -> bool:
    """Whether ``path`` is ``other`` (also through links) or lies inside the folder ``other``."""
    if path.exists() and other.exists() and os.path.samefile(path, other):
        return True
    mine, theirs = path.resolve(), other.resolve()
    return mine == theirs or (other.is_dir() and theirs in mine.parents)


def check_outputs(outputs: dict[str, Path | None], inputs: Iterable[Path | None]) -> None:
    """Refuse to write where an input is read, or two outputs to one file.

    Args:
        outputs: Output paths by option (``--output``), None for options not given.
        inputs: Input files or folders.

    Raises:
        XingnongError: One line naming the option and the input it would overwrite.
    """
    given = {option: path for option, path in outputs.items() if path is not None}
    for option, path in given.items():
        for source in (p for p in inputs if p is not None):
            if _same_or_inside(Path(path), Path(source)):
                raise XingnongError(f"{option} {path} would overwrite the input {source}")
    seen: dict[Path, str] = {}
    for option, path in given.items():
        key = Path(path).resolve()
        if key in seen:
            raise XingnongError(f"{option} and {seen[key]} name the same file {path}")
        seen[key] = option
