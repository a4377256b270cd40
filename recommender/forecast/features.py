"""Leakage-free features for the direct multi-horizon demand model.

Every row describes one forecast origin ``t`` of one series and one step ``h`` ahead. Features
use only values observed at or before ``t`` (lags, rolling statistics, last known price) plus
facts known in advance about the target period ``t + h`` (calendar, festivals, the horizon
itself, static attributes). Series-level values are divided by the series' recent level so one
global model serves large and small series alike.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from pandas.tseries.frequencies import to_offset

from recommender.data.calendar import calendar_features
from recommender.data.contract import DS, UID, Y
from recommender.data.periods import WEEKS_PER_YEAR, season_length

PRICE = "price"
TARGET = "target"
WEIGHT = "weight"
SCALE = "scale"
ORIGIN = "origin"
STEP = "h"


@dataclass(frozen=True)
class FeatureSpec:
    """Which lags and windows the model sees.

    Attributes:
        freq: Pandas offset alias of the periods.
        horizon: Largest step ahead.
        season: Periods per year.
        lags: Lags of the target at the origin (1 = the origin period itself).
        windows: Rolling-mean windows ending at the origin.
    """

    freq: str
    horizon: int
    season: int
    lags: tuple[int, ...]
    windows: tuple[int, ...]

    @classmethod
    def for_freq(cls, freq: str, horizon: int) -> FeatureSpec:
        """Default features for a frequency: weekly and monthly get calendar-sized windows.

        Args:
            freq: Pandas offset alias.
            horizon: Largest step ahead.

        Returns:
            The spec.
        """
        season = season_length(freq)
        if season >= WEEKS_PER_YEAR:
            return cls(freq, horizon, season, (1, 2, 3, 4, 6, 8, 13), (4, 8, 13, 26))
        if season >= 12:
            return cls(freq, horizon, season, (1, 2, 3, 4, 6), (3, 6, 12))
        return cls(freq, horizon, max(season, 1), (1, 2, 3, 4), (3, 6))

    @property
    def quarter(self) -> int:
        """Periods in about three months (13 weeks, 3 months): the short-term window."""
        return max(1, round(self.season / 4))


def complete_panel(panel: pd.DataFrame, freq: str, end: pd.Timestamp | None = None) -> pd.DataFrame:
    """Fill the missing periods of every series with zero sales.

    Each series runs from its first observed period to ``end`` (default: the last period of the
    whole panel): a period with no sale record sold nothing. Prices of unsold periods carry the
    last known price forward (never backward).

    Args:
        panel: Long frame with ``unique_id``, ``ds`` (period labels), ``y`` and maybe ``price``.
        freq: The alias the labels were made with.
        end: Last period label to extend every series to.

    Returns:
        The completed panel, sorted by ``unique_id`` and ``ds``.
    """
    if panel.empty:
        return panel.copy()
    end = pd.Timestamp(end) if end is not None else pd.Timestamp(panel[DS].max())
    firsts = panel.groupby(UID, sort=True)[DS].min()
    offset = to_offset(freq)
    frames = []
    for uid, first in firsts.items():
        frames.append(pd.DataFrame({UID: uid, DS: pd.date_range(first, end, freq=offset)}))
    grid = pd.concat(frames, ignore_index=True)
    cols = [c for c in (Y, PRICE) if c in panel.columns]
    out = grid.merge(panel[[UID, DS, *cols]], on=[UID, DS], how="left")
    out[Y] = out[Y].fillna(0.0).astype("float64")
    if PRICE in out.columns:
        out[PRICE] = out.groupby(UID, sort=False)[PRICE].ffill()
    return out.sort_values([UID, DS], kind="stable").reset_index(drop=True)


def _rolling(grouped: pd.core.groupby.SeriesGroupBy, window: int, how: str) -> pd.Series:
    rolled = getattr(grouped.rolling(window, min_periods=1), how)()
    return rolled.reset_index(level=0, drop=True)


def origin_features(panel: pd.DataFrame, spec: FeatureSpec) -> pd.DataFrame:
    """Features of every row seen as a forecast origin (values at or before the row only).

    Args:
        panel: A completed panel (see :func:`complete_panel`), sorted by series and period.
        spec: Which lags and windows to compute.

    Returns:
        The panel with ``scale`` and the origin features added.
    """
    df = panel.copy()
    y = df.groupby(UID, sort=False)[Y]
    recent = _rolling(y, spec.season, "mean")
    overall = y.expanding().mean().reset_index(level=0, drop=True)
    scale = recent.where(recent > 0, overall)
    df[SCALE] = scale.where(scale > 0, 1.0)
    inv = 1.0 / df[SCALE]
    for lag in spec.lags:
        df[f"lag_{lag}"] = y.shift(lag - 1) * inv
    for window in spec.windows:
        df[f"mean_{window}"] = _rolling(y, window, "mean") * inv
    quarter = spec.quarter
    df["std_quarter"] = _rolling(y, quarter, "std") * inv
    df["zero_share_quarter"] = _rolling((df[Y] <= 0).groupby(df[UID], sort=False), quarter, "mean")
    df["age"] = y.cumcount().astype("float64")
    df["log_level"] = np.log1p(df[SCALE])
    last_year = y.shift(spec.season)
    recent = _rolling(y, quarter, "mean")
    year_ago = _rolling(last_year.groupby(df[UID], sort=False), quarter, "mean")
    df["yoy_quarter"] = recent / year_ago.where(year_ago > 0)
    if PRICE in df.columns:
        price = df.groupby(UID, sort=False)[PRICE]
        ref = _rolling(price, spec.season, "mean")
        df["price_rel"] = df[PRICE] / ref
        df["price_chg"] = df[PRICE] / price.shift(max(1, quarter // 3))
    return df


def _step_features(
    origins: pd.DataFrame, y_by_series: pd.core.groupby.SeriesGroupBy, spec: FeatureSpec, step: int
) -> pd.DataFrame:
    """Features of the target ``step`` periods after each origin row."""
    out = origins.copy()
    out[STEP] = float(step)
    inv = 1.0 / out[SCALE]
    back = spec.season - step  # y[t + step - season] sits ``back`` rows before the origin
    if back >= 0:
        out["seasonal"] = y_by_series.shift(back) * inv
        around = [y_by_series.shift(b) for b in (back - 1, back, back + 1) if b >= 0]
        out["seasonal_3"] = pd.concat(around, axis=1).mean(axis=1) * inv
    else:
        out["seasonal"] = np.nan
        out["seasonal_3"] = np.nan
    return out


def _calendar_table(dates: pd.Series, spec: FeatureSpec) -> pd.DataFrame:
    unique = pd.DatetimeIndex(pd.unique(dates)).sort_values()
    cal = calendar_features(unique, spec.freq)
    cal.index = unique
    if spec.season >= WEEKS_PER_YEAR:
        cal["period_of_year"] = unique.isocalendar().week.to_numpy()
    else:
        cal["period_of_year"] = unique.month.to_numpy()
    return cal.astype("float64")


def horizon_rows(
    featured: pd.DataFrame,
    spec: FeatureSpec,
    *,
    origin_mask: pd.Series | None = None,
    with_target: bool,
) -> pd.DataFrame:
    """Expand origins into one row per (origin, step) with target-period features.

    Args:
        featured: Output of :func:`origin_features` (every period of every series, in order).
        spec: The feature spec.
        origin_mask: Which rows are origins (default: all).
        with_target: Add the scaled target ``y[t + h] / scale`` (training); rows whose target
            lies beyond the data are dropped.

    Returns:
        Rows with ``unique_id``, ``origin``, ``ds`` (the target period), ``h``, features and,
        when asked, ``target`` and ``weight``.
    """
    y_by_series = featured.groupby(UID, sort=False)[Y]
    frames = []
    for step in range(1, spec.horizon + 1):
        rows = _step_features(featured, y_by_series, spec, step)
        if with_target:
            rows[TARGET] = y_by_series.shift(-step) / rows[SCALE]
        if origin_mask is not None:
            rows = rows[origin_mask.to_numpy()]
        if with_target:
            rows = rows[rows[TARGET].notna()]
        frames.append(rows)
    out = pd.concat(frames, ignore_index=True)
    out = out.rename(columns={DS: ORIGIN})
    out[DS] = _shift_dates(out[ORIGIN], out[STEP].astype(int), spec.freq)
    cal = _calendar_table(out[DS], spec)
    out = out.join(cal, on=DS)
    if with_target:
        out[WEIGHT] = out[SCALE]
    return out


def _shift_dates(origins: pd.Series, steps: pd.Series, freq: str) -> pd.Series:
    offset = to_offset(freq)
    result = pd.Series(pd.NaT, index=origins.index, dtype="datetime64[ns]")
    for step in np.unique(steps.to_numpy()):
        mask = steps == step
        result[mask] = origins[mask] + int(step) * offset
    return result


def feature_columns(frame: pd.DataFrame, categorical: Sequence[str]) -> list[str]:
    """The model's input columns, in a fixed order.

    Args:
        frame: Rows from :func:`horizon_rows` joined with static attributes.
        categorical: Static categorical columns.

    Returns:
        Column names: categorical statics first, then numeric features sorted by name.
    """
    skip = {UID, DS, ORIGIN, Y, PRICE, TARGET, WEIGHT, SCALE}
    numeric = sorted(
        c
        for c in frame.columns
        if c not in skip and c not in categorical and pd.api.types.is_numeric_dtype(frame[c])
    )
    return [*categorical, *numeric]


def encode_categories(frame: pd.DataFrame, categories: dict[str, list[str]]) -> pd.DataFrame:
    """Give categorical columns a fixed category list (unknown values become missing).

    Args:
        frame: Frame holding the categorical columns.
        categories: For each column, its categories in training order.

    Returns:
        A copy with pandas ``category`` columns LightGBM reads consistently.
    """
    out = frame.copy()
    for col, cats in categories.items():
        out[col] = pd.Categorical(out[col].astype("string"), categories=cats)
    return out
