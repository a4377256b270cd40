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
    groups.append((candidates, _identity(sales), "identical to data row "))
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


def _identity(sales: pd.DataFrame) -> list[str]:
    """The columns that make two rows without an order id the same sale."""
    return list(c.SALES_COLUMNS) + [k for k in (c.CUSTOMER_KEY,) if k in sales.columns]


def duplicate_keys(sales: pd.DataFrame) -> np.ndarray:
    """A 64-bit key per row that every possible duplicate of it shares.

    Rows with an order id are keyed by it, others by their values (as :func:`flag_duplicates`
    compares them). Equal keys are candidates only: different rows may share a key, never
    duplicates differ in it, so comparing the rows whose key repeats finds every duplicate.

    Args:
        sales: Normalised, accepted sales rows (any part of a file).

    Returns:
        Unsigned 64-bit keys, one per row.
    """
    keys = pd.util.hash_pandas_object(sales[_identity(sales)], index=False).to_numpy()
    if c.ORDER_ID in sales.columns:
        has_id = sales[c.ORDER_ID].notna().to_numpy()
        if has_id.any():
            by_id = pd.util.hash_pandas_object(sales[[c.ORDER_ID]], index=False).to_numpy()
            keys = np.where(has_id, by_id, keys)
    return keys


def duplicate_words(rows: pd.DataFrame) -> dict[int, str]:
    """The duplicates among some accepted rows, as ``source_row`` -> words.

    Args:
        rows: Normalised accepted rows in input order, holding every row that shares a
            :func:`duplicate_keys` key with any of them.

    Returns:
        For each repeat of an earlier row, the words :func:`flag_duplicates` gives it.
    """
    rows = rows.reset_index(drop=True)
    found: dict[int, str] = {}

    def collect(mask: pd.Series, code: Reason, words: pd.Series) -> None:
        hit = np.asarray(mask, dtype=bool)
        found.update(zip(rows[c.SOURCE_ROW].to_numpy()[hit].tolist(), words[hit], strict=True))

    flag_duplicates(rows, pd.Series(True, index=rows.index), collect)
    return found
