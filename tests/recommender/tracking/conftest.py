"""Fixtures of the tracking tests: one SQLite MLflow store per module, tiny seeded bundles."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import lightgbm
import numpy as np
import pandas as pd
import pytest

from recommender import config
from recommender.bundle import save_bundle
from recommender.forecast.forecaster import FORECAST_TABLE, SERIES_TABLE

FEATURES = ["f0", "f1", "f2"]


@pytest.fixture(scope="module")
def store(tmp_path_factory) -> Path:
    """One SQLite store for the module (creating one costs seconds)."""
    return tmp_path_factory.mktemp("store")


@pytest.fixture
def shared_store(store, monkeypatch) -> Iterator[Path]:
    """Point the test at the module's store (runs after the conftest's per-test store)."""
    monkeypatch.setenv("MLFLOW_TRACKING_URI", f"sqlite:///{store / 'mlflow.db'}")
    config.settings.cache_clear()
    yield store
    config.settings.cache_clear()


@pytest.fixture(scope="module")
def frame() -> pd.DataFrame:
    """Seeded features and a target driven by ``f0``."""
    rng = np.random.default_rng(11)
    data = pd.DataFrame(rng.normal(size=(200, 3)), columns=FEATURES)
    data["y"] = data["f0"] * 3 + rng.normal(scale=0.1, size=200)
    return data


@pytest.fixture(scope="module")
def booster(frame) -> lightgbm.Booster:
    """A tiny deterministic LightGBM booster on :func:`frame`."""
    params = {
        "objective": "regression",
        "seed": 3,
        "deterministic": True,
        "force_row_wise": True,
        "num_threads": 1,
        "verbosity": -1,
    }
    return lightgbm.train(params, lightgbm.Dataset(frame[FEATURES], frame["y"]), 10)


@pytest.fixture(scope="module")
def demand_bundle(tmp_path_factory, booster) -> Path:
    """A bundle with the series and forecast tables the serving model reads (2 series x 2 h)."""
    series = pd.DataFrame(
        {"unique_id": ["兴平|苹果", "洛川|苹果"], "region": ["兴平", "洛川"], "product": "苹果"}
    )
    ds = pd.to_datetime(["2024-06-02", "2024-06-09"])
    forecast = pd.DataFrame(
        {
            "unique_id": np.repeat(series["unique_id"].to_numpy(), 2),
            "ds": np.tile(ds, 2),
            "h": [1, 2, 1, 2],
            "forecast": [10.0, 11.0, 20.0, 21.0],
            "lo": [8.0, 9.0, 18.0, 19.0],
            "hi": [12.0, 13.0, 22.0, 23.0],
            "method": "global",
        }
    )
    dest = tmp_path_factory.mktemp("demand") / "bundle"
    return save_bundle(
        dest,
        boosters={"point": booster},
        metadata={"features": FEATURES},
        tables={SERIES_TABLE: series, FORECAST_TABLE: forecast},
    )
