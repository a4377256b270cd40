import numpy as np
import pandas as pd

from recommender.forecast.features import (
    SCALE,
    TARGET,
    FeatureSpec,
    complete_panel,
    horizon_rows,
    origin_features,
)


def _panel(n: int = 80, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    ds = pd.date_range("2023-01-01", periods=n, freq="W-SUN")
    frames = [
        pd.DataFrame(
            {
                "unique_id": uid,
                "ds": ds,
                "y": rng.poisson(lam, n).astype(float),
                "price": 10 + rng.normal(0, 1, n),
            }
        )
        for uid, lam in (("a", 5), ("b", 50))
    ]
    return pd.concat(frames, ignore_index=True)


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


def test_horizon_rows_targets_are_future_values_scaled_by_the_origin_level():
    # given origin features
    spec = FeatureSpec.for_freq("W-SUN", 3)
    panel = _panel(60)
    featured = origin_features(panel, spec)
    # when expanded to training rows
    rows = horizon_rows(featured, spec, with_target=True)
    # then the target of (origin, h) is y[origin + h] / scale[origin]
    row = rows[(rows.unique_id == "b") & (rows.h == 3)].iloc[10]
    actual = panel[(panel.unique_id == "b") & (panel.ds == row.ds)].y.iloc[0]
    assert row.ds == row.origin + pd.Timedelta(weeks=3)
    assert np.isclose(row[TARGET] * row[SCALE], actual)
    # and no row has a target beyond the data
    assert rows.ds.max() == panel.ds.max()
    assert set(rows.h.unique()) == {1.0, 2.0, 3.0}


def test_seasonal_feature_reads_last_years_value_of_the_target_period():
    # given weekly data longer than a year
    spec = FeatureSpec.for_freq("W-SUN", 2)
    panel = _panel(70)
    rows = horizon_rows(origin_features(panel, spec), spec, with_target=True)
    row = rows[(rows.unique_id == "a") & (rows.h == 2)].iloc[-1]
    # then "seasonal" is y 52 weeks before the target period, scaled
    year_ago = row.ds - pd.Timedelta(weeks=52)
    value = panel[(panel.unique_id == "a") & (panel.ds == year_ago)].y.iloc[0]
    assert np.isclose(row["seasonal"] * row[SCALE], value)


def test_calendar_features_describe_the_target_period():
    # given rows whose target weeks include Double 11 (2024-11-11 falls in the week to 11-17)
    spec = FeatureSpec.for_freq("W-SUN", 1)
    ds = pd.date_range("2024-09-01", periods=12, freq="W-SUN")
    panel = pd.DataFrame({"unique_id": "a", "ds": ds, "y": 1.0})
    rows = horizon_rows(origin_features(panel, spec), spec, with_target=True)
    flagged = rows.loc[rows["fest_double_11"] == 1, "ds"]
    # then the flag sits on the target period, not the origin
    assert pd.Timestamp("2024-11-17") in set(flagged)
