import lightgbm as lgb
import numpy as np
import pandas as pd
import pytest

from recommender.bundle.folder import load_bundle, save_bundle
from recommender.errors import BundleError
from recommender.forecast.forecaster import DemandForecaster
from recommender.forecast.intervals import ConformalBands
from recommender.forecast.settings import BoosterParams
from recommender.forecast.training import build_panel


@pytest.fixture
def fitted(tiny_sales):
    panel = build_panel(tiny_sales.assign(date=pd.to_datetime(tiny_sales.date)), "W-SUN")
    bands = ConformalBands(80, {1: -0.2, 2: -0.3}, {1: 0.2, 2: 0.3})
    weights = {"lgb": 0.5, "ets": 0.2, "theta": 0.2, "seasonal_naive": 0.1}
    forecaster = DemandForecaster(
        "W-SUN", 2, weights, bands, BoosterParams(num_boost_round=20), panel.categorical
    )
    return forecaster.fit(panel.long, panel.series, panel.statics)


def test_predict_blends_members_with_the_given_weights(fitted):
    out = fitted.predict()
    expected = 0.5 * out.lgb + 0.2 * out.ets + 0.2 * out.theta + 0.1 * out.seasonal_naive
    assert np.allclose(out["forecast"], expected)
    assert (out["lo"] <= out["forecast"]).all() and (out["forecast"] <= out["hi"]).all()
    assert out.groupby("unique_id").size().eq(2).all()


def test_saved_bundle_rebuilds_the_same_forecaster(fitted, tmp_path):
    path = fitted.save(tmp_path / "demand", {"data_digest": "x" * 64})
    again = DemandForecaster.from_bundle(load_bundle(path))
    pd.testing.assert_frame_equal(fitted.predict(), again.predict(), check_dtype=False)
    assert again.weights == fitted.weights and again.bands == fitted.bands


def test_from_bundle_refuses_a_bundle_without_a_demand_forecaster(tmp_path):
    rng = np.random.default_rng(0)
    booster = lgb.train(
        {"verbosity": -1}, lgb.Dataset(rng.normal(size=(60, 2)), rng.normal(size=60)), 2
    )
    path = save_bundle(tmp_path / "other", boosters={"point": booster}, metadata={"kind": "x"})
    with pytest.raises(BundleError, match="demand forecaster"):
        DemandForecaster.from_bundle(load_bundle(path))


def test_a_forecaster_without_ets_weights_fits_only_seasonal_naive(tiny_sales):
    # given blend weights learned by a naive-only backtest
    panel = build_panel(tiny_sales.assign(date=pd.to_datetime(tiny_sales.date)), "W-SUN")
    bands = ConformalBands(80, {1: -0.2, 2: -0.3}, {1: 0.2, 2: 0.3})
    weights = {"lgb": 0.7, "seasonal_naive": 0.3}
    forecaster = DemandForecaster(
        "W-SUN", 2, weights, bands, BoosterParams(num_boost_round=20), panel.categorical
    )
    # when it forecasts
    out = forecaster.fit(panel.long, panel.series, panel.statics).predict()
    # then ETS and Theta are empty and the blend uses the two fitted members
    assert out["ets"].isna().all() and out["theta"].isna().all()
    assert np.allclose(out["forecast"], 0.7 * out.lgb + 0.3 * out.seasonal_naive)


def test_a_fast_recipe_forecaster_keeps_its_recipe_in_the_bundle(tiny_sales, tmp_path):
    # given a forecaster trained with the fast recipe on about 60 pairs
    panel = build_panel(tiny_sales.assign(date=pd.to_datetime(tiny_sales.date)), "W-SUN")
    bands = ConformalBands(80, {1: -0.2, 2: -0.3}, {1: 0.2, 2: 0.3})
    params = BoosterParams(num_boost_round=20).fast()
    fast = DemandForecaster("W-SUN", 2, {"lgb": 1.0}, bands, params, panel.categorical, 60)
    fast.fit(panel.long, panel.series, panel.statics)
    # when it is saved and rebuilt
    again = DemandForecaster.from_bundle(load_bundle(fast.save(tmp_path / "d", {})))
    # then it trained on about 60 pairs (each kept with one probability) with Huber, and the
    # rebuilt one says so and predicts alike
    assert 30 <= fast.model_.n_training_rows_ <= 90
    assert again.max_rows == 60 and again.params == params
    assert again.model_.booster_.params["objective"] == "huber"
    pd.testing.assert_frame_equal(fast.predict(), again.predict(), check_dtype=False)
