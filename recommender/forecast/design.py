"""The direct model's design: which (origin, step) pairs it learns from, and their rows.

A completed panel sorted by series and period is read as flat arrays: a row's position is its
index, and each series occupies one contiguous block. Pairs are gathered with numpy indexing, so
the cost grows with the rows kept, not with series or steps looped over in Python.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from pandas.tseries.frequencies import to_offset

from recommender.data.calendar import calendar_features
from recommender.data.contract import DS, UID, Y
from recommender.data.periods import WEEKS_PER_YEAR
from recommender.forecast.features import ORIGIN, SCALE, STEP, TARGET, WEIGHT, FeatureSpec

_GOLDEN = np.uint64(0x9E3779B97F4A7C15)


def _uniform(keys: np.ndarray, step: int) -> np.ndarray:
    """A uniform number in [0, 1) per (row key, step): splitmix64 of the pair, no state."""
    with np.errstate(over="ignore"):
        x = keys ^ (np.uint64(step) * _GOLDEN)
        x = (x ^ (x >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        x = (x ^ (x >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        x = x ^ (x >> np.uint64(31))
    return (x >> np.uint64(11)).astype("float64") / float(2**53)


def series_bounds(featured: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """First and last position of each row's series (the panel is sorted by series).

    Args:
        featured: A panel sorted by ``unique_id`` and ``ds``.

    Returns:
        Two integer arrays as long as the panel.
    """
    n = len(featured)
    if n == 0:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty
    ids = featured[UID].to_numpy()
    breaks = np.flatnonzero(ids[1:] != ids[:-1]) + 1
    firsts = np.concatenate([[0], breaks])
    lasts = np.concatenate([breaks - 1, [n - 1]])
    sizes = lasts - firsts + 1
    return np.repeat(firsts, sizes), np.repeat(lasts, sizes)


def _limits(featured: pd.DataFrame, until: pd.Timestamp | None) -> np.ndarray:
    """Each row's last usable position: its series' last row at or before ``until``."""
    start, end = series_bounds(featured)
    if until is None:
        return end
    known = (featured[DS].to_numpy() <= np.datetime64(pd.Timestamp(until))).astype(np.int64)
    counts = np.cumsum(known)
    before = np.where(start > 0, counts[np.maximum(start - 1, 0)], 0)
    return start + (counts[end] - before) - 1


def pair_count(featured: pd.DataFrame, horizon: int, *, until: pd.Timestamp | None = None) -> int:
    """How many (origin, step) pairs have a known target (inside the series, by ``until``).

    Args:
        featured: Origin features of a completed panel (sorted by series and period).
        horizon: Largest step ahead.
        until: Last period whose value may be learned (default: the panel's end).

    Returns:
        The number of pairs before any thinning.
    """
    return _known(_limits(featured, until), horizon)


def _known(limit: np.ndarray, horizon: int) -> int:
    """Pairs whose target is known, given each row's last usable position."""
    return int(np.clip(limit - np.arange(len(limit)), 0, horizon).sum())


def pair_share(total: int, max_rows: int | None) -> float:
    """The probability each pair is kept with, so about ``max_rows`` of ``total`` remain.

    Args:
        total: Pairs available (:func:`pair_count`, summed over every part of a panel).
        max_rows: Most pairs to keep (None: all).

    Returns:
        1.0 when nothing needs thinning, else ``max_rows / total``.
    """
    return 1.0 if not max_rows or total <= max_rows else max_rows / total


def training_pairs(
    featured: pd.DataFrame,
    horizon: int,
    *,
    until: pd.Timestamp | None = None,
    max_rows: int | None = None,
    share: float | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Every (origin, step) pair whose target is known, thinned to ``max_rows`` when larger.

    A target is known when it lies inside its series and at or before ``until``. When there are
    more pairs than ``max_rows``, each is kept with the same probability by a hash of its series,
    period and step: every series, step and season keeps its share, the same panel gives the
    same pairs, and a pair kept for one backtest cutoff is kept for every later one. Because the
    decision is per pair, a panel split by series into parts, each thinned with the whole
    panel's ``share``, keeps exactly the pairs the whole panel would.

    Args:
        featured: Origin features of a completed panel (sorted by series and period).
        horizon: Largest step ahead.
        until: Last period whose value may be learned (default: the panel's end).
        max_rows: Most pairs to keep (None: all); ignored when ``share`` is given.
        share: Probability of keeping each pair (see :func:`pair_share`).

    Returns:
        Origin positions and steps (1..horizon), in step-major order.
    """
    limit = _limits(featured, until)
    positions = np.arange(len(featured), dtype=np.int64)
    if share is None:
        share = pair_share(_known(limit, horizon), max_rows)
    keys = (
        pd.util.hash_pandas_object(featured[[UID, DS]], index=False).to_numpy()
        if share < 1.0
        else None
    )
    kept_pos, kept_step = [], []
    for step in range(1, horizon + 1):
        keep = positions + step <= limit
        if keys is not None:
            keep &= _uniform(keys, step) < share
        chosen = positions[keep]
        kept_pos.append(chosen)
        kept_step.append(np.full(len(chosen), step, dtype=np.int64))
    return np.concatenate(kept_pos), np.concatenate(kept_step)


def forecast_pairs(
    featured: pd.DataFrame, horizon: int, *, at: pd.Timestamp | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Each series' last period at or before ``at``, with every step 1..horizon.

    Args:
        featured: Origin features of a completed panel (sorted by series and period).
        horizon: Largest step ahead.
        at: The forecast origin (default: each series' last period).

    Returns:
        Origin positions and steps, series-major (a series' steps together, in order).
    """
    limit = _limits(featured, at)
    starts, _ = series_bounds(featured)
    firsts = np.flatnonzero(starts == np.arange(len(starts)))
    origins = limit[firsts]
    origins = origins[origins >= firsts]
    return np.repeat(origins, horizon), np.tile(np.arange(1, horizon + 1), len(origins))


def _seasonal(
    y: np.ndarray, start: np.ndarray, positions: np.ndarray, steps: np.ndarray, season: int
) -> tuple[np.ndarray, np.ndarray]:
    """Last year's value of the target period, and its mean with the periods either side."""
    same = positions + steps - season
    in_year = steps <= season
    values = []
    for offset in (-1, 0, 1):
        at = same + offset
        ok = in_year & (at >= start) & (at <= positions)
        values.append(np.where(ok, y[np.clip(at, 0, len(y) - 1)], np.nan))
    stacked = np.vstack(values)
    seen = np.isfinite(stacked)
    counts = seen.sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        around = np.where(counts > 0, np.where(seen, stacked, 0.0).sum(axis=0) / counts, np.nan)
    return values[1], around


def _calendar_table(dates: pd.Series, spec: FeatureSpec) -> pd.DataFrame:
    unique = pd.DatetimeIndex(pd.unique(dates)).sort_values()
    cal = calendar_features(unique, spec.freq)
    cal.index = unique
    if spec.season >= WEEKS_PER_YEAR:
        cal["period_of_year"] = unique.isocalendar().week.to_numpy()
    else:
        cal["period_of_year"] = unique.month.to_numpy()
    return cal.astype("float32")


def _shift_dates(origins: pd.Series, steps: np.ndarray, freq: str) -> np.ndarray:
    offset = to_offset(freq)
    values = origins.to_numpy()
    result = np.empty(len(values), dtype="datetime64[ns]")
    for step in np.unique(steps):
        mask = steps == step
        result[mask] = (pd.DatetimeIndex(values[mask]) + int(step) * offset).to_numpy()
    return result


def horizon_rows(
    featured: pd.DataFrame,
    spec: FeatureSpec,
    positions: np.ndarray,
    steps: np.ndarray,
    *,
    with_target: bool,
) -> pd.DataFrame:
    """One row per (origin, step) pair: the origin's features and the target period's.

    Args:
        featured: Output of :func:`recommender.forecast.features.origin_features`.
        spec: The feature spec.
        positions: Origin rows (positions in ``featured``).
        steps: Steps ahead, one per origin row.
        with_target: Add the scaled target ``y[t + h] / scale`` and its ``weight`` (training);
            pairs whose target lies beyond the series are dropped.

    Returns:
        Rows with ``unique_id``, ``origin``, ``ds`` (the target period), ``h``, the features and,
        when asked, ``target`` and ``weight``.
    """
    positions = np.asarray(positions, dtype=np.int64)
    steps = np.asarray(steps, dtype=np.int64)
    start, end = series_bounds(featured)
    if with_target:
        inside = positions + steps <= end[positions]
        positions, steps = positions[inside], steps[inside]
    y = featured[Y].to_numpy(dtype="float64")
    out = featured.take(positions).reset_index(drop=True).rename(columns={DS: ORIGIN})
    out[STEP] = steps.astype("float32")
    inv = 1.0 / out[SCALE].to_numpy()
    seasonal, around = _seasonal(y, start[positions], positions, steps, spec.season)
    out["seasonal"] = (seasonal * inv).astype("float32")
    out["seasonal_3"] = (around * inv).astype("float32")
    if with_target:
        out[TARGET] = y[positions + steps] * inv
    out[DS] = _shift_dates(out[ORIGIN], steps, spec.freq)
    cal = _calendar_table(out[DS], spec)
    out = out.join(cal, on=DS)
    if with_target:
        out[WEIGHT] = out[SCALE]
    return out


def with_statics(rows: pd.DataFrame, statics: pd.DataFrame | None) -> pd.DataFrame:
    """Join the per-series attributes (indexed by ``unique_id``) onto design rows."""
    if statics is not None and len(statics.columns):
        rows = rows.join(statics, on=UID)
    return rows


def training_rows(
    featured: pd.DataFrame,
    statics: pd.DataFrame | None,
    spec: FeatureSpec,
    *,
    until: pd.Timestamp | None,
    share: float,
) -> pd.DataFrame:
    """The model's training rows: kept pairs with their features, target, weight and statics.

    Args:
        featured: Origin features of a completed panel (or of whole series of it).
        statics: Per-series attributes indexed by ``unique_id``.
        spec: The feature spec (its horizon is the largest step).
        until: Last period whose value may be learned.
        share: Probability of keeping each pair (see :func:`pair_share`).

    Returns:
        Rows as :func:`horizon_rows` makes them, with the statics joined.
    """
    positions, steps = training_pairs(featured, spec.horizon, until=until, share=share)
    rows = horizon_rows(featured, spec, positions, steps, with_target=True)
    return with_statics(rows, statics)


def prediction_rows(
    featured: pd.DataFrame,
    statics: pd.DataFrame | None,
    spec: FeatureSpec,
    *,
    at: pd.Timestamp | None,
) -> pd.DataFrame:
    """Rows to forecast from: each series' origin at ``at`` with every step, and its statics.

    Args:
        featured: Origin features of a completed panel (or of whole series of it).
        statics: Per-series attributes indexed by ``unique_id``.
        spec: The feature spec.
        at: The forecast origin (default: each series' last period).

    Returns:
        Rows as :func:`horizon_rows` makes them (no target), with the statics joined.
    """
    positions, steps = forecast_pairs(featured, spec.horizon, at=at)
    rows = horizon_rows(featured, spec, positions, steps, with_target=False)
    return with_statics(rows, statics)


__all__ = [
    "forecast_pairs",
    "horizon_rows",
    "pair_count",
    "pair_share",
    "prediction_rows",
    "series_bounds",
    "training_pairs",
    "training_rows",
    "with_statics",
]
