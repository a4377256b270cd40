"""Statistical forecasts (seasonal naive, ETS, Theta) and the short-series fallback."""

from __future__ import annotations

import time
import warnings
from typing import Any

import numpy as np
import pandas as pd
from statsforecast import StatsForecast
from statsforecast.models import MSTL, AutoETS, HistoricAverage, Naive, SeasonalNaive, Theta

from recommender.data.contract import DS, UID, Y
from recommender.forecast.settings import usable_cores

SEASONAL_NAIVE, ETS, THETA = "seasonal_naive", "ets", "theta"
STAT_MODELS: tuple[str, ...] = (SEASONAL_NAIVE, ETS, THETA)
FALLBACK = "fallback"
SHORT = "short_history"
FULL = "full"

# Longest season AutoETS fits directly; beyond it (weekly data) ETS runs on the STL-adjusted
# series, since seasonal ETS with 52 states costs seconds per series and rarely converges well.
_MAX_ETS_SEASON = 24


def min_history(horizon: int) -> int:
    """Fewest observed periods a series needs before models are fitted to it.

    Args:
        horizon: Periods forecast ahead.

    Returns:
        The threshold; shorter series get the fallback forecast.
    """
    return max(6, horizon)


def history_class(panel: pd.DataFrame, season: int, horizon: int) -> pd.Series:
    """Classify each series by how much history it has.

    Args:
        panel: Completed long panel (``unique_id``, ``ds``, ``y``).
        season: Periods per year.
        horizon: Periods forecast ahead.

    Returns:
        ``full`` (two seasons or more), ``short_history`` (seasonal terms dropped) or
        ``fallback`` (too short to model: the mean of its history), indexed by ``unique_id``.
    """
    n = panel.groupby(UID, sort=True).size()
    cls = pd.Series(FULL, index=n.index, dtype="object")
    cls[n < 2 * season] = SHORT
    cls[n < min_history(horizon)] = FALLBACK
    return cls


def _ets_model(season: int, seasonal: bool) -> AutoETS | MSTL:
    if not seasonal or season <= 1:
        return AutoETS(model="ZZN", alias="ets")
    if season > _MAX_ETS_SEASON:
        return MSTL(season_length=season, trend_forecaster=AutoETS(model="ZZN"), alias="ets")
    return AutoETS(season_length=season, alias="ets")


PARALLEL_SERIES = 200
"""From this many series the statistical members fit on every usable core (each series is fitted
on its own, so the forecasts are the same; below it, starting worker processes costs more)."""


def _workers(n_series: int) -> int:
    """Processes for statsforecast: every usable core for a large panel, else one."""
    return usable_cores() if n_series >= PARALLEL_SERIES else 1


def _run(
    panel: pd.DataFrame,
    horizon: int,
    freq: str,
    season: int,
    seasonal: bool,
    timings: dict[str, float],
    full: bool,
    workers: int | None,
) -> pd.DataFrame:
    s = season if seasonal else 1
    naive = (
        SeasonalNaive(season_length=s, alias="seasonal_naive")
        if seasonal
        else Naive(alias="seasonal_naive")
    )
    models: list[Any] = [naive]
    if full:
        models += [_ets_model(season, seasonal), Theta(season_length=s, alias="theta")]
    data = panel[[UID, DS, Y]]
    n_jobs = _workers(data[UID].nunique()) if workers is None else workers
    out: pd.DataFrame | None = None
    for model in models:
        start = time.perf_counter()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            # A model that cannot fit a series (too few points) gives its history's mean.
            sf = StatsForecast(
                models=[model],
                freq=freq,
                n_jobs=n_jobs if model is not naive else 1,
                fallback_model=HistoricAverage(),
            )
            part = sf.forecast(df=data, h=horizon)
        part = part.reset_index(drop=True) if UID in part.columns else part.reset_index()
        out = part if out is None else out.merge(part, on=[UID, DS], how="outer")
        name = str(model.alias)
        timings[name] = timings.get(name, 0.0) + time.perf_counter() - start
    assert out is not None
    return out


def _fallback(panel: pd.DataFrame, horizon: int, freq: str) -> pd.DataFrame:
    stats = panel.groupby(UID, sort=True).agg(last=(DS, "max"), mean=(Y, "mean"))
    offset = pd.tseries.frequencies.to_offset(freq)
    rows = [
        {UID: uid, DS: row["last"] + step * offset, **dict.fromkeys(STAT_MODELS, row["mean"])}
        for uid, row in stats.iterrows()
        for step in range(1, horizon + 1)
    ]
    return pd.DataFrame(rows, columns=[UID, DS, *STAT_MODELS])


def statistical_forecasts(
    panel: pd.DataFrame,
    horizon: int,
    freq: str,
    season: int,
    timings: dict[str, float] | None = None,
    *,
    full: bool = True,
    workers: int | None = None,
) -> pd.DataFrame:
    """Forecast every series with the statistical baselines.

    Series with two seasons of history get seasonal naive, ETS (STL + ETS for long seasons)
    and Theta; shorter ones get their non-seasonal forms (naive, ETS, Theta); series too short
    to model get the mean of their history from every model. Without ``full`` only seasonal
    naive is fitted, and the ETS and Theta columns are empty (NaN).

    Args:
        panel: Completed long panel ending at the forecast origin.
        horizon: Periods ahead.
        freq: Pandas offset alias.
        season: Periods per year.
        timings: If given, seconds spent per model are added to it.
        full: Fit ETS and Theta too (see :meth:`BacktestConfig.full_statistics`).
        workers: Processes for statsforecast (default: every usable core from
            :data:`PARALLEL_SERIES` series, else one; a Dask worker passes one).

    Returns:
        ``unique_id``, ``ds`` and one column per model in :data:`STAT_MODELS` (non-negative,
        or NaN for a model not fitted).
    """
    classes = history_class(panel, season, horizon)
    timings = {} if timings is None else timings
    parts = []
    for cls, seasonal in ((FULL, True), (SHORT, False)):
        ids = classes.index[classes == cls]
        if len(ids):
            parts.append(
                _run(
                    panel[panel[UID].isin(ids)],
                    horizon,
                    freq,
                    season,
                    seasonal,
                    timings,
                    full,
                    workers,
                )
            )
    ids = classes.index[classes == FALLBACK]
    if len(ids):
        parts.append(_fallback(panel[panel[UID].isin(ids)], horizon, freq))
    if not parts:
        return pd.DataFrame(
            {
                UID: pd.Series(dtype="object"),
                DS: pd.Series(dtype="datetime64[ns]"),
                **{m: pd.Series(dtype="float64") for m in STAT_MODELS},
            }
        )
    out = pd.concat(parts, ignore_index=True)
    for model in STAT_MODELS:
        if model == SEASONAL_NAIVE or full:
            out[model] = np.clip(out[model].astype("float64").fillna(0.0), 0.0, None)
        else:
            out[model] = np.nan
    out[DS] = pd.to_datetime(out[DS])
    return out.sort_values([UID, DS], kind="stable").reset_index(drop=True)
