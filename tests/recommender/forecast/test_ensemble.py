import numpy as np
import pandas as pd
import pytest

from recommender.forecast.ensemble import (
    MEMBERS,
    ConformalBands,
    blend,
    choose_weights,
    weight_grid,
)

MEMBERS3 = ("lgb", "ets", "theta")


def test_weight_grid_holds_every_convex_combination():
    grid = weight_grid(3, 0.5)
    assert sorted(grid) == sorted(
        [(1, 0, 0), (0, 1, 0), (0, 0, 1), (0.5, 0.5, 0), (0.5, 0, 0.5), (0, 0.5, 0.5)]
    )
    assert all(sum(w) == pytest.approx(1) for w in weight_grid(3, 0.1))


def test_choose_weights_picks_the_accurate_member():
    # given a member that is exact and two that are off
    y = np.arange(1, 21, dtype=float)
    history = pd.DataFrame({"y": y, "lgb": y, "ets": y * 1.5, "theta": y * 0.3})
    # then all weight goes to the exact one
    assert choose_weights(history, MEMBERS3) == {"lgb": 1.0, "ets": 0.0, "theta": 0.0}


def test_choose_weights_blends_members_that_err_in_opposite_directions():
    y = np.full(10, 10.0)
    history = pd.DataFrame({"y": y, "lgb": y + 2, "ets": y - 2, "theta": y + 5})
    w = choose_weights(history, MEMBERS3)
    assert w["lgb"] == pytest.approx(0.5) and w["ets"] == pytest.approx(0.5)


def test_choose_weights_without_history_is_equal():
    w = choose_weights(pd.DataFrame(columns=["y", "lgb", "ets", "theta"]), MEMBERS3)
    assert w == pytest.approx({"lgb": 1 / 3, "ets": 1 / 3, "theta": 1 / 3})


def test_blend_is_the_weighted_sum():
    frame = pd.DataFrame({"lgb": [10.0], "ets": [20.0], "theta": [40.0]})
    assert blend(frame, {"lgb": 0.5, "ets": 0.3, "theta": 0.2}).iloc[0] == pytest.approx(19.0)


def test_conformal_bands_cover_the_nominal_share_of_new_errors():
    # given past errors and new errors from the same distribution
    rng = np.random.default_rng(0)

    def rows(n):
        scale = rng.uniform(5, 50, n)
        y = scale * (1 + rng.normal(0, 0.3, n))
        return pd.DataFrame({"y": y, "f": scale, "scale": scale, "h": rng.integers(1, 5, n)})

    past, new = rows(4000), rows(4000)
    # when 80% bands are learned on the past and applied to the new
    bands = ConformalBands.fit(past, "f", 80)
    lo, hi = bands.apply(new, "f")
    coverage = ((new.y >= lo) & (new.y <= hi)).mean()
    # then about 80% of the new actuals fall inside
    assert 0.77 <= coverage <= 0.83
    assert (lo <= new.f).all() and (hi >= new.f).all() and (lo >= 0).all()


def test_conformal_bands_round_trip_through_json_form():
    past = pd.DataFrame({"y": [1.0, 2, 3, 4], "f": [2.0, 2, 2, 2], "scale": 1.0, "h": [1, 1, 2, 2]})
    bands = ConformalBands.fit(past, "f", 80)
    assert ConformalBands.from_dict(bands.to_dict()) == bands


def test_bands_without_history_are_zero_width():
    frame = pd.DataFrame({"f": [5.0], "scale": [1.0], "h": [1]})
    lo, hi = ConformalBands(80).apply(frame, "f")
    assert lo.iloc[0] == 5.0 and hi.iloc[0] == 5.0


def test_default_members_include_seasonal_naive_for_strongly_seasonal_data():
    # given a history where last year's value is the best guess
    y = np.array([5.0, 50.0, 5.0, 50.0])
    history = pd.DataFrame(
        {"y": y, "lgb": [20.0] * 4, "ets": [25.0] * 4, "theta": [27.0] * 4, "seasonal_naive": y}
    )
    assert "seasonal_naive" in MEMBERS
    assert choose_weights(history)["seasonal_naive"] == 1.0
