"""Period labels for a pandas offset alias: which period a date falls in, and its span."""

from __future__ import annotations

import pandas as pd
from pandas.tseries.frequencies import to_offset

WEEKLY = "W-SUN"
"""The week the tool counts in (Monday to Sunday, labelled by its Sunday): the default period."""
WEEKS_PER_YEAR = 52
"""Whole weeks in a year: the weekly season length and the span of "last year"."""


def _is_start_anchored(freq: str) -> bool:
    """True when the alias labels a period by its first day (``MS``, ``QS``, ``YS``, ``D``)."""
    offset = to_offset(freq)
    name = type(offset).__name__
    return name.endswith("Begin") or name in {"Day", "BusinessDay"}


def validate_freq(freq: str) -> str:
    """Check that ``freq`` is a pandas offset alias this tool can label periods with.

    Args:
        freq: A pandas offset alias such as ``W-SUN`` or ``MS``.

    Returns:
        The alias unchanged.

    Raises:
        ValueError: If pandas does not know the alias, or its periods are shorter than a day
            (sales are dated by the day: hours or minutes would only multiply empty periods).
    """
    try:
        offset = to_offset(freq)
    except (ValueError, TypeError) as exc:
        raise ValueError(f"unknown frequency alias {freq!r} (use e.g. W-SUN or MS)") from exc
    if isinstance(offset, pd.offsets.Tick) and pd.Timedelta(offset) < pd.Timedelta(days=1):
        raise ValueError(
            f"{freq!r} periods are shorter than a day; sales are dated by the day "
            "(use D, W-SUN or MS)"
        )
    return freq


def period_label(dates: pd.Series | pd.DatetimeIndex, freq: str) -> pd.Series:
    """Label each date with the period it falls in, as pandas ``resample`` would.

    ``W-SUN`` labels a week by its Sunday (the week's end); ``MS`` labels a month by its first day.

    Args:
        dates: Dates (time of day is dropped).
        freq: A pandas offset alias.

    Returns:
        A datetime Series of period labels aligned with ``dates``.
    """
    offset = to_offset(validate_freq(freq))
    values = pd.Series(pd.to_datetime(dates)).dt.normalize()
    if not len(values):
        return values
    roll = offset.rollback if _is_start_anchored(freq) else offset.rollforward
    unique = pd.DatetimeIndex(values.dropna().unique())
    labels = pd.Series([roll(d) for d in unique], index=unique, dtype="datetime64[ns]")
    return values.map(labels)


def period_start(labels: pd.Series | pd.DatetimeIndex, freq: str) -> pd.DatetimeIndex:
    """First day of each labelled period.

    Args:
        labels: Period labels produced by :func:`period_label`.
        freq: The alias the labels were made with.

    Returns:
        The first calendar day of every period.
    """
    idx = pd.DatetimeIndex(labels)
    if _is_start_anchored(freq):
        return idx
    offset = to_offset(freq)
    return pd.DatetimeIndex(idx - offset) + pd.Timedelta(days=1)


def period_end(labels: pd.Series | pd.DatetimeIndex, freq: str) -> pd.DatetimeIndex:
    """Last day of each labelled period.

    Args:
        labels: Period labels produced by :func:`period_label`.
        freq: The alias the labels were made with.

    Returns:
        The last calendar day of every period.
    """
    idx = pd.DatetimeIndex(labels)
    if not _is_start_anchored(freq):
        return idx
    offset = to_offset(freq)
    return pd.DatetimeIndex(idx + offset) - pd.Timedelta(days=1)


def future_labels(last: pd.Timestamp, horizon: int, freq: str) -> pd.DatetimeIndex:
    """The ``horizon`` period labels that follow ``last``.

    Args:
        last: The last observed period label.
        horizon: How many periods ahead.
        freq: The alias of the labels.

    Returns:
        Labels of the next ``horizon`` periods.
    """
    return pd.date_range(pd.Timestamp(last), periods=horizon + 1, freq=freq)[1:]


def season_length(freq: str) -> int:
    """Periods per year for a frequency alias (52 weekly, 12 monthly, 4 quarterly, 7 daily).

    Args:
        freq: A pandas offset alias.

    Returns:
        The seasonal period used by seasonal baselines.
    """
    code = to_offset(validate_freq(freq)).name.split("-")[0].upper()
    if code.startswith("W"):
        return WEEKS_PER_YEAR
    if code in {"M", "MS", "ME", "BM", "BMS", "SM", "SMS"}:
        return 12
    if code.startswith("Q"):
        return 4
    if code in {"D", "B"}:
        return 7
    return 1
