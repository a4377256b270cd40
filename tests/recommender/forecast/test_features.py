import numpy as np
import pandas as pd
import pytest

from recommender.errors import DataError
from recommender.forecast.features import (
    SCALE,
    FeatureSpec,
    complete_panel,
    origin_features,
)
from tests.helpers import two_weekly_series

_panel = two_weekly_series


def test_complete_panel_fills_gaps_with_zero_and_carries_price_forward():
    # given a series with a missing week and one that stops early
    ds = pd.date_range("2024-01-07", periods=4, freq="W-SUN")
    panel = pd.DataFrame(
        {
            "unique_id": ["a", "a", "a", "b"],
            "ds": [ds[0], ds[1], ds[3], ds[0]],
            "y": [1.0, 2.0, 4.0, 9.0],
            "price": [5.0, 6.0, 7.0, 3.0],
        }
    )
    # when it is completed
    out = complete_panel(panel, "W-SUN")
    # then every series runs to the last week, gaps sold zero, prices only move forward
    a = out[out.unique_id == "a"]
    assert a.y.tolist() == [1.0, 2.0, 0.0, 4.0]
    assert a.price.tolist() == [5.0, 6.0, 6.0, 7.0]
    b = out[out.unique_id == "b"]
    assert b.y.tolist() == [9.0, 0.0, 0.0, 0.0]
    assert b.ds.max() == ds[3]


def test_origin_features_use_only_the_past():
    # given a panel and a copy whose values after one origin are scrambled
    spec = FeatureSpec.for_freq("W-SUN", 4)
    panel = _panel()
    origin = panel.ds.unique()[60]
    changed = panel.copy()
    later = changed.ds > origin
    changed.loc[later, "y"] = changed.loc[later, "y"] * 7 + 100
    changed.loc[later, "price"] = 999.0
    # when features are computed on both
    a = origin_features(panel, spec)
    b = origin_features(changed, spec)
    # then every feature at or before the origin is identical
    upto = a.ds <= origin
    cols = [c for c in a.columns if c not in ("y", "price")]
    pd.testing.assert_frame_equal(a.loc[upto, cols], b.loc[upto, cols])
    # and the scrambling did change features after it (the test can fail)
    assert not a.loc[~upto, "lag_1"].equals(b.loc[~upto, "lag_1"])


def test_complete_panel_keeps_identifiers_and_orders_series_then_periods():
    # given series given out of order, with identifiers of mixed case and a late starter
    ds = pd.date_range("2024-01-07", periods=5, freq="W-SUN")
    panel = pd.DataFrame(
        {
            "unique_id": ["b|Kiwi", "A|kiwi", "b|Kiwi", "A|kiwi"],
            "ds": [ds[4], ds[1], ds[2], ds[3]],
            "y": [5.0, 1.0, 2.0, 3.0],
        }
    )
    # when it is completed
    out = complete_panel(panel, "W-SUN")
    # then series are sorted, each starts at its own first period and keeps its exact key
    assert out.unique_id.tolist() == ["A|kiwi"] * 4 + ["b|Kiwi"] * 3
    assert out.ds.tolist() == [*ds[1:], *ds[2:]]
    assert out.y.tolist() == [1.0, 0.0, 3.0, 0.0, 2.0, 0.0, 5.0]


def test_origin_features_match_plain_rolling_arithmetic():
    # given one series
    spec = FeatureSpec.for_freq("W-SUN", 4)
    panel = _panel(60).query("unique_id == 'b'").reset_index(drop=True)
    out = origin_features(panel, spec)
    y = panel.y.to_numpy()
    t = 40
    scale = y[: t + 1].mean()  # a year's window holds all 41 weeks so far
    # then each feature is the textbook value at the origin, divided by the level
    assert np.isclose(out.loc[t, SCALE], scale)
    assert np.isclose(out.loc[t, "lag_2"], y[t - 1] / scale, rtol=1e-6)
    assert np.isclose(out.loc[t, "mean_4"], y[t - 3 : t + 1].mean() / scale, rtol=1e-6)
    assert np.isclose(out.loc[t, "std_quarter"], y[t - 12 : t + 1].std(ddof=1) / scale, rtol=1e-5)
    assert out.loc[t, "age"] == t
    assert np.isclose(
        out.loc[t, "price_rel"],
        panel.price[t] / panel.price[: t + 1].mean(),
        rtol=1e-6,
    )


def test_a_panel_too_large_to_build_is_refused_before_it_is_built(monkeypatch):
    # given a limit of 100 rows and a series with one stray sale decades before the rest
    monkeypatch.setattr("recommender.forecast.features.MAX_PANEL_ROWS", 100)
    panel = _panel(n=20)
    stray = panel.iloc[[0]].assign(ds=pd.Timestamp("1990-01-07"))
    # when it is completed / then one clear error names the size and the likely cause
    with pytest.raises(DataError, match=r"would hold [\d,]+ rows .* stray dates"):
        complete_panel(pd.concat([stray, panel], ignore_index=True), "W-SUN")
    assert len(complete_panel(panel, "W-SUN")) == 40
