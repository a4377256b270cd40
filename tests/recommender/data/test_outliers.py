"""Accepted rows flagged as probable mistakes: huge quantities and stray dates."""

import pandas as pd

from recommender.data.outliers import find_outliers


def _sales(dates, quantities):
    n = len(dates)
    return pd.DataFrame(
        {
            "date": pd.to_datetime(dates),
            "region": ["liuba"] * n,
            "product": ["honey"] * n,
            "quantity": [float(q) for q in quantities],
            "source_row": range(1, n + 1),
        }
    )


def test_a_huge_quantity_and_a_stray_date_are_flagged_by_row():
    # given weekly sales of about 10, one of 1e12, and one row dated 1960
    dates = ["1960-01-03", *pd.date_range("2024-01-07", periods=8, freq="W").astype(str)]
    sales = _sales(dates, [10, 9, 11, 1e12, 10, 12, 8, 10, 11])
    # when flagged
    found = find_outliers(sales)
    # then both are named, in words the accounting prints
    assert found.quantity_rows == [4] and found.stray_rows == [1]
    lines = found.lines()
    assert "1,000x their series' median" in lines[0] and "data rows 4" in lines[0]
    assert "3 years or more before the rest" in lines[1]


def test_ordinary_sales_flag_nothing():
    dates = pd.date_range("2020-01-05", periods=200, freq="W").astype(str)
    found = find_outliers(_sales(dates, [5 + i % 7 for i in range(200)]))
    assert found.lines() == []
