"""Shared pytest fixtures."""

from __future__ import annotations

import pandas as pd
import pytest


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path, monkeypatch):
    """Every test writes under its own folder and MLflow store, never the checkout."""
    monkeypatch.setenv("XINGNONG_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("MLFLOW_TRACKING_URI", f"sqlite:///{tmp_path / 'mlflow.db'}")
    monkeypatch.delenv("XINGNONG_PII_KEY", raising=False)
    monkeypatch.delenv("XINGNONG_BUNDLE_KEY", raising=False)
    from recommender import config

    config.settings.cache_clear()
    yield
    config.settings.cache_clear()


def make_sales(n_series: int = 6, weeks: int = 110, seed: int = 3) -> pd.DataFrame:
    """Tiny seeded weekly sales in contract columns: seasonal, trending, one short series."""
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(seed)
    dates = pd.date_range("2023-01-01", periods=weeks, freq="W-SUN")
    rows = []
    for i in range(n_series):
        region, product = f"county{i % 3}", f"prod{i // 3}"
        level = 20 + 15 * i
        t = np.arange(weeks)
        mean = level * (1 + 0.5 * np.sin(2 * np.pi * t / 52 + i)) * (1 + 0.002 * t)
        qty = rng.poisson(np.maximum(mean, 0.5))
        start = weeks - 5 if i == n_series - 1 else 0  # the last series is too short to model
        for d, q in zip(dates[start:], qty[start:], strict=True):
            rows.append(
                {
                    "date": d.strftime("%Y-%m-%d"),
                    "region": region,
                    "product": product,
                    "quantity": float(q),
                    "price": round(10 + rng.normal(0, 0.5), 2),
                }
            )
    return pd.DataFrame(rows)


@pytest.fixture
def tiny_sales() -> pd.DataFrame:
    """Seeded weekly sales of six series (one of them only five weeks long)."""
    return make_sales()


@pytest.fixture
def tiny_sales_csv(tmp_path, tiny_sales):
    """The tiny sales written as a UTF-8 CSV."""
    path = tmp_path / "sales.csv"
    tiny_sales.to_csv(path, index=False)
    return path
