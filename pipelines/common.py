"""Arguments and steps the demand sub-commands share: reading inputs, settings, progress."""

from __future__ import annotations

import argparse
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from recommender.config import settings
from recommender.data.contract import PRODUCT, REGION
from recommender.data.ingest import IngestResult, load_products, load_regions, validate_sales
from recommender.data.periods import validate_freq
from recommender.data.pii import pii_key_from_env
from recommender.data.readers import read_table
from recommender.errors import DataError

if TYPE_CHECKING:
    from recommender.forecast.backtest import BacktestConfig

log = logging.getLogger("xingnong")

SALES_FILE = "sales.csv"
REGIONS_FILE = "regions.csv"
PRODUCTS_FILE = "products.csv"


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


def add_model_args(parser: argparse.ArgumentParser, *, horizon: int | None = None) -> None:
    """Add ``--freq``, ``--horizon``, ``--folds`` and ``--by``.

    Args:
        parser: The sub-command's parser.
        horizon: Default horizon (the settings' default when None).
    """
    defaults = settings().forecast
    parser.add_argument(
        "--freq",
        type=frequency,
        default=defaults.freq,
        help="pandas offset alias of the periods: W-SUN (weeks ending Sunday), MS (months)",
    )
    parser.add_argument(
        "--horizon",
        type=positive_int,
        default=horizon or defaults.horizon,
        help="periods to forecast ahead (default: %(default)s)",
    )
    parser.add_argument(
        "--folds",
        type=positive_int,
        default=defaults.folds,
        help="scored backtest windows (default: %(default)s)",
    )
    parser.add_argument(
        "--by",
        default="",
        help="extra columns that split a series, comma-separated (e.g. channel,form)",
    )


def backtest_config(args: argparse.Namespace) -> BacktestConfig:
    """Backtest settings from the parsed arguments."""
    from recommender.forecast.backtest import BacktestConfig

    return BacktestConfig(freq=args.freq, horizon=args.horizon, folds=args.folds)


def series_keys(args: argparse.Namespace) -> tuple[str, ...]:
    """The columns that identify a series: region, product and any ``--by`` columns."""
    extra = [c.strip() for c in str(getattr(args, "by", "") or "").split(",") if c.strip()]
    allowed = {"channel", "form"}
    unknown = sorted(set(extra) - allowed)
    if unknown:
        raise DataError(f"--by accepts channel and form, not {', '.join(unknown)}")
    return (REGION, PRODUCT, *[c for c in extra if c not in (REGION, PRODUCT)])


@dataclass(frozen=True)
class Inputs:
    """Validated inputs of a demand pipeline.

    Attributes:
        ingest: Accepted and quarantined sales rows.
        regions: Validated regions table, if given.
        products: Validated products table, if given.
        source: Where the sales came from (for logs and MLflow tags).
    """

    ingest: IngestResult
    regions: pd.DataFrame | None
    products: pd.DataFrame | None
    source: str


def read_inputs(sales: Path, regions: Path | None = None, products: Path | None = None) -> Inputs:
    """Read and validate the sales file and the optional reference tables.

    Args:
        sales: Sales CSV or Parquet.
        regions: Regions table.
        products: Products table.

    Returns:
        The validated inputs.

    Raises:
        DataError: When no sales row is usable or a file cannot be read.
    """
    region_table = load_regions(regions) if regions else None
    product_table = load_products(products) if products else None
    raw = read_table(sales, what=f"sales file {sales}")
    result = validate_sales(
        raw, regions=region_table, products=product_table, pii_key=pii_key_from_env()
    )
    log.info(
        "sales: %s rows read, %s accepted, %s quarantined",
        f"{result.rows_read:,}",
        f"{result.rows_accepted:,}",
        f"{result.rows_quarantined:,}",
    )
    if result.rows_accepted == 0:
        raise DataError(f"no usable sales rows in {sales} (run 'xingnong validate' for reasons)")
    return Inputs(result, region_table, product_table, str(sales))


def data_folder_inputs(folder: Path | None) -> Inputs:
    """Read a data folder laid out like ``data/demo/`` (sales plus reference tables).

    Args:
        folder: The folder; when None, ``XINGNONG_DATA`` or else the embedded demo data.

    Returns:
        The validated inputs.
    """
    root = folder or settings().data_dir
    sales = root / SALES_FILE
    if not sales.exists():
        parquet = root / "sales.parquet"
        if not parquet.exists():
            raise DataError(f"{root} has no {SALES_FILE} (or sales.parquet)")
        sales = parquet
    regions = root / REGIONS_FILE
    products = root / PRODUCTS_FILE
    return read_inputs(
        sales, regions if regions.exists() else None, products if products.exists() else None
    )


def progress(message: str) -> None:
    """Report a step of a long job on standard error."""
    log.info("  %s", message)
