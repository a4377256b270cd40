"""Writing the seeded demo data set (sales, regions, products) as CSV files."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from pipelines.jobs.outputs import write_bytes
from recommender.data.layout import PRODUCTS_FILE, REGIONS_FILE, SALES_FILE
from recommender.demo import DemoData


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """A frame as the project's CSV bytes: UTF-8, ISO dates, LF line ends, no index.

    Args:
        frame: The table to encode.

    Returns:
        The encoded CSV.
    """
    text = frame.to_csv(index=False, date_format="%Y-%m-%d", lineterminator="\n")
    return text.encode("utf-8")


def write_demo(data: DemoData, out: Path) -> dict[Path, int]:
    """Write the three demo tables to a folder, each atomically.

    Args:
        data: The demo data set.
        out: Destination folder (created when missing).

    Returns:
        Each written file and its number of data rows.

    Raises:
        XingnongError: If the folder or a file cannot be written.
    """
    tables = {SALES_FILE: data.sales, REGIONS_FILE: data.regions, PRODUCTS_FILE: data.products}
    return {write_bytes(csv_bytes(frame), out / name): len(frame) for name, frame in tables.items()}
