"""Leakage-free origin features for the direct multi-horizon demand model.

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
from coreforecast.grouped_array import GroupedArray
from coreforecast.lag_transforms import ExpandingMean, Lag, RollingMean, RollingStd
from pandas.tseries.frequencies import to_offset

from recommender.data.contract import DS, PRICE, UID, Y
from recommender.data.periods import WEEKS_PER_YEAR, season_length
from recommender.errors import DataError

MAX_PANEL_ROWS = 30_000_000
"""Most (series, period) rows a completed panel may have: three national panels (60,000 series x
156 weeks is 9.4 M). Past it a run would need tens of gigabytes; the usual cause is periods far
finer than the data, or a stray date decades before the rest."""

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
        panel: Long frame with ``unique_id``, ``ds`` (period labels, one row per series and
            period), ``y`` and maybe ``price``.
        freq: The alias the labels were made with.
        end: Last period label to extend every series to.

    Returns:
        The completed panel, sorted by ``unique_id`` and ``ds``.

    Raises:
        DataError: When it would hold more than :data:`MAX_PANEL_ROWS` rows.
    """
    if panel.empty:
        return panel.copy()
    end = pd.Timestamp(end) if end is not None else pd.Timestamp(panel[DS].max())
    panel = panel[panel[DS] <= end]
    codes, ids = pd.factorize(panel[UID], sort=True)
    grid = pd.date_range(panel[DS].min(), end, freq=to_offset(freq))
    period = grid.get_indexer(pd.DatetimeIndex(panel[DS]))
    if (period < 0).any():
        raise ValueError(f"period labels that are not {freq} periods cannot be completed")
    first = np.full(len(ids), len(grid), dtype=np.int64)
    np.minimum.at(first, codes, period)
    sizes = len(grid) - first
    offsets = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    total = int(sizes.sum())
    if total > MAX_PANEL_ROWS:  # refused before anything that size is built
        raise DataError(
            f"the completed panel would hold {total:,} rows ({len(ids):,} series x up to "
            f"{len(grid):,} {freq} periods), more than the {MAX_PANEL_ROWS:,} this tool "
            "builds: use longer periods (--freq), or check for stray dates far from the rest"
        )
    series = np.repeat(np.arange(len(ids)), sizes)
    within = np.arange(total) - np.repeat(offsets, sizes)
    out = pd.DataFrame({UID: ids.take(series), DS: grid.take(first[series] + within)})
    rows = offsets[codes] + period - first[codes]
    y = np.zeros(total, dtype="float64")
    y[rows] = panel[Y].to_numpy(dtype="float64")
    out[Y] = y
    if PRICE in panel.columns:
        price = np.full(total, np.nan, dtype="float64")
        price[rows] = panel[PRICE].to_numpy(dtype="float64")
        out[PRICE] = pd.Series(price).groupby(series, sort=False).ffill().to_numpy()
    return out


def _grouped(values: pd.Series | np.ndarray, indptr: np.ndarray) -> GroupedArray:
    return GroupedArray(np.ascontiguousarray(values, dtype="float64"), indptr)


def _indptr(frame: pd.DataFrame) -> np.ndarray:
    ids = frame[UID].to_numpy()
    breaks = np.flatnonzero(ids[1:] != ids[:-1]) + 1 if len(ids) else np.zeros(0, dtype=int)
    return np.concatenate([[0], breaks, [len(ids)]]).astype(np.int32)


def _mean(ga: GroupedArray, window: int, lag: int = 0) -> np.ndarray:
    return RollingMean(lag=lag, window_size=window, min_samples=1).transform(ga)


def origin_features(panel: pd.DataFrame, spec: FeatureSpec) -> pd.DataFrame:
    """Features of every row seen as a forecast origin (values at or before the row only).

    Rolling and lagged values are computed per series by coreforecast's grouped kernels over the
    sorted arrays; features are stored as float32 (the series level ``scale`` as float64).

    Args:
        panel: A completed panel (see :func:`complete_panel`), sorted by series and period.
        spec: Which lags and windows to compute.

    Returns:
        The panel with ``scale`` and the origin features added.
    """
    indptr = _indptr(panel)
    y = _grouped(panel[Y], indptr)
    recent = _mean(y, spec.season)
    overall = ExpandingMean(lag=0).transform(y)
    scale = np.where(recent > 0, recent, overall)
    scale = np.where(scale > 0, scale, 1.0)
    inv = 1.0 / scale
    features: dict[str, np.ndarray] = {}
    for lag in spec.lags:
        features[f"lag_{lag}"] = (Lag(lag - 1).transform(y) if lag > 1 else y.data) * inv
    for window in spec.windows:
        features[f"mean_{window}"] = _mean(y, window) * inv
    quarter = spec.quarter
    features["std_quarter"] = (
        RollingStd(lag=0, window_size=quarter, min_samples=1).transform(y) * inv
    )
    features["zero_share_quarter"] = _mean(_grouped(panel[Y].to_numpy() <= 0, indptr), quarter)
    sizes = np.diff(indptr)
    features["age"] = (np.arange(len(panel)) - np.repeat(indptr[:-1], sizes)).astype("float64")
    features["log_level"] = np.log1p(scale)
    year_ago = _mean(y, quarter, lag=spec.season)
    with np.errstate(invalid="ignore", divide="ignore"):
        features["yoy_quarter"] = _mean(y, quarter) / np.where(year_ago > 0, year_ago, np.nan)
    if PRICE in panel.columns:
        price = _grouped(panel[PRICE], indptr)
        with np.errstate(invalid="ignore", divide="ignore"):
            features["price_rel"] = price.data / _mean(price, spec.season)
            features["price_chg"] = price.data / Lag(max(1, quarter // 3)).transform(price)
    columns = {col: panel[col].to_numpy() for col in panel.columns}
    columns[SCALE] = scale
    for name in list(features):  # cast one at a time: a national panel has millions of rows
        columns[name] = features.pop(name).astype("float32")
    return pd.DataFrame(columns, copy=False)


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
