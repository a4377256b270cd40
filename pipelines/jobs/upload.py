"""Staging checked sales from an upload as a data folder the pipelines can train on."""

from __future__ import annotations

import shutil
from datetime import datetime
from pathlib import Path

import pandas as pd

from pipelines.jobs.outputs import write_csv
from recommender.bundle import atomic_folder
from recommender.data.contract import DATE, SOURCE_ROW
from recommender.data.layout import REFERENCE_FILES, SALES_FILE


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

    Raises:
        XingnongError: The folder cannot be written (nothing is left behind).
    """
    name = f"upload-{(now or datetime.now()):%Y%m%d-%H%M%S}"
    final, n = root / name, 1
    while final.exists():
        n += 1
        final = root / f"{name}-{n}"
    with atomic_folder(f"upload folder {final}", final) as tmp:
        for file in REFERENCE_FILES:
            if (source / file).exists():
                shutil.copy2(source / file, tmp / file)
        rows = sales.drop(columns=[c for c in (SOURCE_ROW,) if c in sales.columns])
        dates = pd.to_datetime(rows[DATE]).dt.strftime("%Y-%m-%d")
        write_csv(rows.assign(**{DATE: dates}), tmp / SALES_FILE)
    return final
