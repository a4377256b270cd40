import numpy as np
import pandas as pd

from recommender.forecast import baselines
from recommender.forecast.baselines import (
    FALLBACK,
    FULL,
    SHORT,
    STAT_MODELS,
    history_class,
    statistical_forecasts,
)


def _panel():
    rng = np.random.default_rng(1)
    frames = []
    for uid, n in (("long", 120), ("mid", 40), ("tiny", 3)):
        ds = pd.date_range(end="2025-06-29", periods=n, freq="W-SUN")
        y = 20 + 10 * np.sin(2 * np.pi * np.arange(n) / 52) + rng.normal(0, 1, n)
        frames.append(pd.DataFrame({"unique_id": uid, "ds": ds, "y": y}))
    return pd.concat(frames, ignore_index=True)


def test_history_class_separates_full_short_and_fallback_series():
    classes = history_class(_panel(), 52, 8)
    assert classes.to_dict() == {"long": FULL, "mid": SHORT, "tiny": FALLBACK}


def test_every_series_gets_every_baseline_for_every_step():
    # when baselines forecast eight weeks
    out = statistical_forecasts(_panel(), 8, "W-SUN", 52)
    # then each series has 8 future weeks and every model a finite, non-negative value
    assert out.groupby("unique_id").size().to_dict() == {"long": 8, "mid": 8, "tiny": 8}
    assert (out["ds"] > pd.Timestamp("2025-06-29")).all()
    values = out[list(STAT_MODELS)].to_numpy()
    assert np.isfinite(values).all() and (values >= 0).all()
    # and the too-short series gets the mean of its history from every model
    panel = _panel()
    tiny_mean = panel.loc[panel.unique_id == "tiny", "y"].mean()
    tiny = out[out.unique_id == "tiny"]
    assert np.allclose(tiny[list(STAT_MODELS)].to_numpy(), tiny_mean)


def test_seasonal_naive_repeats_last_years_value():
    panel = _panel()
    out = statistical_forecasts(panel, 4, "W-SUN", 52)
    first = out[out.unique_id == "long"].iloc[0]
    year_ago = first.ds - pd.Timedelta(weeks=52)
    expected = panel[(panel.unique_id == "long") & (panel.ds == year_ago)].y.iloc[0]
    assert np.isclose(first["seasonal_naive"], max(expected, 0))


def test_a_large_panel_fits_on_every_core_with_the_same_forecasts(monkeypatch):
    # given the same panel fitted in one process, then (as a large panel) on two
    panel = _panel()
    serial = statistical_forecasts(panel, 8, "W-SUN", 52)
    monkeypatch.setattr(baselines, "PARALLEL_SERIES", 1)
    monkeypatch.setattr(baselines, "usable_cores", lambda: 2)
    assert baselines._workers(3) == 2
    parallel = statistical_forecasts(panel, 8, "W-SUN", 52)
    # then the forecasts are identical
    key = ["unique_id", "ds"]
    pd.testing.assert_frame_equal(
        serial.sort_values(key).reset_index(drop=True),
        parallel.sort_values(key).reset_index(drop=True),
    )
