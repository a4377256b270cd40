"""Demand outlook of one series: weekly history, the forecast by channel, festivals in view."""

from __future__ import annotations

import pandas as pd

from recommender.data.calendar import FESTIVALS, festival_calendar
from recommender.data.contract import CHANNEL, DATE, DEFAULT_CHANNEL, PRODUCT, QUANTITY, REGION
from recommender.data.periods import WEEKLY, WEEKS_PER_YEAR, period_label
from recommender.decide.shares import channel_form_shares, festival_keys, shares_for

ALL = None
"""The channel value meaning every channel together."""


def _channel_of(rows: pd.DataFrame) -> pd.Series:
    """Each row's channel (``unknown`` when missing or when there is no channel column)."""
    if CHANNEL in rows:
        return rows[CHANNEL].fillna(DEFAULT_CHANNEL).astype(str)
    return pd.Series(DEFAULT_CHANNEL, index=rows.index, dtype=object)


def _rows(sales: pd.DataFrame, region: str, product: str, channel: str | None) -> pd.DataFrame:
    """The sales rows of one region and product (and channel, when given)."""
    rows = sales[(sales[REGION] == region) & (sales[PRODUCT] == product)]
    if channel is not None:
        rows = rows[_channel_of(rows) == channel]
    return rows


def channels(sales: pd.DataFrame, region: str, product: str) -> list[str]:
    """The channels the region sold the product through, largest volume first.

    Args:
        sales: Accepted sales rows.
        region: Region code.
        product: Product code.

    Returns:
        Channel codes (``unknown`` for rows without a channel); empty without sales.
    """
    rows = _rows(sales, region, product, ALL)
    if rows.empty:
        return []
    volume = pd.to_numeric(rows[QUANTITY], errors="coerce").groupby(_channel_of(rows)).sum()
    return [str(c) for c in volume.sort_values(ascending=False, kind="stable").index]


def weekly_history(
    sales: pd.DataFrame,
    region: str,
    product: str,
    channel: str | None = ALL,
    *,
    weeks: int = 104,
) -> pd.DataFrame:
    """Weekly sold quantity of one series over its last ``weeks`` weeks (gaps read as zero).

    Args:
        sales: Accepted sales rows (``date``, ``region``, ``product``, ``quantity``...).
        region: Region code.
        product: Product code.
        channel: One channel, or ``None`` for every channel.
        weeks: How many weeks, ending with the region's latest week of sales of the product.

    Returns:
        Columns ``date`` (week-ending Sunday) and ``quantity``; empty without sales.
    """
    every = _rows(sales, region, product, ALL)
    if every.empty:
        return pd.DataFrame({DATE: pd.Series(dtype="datetime64[ns]"), QUANTITY: []})
    rows = _rows(sales, region, product, channel)
    labels = period_label(rows[DATE], WEEKLY)
    qty = pd.to_numeric(rows[QUANTITY], errors="coerce").fillna(0.0)
    weekly = qty.groupby(labels.to_numpy()).sum()
    last = period_label(every[DATE], WEEKLY).max()
    span = pd.date_range(end=last, periods=weeks, freq=WEEKLY)
    weekly = weekly.reindex(span, fill_value=0.0)
    return pd.DataFrame({DATE: span, QUANTITY: weekly.to_numpy(dtype=float)})


def channel_forecast(
    forecast: pd.DataFrame, sales: pd.DataFrame, region: str, product: str, channel: str | None
) -> pd.DataFrame:
    """The served forecast of one series, scaled to a channel's recent share when one is given.

    The share is the channel's part of the last 52 weeks of sales, taken separately for
    festival and ordinary weeks (as the listing plan splits demand).

    Args:
        forecast: Served forecast rows (``region``, ``product``, ``date``, ``forecast``, ``lo``,
            ``hi``).
        sales: Accepted sales rows the shares come from.
        region: Region code.
        product: Product code.
        channel: One channel, or ``None`` for every channel.

    Returns:
        ``date``, ``forecast``, ``lo``, ``hi`` sorted by date (empty when there is no forecast).
    """
    rows = forecast[(forecast[REGION] == region) & (forecast[PRODUCT] == product)]
    rows = rows[[DATE, "forecast", "lo", "hi"]].sort_values(DATE).reset_index(drop=True)
    if channel is None or rows.empty:
        return rows
    here = _rows(sales, region, product, ALL)
    shares = channel_form_shares(here, WEEKLY)
    weeks = rows.assign(
        **{REGION: region, PRODUCT: product, "festival": festival_keys(rows[DATE], WEEKLY)}
    )
    split = shares_for(weeks, shares)
    share = (
        split[split[CHANNEL] == channel]
        .groupby(DATE)["share"]
        .sum()
        .reindex(rows[DATE])
        .fillna(0.0)
        .to_numpy()
    )
    return rows.assign(**{c: rows[c].astype(float) * share for c in ("forecast", "lo", "hi")})


def festivals_between(start: pd.Timestamp, end: pd.Timestamp) -> pd.DataFrame:
    """The statutory holidays and e-commerce festivals whose window meets ``[start, end]``.

    Args:
        start: First day shown.
        end: Last day shown.

    Returns:
        ``festival``, ``name_zh``, ``name_en``, ``kind``, ``start``, ``end`` (windows clipped to
        the range), sorted by start.
    """
    # next year's calendar too: its New-Year goods festival can start in late December
    table = festival_calendar(range(start.year, end.year + 2))
    table["start"], table["end"] = pd.to_datetime(table["start"]), pd.to_datetime(table["end"])
    table = table[(table["end"] >= start) & (table["start"] <= end)].copy()
    table["start"] = table["start"].clip(lower=start)
    table["end"] = table["end"].clip(upper=end)
    order = {f.key: i for i, f in enumerate(FESTIVALS)}
    table["_order"] = table["festival"].map(order)
    return table.sort_values(["start", "_order"]).drop(columns="_order").reset_index(drop=True)


def ahead_vs_last_year(
    forecast: pd.DataFrame, sales: pd.DataFrame, region: str, weeks: int = 8
) -> pd.DataFrame:
    """The region's forecast for its next ``weeks`` weeks beside the same weeks a year before.

    Args:
        forecast: Served forecast rows (``region``, ``date``, ``forecast``...).
        sales: Accepted sales rows.
        region: Region code.
        weeks: How many forecast weeks.

    Returns:
        ``date``, ``forecast`` (every product, kg) and ``last_year`` (kg sold 52 weeks before;
        0 when nothing was sold), one row per week.
    """
    rows = forecast[forecast[REGION] == region]
    dates = sorted(pd.to_datetime(rows[DATE]).unique())[:weeks]
    out = pd.DataFrame({DATE: pd.DatetimeIndex(dates)})
    ahead = rows.groupby(pd.to_datetime(rows[DATE]))["forecast"].sum()
    out["forecast"] = ahead.reindex(out[DATE]).to_numpy(dtype=float)
    mine = sales[sales[REGION] == region]
    labels = period_label(mine[DATE], WEEKLY)
    sold = pd.to_numeric(mine[QUANTITY], errors="coerce").groupby(labels.to_numpy()).sum()
    before = out[DATE] - pd.Timedelta(weeks=WEEKS_PER_YEAR)
    out["last_year"] = sold.reindex(before).fillna(0.0).to_numpy(dtype=float)
    return out
