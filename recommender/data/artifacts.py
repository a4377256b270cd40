"""Reading the outputs a run left in the artifacts folder (what the app shows), verified."""

from __future__ import annotations

import hashlib
import hmac
import io
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from recommender.config import ENV_BUNDLE_KEY
from recommender.data.layout import (
    FORECAST_FILE,
    METRICS_FILE,
    OUTPUTS_MANIFEST_FILE,
    OUTPUTS_SIGNATURE_FILE,
)
from recommender.errors import DataError

_MANIFEST_VERSION = 1
_RERUN = "run 'xingnong run' again"


@dataclass(frozen=True)
class RunOutputs:
    """The demand outputs of the latest run.

    Attributes:
        forecast: Served forecast rows (series columns, ``date``, ``forecast``, ``lo``, ``hi``).
        metrics: The backtest metrics document.
        folder: Where they were read from.
    """

    forecast: pd.DataFrame
    metrics: dict[str, Any]
    folder: Path


def _key() -> bytes | None:
    key = os.environ.get(ENV_BUNDLE_KEY)
    return key.encode("utf-8") if key else None


def _files(folder: Path) -> list[Path]:
    skip = {OUTPUTS_MANIFEST_FILE, OUTPUTS_SIGNATURE_FILE}
    return sorted(
        p
        for p in folder.rglob("*")
        if p.is_file() and p.name not in skip and not p.name.startswith(".")
    )


def write_outputs_manifest(folder: Path) -> Path:
    """List the SHA-256 of every file in a run's (still private) artifacts folder.

    Written last, in the folder a run builds before it swaps it in (so plainly, not through a
    temporary file); signed with ``XINGNONG_BUNDLE_KEY`` when it is set.

    Args:
        folder: The artifacts folder being built.

    Returns:
        The manifest's path.
    """
    files = {p.relative_to(folder).as_posix(): _digest(p) for p in _files(folder)}
    return _write_manifest(folder, files, replace=False)


def record_outputs(folder: Path, names: list[str]) -> Path:
    """Add files a later step wrote into a run's artifacts folder to its manifest.

    The manifest is verified first (so nothing changed behind the run's back is blessed),
    then rewritten with the given files' digests, atomically.

    Args:
        folder: The artifacts folder.
        names: Paths inside it that were just written.

    Returns:
        The manifest's path.

    Raises:
        DataError: The manifest does not verify.
    """
    files = _manifest(folder)
    files.update({name: _digest(folder / name) for name in names})
    return _write_manifest(folder, files, replace=True)


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _write_manifest(folder: Path, files: dict[str, str], *, replace: bool) -> Path:
    doc = {"schema_version": _MANIFEST_VERSION, "algorithm": "sha256", "files": files}
    data = (json.dumps(doc, ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode()
    key = _key()
    signature = folder / OUTPUTS_SIGNATURE_FILE
    if key is not None:
        _put(signature, (hmac.new(key, data, hashlib.sha256).hexdigest() + "\n").encode(), replace)
    elif signature.exists():
        signature.unlink()
    path = folder / OUTPUTS_MANIFEST_FILE
    _put(path, data, replace)
    return path


def _put(path: Path, data: bytes, replace: bool) -> None:
    """Write a file; through a temporary sibling and a rename when others may read it."""
    if not replace:
        path.write_bytes(data)
        return
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def _manifest(folder: Path) -> dict[str, str]:
    """The verified list of a run's output files (signature checked when a key is set)."""
    path = folder / OUTPUTS_MANIFEST_FILE
    if not path.is_file() or path.is_symlink():
        raise DataError(f"{folder} was not written by a run (no {OUTPUTS_MANIFEST_FILE}): {_RERUN}")
    data = path.read_bytes()[: 1 << 22]
    key = _key()
    if key is not None:
        sig_path = folder / OUTPUTS_SIGNATURE_FILE
        signature = sig_path.read_text(errors="replace").strip() if sig_path.is_file() else ""
        if not hmac.compare_digest(signature, hmac.new(key, data, hashlib.sha256).hexdigest()):
            raise DataError(f"{folder}: the outputs' signature does not match: {_RERUN}")
    try:
        files = json.loads(data.decode("utf-8"))["files"]
    except (ValueError, KeyError, TypeError, UnicodeDecodeError) as exc:
        raise DataError(f"{folder}: {OUTPUTS_MANIFEST_FILE} is unreadable: {_RERUN}") from exc
    if not isinstance(files, dict):
        raise DataError(f"{folder}: {OUTPUTS_MANIFEST_FILE} is unreadable: {_RERUN}")
    return {str(k): str(v) for k, v in files.items()}


def read_verified(folder: Path, name: str) -> bytes:
    """The bytes of one output file, checked against the run's manifest.

    Args:
        folder: The artifacts folder.
        name: The file's path inside it (``forecast.csv``, ``recommendations/x.json``).

    Returns:
        The verified bytes.

    Raises:
        DataError: The file is not listed, missing, or changed since the run wrote it.
    """
    expected = _manifest(folder).get(name)
    path = folder / name
    if expected is None or not path.is_file():
        raise DataError(f"{path} is not an output of the latest run: {_RERUN}")
    data = path.read_bytes()
    if not hmac.compare_digest(hashlib.sha256(data).hexdigest(), expected):
        raise DataError(f"{path} was changed or cut after the run wrote it: {_RERUN}")
    return data


def read_outputs(folder: Path) -> RunOutputs | None:
    """Read the latest run's outputs, verified, or None when no run has written them yet.

    Args:
        folder: The artifacts folder.

    Returns:
        The outputs, or None.

    Raises:
        DataError: One line when they do not verify or cannot be parsed.
    """
    forecast_path, metrics_path = folder / FORECAST_FILE, folder / METRICS_FILE
    if not (forecast_path.exists() and metrics_path.exists()):
        return None
    forecast_bytes = read_verified(folder, FORECAST_FILE)
    metrics_bytes = read_verified(folder, METRICS_FILE)
    try:
        forecast = pd.read_csv(io.BytesIO(forecast_bytes), parse_dates=["date"])
        metrics = json.loads(metrics_bytes.decode("utf-8"))
    except (ValueError, UnicodeDecodeError) as exc:
        raise DataError(f"{folder}: the run's outputs cannot be read ({exc}): {_RERUN}") from exc
    if not isinstance(metrics, dict):
        raise DataError(f"{metrics_path} is not a metrics document: {_RERUN}")
    return RunOutputs(forecast, metrics, folder)


def outputs_stamp(folder: Path) -> float | None:
    """Latest modification time of the run outputs (a cache key), None when absent.

    Args:
        folder: The artifacts folder.

    Returns:
        Seconds since the epoch, or None.
    """
    paths = [folder / FORECAST_FILE, folder / METRICS_FILE]
    if not all(p.exists() for p in paths):
        return None
    return max(p.stat().st_mtime for p in paths)
