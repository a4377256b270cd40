import numpy as np
import pandas as pd
import pytest

from recommender.forecast.intervals import LEVEL_OR_FORECAST, SERIES_LEVEL, ConformalBands


def _rows(rng, n, noise=0.3, shift=0.0):
    scale = rng.uniform(5, 50, n)
    y = scale * (1 + shift + rng.normal(0, noise, n))
    return pd.DataFrame({"y": y, "f": scale, "scale": scale, "h": rng.integers(1, 5, n)})


def test_bands_cover_the_nominal_share_of_new_errors_like_the_past():
    # given past errors and new errors from the same distribution
    rng = np.random.default_rng(0)
    past, new = _rows(rng, 4000), _rows(rng, 4000)
    # when 80% bands are learned on the past and applied to the new
    bands = ConformalBands.fit(past, "f", 80)
    lo, hi = bands.apply(new, "f")
    coverage = ((new.y >= lo) & (new.y <= hi)).mean()
    # then about 80% of the new actuals fall inside, and bounds sit around the forecast
    assert 0.77 <= coverage <= 0.84
    assert (lo <= new.f).all() and (hi >= new.f).all() and (lo >= 0).all()


def test_windows_that_differ_widen_the_band_until_a_held_out_window_is_covered():
    # given windows whose errors are shifted one way or the other (a shock common to a window)
    rng = np.random.default_rng(1)
    windows = [_rows(rng, 300, noise=0.15, shift=s) for s in (-0.25, 0.2, -0.15, 0.25, 0.0)]
    past = pd.concat(windows, ignore_index=True)
    labels = pd.Series(np.repeat(np.arange(5), 300))
    # when bands are fitted knowing the windows, and without
    calibrated = ConformalBands.fit(past, "f", 80, labels)
    plain = ConformalBands.fit(past, "f", 80)
    # then calibration allows for the shocks (or a higher level) and gives a wider band
    assert calibrated.calibration["shocks"] > 0 or calibrated.calibration["errors"] > 80
    assert plain.calibration == {"errors": 80, "shocks": 0}
    assert calibrated.upper[1] > plain.upper[1] and calibrated.lower[1] < plain.lower[1]
    # and every one of those windows is then covered at least the worst-window share
    lo, hi = calibrated.apply(past, "f")
    covered = ((past.y >= lo) & (past.y <= hi)).groupby(labels).mean()
    assert covered.min() >= 0.74 and covered.mean() >= 0.8


def test_a_forecast_above_the_series_level_widens_its_band():
    rng = np.random.default_rng(2)
    bands = ConformalBands.fit(_rows(rng, 2000), "f", 80)
    frame = pd.DataFrame({"f": [10.0, 30.0], "scale": [10.0, 10.0], "h": [1, 1]})
    lo, hi = bands.apply(frame, "f")
    assert (hi - lo).iloc[1] == pytest.approx(3 * (hi - lo).iloc[0])
    assert bands.scale == LEVEL_OR_FORECAST


def test_bands_round_trip_and_old_bands_keep_scaling_by_level():
    past = pd.DataFrame({"y": [1.0, 2, 3, 4], "f": [2.0, 2, 2, 2], "scale": 1.0, "h": [1, 1, 2, 2]})
    bands = ConformalBands.fit(past, "f", 80)
    assert ConformalBands.from_dict(bands.to_dict()) == bands
    old = ConformalBands.from_dict({"level": 80, "lower": {"1": -0.2}, "upper": {"1": 0.2}})
    assert old.scale == SERIES_LEVEL and old.calibration == {}
    frame = pd.DataFrame({"f": [30.0], "scale": [10.0], "h": [1]})
    lo, hi = old.apply(frame, "f")
    assert (lo.iloc[0], hi.iloc[0]) == pytest.approx((28.0, 32.0))


def test_bands_without_history_are_zero_width():
    frame = pd.DataFrame({"f": [5.0], "scale": [1.0], "h": [1]})
    lo, hi = ConformalBands(80).apply(frame, "f")
    assert lo.iloc[0] == 5.0 and hi.iloc[0] == 5.0
