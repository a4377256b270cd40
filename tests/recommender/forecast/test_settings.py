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
    assert "tweedie_variance_power" in BoosterParams(objective="tweedie").lgb_params()
