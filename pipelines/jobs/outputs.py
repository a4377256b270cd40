"""Writing a job's outputs as CSV, JSON or Parquet, each file atomically."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pandas as pd

from recommender.bundle import write_atomic
from recommender.data.cells import safe_csv


def write_csv(frame: pd.DataFrame, path: str | Path, *, excel_bom: bool = False) -> Path:
    """Write a CSV atomically (UTF-8; with a BOM so spreadsheet programs read Chinese right).

    Written by :func:`recommender.data.cells.safe_csv`: formula-like text gets a leading ``'``,
    and a value holding a carriage return or a line break is quoted.

    Args:
        frame: Table to write.
        path: Destination.
        excel_bom: Start the file with a UTF-8 byte-order mark.

    Returns:
        The destination path.
    """
    encoding = "utf-8-sig" if excel_bom else "utf-8"
    return write_atomic(path, lambda tmp: safe_csv(frame, tmp, encoding=encoding))


def _finite(obj: Any) -> Any:
    """Replace NaN and infinities (not valid JSON) by null, recursively."""
    if isinstance(obj, float):
        return obj if math.isfinite(obj) else None
    if isinstance(obj, dict):
        return {k: _finite(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [_finite(v) for v in obj]
    return obj


def write_json(obj: Any, path: str | Path) -> Path:
    """Write JSON atomically (UTF-8, indented, non-ASCII kept readable).

    Args:
        obj: JSON-serialisable object (NaN and infinities are written as null).
        path: Destination.

    Returns:
        The destination path.
    """
    text = json.dumps(_finite(obj), ensure_ascii=False, indent=2, default=str, allow_nan=False)
    return write_atomic(path, lambda tmp: tmp.write_text(text + "\n", encoding="utf-8"))


def write_parquet(frame: pd.DataFrame, path: str | Path) -> Path:
    """Write Parquet atomically.

    Args:
        frame: Table to write.
        path: Destination.

    Returns:
        The destination path.
    """
    return write_atomic(path, lambda tmp: frame.to_parquet(tmp, index=False))


def write_bytes(payload: bytes, path: str | Path) -> Path:
    """Write bytes atomically.

    Args:
        payload: The file's content.
        path: Destination.

    Returns:
        The destination path.
    """
    return write_atomic(path, lambda tmp: tmp.write_bytes(payload))
