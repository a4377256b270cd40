"""Tests of the seeded demo and benchmark data generator."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from recommender.data.calendar import calendar_features
from recommender.demo import catalog
from recommender.demo.simulate import SALES_COLUMNS, simulate_demo, simulate_panel


@pytest.fixture(scope="module")
def two_years():
    """Two years of demo data (enough for seasons and festivals, fast to draw)."""
    return simulate_demo(seed=7, weeks=104)


def test_same_seed_gives_identical_frames_and_another_seed_differs():
    # given the same seed twice and another seed
    first, again = simulate_demo(seed=11, weeks=12), simulate_demo(seed=11, weeks=12)
    other = simulate_demo(seed=12, weeks=12)
    # then the same seed reproduces every frame exactly and another seed does not
    pd.testing.assert_frame_equal(first.sales, again.sales)
    pd.testing.assert_frame_equal(first.regions, again.regions)
    assert not first.sales.equals(other.sales)


def test_sales_follow_the_contract(two_years):
    # given the demo sales
    sales = two_years.sales
    # then columns, week-ending Sundays, rounding and signs are as documented
    assert tuple(sales.columns) == SALES_COLUMNS
    assert (sales["date"].dt.dayofweek == 6).all()
    assert sales["date"].min() == pd.Timestamp("2022-01-02")
    assert (sales["quantity"] > 0).all()  # zero-sale weeks are omitted
    assert np.allclose(sales["quantity"], sales["quantity"].round(1))
    assert (sales["price"] > 0).all()
    assert np.allclose(sales["price"], sales["price"].round(2))
    assert not sales.duplicated(["date", "region", "product", "channel", "form"]).any()


def test_sales_codes_exist_in_the_reference_tables(two_years):
    # given the demo data set
    sales, regions, products = two_years.sales, two_years.regions, two_years.products
    counties = set(regions.loc[regions["level"] == "county", "region"])
    # then every region is a county, every product known, channels and forms allowed
    assert set(sales["region"]) <= counties
    assert set(sales["product"]) <= set(products["product"])
    assert set(sales["channel"]) <= set(catalog.CHANNELS)
    for product, forms in sales.groupby("product")["form"].unique().items():
        assert set(forms) <= set(catalog.PRODUCT_FORMS[product])


def test_kiwifruit_sells_in_its_harvest_season(two_years):
    # given fresh kiwifruit sales
    sales = two_years.sales
    kiwi = sales[(sales["product"] == "kiwifruit") & (sales["form"] == "fresh")]
    # when summed by month
    by_month = kiwi.groupby(kiwi["date"].dt.month)["quantity"].sum()
    # then October (harvest) sells far more than June
    assert by_month.get(10, 0) > 5 * by_month.get(6, 0)


def test_mid_autumn_lifts_gift_boxes(two_years):
    # given weekly gift-box sales and the Mid-Autumn flag of each week
    sales = two_years.sales
    weekly = sales[sales["form"] == "gift_box"].groupby("date")["quantity"].sum()
    flags = calendar_features(weekly.index, "W-SUN")["fest_mid_autumn"].to_numpy()
    # when Mid-Autumn weeks are compared with the others
    festive, other = weekly[flags == 1].mean(), weekly[flags == 0].mean()
    # then gift boxes sell clearly more around the festival
    assert festive > 1.5 * other


def test_livestream_sales_grow(two_years):
    # given douyin_live sales by year
    sales = two_years.sales
    live = sales[sales["channel"] == "douyin_live"]
    by_year = live.groupby(live["date"].dt.year)["quantity"].sum()
    # then the second year sells more than the first
    assert by_year[2023] > by_year[2022]


def test_some_series_are_sparse(two_years):
    # given weeks with a sale per region x product x channel x form series
    weeks = two_years.sales.groupby(["region", "product", "channel", "form"]).size()
    # then some series sell in fewer than a quarter of the 104 weeks
    assert (weeks < 26).sum() >= 5


def test_panel_has_the_requested_shape():
    # given a dense panel with more series than real county products
    panel = simulate_panel(n_series=70, weeks=6, seed=1, dense=True)
    # then it has one row per series and week, synthetic county copies and contract columns
    assert len(panel) == 70 * 6
    assert panel.groupby(["region", "product"]).ngroups == 70
    assert any(region.endswith("_001") for region in panel["region"])
    assert tuple(panel.columns) == SALES_COLUMNS
    assert (panel["quantity"] >= 0).all()
    pd.testing.assert_frame_equal(panel, simulate_panel(n_series=70, weeks=6, seed=1, dense=True))


def test_bad_sizes_are_refused():
    # when asked for no weeks or no series, then a ValueError says so
    with pytest.raises(ValueError, match="weeks"):
        simulate_demo(weeks=0)
    with pytest.raises(ValueError, match="n_series"):
        simulate_panel(n_series=0, weeks=4, seed=1)
