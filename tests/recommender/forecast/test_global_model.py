import numpy as np
import pandas as pd
import pytest

from recommender.forecast.global_model import GlobalDemandModel
from recommender.forecast.settings import BoosterParams
from recommender.forecast.training import build_panel


@pytest.fixture
def panel(tiny_sales):
    return build_panel(tiny_sales.assign(date=pd.to_datetime(tiny_sales.date)), "W-SUN")


def _model():
    return GlobalDemandModel("W-SUN", 4, BoosterParams(num_boost_round=20), ("region", "product"))


def test_fit_returns_self_and_sets_fitted_attributes(panel):
    model = _model()
    assert model.fit(panel.long, panel.statics) is model
    assert model.feature_names_[:2] == ["region", "product"]
    assert {"h", "lag_1", "seasonal", "fest_any"} <= set(model.feature_names_)
    assert "y" not in model.feature_names_ and "target" not in model.feature_names_


def test_predict_gives_horizon_rows_after_the_history(panel):
    model = _model().fit(panel.long, panel.statics)
    out = model.predict(panel.long, panel.statics)
    last = panel.long["ds"].max()
    assert out.groupby("unique_id").size().eq(4).all()
    assert (out["ds"] > last).all() and out["h"].tolist()[:4] == [1, 2, 3, 4]
    assert (out["lgb"] >= 0).all() and np.isfinite(out["lgb"]).all()


def test_state_round_trip_predicts_identically(panel):
    model = _model().fit(panel.long, panel.statics)
    text = model.booster_.model_to_string()
    import lightgbm as lgb

    rebuilt = GlobalDemandModel.from_state(model.state(), lgb.Booster(model_str=text))
    pd.testing.assert_frame_equal(
        model.predict(panel.long, panel.statics), rebuilt.predict(panel.long, panel.statics)
    )


def test_from_state_refuses_a_booster_with_other_features(panel):
    model = _model().fit(panel.long, panel.statics)
    state = model.state()
    state["feature_names"] = list(reversed(state["feature_names"]))
    with pytest.raises(ValueError, match="features"):
        GlobalDemandModel.from_state(state, model.booster_)


def test_unknown_category_at_predict_time_does_not_crash(panel):
    model = _model().fit(panel.long, panel.statics)
    statics = panel.statics.copy()
    statics.loc[statics.index[0], "region"] = "never_seen"
    out = model.predict(panel.long, statics)
    assert np.isfinite(out["lgb"]).all()


def test_a_capped_model_trains_on_about_max_rows_pairs_and_still_forecasts(panel):
    # given a cap well below the pairs the panel allows
    full = _model().fit(panel.long, panel.statics)
    capped = GlobalDemandModel(
        "W-SUN", 4, BoosterParams(num_boost_round=20), ("region", "product"), max_rows=200
    ).fit(panel.long, panel.statics)
    # then it learns from about that many rows and forecasts every series
    assert full.n_training_rows_ > 400
    assert 140 <= capped.n_training_rows_ <= 260
    out = capped.predict(panel.long, panel.statics)
    assert out["unique_id"].nunique() == panel.long["unique_id"].nunique()
    assert out["lgb"].notna().all()
