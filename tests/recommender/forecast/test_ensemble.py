import numpy as np
import pandas as pd
import pytest

from recommender.forecast.ensemble import MEMBERS, PRIOR, blend, choose_weights

MEMBERS3 = ("lgb", "ets", "theta")


def _history(y, **members):
    return pd.DataFrame({"y": y, **members})


def test_weights_follow_past_accuracy_and_sum_to_one():
    # given three members 10%, 20% and 40% off on ten windows of evidence
    y = np.full(20, 100.0)
    history = _history(y, lgb=y * 1.1, ets=y * 0.8, theta=y * 1.4)
    # when weights are chosen
    w = choose_weights(history, MEMBERS3, windows=9, prior=MEMBERS3)
    # then the most accurate member weighs most, the least least, and they sum to one
    assert w["lgb"] > w["ets"] > w["theta"] > 0
    assert sum(w.values()) == pytest.approx(1.0)
    # with the inverse-WAPE power of six: (0.1 / 0.2) ** 6 of the weight before shrinking
    learned = np.array([0.1, 0.2, 0.4]) ** -6.0
    learned /= learned.sum()
    expected = 0.1 * (1 / 3) + 0.9 * learned
    assert [w[m] for m in MEMBERS3] == pytest.approx(list(expected))


def test_no_member_takes_all_the_weight_on_thin_evidence():
    # given two windows where seasonal naive happened to be exact
    y = np.array([5.0, 50.0, 5.0, 50.0])
    history = _history(y, lgb=[20.0] * 4, ets=[25.0] * 4, theta=[27.0] * 4, seasonal_naive=y)
    # when weights are chosen from them
    w = choose_weights(history, windows=2)
    # then the prior keeps a third of the weight on the models, so naive cannot take it all
    assert "seasonal_naive" in MEMBERS and "seasonal_naive" not in PRIOR
    assert w["seasonal_naive"] == pytest.approx(2 / 3, abs=1e-6)
    assert all(w[m] >= 1 / 9 - 1e-9 for m in PRIOR)


def test_more_evidence_lets_accuracy_decide_more():
    y = np.full(10, 10.0)
    history = _history(y, lgb=y + 1, ets=y - 3, theta=y + 3, seasonal_naive=y - 3)
    thin = choose_weights(history, windows=1)
    thick = choose_weights(history, windows=20)
    assert thick["lgb"] > thin["lgb"] > 0.5


def test_without_history_or_sales_the_prior_shares_the_weight_equally():
    empty = choose_weights(pd.DataFrame(columns=["y", *MEMBERS]), windows=0)
    assert empty == pytest.approx({"lgb": 1 / 3, "ets": 1 / 3, "theta": 1 / 3, "seasonal_naive": 0})
    zeros = _history(np.zeros(3), **{m: np.ones(3) for m in MEMBERS})
    assert choose_weights(zeros, windows=3) == empty


def test_blend_is_the_weighted_sum():
    frame = pd.DataFrame({"lgb": [10.0], "ets": [20.0], "theta": [40.0]})
    assert blend(frame, {"lgb": 0.5, "ets": 0.3, "theta": 0.2}).iloc[0] == pytest.approx(19.0)


def test_members_not_fitted_take_no_weight_and_leave_the_prior():
    # given history where ETS and Theta were not fitted (NaN)
    from recommender.forecast.ensemble import fitted_members

    rng = np.random.default_rng(3)
    y = rng.poisson(20, 200).astype(float)
    history = pd.DataFrame(
        {"y": y, "lgb": y + 1, "ets": np.nan, "theta": np.nan, "seasonal_naive": y + 5}
    )
    members = fitted_members(history)
    # when weights are chosen among the fitted members
    weights = choose_weights(history, members, windows=0)
    # then only LightGBM and seasonal naive count, and with no evidence LightGBM is the prior
    assert members == ("lgb", "seasonal_naive")
    assert weights == {"lgb": 1.0, "seasonal_naive": 0.0}
    assert blend(history, weights).notna().all()
