"""A cooperative's data folder: its sales and reference tables, read and validated."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from recommender.data.aggregate import SummedIngest
from recommender.data.assumptions import (
    Assumption,
    complete_crops,
    complete_options,
    complete_signals,
    profile_assumption,
)
from recommender.data.ingest import IngestResult, validate_sales
from recommender.data.layout import (
    CROPS_FILE,
    OPTIONS_FILE,
    PRODUCTS_FILE,
    PROFILE_FILE,
    REGIONS_FILE,
    SALES_FILE,
    SALES_PARQUET_FILE,
    SIGNALS_FILE,
    sales_file,
)
from recommender.data.outliers import find_outliers
from recommender.data.pii import pii_key_from_env
from recommender.data.readers import read_table
from recommender.data.reference import load_products, load_regions
from recommender.data.tables import load_brand_signals, load_crop_economics, load_processing_options
from recommender.errors import DataError

log = logging.getLogger("xingnong")


@dataclass(frozen=True)
class Inputs:
    """Validated sales and reference tables.

    Attributes:
        ingest: Accepted and quarantined sales rows (or, read by a cluster's workers, their
            sums per series and period and the quarantined rows).
        regions: Validated regions table, if given.
        products: Validated products table, if given.
        source: Where the sales came from (for logs and MLflow tags).
    """

    ingest: IngestResult | SummedIngest
    regions: pd.DataFrame | None
    products: pd.DataFrame | None
    source: str


def check_accounting(result: IngestResult | SummedIngest, sales: Path, where: str = "") -> None:
    """Log how many sales rows were read, accepted and quarantined; refuse when none is usable.

    Args:
        result: The ingest's outcome.
        sales: The input, for the error.
        where: Words added to the log line (``(by the workers)``).

    Raises:
        DataError: When no row was accepted.
    """
    log.info(
        "sales: %s rows read, %s accepted, %s quarantined%s",
        f"{result.rows_read:,}",
        f"{result.rows_accepted:,}",
        f"{result.rows_quarantined:,}",
        f" {where}" if where else "",
    )
    if result.rows_accepted == 0:
        raise DataError(f"no usable sales rows in {sales} (run 'xingnong validate' for reasons)")


def read_inputs(sales: Path, regions: Path | None = None, products: Path | None = None) -> Inputs:
    """Read and validate a sales file and the optional reference tables.

    Customer columns are pseudonymised with ``XINGNONG_PII_KEY`` when it is set, else dropped.

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
    check_accounting(result, sales)
    for line in find_outliers(result.sales).lines():
        log.warning("sales: flagged, still accepted: %s", line)
    return Inputs(result, region_table, product_table, str(sales))


def read_data_folder(folder: Path) -> Inputs:
    """Read a data folder laid out like the demo data (sales plus optional reference tables).

    Args:
        folder: The folder.

    Returns:
        The validated inputs.

    Raises:
        DataError: The folder has no sales file, or an input is invalid.
    """
    sales = sales_file(folder)
    if sales is None:
        raise DataError(f"{folder} has no {SALES_FILE} (or {SALES_PARQUET_FILE})")
    regions, products = folder / REGIONS_FILE, folder / PRODUCTS_FILE
    return read_inputs(
        sales, regions if regions.exists() else None, products if products.exists() else None
    )


@dataclass(frozen=True)
class Knowledge:
    """What a cooperative knows beyond its sales, completed by category defaults.

    Attributes:
        options: Processing options (the user's rows, filled out; see
            :func:`recommender.data.assumptions.complete_options`).
        crops: Crop economics (see :func:`recommender.data.assumptions.complete_crops`).
        signals: Brand signals (empty when the folder has none).
        assumptions: Everything taken from defaults rather than the folder, in words.
    """

    options: pd.DataFrame
    crops: pd.DataFrame
    signals: pd.DataFrame
    assumptions: tuple[Assumption, ...]


def read_knowledge(folder: Path, products: pd.DataFrame, regions: pd.DataFrame) -> Knowledge:
    """Read the optional tables of a data folder and complete them with category defaults.

    A missing table, or one that covers some products only, is filled from the defaults
    shipped with the package (never from another cooperative's rows); each default is listed
    in ``assumptions``.

    Args:
        folder: The data folder.
        products: Its validated products table.
        regions: Its validated regions table.

    Returns:
        The completed tables and what was assumed.

    Raises:
        DataError: When a table the folder has is invalid.
    """
    options = folder / OPTIONS_FILE
    crops = folder / CROPS_FILE
    signals = folder / SIGNALS_FILE
    own_options = load_processing_options(options, products) if options.exists() else None
    own_crops = load_crop_economics(crops, products, regions) if crops.exists() else None
    own_signals = load_brand_signals(signals, products, regions) if signals.exists() else None
    all_options, said_options = complete_options(own_options, products)
    all_crops, said_crops = complete_crops(own_crops, products)
    all_signals, said_signals = complete_signals(own_signals)
    said = [*said_options, *said_crops, *said_signals]
    if not (folder / PROFILE_FILE).exists():
        said.append(profile_assumption())
    if said:
        log.info("assumed: %d category default(s) (xingnong validate --data lists them)", len(said))
    return Knowledge(all_options, all_crops, all_signals, tuple(said))
