"""The forecast's typed settings: one set of defaults."""

from __future__ import annotations

import dataclasses

import pytest

from recommender.data.periods import WEEKLY
from recommender.forecast.global_model import GlobalDemandModel
from recommender.forecast.settings import DEFAULTS, BacktestConfig, BoosterParams


def test_the_defaults_are_weekly_eight_ahead_four_folds():
    assert BacktestConfig() == DEFAULTS
    assert (DEFAULTS.freq, DEFAULTS.horizon, DEFAULTS.folds, DEFAULTS.level) == (WEEKLY, 8, 4, 80)
    model = GlobalDemandModel()
    assert (model.freq, model.horizon) == (DEFAULTS.freq, DEFAULTS.horizon)


def test_settings_are_frozen():
    with pytest.raises(dataclasses.FrozenInstanceError):
        DEFAULTS.horizon = 3  # type: ignore[misc]


def test_lightgbm_parameters_are_deterministic():
    params = BoosterParams().lgb_params()
    assert params["deterministic"] and params["force_row_wise"]
    assert "num_boost_round" not in params and params["num_threads"] == 1
    assert BoosterParams(num_threads=3).lgb_params()["num_threads"] == 3
    assert "tweedie_variance_power" in BoosterParams(objective="tweedie").lgb_params()


@pytest.mark.parametrize(
    ("freq", "horizon", "folds", "periods", "warmup"),
    [
        ("W-SUN", 8, 4, 204, 7),  # a year of 8-week windows
        ("W-SUN", 4, 2, 110, 8),  # capped at eight
        ("MS", 3, 3, 27, 2),  # little history: the minimum
        ("MS", 3, 4, 126, 4),
        ("W-SUN", 8, 4, 100, 2),  # shorter than two years: the minimum
    ],
)
def test_warm_up_windows_cover_a_year_as_the_history_allows(freq, horizon, folds, periods, warmup):
    config = BacktestConfig(freq=freq, horizon=horizon, folds=folds)
    assert config.warmup_windows(periods) == warmup
    assert BacktestConfig(warmup=3).warmup_windows(periods) == 3  # asked for: as asked


def test_a_large_design_trains_on_every_usable_core(monkeypatch):
    from recommender.forecast import settings

    monkeypatch.setattr(settings, "usable_cores", lambda: 4)
    assert BoosterParams().lgb_params(rows=settings.PARALLEL_ROWS - 1)["num_threads"] == 1
    assert BoosterParams().lgb_params(rows=settings.PARALLEL_ROWS)["num_threads"] == 4


def test_a_large_panel_gets_two_warm_up_windows_and_seasonal_naive_only():
    from recommender.forecast.settings import LARGE_PANEL, MIN_WARMUP

    config = BacktestConfig(freq="W-SUN", horizon=8, folds=1)
    assert config.warmup_windows(156, LARGE_PANEL - 1) == 7
    assert config.warmup_windows(156, LARGE_PANEL) == MIN_WARMUP
    assert config.full_statistics(LARGE_PANEL - 1) and not config.full_statistics(LARGE_PANEL)
    assert BacktestConfig(statistical="full").full_statistics(10 * LARGE_PANEL)
    assert not BacktestConfig(statistical="naive").full_statistics(1)
    with pytest.raises(ValueError, match="use one of auto, full, naive"):
        BacktestConfig(statistical="ets")


def test_a_large_panel_trains_the_fast_recipe_unless_told_otherwise():
    from recommender.forecast.settings import (
        FAST_TRAINING_ROWS,
        LARGE_PANEL,
        MAX_TRAINING_ROWS,
    )

    # given the default settings, and ones asking for a recipe
    config = BacktestConfig()
    # when a panel just under and one at the large-panel size are trained
    small, large = config.booster_for(LARGE_PANEL - 1), config.booster_for(LARGE_PANEL)
    # then the small one gets the full recipe, the large one the fast recipe and fewer pairs
    assert small == (config.params, MAX_TRAINING_ROWS)
    assert large == (config.params.fast(), FAST_TRAINING_ROWS)
    assert BacktestConfig(booster="full").booster_for(10 * LARGE_PANEL)[1] == MAX_TRAINING_ROWS
    assert BacktestConfig(booster="fast").booster_for(1)[1] == FAST_TRAINING_ROWS
    with pytest.raises(ValueError, match="use one of auto, full, fast"):
        BacktestConfig(booster="xgboost")


def test_the_fast_recipe_is_huber_with_half_the_rounds_at_twice_the_rate():
    # given the full recipe / when its fast version is asked for
    fast = BoosterParams().fast()
    params = fast.lgb_params()
    # then the loss is Huber turning at the configured delta, and the rest derives from full
    assert (fast.objective, fast.num_boost_round, fast.max_bin) == ("huber", 100, 63)
    assert fast.learning_rate == pytest.approx(2 * BoosterParams().learning_rate)
    assert params["objective"] == "huber" and params["alpha"] == fast.huber_delta
    assert "huber_delta" not in params and "alpha" not in BoosterParams().lgb_params()
    assert BoosterParams(num_boost_round=1, learning_rate=0.9).fast().learning_rate == 1.0
