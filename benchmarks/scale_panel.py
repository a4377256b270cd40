"""A seeded synthetic weekly sales panel of any breadth, as Parquet (the scale benchmark's)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

WEEKS = 156
"""Three years of weeks: the length of every benchmark series."""
START = "2023-01-01"
"""The first Sunday of the panel."""


def scale_panel(n_series: int, weeks: int = WEEKS, seed: int = 7) -> pd.DataFrame:
    """A weekly panel in the data contract: county x product series with season, trend and noise.

    Args:
        n_series: How many series (``region`` x ``product``, 50 products per region).
        weeks: Periods per series.
        seed: Random seed (same seed, same panel).

    Returns:
        ``date``, ``region``, ``product``, ``quantity``, ``price``: one row per series and week.
    """
    rng = np.random.default_rng(seed)
    products = 50
    series = np.arange(n_series)
    region = np.char.add("county-", (series // products).astype(str))
    product = np.char.add("produce-", (series % products).astype(str))
    dates = pd.date_range(START, periods=weeks, freq="W-SUN")
    t = np.arange(weeks)
    level = rng.lognormal(3.0, 1.0, n_series)[:, None]
    phase = rng.uniform(0, 2 * np.pi, n_series)[:, None]
    amplitude = rng.uniform(0.1, 0.6, n_series)[:, None]
    trend = rng.normal(0.0, 0.002, n_series)[:, None]
    season = 1 + amplitude * np.sin(2 * np.pi * t[None, :] / 52 + phase)
    mean = level * season * np.exp(trend * t[None, :])
    quantity = rng.poisson(mean).astype("float32")
    price = (rng.uniform(2, 20, n_series)[:, None] / season**0.3).astype("float32")
    return pd.DataFrame(
        {
            "date": np.tile(dates.to_numpy(), n_series),
            "region": np.repeat(region, weeks),
            "product": np.repeat(product, weeks),
            "quantity": quantity.ravel(),
            "price": np.round(price.ravel(), 2),
        }
    )


def write_scale_panel(path: Path, n_series: int, weeks: int = WEEKS) -> Path:
    """Write :func:`scale_panel` as one Parquet file.

    Args:
        path: Target file.
        n_series: How many series.
        weeks: Periods per series.

    Returns:
        The path written.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    scale_panel(n_series, weeks).to_parquet(path, index=False)
    return path
