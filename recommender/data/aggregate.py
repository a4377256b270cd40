"""Accepted sales summed to periods: in one go, or part by part and then combined."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from recommender.data import contract as c
from recommender.data.parsing import per_unique
from recommender.data.periods import period_label

_SUMS = ("quantity", "_w", "_wp", "_psum", "_pcount")


def partial_sums(
    sales: pd.DataFrame, freq: str, by: Sequence[str] = (c.REGION, c.PRODUCT)
) -> pd.DataFrame:
    """Sums per (``by``, period) of some accepted rows, ready to add to other parts' sums.

    Args:
        sales: Accepted sales (all of them, or any part).
        freq: A pandas offset alias (periods labelled by
            :func:`recommender.data.periods.period_label`).
        by: Grouping columns.

    Returns:
        ``*by``, ``date`` and the additive sums behind the quantity and the price.
    """
    keys = list(by)
    frame = sales[keys].copy()
    frame[c.DATE] = per_unique(
        sales[c.DATE], lambda days: period_label(days.astype("datetime64[ns]"), freq)
    ).to_numpy()
    quantity = sales[c.QUANTITY].astype("float64").to_numpy()
    price = sales[c.PRICE].astype("float64").to_numpy()
    has_price = ~np.isnan(price)
    frame[c.QUANTITY] = quantity
    frame["_w"] = np.where(has_price, quantity, 0.0)
    frame["_wp"] = np.where(has_price, quantity * np.nan_to_num(price), 0.0)
    frame["_psum"] = np.nan_to_num(price)
    frame["_pcount"] = has_price.astype("int64")
    grouped = frame.groupby(keys + [c.DATE], sort=True, dropna=False)
    return grouped[list(_SUMS)].sum().reset_index()


def combine_sums(parts: Iterable[pd.DataFrame], by: Sequence[str]) -> pd.DataFrame:
    """Add up :func:`partial_sums` of disjoint parts and turn them into the panel.

    Args:
        parts: Partial sums (at least one).
        by: The grouping columns they were made with.

    Returns:
        As :func:`aggregate_panel`.
    """
    keys = list(by)
    frames = list(parts)
    sums = frames[0] if len(frames) == 1 else pd.concat(frames, ignore_index=True)
    if len(frames) > 1:
        grouped = sums.groupby(keys + [c.DATE], sort=True, dropna=False)
        sums = grouped[list(_SUMS)].sum().reset_index()
    weighted = sums["_wp"] / sums["_w"].where(sums["_w"] > 0)
    plain = sums["_psum"] / sums["_pcount"].where(sums["_pcount"] > 0)
    out = sums[[*keys, c.DATE, c.QUANTITY]].copy()
    out[c.PRICE] = weighted.fillna(plain).astype("float64")
    return out.reset_index(drop=True)


def aggregate_panel(
    sales: pd.DataFrame, freq: str, by: Sequence[str] = (c.REGION, c.PRODUCT)
) -> pd.DataFrame:
    """Sum accepted sales into a (``by`` x period) panel.

    Args:
        sales: Accepted sales (``IngestResult.sales``).
        freq: A pandas offset alias; periods are labelled by
            :func:`recommender.data.periods.period_label` (``W-SUN``: the week's Sunday).
        by: Grouping columns.

    Returns:
        Columns ``*by, date, quantity, price`` sorted by ``by`` and ``date``: ``date`` is the
        period label, ``quantity`` the sum, ``price`` the quantity-weighted mean of the rows
        with a price (their plain mean when all of them sold 0; NaN when none has a price).
    """
    return combine_sums([partial_sums(sales, freq, by)], by)


@dataclass(frozen=True)
class SummedIngest:
    """A sales input validated part by part and summed to periods where it was read.

    What the Dask engine's ingest gives instead of an :class:`IngestResult`: the accepted
    rows never come back whole, only their sums per series and period.

    Attributes:
        panel: The accepted rows summed as :func:`aggregate_panel` sums them.
        freq: The periods' offset alias.
        by: The columns that identify a series.
        quarantine: Rejected rows, as ``IngestResult.quarantine``.
        rows_read: Data rows in the input.
        rows_accepted: Rows that passed every rule.
        dropped_columns: Non-personal input columns outside the contract (not kept).
        pii_columns: Personal input columns (never kept raw).
    """

    panel: pd.DataFrame
    freq: str
    by: tuple[str, ...]
    quarantine: pd.DataFrame
    rows_read: int
    rows_accepted: int
    dropped_columns: list[str] = field(default_factory=list)
    pii_columns: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        """Refuse a result that loses or invents rows."""
        if self.rows_read != self.rows_accepted + len(self.quarantine):
            raise AssertionError(
                f"ingest accounting broken: {self.rows_read} read != "
                f"{self.rows_accepted} accepted + {len(self.quarantine)} quarantined"
            )

    @property
    def rows_quarantined(self) -> int:
        """Rows that failed a rule."""
        return len(self.quarantine)


__all__ = ["SummedIngest", "aggregate_panel", "combine_sums", "partial_sums"]
