"""Staging checked sales from an upload as a data folder the pipelines can train on."""

from __future__ import annotations

import os
import shutil
import tempfile
from datetime import datetime
from pathlib import Path

import pandas as pd

from pipelines.common import PRODUCTS_FILE, REGIONS_FILE, SALES_FILE
from pipelines.io import write_csv
from pipelines.recommend import CROPS_FILE, OPTIONS_FILE, PROFILE_FILE, SIGNALS_FILE

REFERENCE_FILES: tuple[str, ...] = (
    REGIONS_FILE,
    PRODUCTS_FILE,
    OPTIONS_FILE,
    CROPS_FILE,
    SIGNALS_FILE,
    PROFILE_FILE,
)
"""The files of a data folder besides the sales, copied from the folder the app reads."""
_DROPPED = ("source_row",)


def stage_upload(
    sales: pd.DataFrame, source: Path, root: Path, *, now: datetime | None = None
) -> Path:
    """A new data folder under ``root``: ``source``'s reference tables and the checked sales.

    Only the accepted rows are written, as ingest left them (personal columns already dropped
    or pseudonymised, regions and products as codes), so nothing personal is stored again.
    The folder is written under a temporary name and renamed: a folder that exists is whole.

    Args:
        sales: Accepted sales rows (``IngestResult.sales``).
        source: The data folder whose reference tables (regions, products, options...) apply.
        root: Where data folders are kept (created if missing).
        now: The time that names the folder (default: now).

    Returns:
        The new folder, ``upload-YYYYmmdd-HHMMSS`` (with ``-2``, ``-3``... if taken).
    """
    root.mkdir(parents=True, exist_ok=True)
    name = f"upload-{(now or datetime.now()):%Y%m%d-%H%M%S}"
    final, n = root / name, 1
    while final.exists():
        n += 1
        final = root / f"{name}-{n}"
    tmp = Path(tempfile.mkdtemp(prefix=".upload-", dir=root))
    try:
        for file in REFERENCE_FILES:
            if (source / file).exists():
                shutil.copy2(source / file, tmp / file)
        rows = sales.drop(columns=[c for c in _DROPPED if c in sales.columns])
        write_csv(
            rows.assign(date=pd.to_datetime(rows["date"]).dt.strftime("%Y-%m-%d")), tmp / SALES_FILE
        )
        os.replace(tmp, final)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return final
