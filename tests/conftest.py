"""Shared pytest fixtures."""

from __future__ import annotations

import pandas as pd
import pytest

from tests.helpers import make_sales


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


@pytest.fixture(scope="session")
def dask_cluster():
    """A real two-worker Dask LocalCluster (one thread each), shared by the Dask tests."""
    from distributed import LocalCluster

    cluster = LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        host="127.0.0.1",
        dashboard_address=None,
        scheduler_kwargs={"dashboard_address": "127.0.0.1:0"},
    )
    yield cluster
    cluster.close()
