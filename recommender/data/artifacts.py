"""Reading the outputs a run left in the artifacts folder (what the app shows)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from recommender.data.layout import FORECAST_FILE, METRICS_FILE


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


def read_outputs(folder: Path) -> RunOutputs | None:
    """Read the latest run's outputs, or None when no run has written them yet.

    Args:
        folder: The artifacts folder.

    Returns:
        The outputs, or None.
    """
    forecast_path, metrics_path = folder / FORECAST_FILE, folder / METRICS_FILE
    if not (forecast_path.exists() and metrics_path.exists()):
        return None
    forecast = pd.read_csv(forecast_path, parse_dates=["date"])
    metrics = json.loads(metrics_path.read_text(encoding="utf-8"))
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
