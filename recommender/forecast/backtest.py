"""Rolling-origin backtest: non-overlapping windows, baselines, blend and interval scoring."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from pandas.tseries.frequencies import to_offset

from recommender.data.contract import DS, UID, Y
from recommender.data.periods import season_length
from recommender.errors import DataError
from recommender.forecast.baselines import ETS, STAT_MODELS, THETA, history_class
from recommender.forecast.design import series_bounds
from recommender.forecast.engine import Engine, LocalEngine
from recommender.forecast.ensemble import (
    BLEND,
    MEMBERS,
    blend,
    choose_weights,
    combine_members,
    fitted_members,
)
from recommender.forecast.features import SCALE, STEP, FeatureSpec
from recommender.forecast.global_model import LGB, GlobalDemandModel, TooLittleData
from recommender.forecast.intervals import ConformalBands
from recommender.forecast.settings import BacktestConfig

log = logging.getLogger(__name__)

CUTOFF = "cutoff"
MASE_SCALE = "mase_scale"
REFERENCE = "ets_theta"
SCORED_MODELS: tuple[str, ...] = (BLEND, LGB, *STAT_MODELS, REFERENCE)


def window_cutoffs(
    last: pd.Timestamp, n_windows: int, horizon: int, freq: str
) -> list[pd.Timestamp]:
    """Cutoffs of ``n_windows`` back-to-back windows of ``horizon`` periods ending at ``last``.

    Args:
        last: The last period in the data (the end of the last window).
        n_windows: How many windows.
        horizon: Periods per window.
        freq: Pandas offset alias.

    Returns:
        Cutoffs (last training period of each window), oldest first.
    """
    offset = to_offset(freq)
    return [pd.Timestamp(last) - (n_windows - i) * horizon * offset for i in range(n_windows)]


def _mase_scale(train: pd.DataFrame, season: int) -> pd.Series:
    """Each series' in-sample seasonal-naive MAE (lag ``season``, or 1 when it is shorter).

    Computed over the sorted arrays at once: ``train`` is sorted by series and period.
    """
    ids = train[UID].to_numpy()
    y = train[Y].to_numpy(dtype="float64")
    start, _ = series_bounds(train)
    size = np.bincount(start)[start]  # rows of each row's series
    lag = np.where(size > season, season, 1)
    back = np.arange(len(y)) - lag
    valid = back >= start
    diff = np.where(valid, np.abs(y - y[np.maximum(back, 0)]), 0.0)
    frame = pd.DataFrame({UID: ids, "diff": diff, "n": valid.astype("int64")})
    sums = frame.groupby(UID, sort=True)[["diff", "n"]].sum()
    return (sums["diff"] / sums["n"].where(sums["n"] > 0)).rename(Y)


def forecast_window(
    train: pd.DataFrame,
    statics: pd.DataFrame | None,
    categorical: tuple[str, ...],
    config: BacktestConfig,
    timings: dict[str, float] | None = None,
    *,
    featured: Any = None,
    full: bool | None = None,
    n_series: int | None = None,
    engine: Engine | None = None,
) -> pd.DataFrame:
    """Every model's forecasts for the ``horizon`` periods after the end of ``train``.

    Args:
        train: Completed long panel up to the cutoff (nothing later).
        statics: Per-series attributes indexed by ``unique_id``.
        categorical: Which attributes are categorical.
        config: Backtest settings.
        timings: If given, seconds per step are added to it.
        featured: Origin features of a completed panel holding ``train`` (possibly longer:
            features look back only, and nothing after the cutoff is learned or used). Computed
            from ``train`` when not given.
        full: Fit ETS and Theta (default: as ``config`` decides for ``train``'s series).
        n_series: Series of the whole panel, which decide the LightGBM recipe (default:
            ``train``'s).
        engine: Where features, LightGBM and the statistical members run (default: here);
            ``featured``, when given, is held by it.

    Returns:
        ``unique_id``, ``ds``, ``h``, ``scale``, ``method``, ``mase_scale`` and one column per
        model (``lgb``, ``seasonal_naive``, ``ets``, ``theta``, ``ets_theta``).
    """
    timings = {} if timings is None else timings
    engine = engine or LocalEngine()
    season = season_length(config.freq)
    start = time.perf_counter()
    cutoff = pd.Timestamp(train[DS].max())
    if featured is None:
        featured = engine.features(train, FeatureSpec.for_freq(config.freq, config.horizon))
        timings["features"] = timings.get("features", 0.0) + time.perf_counter() - start
    start = time.perf_counter()
    params, max_rows = config.booster_for(n_series or train[UID].nunique())
    model = GlobalDemandModel(config.freq, config.horizon, params, categorical, max_rows)
    try:
        model.fit_featured(featured, statics, until=cutoff, engine=engine)
        out = model.predict_featured(featured, statics, at=cutoff, engine=engine)
    except TooLittleData:
        out = None
    timings["lightgbm"] = timings.get("lightgbm", 0.0) + time.perf_counter() - start
    if full is None:
        full = config.full_statistics(train[UID].nunique())
    stats = engine.statistical(
        featured,
        until=cutoff,
        horizon=config.horizon,
        freq=config.freq,
        season=season,
        full=full,
        timings=timings,
    )
    out = combine_members(out, stats, history_class(train, season, config.horizon))
    out[REFERENCE] = (out[ETS] + out[THETA]) / 2
    out[MASE_SCALE] = out[UID].map(_mase_scale(train, season))
    return out


def cross_validate(
    panel: pd.DataFrame,
    statics: pd.DataFrame | None,
    categorical: tuple[str, ...],
    config: BacktestConfig,
    progress: Callable[[str], None] | None = None,
    engine: Engine | None = None,
) -> tuple[pd.DataFrame, dict[str, float]]:
    """Forecast every window (warm-up and scored) from the data before its cutoff only.

    Args:
        panel: Completed long panel (all periods up to the last one in the data).
        statics: Per-series attributes indexed by ``unique_id``.
        categorical: Which attributes are categorical.
        config: Backtest settings.
        progress: Called with a line of text as each window finishes.
        engine: Where features, LightGBM and the statistical members run (default: here).

    Returns:
        One row per (series, window, period) with ``cutoff``, ``y`` and every model's forecast,
        and the seconds spent per step.
    """
    n_series = panel[UID].nunique()
    full = config.full_statistics(n_series)
    n_windows = config.folds + config.warmup_windows(panel[DS].nunique(), n_series)
    cutoffs = window_cutoffs(panel[DS].max(), n_windows, config.horizon, config.freq)
    timings: dict[str, float] = {}
    start = time.perf_counter()
    engine = engine or LocalEngine()
    featured = engine.features(panel, FeatureSpec.for_freq(config.freq, config.horizon))
    timings["features"] = time.perf_counter() - start
    frames = []
    for i, cutoff in enumerate(cutoffs, start=1):
        train = panel[panel[DS] <= cutoff]
        if train.empty:
            continue
        window = forecast_window(
            train,
            statics,
            categorical,
            config,
            timings,
            featured=featured,
            full=full,
            n_series=n_series,
            engine=engine,
        )
        window.insert(1, CUTOFF, cutoff)
        frames.append(window)
        kind = "warm-up" if i <= n_windows - config.folds else "fold"
        if progress is not None:
            progress(f"window {i}/{n_windows} ({kind}) cutoff {cutoff.date()}: {len(window)} rows")
    if not frames:
        raise DataError("no backtest window has any training data before its cutoff")
    cv = pd.concat(frames, ignore_index=True)
    later = panel.loc[panel[DS] > cutoffs[0], [UID, DS, Y]]  # only what the windows forecast
    cv = cv.merge(later, on=[UID, DS], how="left")
    cv[Y] = cv[Y].fillna(0.0)
    return cv, timings


@dataclass(frozen=True)
class BacktestResult:
    """What a backtest found.

    Attributes:
        forecasts: Scored-fold rows with every model's forecast, the blend and its interval.
        metrics: Per fold and overall WAPE, MASE and coverage for the blend and each baseline,
            and the blend's regret (its WAPE over the best member's) per fold and overall.
        weights: Blend weights used in each scored fold.
        final_weights: Weights learned from every window (what the served forecast uses).
        final_bands: Interval bands learned from every window.
        warmup: Warm-up windows the backtest had.
    """

    forecasts: pd.DataFrame
    metrics: dict[str, Any]
    weights: dict[str, dict[str, float]]
    final_weights: dict[str, float]
    final_bands: ConformalBands
    warmup: int


def score(frame: pd.DataFrame, model: str) -> dict[str, float]:
    """WAPE, MASE and interval coverage of one model on some rows.

    Args:
        frame: Rows with ``y``, ``mase_scale``, the model's column and ``<model>_lo``/``_hi``.
        model: Model column.

    Returns:
        ``wape`` (sum of absolute errors over sum of actuals), ``mase`` (mean over series of
        MAE over the in-sample seasonal-naive MAE) and ``coverage`` (share of actuals inside
        the interval).
    """
    err = (frame[Y] - frame[model]).abs()
    total = frame[Y].abs().sum()
    wape = float(err.sum() / total) if total > 0 else float("nan")
    per_series = (
        err.groupby([frame[UID], frame[CUTOFF]]).mean()
        / frame.groupby([UID, CUTOFF])[MASE_SCALE].first()
    )
    per_series = per_series.replace([np.inf, -np.inf], np.nan).dropna()
    mase = float(per_series.mean()) if len(per_series) else float("nan")
    lo, hi = frame.get(f"{model}_lo"), frame.get(f"{model}_hi")
    coverage = float("nan")
    if lo is not None and hi is not None:
        coverage = float(((frame[Y] >= lo) & (frame[Y] <= hi)).mean())
    return {"wape": wape, "mase": mase, "coverage": coverage}


def regret(metrics: dict[str, dict[str, float]]) -> float:
    """The served blend's WAPE over the best member's (below 1: the blend beat every member).

    Args:
        metrics: WAPE, MASE and coverage per model (one fold's, or overall).

    Returns:
        The ratio (NaN when no member has a WAPE).
    """
    best = min(
        (metrics[m]["wape"] for m in MEMBERS if m in metrics and np.isfinite(metrics[m]["wape"])),
        default=float("nan"),
    )
    served = metrics[BLEND]["wape"]
    return float(served / best) if best and np.isfinite(best) else float("nan")


def evaluate(cv: pd.DataFrame, config: BacktestConfig) -> BacktestResult:
    """Blend, add intervals and score every scored fold using earlier windows only.

    For the fold with cutoff ``c`` the blend weights and interval quantiles come from the
    windows whose cutoff is before ``c`` (they end at or before ``c``).

    Args:
        cv: Output of :func:`cross_validate`.
        config: Backtest settings.

    Returns:
        The backtest result.
    """
    cutoffs = sorted(cv[CUTOFF].unique())
    scored = cutoffs[-config.folds :]
    members = fitted_members(cv)
    models = [m for m in SCORED_MODELS if m == BLEND or cv[m].notna().any()]
    folds: list[dict[str, Any]] = []
    frames: list[pd.DataFrame] = []
    weights: dict[str, dict[str, float]] = {}
    for cutoff in scored:
        past = cv[cv[CUTOFF] < cutoff]
        fold = _finish(cv[cv[CUTOFF] == cutoff].copy(), past, config.level, members, models)
        weights[str(pd.Timestamp(cutoff).date())] = fold.attrs["weights"]
        fold_metrics = {m: score(fold, m) for m in models}
        folds.append(
            {
                "cutoff": str(pd.Timestamp(cutoff).date()),
                "metrics": fold_metrics,
                "regret": regret(fold_metrics),
            }
        )
        frames.append(fold)
    forecasts = pd.concat(frames, ignore_index=True)
    overall = {m: score(forecasts, m) for m in models}
    final_weights = choose_weights(cv[[Y, *members]], members, windows=len(cutoffs))
    everything = cv.assign(**{BLEND: blend(cv, final_weights)})
    final_bands = ConformalBands.fit(everything, BLEND, config.level, everything[CUTOFF])
    metrics: dict[str, Any] = {"folds": folds, "overall": overall, "regret": regret(overall)}
    warmup = len(cutoffs) - len(scored)
    return BacktestResult(forecasts, metrics, weights, final_weights, final_bands, warmup)


def _finish(
    fold: pd.DataFrame,
    past: pd.DataFrame,
    level: int,
    members: tuple[str, ...],
    models: list[str],
) -> pd.DataFrame:
    """Blend one fold and give every model an interval, from earlier windows only."""
    w = choose_weights(past[[Y, *members]], members, windows=past[CUTOFF].nunique())
    fold[BLEND] = blend(fold, w)
    past = past.assign(**{BLEND: blend(past, w)})
    for model in models:
        bands = ConformalBands.fit(past, model, level, past[CUTOFF])
        fold[f"{model}_lo"], fold[f"{model}_hi"] = bands.apply(fold, model)
    fold.attrs["weights"] = w
    return fold


__all__ = [
    "CUTOFF",
    "SCALE",
    "STEP",
    "BacktestConfig",
    "BacktestResult",
    "cross_validate",
    "evaluate",
    "forecast_window",
    "window_cutoffs",
]
