"""A cooperative's data folder: its sales and reference tables, read and validated."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from recommender.config import settings
from recommender.data.ingest import IngestResult, validate_sales
from recommender.data.layout import (
    PRODUCTS_FILE,
    REGIONS_FILE,
    SALES_FILE,
    SALES_PARQUET_FILE,
    sales_file,
)
from recommender.data.pii import pii_key_from_env
from recommender.data.readers import read_table
from recommender.data.reference import load_products, load_regions
from recommender.errors import DataError

log = logging.getLogger("xingnong")


@dataclass(frozen=True)
class Inputs:
    """Validated sales and reference tables.

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
    log.info(
        "sales: %s rows read, %s accepted, %s quarantined",
        f"{result.rows_read:,}",
        f"{result.rows_accepted:,}",
        f"{result.rows_quarantined:,}",
    )
    if result.rows_accepted == 0:
        raise DataError(f"no usable sales rows in {sales} (run 'xingnong validate' for reasons)")
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


def table_or_demo(folder: Path, name: str) -> Path:
    """A reference table of the folder, or the demo data's when the folder has none.

    Args:
        folder: The data folder.
        name: The table's file name (see :data:`recommender.data.layout.DEFAULTED_FILES`).

    Returns:
        The file to read.
    """
    path = folder / name
    if path.exists():
        return path
    log.info("%s not in %s: using the demo default", name, folder)
    return settings().demo_dir / name
