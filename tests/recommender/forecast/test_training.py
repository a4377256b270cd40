import pandas as pd
import pytest

from recommender.forecast.training import beats_baselines, build_panel, panel_digest


@pytest.fixture
def sales(tiny_sales):
    return tiny_sales.assign(date=pd.to_datetime(tiny_sales.date))


def test_build_panel_completes_series_and_identifies_the_data(sales):
    panel = build_panel(sales, "W-SUN")
    # every series runs to the last week with no gap
    last = panel.long["ds"].max()
    assert (panel.long.groupby("unique_id")["ds"].max() == last).all()
    assert panel.long.groupby("unique_id")["ds"].diff().dropna().eq(pd.Timedelta(weeks=1)).all()
    assert list(panel.series.columns) == ["region", "product"]
    # the digest depends on the values, not on row order
    shuffled = build_panel(sales.sample(frac=1, random_state=0), "W-SUN")
    assert shuffled.digest == panel.digest
    changed = sales.copy()
    changed.loc[0, "quantity"] += 1
    assert build_panel(changed, "W-SUN").digest != panel.digest


def test_panel_digest_is_sha256_hex(sales):
    assert len(panel_digest(build_panel(sales, "W-SUN").long)) == 64


def _metrics(blend, snaive, ets, ref):
    return {
        "overall": {
            "forecast": {"wape": blend},
            "seasonal_naive": {"wape": snaive},
            "ets": {"wape": ets},
            "ets_theta": {"wape": ref},
        }
    }


def test_champion_needs_to_beat_every_baseline():
    assert beats_baselines(_metrics(0.2, 0.3, 0.25, 0.24))
    assert not beats_baselines(_metrics(0.2, 0.3, 0.19, 0.24))
    assert not beats_baselines(_metrics(0.2, 0.3, 0.25, 0.2))


def test_panel_digest_follows_the_data_not_the_row_order(sales):
    # given a panel, the same rows shuffled, and a copy with one value changed
    long = build_panel(sales, "W-SUN").long
    shuffled = long.sample(frac=1.0, random_state=1)
    changed = long.copy()
    changed.loc[changed.index[5], "y"] += 1.0
    # then the order does not matter and the value does
    assert panel_digest(shuffled) == panel_digest(long)
    assert panel_digest(changed) != panel_digest(long)
