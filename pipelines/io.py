"""Atomic file writes for pipeline outputs: a reader never sees a half-written file."""

from __future__ import annotations

import json
import math
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd

from recommender.errors import XingnongError


def write_atomic(path: str | Path, write: Callable[[Path], None]) -> Path:
    """Write through a temporary file in the same folder, then rename it into place.

    Args:
        path: Destination file.
        write: Called with the temporary path; must write the whole file there.

    Returns:
        The destination path.

    Raises:
        XingnongError: When the file cannot be written (the destination is left as it was).
    """
    dest = Path(path)
    try:
        dest.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(dir=dest.parent, prefix=f".{dest.name}.", suffix=".tmp")
    except OSError as exc:
        raise XingnongError(f"cannot write {dest}: {exc.strerror or exc}") from exc
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        write(tmp)
        with open(tmp, "rb") as handle:
            os.fsync(handle.fileno())
        os.replace(tmp, dest)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise XingnongError(f"cannot write {dest}: {exc.strerror or exc}") from exc
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return dest


def write_csv(frame: pd.DataFrame, path: str | Path, *, excel_bom: bool = False) -> Path:
    """Write a CSV atomically (UTF-8; with a BOM so spreadsheet programs read Chinese right).

    Args:
        frame: Table to write.
        path: Destination.
        excel_bom: Start the file with a UTF-8 byte-order mark.

    Returns:
        The destination path.
    """
    encoding = "utf-8-sig" if excel_bom else "utf-8"
    return write_atomic(
        path,
        lambda tmp: frame.to_csv(tmp, index=False, encoding=encoding, date_format="%Y-%m-%d"),
    )


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

    def _write(tmp: Path) -> None:
        tmp.write_text(text + "\n", encoding="utf-8")

    return write_atomic(path, _write)


def write_parquet(frame: pd.DataFrame, path: str | Path) -> Path:
    """Write Parquet atomically.

    Args:
        frame: Table to write.
        path: Destination.

    Returns:
        The destination path.
    """
    return write_atomic(path, lambda tmp: frame.to_parquet(tmp, index=False))
