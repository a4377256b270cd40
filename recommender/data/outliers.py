"""Accepted sales rows that are within range yet probably mistakes: flagged, never dropped."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from recommender.data import contract as c

QUANTITY_FACTOR = 1_000
"""A quantity this many times its series' median (of rows that sold) is flagged."""
MIN_SERIES_ROWS = 5
"""Series with fewer selling rows have no median worth comparing to."""
STRAY_YEARS = 3
"""A date this many years or more before the next date in the file is flagged as stray."""


@dataclass(frozen=True)
class Outliers:
    """Rows flagged in the accounting (they stay accepted: the user decides).

    Attributes:
        quantity_rows: ``source_row`` of quantities :data:`QUANTITY_FACTOR` times their
            series' median or more.
        stray_rows: ``source_row`` of dates :data:`STRAY_YEARS` years or more before the next
            date in the file (they stretch every series they belong to back to them).
    """

    quantity_rows: list[int]
    stray_rows: list[int]

    def lines(self) -> list[str]:
        """The flags in words, one line each (none when nothing was flagged)."""
        out = []
        if self.quantity_rows:
            out.append(
                f"{len(self.quantity_rows):,} quantities {QUANTITY_FACTOR:,}x their series' "
                f"median or more (data rows {_rows(self.quantity_rows)})"
            )
        if self.stray_rows:
            out.append(
                f"{len(self.stray_rows):,} dates {STRAY_YEARS} years or more before the rest "
                f"(data rows {_rows(self.stray_rows)}): they stretch their series back"
            )
        return out


def _rows(rows: list[int], shown: int = 5) -> str:
    head = ", ".join(str(r) for r in rows[:shown])
    return head + (", ..." if len(rows) > shown else "")


def find_outliers(sales: pd.DataFrame) -> Outliers:
    """Flag accepted rows whose quantity or date is far from the rest.

    Args:
        sales: Accepted sales (``IngestResult.sales``).

    Returns:
        The flagged rows, in input order.
    """
    keys = [c.REGION, c.PRODUCT]
    selling = sales[sales[c.QUANTITY] > 0]
    grouped = selling.groupby(keys, sort=False)[c.QUANTITY]
    median = grouped.transform("median")
    enough = grouped.transform("size") >= MIN_SERIES_ROWS
    big = selling[enough & (selling[c.QUANTITY] >= QUANTITY_FACTOR * median)]
    dates = np.sort(sales[c.DATE].dropna().unique())
    stray: list[int] = []
    if len(dates) > 1:
        gaps = np.diff(dates) >= np.timedelta64(365 * STRAY_YEARS, "D")
        if gaps.any():
            cut = dates[np.flatnonzero(gaps)[-1]]  # the last date before the last big gap
            stray = sorted(sales.loc[sales[c.DATE] <= cut, c.SOURCE_ROW].astype(int).tolist())
    return Outliers(sorted(big[c.SOURCE_ROW].astype(int).tolist()), stray)


__all__ = ["QUANTITY_FACTOR", "STRAY_YEARS", "Outliers", "find_outliers"]
