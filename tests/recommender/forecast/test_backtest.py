import pandas as pd
import pytest

from recommender.forecast.backtest import (
    CUTOFF,
    cross_validate,
    evaluate,
    forecast_window,
    regret,
    score,
    window_cutoffs,
)
from recommender.forecast.settings import BacktestConfig, BoosterParams
from recommender.forecast.training import build_panel

CONFIG = BacktestConfig(
    freq="W-SUN", horizon=4, folds=2, warmup=1, params=BoosterParams(num_boost_round=30)
)
MODEL_COLUMNS = ["forecast", "forecast_lo", "forecast_hi", "lgb", "ets", "theta", "seasonal_naive"]


@pytest.fixture
def panel(tiny_sales):
    return build_panel(tiny_sales.assign(date=pd.to_datetime(tiny_sales.date)), "W-SUN")


def _backtest(panel_long, statics, categorical):
    cv, _ = cross_validate(panel_long, statics, categorical, CONFIG)
    return evaluate(cv, CONFIG)


def test_window_cutoffs_are_back_to_back_and_end_at_the_last_period():
    # given the last week of the data
    last = pd.Timestamp("2025-06-29")
    # when three windows of four weeks are laid out
    cutoffs = window_cutoffs(last, 3, 4, "W-SUN")
    # then they are four weeks apart and the last window ends at the last period
    assert cutoffs == [
        pd.Timestamp("2025-04-06"),
        pd.Timestamp("2025-05-04"),
        pd.Timestamp("2025-06-01"),
    ]
    assert cutoffs[-1] + pd.Timedelta(weeks=4) == last


def test_monthly_cutoffs_use_month_starts():
    cutoffs = window_cutoffs(pd.Timestamp("2016-11-01"), 2, 3, "MS")
    assert cutoffs == [pd.Timestamp("2016-05-01"), pd.Timestamp("2016-08-01")]


def test_folds_are_exactly_k_windows_of_h_periods_after_their_cutoffs(panel):
    # when the backtest runs
    result = _backtest(panel.long, panel.statics, panel.categorical)
    fc = result.forecasts
    # then there are K scored cutoffs, each followed by exactly H periods
    cutoffs = sorted(fc[CUTOFF].unique())
    assert len(cutoffs) == CONFIG.folds
    for cutoff in cutoffs:
        dates = sorted(fc.loc[fc[CUTOFF] == cutoff, "ds"].unique())
        assert len(dates) == CONFIG.horizon
        assert dates[0] == cutoff + pd.Timedelta(weeks=1)
    assert fc["ds"].max() == panel.long["ds"].max()
    # and per-fold and overall metrics exist for the model and each baseline
    assert set(result.metrics["overall"]) >= {"forecast", "seasonal_naive", "ets", "theta"}
    assert len(result.metrics["folds"]) == CONFIG.folds


def test_changing_the_future_does_not_move_a_folds_forecasts(panel):
    # given the first scored fold's cutoff
    base = _backtest(panel.long, panel.statics, panel.categorical)
    cutoff = sorted(base.forecasts[CUTOFF].unique())[0]
    # when every value after that cutoff is changed wildly
    changed = panel.long.copy()
    after = changed["ds"] > cutoff
    changed.loc[after, "y"] = changed.loc[after, "y"] * 10 + 500
    changed.loc[after, "price"] = 1.0
    moved = _backtest(changed, panel.statics, panel.categorical)
    # then that fold's forecasts and intervals are identical
    a = base.forecasts[base.forecasts[CUTOFF] == cutoff].reset_index(drop=True)
    b = moved.forecasts[moved.forecasts[CUTOFF] == cutoff].reset_index(drop=True)
    pd.testing.assert_frame_equal(a[MODEL_COLUMNS], b[MODEL_COLUMNS])
    # while the later fold, which may see those values, does move (the test can fail)
    last = sorted(base.forecasts[CUTOFF].unique())[-1]
    a2 = base.forecasts.loc[base.forecasts[CUTOFF] == last, "forecast"].to_numpy()
    b2 = moved.forecasts.loc[moved.forecasts[CUTOFF] == last, "forecast"].to_numpy()
    assert not (a2 == b2).all()


def test_deleting_the_future_does_not_move_a_windows_forecasts(panel):
    # given one window forecast from the full panel
    cutoff = panel.long["ds"].max() - pd.Timedelta(weeks=8)
    full = forecast_window(
        panel.long[panel.long["ds"] <= cutoff], panel.statics, panel.categorical, CONFIG
    )
    # when every row after the cutoff is deleted from the source panel first
    truncated = panel.long[panel.long["ds"] <= cutoff].copy()
    again = forecast_window(truncated, panel.statics, panel.categorical, CONFIG)
    # then the forecasts are the same
    pd.testing.assert_frame_equal(full, again)
    # and the cross-validated rows for that cutoff equal the stand-alone window
    cv, _ = cross_validate(panel.long, panel.statics, panel.categorical, CONFIG)
    in_cv = cv[cv[CUTOFF] == cutoff].drop(columns=[CUTOFF, "y"]).reset_index(drop=True)
    pd.testing.assert_frame_equal(in_cv[full.columns], full.reset_index(drop=True))


def test_backtest_is_deterministic(panel):
    a = _backtest(panel.long, panel.statics, panel.categorical).forecasts
    b = _backtest(panel.long, panel.statics, panel.categorical).forecasts
    pd.testing.assert_frame_equal(a, b)


def test_short_series_get_a_fallback_forecast_and_are_marked(panel):
    cv, _ = cross_validate(panel.long, panel.statics, panel.categorical, CONFIG)
    last = cv[cv[CUTOFF] == cv[CUTOFF].max()]
    short = last[last["unique_id"] == "county2|prod1"]
    assert (short["method"] == "fallback").all()
    assert short["lgb"].notna().all() and (short["lgb"] >= 0).all()


def test_score_computes_wape_mase_and_coverage():
    # given two series with known errors
    frame = pd.DataFrame(
        {
            "unique_id": ["a", "a", "b", "b"],
            CUTOFF: pd.Timestamp("2024-01-07"),
            "y": [10.0, 10.0, 0.0, 20.0],
            "m": [8.0, 12.0, 0.0, 10.0],
            "m_lo": [5.0, 11.0, 0.0, 5.0],
            "m_hi": [15.0, 13.0, 1.0, 15.0],
            "mase_scale": [2.0, 2.0, 5.0, 5.0],
        }
    )
    s = score(frame, "m")
    # then WAPE = 14 / 40, MASE = mean(2/2, 5/5), coverage = 2 of 4 inside
    assert s["wape"] == pytest.approx(14 / 40)
    assert s["mase"] == pytest.approx(1.0)
    assert s["coverage"] == pytest.approx(0.5)


def test_every_fold_reports_the_blends_regret_and_its_weights_sum_to_one(panel):
    result = _backtest(panel.long, panel.statics, panel.categorical)
    for fold in result.metrics["folds"]:
        members = {m: fold["metrics"][m]["wape"] for m in ("lgb", "ets", "theta", "seasonal_naive")}
        assert fold["regret"] == pytest.approx(
            fold["metrics"]["forecast"]["wape"] / min(members.values())
        )
    assert result.metrics["regret"] == pytest.approx(regret(result.metrics["overall"]))
    assert all(sum(w.values()) == pytest.approx(1.0) for w in result.weights.values())
    assert result.warmup == CONFIG.warmup


def test_regret_is_the_served_wape_over_the_best_members():
    metrics = {m: {"wape": w} for m, w in [("forecast", 0.3), ("lgb", 0.25), ("ets", 0.5)]}
    assert regret(metrics) == pytest.approx(1.2)


def test_a_naive_only_backtest_blends_lightgbm_and_seasonal_naive_and_scores_only_those(panel):
    # given the statistical members limited to seasonal naive
    config = BacktestConfig(
        freq="W-SUN",
        horizon=4,
        folds=2,
        warmup=1,
        params=BoosterParams(num_boost_round=30),
        statistical="naive",
    )
    # when backtested
    cv, timings = cross_validate(panel.long, panel.statics, panel.categorical, config)
    result = evaluate(cv, config)
    # then ETS and Theta were not fitted, weighed or scored, and the blend is complete
    assert cv["ets"].isna().all() and cv["theta"].isna().all()
    assert "ets" not in timings and "theta" not in timings
    assert set(result.final_weights) == {"lgb", "seasonal_naive"}
    assert set(result.metrics["overall"]) == {"forecast", "lgb", "seasonal_naive"}
    assert result.forecasts["forecast"].notna().all()
    assert result.forecasts["forecast_lo"].notna().all()
