"""Duplicate sales rows: the same order, or the same sale written twice."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from recommender.data import contract as c
from recommender.data.contract import Reason


def _group_ids(rows: pd.DataFrame, columns: list[str]) -> np.ndarray:
    """Rows equal in ``columns`` share an id: a 64-bit hash per row, exact groups among clashes.

    Hashing costs 8 bytes a row where a multi-column group-by costs many times that; rows whose
    hash repeats are then grouped exactly, so a hash collision can never merge distinct rows.
    """
    hashed = pd.util.hash_pandas_object(rows[columns], index=False).to_numpy()
    repeated = pd.Series(hashed).duplicated(keep=False).to_numpy()
    ids = np.arange(len(rows), dtype=np.int64)  # a row alone is its own group
    if repeated.any():
        clash = rows[repeated]
        exact = clash.groupby(columns, sort=False, dropna=False).ngroup().to_numpy()
        first = pd.Series(np.flatnonzero(repeated)).groupby(exact).transform("first")
        ids[repeated] = first.to_numpy()
    return ids


def flag_duplicates(sales: pd.DataFrame, pending: pd.Series, flag: Callable[..., None]) -> None:
    """Mark repeats of an earlier still-accepted row (the rule of ``validate_sales``).

    Args:
        sales: Normalised sales rows with ``source_row`` (and ``order_id`` when given).
        pending: Rows that have no reason yet (the only candidates).
        flag: ``validate_sales``'s flag: told the rows, the reason and the words.
    """
    candidates = pending
    groups: list[tuple[pd.Series, list[str], str]] = []
    if c.ORDER_ID in sales.columns:
        has_id = sales[c.ORDER_ID].notna()
        groups.append((candidates & has_id, [c.ORDER_ID], "same order_id as data row "))
        candidates = candidates & ~has_id
    identity = list(c.SALES_COLUMNS) + [k for k in (c.CUSTOMER_KEY,) if k in sales.columns]
    groups.append((candidates, identity, "identical to data row "))
    for mask, columns, words in groups:
        if not mask.any():
            continue
        rows = sales if mask.all() else sales[mask]
        group = _group_ids(rows, columns)
        repeated = pd.Series(group, index=rows.index).duplicated(keep="first").to_numpy()
        if not repeated.any():
            continue
        first = rows[c.SOURCE_ROW].groupby(group).transform("first").to_numpy()
        # Words only for the repeats: one string per row would cost gigabytes on a large file.
        why = pd.Series("", index=sales.index, dtype=object)
        repeats = rows.index[repeated]
        why[repeats] = words + pd.Series(first[repeated]).astype(str).to_numpy()
        hit = pd.Series(False, index=sales.index)
        hit[repeats] = True
        flag(hit, Reason.DUPLICATE, why)
