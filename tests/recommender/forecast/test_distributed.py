"""The Dask engine on a real two-worker LocalCluster, compared with the local engine."""

import numpy as np
import pandas as pd
import pytest

from recommender.bundle import load_bundle
from recommender.data.contract import DS, UID
from recommender.errors import EngineError
from recommender.forecast.distributed import DaskEngine, dask_engine, series_parts
from recommender.forecast.engine import LocalEngine
from recommender.forecast.features import FeatureSpec
from recommender.forecast.forecaster import DemandForecaster
from recommender.forecast.settings import BacktestConfig, BoosterParams
from recommender.forecast.training import build_panel, metrics_document, run_demand
from tests.helpers import make_sales

SPEC = FeatureSpec.for_freq("W-SUN", 4)
CONFIG = BacktestConfig(horizon=4, folds=1, warmup=2, params=BoosterParams(num_boost_round=60))
TOLERANCE = 0.05
"""Stated agreement of the served forecasts: LightGBM trained across workers finds its bins
and bags rows per worker, so its trees differ a little from one process's; the total absolute
difference between the engines' blended forecasts stays within 5 % of the forecast total (1.1 %
on this panel), and their backtest WAPEs within 0.02. Features, training pairs and statistical
members agree exactly."""


@pytest.fixture(scope="module")
def panel():
    sales = make_sales(n_series=12, weeks=110)
    return build_panel(sales.assign(date=pd.to_datetime(sales["date"])), "W-SUN")


@pytest.fixture(scope="module")
def engine(dask_cluster):
    with dask_engine(dask_cluster.scheduler_address) as engine:
        yield engine


def _sorted(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.sort_values([UID, DS], kind="stable").reset_index(drop=True)


def test_series_parts_hold_whole_series_in_order(panel):
    # given a panel of 12 series
    long = panel.long
    # when it is split into 5 parts
    parts = series_parts(long, 5)
    # then the parts are whole series, consecutive, and together the whole panel
    assert 2 <= len(parts) <= 5
    pd.testing.assert_frame_equal(pd.concat(parts), long)
    owners = [set(p[UID]) for p in parts]
    for a in range(len(owners)):
        for b in range(a + 1, len(owners)):
            assert not owners[a] & owners[b]
    # and asking for more parts than series gives one per series at most
    assert len(series_parts(long, 100)) == long[UID].nunique()
    assert series_parts(long.iloc[:0], 3) == []


def test_features_on_the_cluster_equal_the_local_ones(panel, engine):
    # given the panel's features computed by the workers
    featured = engine.features(panel.long, SPEC)
    # then, gathered, they are exactly the local engine's
    assert featured.npartitions >= 2
    local = LocalEngine().features(panel.long, SPEC)
    pd.testing.assert_frame_equal(_sorted(featured.compute()), _sorted(local))


def test_statistical_members_equal_the_local_ones(panel, engine):
    # given a cutoff 10 weeks before the end
    cutoff = panel.long[DS].max() - pd.Timedelta(weeks=10)
    args = {"until": cutoff, "horizon": 4, "freq": "W-SUN", "season": 52, "full": True}
    # when both engines fit seasonal naive, ETS and Theta
    remote = engine.statistical(engine.features(panel.long, SPEC), **args)
    local = LocalEngine().statistical(LocalEngine().features(panel.long, SPEC), **args)
    # then the forecasts are the same, series by series
    pd.testing.assert_frame_equal(_sorted(remote), _sorted(local), check_exact=False, rtol=1e-9)


def test_training_pairs_are_thinned_exactly_as_locally(panel, engine):
    # given a cap that forces thinning
    kwargs = {"until": None, "max_rows": 900, "categorical": [], "params": CONFIG.params}
    remote = engine.fit(engine.features(panel.long, SPEC), panel.statics, SPEC, **kwargs)
    local = LocalEngine().fit(
        LocalEngine().features(panel.long, SPEC), panel.statics, SPEC, **kwargs
    )
    # then both trained on the same number of rows, with the same inputs, near the cap
    assert remote.n_rows == local.n_rows
    assert 700 <= remote.n_rows <= 1100
    assert remote.feature_names == local.feature_names
    assert remote.booster.num_trees() == CONFIG.params.num_boost_round


def test_run_on_the_cluster_agrees_with_the_local_run_and_saves_the_same_bundle(
    panel, engine, tmp_path
):
    # given the same backtest and final fit on both engines
    local = run_demand(panel, CONFIG, fit_final=True)
    remote = run_demand(panel, CONFIG, fit_final=True, engine=engine)
    assert remote.engine == "dask" and local.engine == "local"
    assert metrics_document(remote)["engine"] == "dask"
    a, b = local.forecaster.predict(), remote.forecaster.predict()
    # then every series gets a forecast and an interval from both
    assert len(a) == len(b) == panel.long[UID].nunique() * 4
    assert b[["forecast", "lo", "hi"]].notna().all().all()
    # the statistical members agree exactly, the served forecasts within the stated tolerance
    for member in ("seasonal_naive", "ets", "theta"):
        np.testing.assert_allclose(b[member], a[member], rtol=1e-9)
    gap = (a["forecast"] - b["forecast"]).abs().sum() / a["forecast"].abs().sum()
    assert gap <= TOLERANCE
    wape = {
        name: run.result.metrics["overall"]["forecast"]["wape"]
        for name, run in (("local", local), ("dask", remote))
    }
    assert abs(wape["local"] - wape["dask"]) <= 0.02
    # and the bundle saved from the cluster run reproduces its forecast in this process
    path = remote.forecaster.save(tmp_path / "bundle", {"data_digest": panel.digest}, b)
    again = DemandForecaster.from_bundle(load_bundle(path)).predict()
    pd.testing.assert_frame_equal(again, b, check_exact=False, rtol=1e-9)


def test_an_unreachable_scheduler_is_one_clear_error(monkeypatch):
    # given a scheduler address nobody listens on, and a short wait
    monkeypatch.setattr("recommender.forecast.distributed.CONNECT_SECONDS", 2)
    # when the engine is opened, then it fails with a message naming the address
    with pytest.raises(EngineError, match="tcp://127.0.0.1:9"), dask_engine("tcp://127.0.0.1:9"):
        pass


def test_the_engine_counts_the_cluster_workers(engine):
    assert isinstance(engine, DaskEngine)
    assert engine.workers == 2
