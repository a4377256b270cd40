"""The plain recipe the scale benchmark measures against: mlforecast + LightGBM, nothing else."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import lightgbm as lgb
import pandas as pd
from mlforecast import MLForecast
from mlforecast.lag_transforms import RollingMean

HORIZON = 8


def plain_recipe(path: Path, horizon: int = HORIZON) -> dict[str, Any]:
    """Read a benchmark panel, fit 200 LightGBM trees on lags and rolling means, forecast.

    The recipe: lags 1-4 and 52, rolling means of 4 and 13 weeks, month and week of year;
    LightGBM's defaults with 200 trees on every core. No validation, no baselines, no intervals.

    Args:
        path: A Parquet panel from :func:`benchmarks.scale_panel.write_scale_panel`.
        horizon: Weeks forecast.

    Returns:
        Seconds to read, fit and forecast, and the rows forecast.
    """
    start = time.perf_counter()
    raw = pd.read_parquet(path)
    df = pd.DataFrame(
        {
            "unique_id": raw["region"] + "|" + raw["product"],
            "ds": pd.to_datetime(raw["date"]),
            "y": raw["quantity"].astype("float32"),
        }
    )
    read = time.perf_counter()
    fcst = MLForecast(
        models={"lgb": lgb.LGBMRegressor(n_estimators=200, verbosity=-1)},
        freq="W-SUN",
        lags=[1, 2, 3, 4, 52],
        lag_transforms={1: [RollingMean(window_size=4), RollingMean(window_size=13)]},
        date_features=["month", "week"],
    )
    fcst.fit(df, static_features=[])
    fitted = time.perf_counter()
    out = fcst.predict(horizon)
    done = time.perf_counter()
    return {
        "read_s": read - start,
        "fit_s": fitted - read,
        "forecast_s": done - fitted,
        "total_s": done - start,
        "rows_forecast": len(out),
    }
