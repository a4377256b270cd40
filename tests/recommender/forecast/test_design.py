import numpy as np
import pandas as pd

from recommender.forecast.design import (
    forecast_pairs,
    horizon_rows,
    series_bounds,
    training_pairs,
)
from recommender.forecast.features import SCALE, TARGET, FeatureSpec, origin_features
from tests.helpers import two_weekly_series

_panel = two_weekly_series


def _rows(featured, spec, **kwargs):
    return horizon_rows(
        featured, spec, *training_pairs(featured, spec.horizon, **kwargs), with_target=True
    )


def test_series_bounds_give_each_rows_first_and_last_position():
    frame = pd.DataFrame({"unique_id": ["a", "a", "b", "b", "b"]})
    start, end = series_bounds(frame)
    assert start.tolist() == [0, 0, 2, 2, 2]
    assert end.tolist() == [1, 1, 4, 4, 4]


def test_horizon_rows_targets_are_future_values_scaled_by_the_origin_level():
    # given origin features
    spec = FeatureSpec.for_freq("W-SUN", 3)
    panel = _panel(60)
    featured = origin_features(panel, spec)
    # when expanded to training rows
    rows = _rows(featured, spec)
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
    rows = _rows(origin_features(panel, spec), spec)
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
    rows = _rows(origin_features(panel, spec), spec)
    flagged = rows.loc[rows["fest_double_11"] == 1, "ds"]
    # then the flag sits on the target period, not the origin
    assert pd.Timestamp("2024-11-17") in set(flagged)


def test_training_pairs_learn_nothing_after_the_cutoff():
    # given features of the whole panel and a cutoff 10 weeks before its end
    spec = FeatureSpec.for_freq("W-SUN", 3)
    panel = _panel(60)
    featured = origin_features(panel, spec)
    cutoff = panel.ds.max() - pd.Timedelta(weeks=10)
    # when training rows are drawn up to the cutoff
    rows = _rows(featured, spec, until=cutoff)
    # then every target period is at or before it, and the last one is reached
    assert rows.ds.max() == cutoff
    # and the rows equal those of the panel cut at the cutoff (nothing later is used)
    cut = panel[panel.ds <= cutoff]
    alone = _rows(origin_features(cut, spec), spec)
    pd.testing.assert_frame_equal(rows, alone)


def test_a_large_design_keeps_about_max_rows_pairs_from_every_series_and_step():
    # given a panel with 2 x 77 x 8 possible pairs
    spec = FeatureSpec.for_freq("W-SUN", 8)
    featured = origin_features(_panel(80), spec)
    everything = training_pairs(featured, 8)
    # when thinned to 300 pairs
    positions, steps = training_pairs(featured, 8, max_rows=300)
    # then about that many are kept, from both series and every step, the same each time
    assert len(everything[0]) == 2 * sum(80 - h for h in range(1, 9))
    assert 240 <= len(positions) <= 360
    assert set(np.unique(steps)) == set(range(1, 9))
    assert (positions < 80).any() and (positions >= 80).any()
    again = training_pairs(featured, 8, max_rows=300)
    assert np.array_equal(positions, again[0]) and np.array_equal(steps, again[1])
    # and a pair kept with a later cutoff's data is the same pair kept at the end
    cutoff = featured.ds.max() - pd.Timedelta(weeks=10)
    early = training_pairs(featured, 8, until=cutoff, max_rows=300)
    kept = set(zip(positions.tolist(), steps.tolist(), strict=True))
    assert len(kept & set(zip(early[0].tolist(), early[1].tolist(), strict=True))) > 0


def test_forecast_pairs_start_at_each_series_last_period_at_or_before_the_origin():
    # given a series that starts late
    ds = pd.date_range("2024-01-07", periods=6, freq="W-SUN")
    frame = pd.DataFrame({"unique_id": ["a"] * 6 + ["b"] * 2, "ds": [*ds, *ds[4:]], "y": 1.0})
    # when forecasting from the fourth week
    positions, steps = forecast_pairs(frame, 2, at=ds[3])
    # then only the series that had started is forecast, from that week
    assert positions.tolist() == [3, 3] and steps.tolist() == [1, 2]
    # and by default every series from its last week
    assert forecast_pairs(frame, 1)[0].tolist() == [5, 7]
