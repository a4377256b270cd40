"""Helpers shared by test modules (fixtures live in conftest.py)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd

from recommender.config import DEMO_DATA_DIR
from recommender.data.layout import REFERENCE_FILES, SALES_FILE

REPO = Path(__file__).resolve().parents[1]
"""The source checkout (app.py, the data folder's reference data sets)."""
COOP_REGIONS = ("zhouzhi", "luochuan", "liuba")


def write_coop(folder: Path) -> Path:
    """A small cooperative data folder: three demo counties' sales since August 2023.

    Args:
        folder: Where to write (created if missing).

    Returns:
        The folder, laid out like ``data/demo``.
    """
    folder.mkdir(parents=True, exist_ok=True)
    for name in REFERENCE_FILES:
        shutil.copy(DEMO_DATA_DIR / name, folder / name)
    sales = pd.read_csv(DEMO_DATA_DIR / SALES_FILE)
    sales = sales[sales["region"].isin(COOP_REGIONS)]
    sales = sales[pd.to_datetime(sales["date"]) > pd.Timestamp("2023-08-01")]
    sales.to_csv(folder / SALES_FILE, index=False)
    return folder
