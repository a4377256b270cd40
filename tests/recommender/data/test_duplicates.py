import numpy as np
import pandas as pd

import recommender.data.duplicates as duplicates
from recommender.data.duplicates import flag_duplicates


def _sales(**extra):
    frame = pd.DataFrame(
        {
            "date": pd.to_datetime(["2024-03-05"] * 4),
            "region": ["a", "b", "a", "a"],
            "product": ["p"] * 4,
            "quantity": [1.0, 1.0, 1.0, 2.0],
            "price": [np.nan] * 4,
            "channel": ["unknown"] * 4,
            "form": ["fresh"] * 4,
            "source_row": [1, 2, 3, 4],
        }
    )
    return frame.assign(**extra)


def _flagged(sales, pending=None):
    hits = []

    def flag(mask, code, words):
        hits.extend(
            zip(sales.loc[np.asarray(mask), "source_row"], words[np.asarray(mask)], strict=True)
        )

    pending = pd.Series(True, index=sales.index) if pending is None else pending
    flag_duplicates(sales, pending, flag)
    return hits


def test_a_repeated_sale_points_at_its_first_row():
    assert _flagged(_sales()) == [(3, "identical to data row 1")]


def test_an_order_id_decides_when_given():
    # given two rows with the same order id but different values, and two identical rows without
    sales = _sales(order_id=["o1", "o1", None, None])
    hits = _flagged(sales)
    # then the repeated id is a duplicate; rows 3 and 4 differ in quantity, so neither is
    assert hits == [(2, "same order_id as data row 1")]


def test_rows_already_rejected_are_not_candidates():
    pending = pd.Series([False, True, True, True])
    assert _flagged(_sales(), pending) == []


def test_every_hash_clashing_still_groups_exactly(monkeypatch):
    monkeypatch.setattr(
        duplicates.pd.util,
        "hash_pandas_object",
        lambda frame, index=False: pd.Series(np.zeros(len(frame), dtype="uint64")),
    )
    assert _flagged(_sales()) == [(3, "identical to data row 1")]
