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


def test_every_duplicate_shares_its_first_rows_key():
    # given an order repeated with other values, and a sale written twice without an order id
    sales = _sales(order_id=["o1", "o1", None, None]).assign(quantity=[1.0, 5.0, 2.0, 2.0])
    # when each row is keyed, in two parts as a cluster would
    keys = np.concatenate(
        [duplicates.duplicate_keys(sales.iloc[:2]), duplicates.duplicate_keys(sales.iloc[2:])]
    )
    # then the repeats share their first row's key, and distinct sales do not
    assert keys[0] == keys[1] and keys[2] == keys[3]
    assert keys[0] != keys[2]


def test_duplicate_words_are_the_rule_of_the_whole_file():
    sales = _sales(order_id=["o1", "o1", None, None])
    assert duplicates.duplicate_words(sales) == dict(_flagged(sales))
    assert duplicates.duplicate_words(_sales()) == {3: "identical to data row 1"}
