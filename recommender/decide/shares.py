"""How a product's sales split across channels and forms: ordinary weeks and each festival."""

from __future__ import annotations

import numpy as np
import pandas as pd

from recommender.data.calendar import FESTIVALS, calendar_features
from recommender.data.contract import (
    CHANNEL,
    DATE,
    DEFAULT_CHANNEL,
    DEFAULT_FORM,
    FORM,
    PRODUCT,
    QUANTITY,
    REGION,
)
from recommender.data.periods import WEEKLY, WEEKS_PER_YEAR, period_label

ORDINARY = ""
"""The ``festival`` of the shares of weeks without a festival."""
ANY_FESTIVAL = "*"
"""The ``festival`` of the shares pooled over every festival week."""
FESTIVAL_YEARS = 2
"""Festival shares look back this many years (a festival comes once a year)."""
SHARE_COLUMNS = (REGION, PRODUCT, CHANNEL, FORM, "festival", "share")


def festival_keys(labels: pd.Series | pd.DatetimeIndex, freq: str = WEEKLY) -> np.ndarray:
    """The festival each period belongs to: the first of :data:`FESTIVALS` in it, else ``""``.

    Args:
        labels: Period labels (e.g. week-ending Sundays).
        freq: Pandas offset alias of the periods.

    Returns:
        One festival key (or :data:`ORDINARY`) per label.
    """
    feats = calendar_features(pd.DatetimeIndex(labels), freq)
    keys = np.full(len(feats), ORDINARY, dtype=object)
    for festival in reversed(FESTIVALS):  # the first festival listed wins
        keys[feats[f"fest_{festival.key}"].to_numpy().astype(bool)] = festival.key
    return keys


def _normalise(df: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Turn ``volume`` into ``share`` summing to 1 within ``keys``; drop zero-volume groups."""
    total = df.groupby(keys)["volume"].transform("sum")
    return df[total > 0].assign(share=df["volume"] / total)


def channel_form_shares(sales: pd.DataFrame, freq: str = WEEKLY) -> pd.DataFrame:
    """Volume share of each (channel, form) per (region, product): ordinary weeks and festivals.

    Ordinary shares come from the last 52 weeks up to each (region, product)'s latest sale;
    festival shares from the last :data:`FESTIVAL_YEARS` years, for each festival on its own
    (``festival`` its key, see :func:`festival_keys`) and pooled over all festivals
    (:data:`ANY_FESTIVAL`). Missing channel is ``unknown``, missing form ``fresh``.

    Args:
        sales: Validated sales (date, region, product, quantity, optional channel and form).
        freq: Pandas offset alias of the periods tested for festivals.

    Returns:
        Columns ``region, product, channel, form, festival, share``; shares sum to 1 per
        (region, product, festival). Use :func:`shares_for` to pick a period's shares.
    """
    df = sales[[DATE, REGION, PRODUCT, QUANTITY]].copy()
    df[CHANNEL] = sales[CHANNEL].fillna(DEFAULT_CHANNEL) if CHANNEL in sales else DEFAULT_CHANNEL
    df[FORM] = sales[FORM].fillna(DEFAULT_FORM) if FORM in sales else DEFAULT_FORM
    df[DATE] = pd.to_datetime(df[DATE])
    df[QUANTITY] = pd.to_numeric(df[QUANTITY], errors="coerce").fillna(0.0)
    last = df.groupby([REGION, PRODUCT])[DATE].transform("max")
    keep = df[DATE] > last - pd.Timedelta(weeks=WEEKS_PER_YEAR * FESTIVAL_YEARS)
    df, last = df[keep], last[keep]
    if df.empty:
        return pd.DataFrame(columns=list(SHARE_COLUMNS))
    periods = pd.Series(period_label(df[DATE], freq), index=df.index)
    labels = periods.drop_duplicates()
    flags = dict(zip(labels, festival_keys(labels, freq), strict=True))
    df["festival"] = periods.map(flags)
    recent = df[DATE] > last - pd.Timedelta(weeks=WEEKS_PER_YEAR)
    ordinary = df[recent & (df["festival"] == ORDINARY)]
    festive = df[df["festival"] != ORDINARY]
    parts = [ordinary, festive, festive.assign(festival=ANY_FESTIVAL)]
    keys = [REGION, PRODUCT, "festival"]
    g = pd.concat(parts).groupby([*keys, CHANNEL, FORM], as_index=False)[QUANTITY].sum()
    g = _normalise(g.rename(columns={QUANTITY: "volume"}), keys)
    g = g.sort_values([REGION, PRODUCT, "festival", CHANNEL, FORM]).reset_index(drop=True)
    return g[list(SHARE_COLUMNS)]


def shares_for(rows: pd.DataFrame, shares: pd.DataFrame) -> pd.DataFrame:
    """Each row's (channel, form) split, from the shares of its period's festival.

    A festival period takes that festival's shares, else the pooled festival shares, else the
    ordinary ones; an ordinary period the ordinary shares, else the pooled festival ones. A
    pair without any shares goes wholly to ``unknown`` / ``fresh``.

    Args:
        rows: Rows with ``region``, ``product`` and ``festival`` (a key or ``""``).
        shares: Output of :func:`channel_form_shares`.

    Returns:
        ``rows`` repeated once per (channel, form) with ``channel``, ``form``, ``share`` and
        ``share_festival`` (whose shares were used).
    """
    keys = [REGION, PRODUCT]
    have = shares[[*keys, "festival"]].drop_duplicates()
    have_set = set(have.itertuples(index=False, name=None))
    chosen = []
    for region, product, festival in rows[[*keys, "festival"]].itertuples(index=False, name=None):
        order = (
            [festival, ANY_FESTIVAL, ORDINARY] if festival != ORDINARY else [ORDINARY, ANY_FESTIVAL]
        )
        chosen.append(next((f for f in order if (region, product, f) in have_set), None))
    out = rows.assign(share_festival=chosen)
    sh = shares.rename(columns={"festival": "share_festival"})
    out = out.merge(sh, on=[*keys, "share_festival"], how="left")
    none = out["share"].isna()
    out.loc[none, [CHANNEL, FORM, "share"]] = [DEFAULT_CHANNEL, DEFAULT_FORM, 1.0]
    return out


def festival_names(labels: pd.Series | pd.DatetimeIndex) -> list[str]:
    """``name_en / name_zh`` of the festivals in each week (``; ``-joined), else empty."""
    feats = calendar_features(pd.DatetimeIndex(labels), WEEKLY)
    return [
        "; ".join(f"{f.name_en} / {f.name_zh}" for f in FESTIVALS if feats[f"fest_{f.key}"].iloc[i])
        for i in range(len(feats))
    ]
