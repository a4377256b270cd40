"""Accepted sales summed to periods, in one go or part by part."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from recommender.data.aggregate import SummedIngest, aggregate_panel, combine_sums, partial_sums


def _accepted(rows):
    frame = pd.DataFrame(rows, columns=["date", "region", "product", "quantity", "price"])
    frame["date"] = pd.to_datetime(frame["date"])
    return frame.astype({"quantity": "float64", "price": "float64"})


def test_aggregate_panel_sums_weekly_with_weighted_price():
    # given sales in two weeks (weeks end on Sunday 2024-03-10 and 2024-03-17)
    sales = _accepted(
        [
            ["2024-03-05", "b", "apple", 1.0, 10.0],
            ["2024-03-05", "a", "apple", 1.0, 10.0],
            ["2024-03-06", "a", "apple", 3.0, 6.0],
            ["2024-03-07", "a", "apple", 5.0, np.nan],
            ["2024-03-12", "a", "apple", 2.0, np.nan],
        ]
    )
    # when aggregated weekly
    panel = aggregate_panel(sales, "W-SUN")
    # then quantities sum, price is weighted by quantity over priced rows, rows are sorted
    assert list(panel.columns) == ["region", "product", "date", "quantity", "price"]
    assert panel["region"].tolist() == ["a", "a", "b"]
    assert panel["date"].tolist() == [
        pd.Timestamp("2024-03-10"),
        pd.Timestamp("2024-03-17"),
        pd.Timestamp("2024-03-10"),
    ]
    assert panel["quantity"].tolist() == [9.0, 2.0, 1.0]
    assert panel.loc[0, "price"] == pytest.approx((1 * 10 + 3 * 6) / 4)
    assert np.isnan(panel.loc[1, "price"])


def test_aggregate_panel_monthly_by_product_and_zero_sales_price():
    sales = _accepted(
        [["2024-03-05", "a", "kiwi", 0.0, 8.0], ["2024-03-25", "b", "kiwi", 0.0, 10.0]]
    )
    panel = aggregate_panel(sales, "MS", by=("product",))
    assert panel["date"].tolist() == [pd.Timestamp("2024-03-01")]
    assert panel.loc[0, "quantity"] == 0.0
    assert panel.loc[0, "price"] == 9.0  # no quantity to weigh by: plain mean


def test_sums_of_parts_combine_into_the_whole_panel():
    # given seeded sales with prices missing here and there, some rows selling nothing
    rng = np.random.default_rng(7)
    n = 400
    sales = pd.DataFrame(
        {
            "date": pd.Timestamp("2024-01-01") + pd.to_timedelta(rng.integers(0, 90, n), "D"),
            "region": rng.choice(["a", "b", "c"], n),
            "product": rng.choice(["kiwi", "apple"], n),
            "quantity": rng.integers(0, 4, n).astype("float64"),
            "price": np.where(rng.random(n) < 0.3, np.nan, rng.uniform(5, 9, n)),
        }
    )
    # when it is summed in three unequal parts and combined
    parts = [sales.iloc[:50], sales.iloc[50:260], sales.iloc[260:]]
    combined = combine_sums([partial_sums(p, "W-SUN") for p in parts], ("region", "product"))
    # then the panel is the one summed in one go
    pd.testing.assert_frame_equal(combined, aggregate_panel(sales, "W-SUN"), rtol=1e-12)


def test_a_summed_ingest_refuses_broken_accounting():
    quarantine = pd.DataFrame({"source_row": [3]})
    ok = SummedIngest(pd.DataFrame(), "W-SUN", ("region",), quarantine, 10, 9)
    assert ok.rows_quarantined == 1
    with pytest.raises(AssertionError, match="accounting"):
        SummedIngest(pd.DataFrame(), "W-SUN", ("region",), quarantine, 10, 8)
