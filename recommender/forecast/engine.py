"""Where the per-series work runs: the engine contract and the local engine (this process).

Origin features, the model's design rows and the statistical members are computed series by
series, so an engine may split a panel into parts of whole series and run them anywhere (see
:mod:`recommender.forecast.distributed` for Dask); the functions here are what every part runs.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

import lightgbm as lgb
import numpy as np
import pandas as pd

from recommender.data.contract import DS, UID, Y
from recommender.forecast.baselines import statistical_forecasts
from recommender.forecast.design import pair_count, pair_share, prediction_rows, training_rows
from recommender.forecast.features import (
    ORIGIN,
    SCALE,
    STEP,
    TARGET,
    WEIGHT,
    FeatureSpec,
    encode_categories,
    feature_columns,
    origin_features,
)
from recommender.forecast.settings import LOCAL, BoosterParams

LGB = "lgb"
MIN_TRAINING_ROWS = 50


class TooLittleData(ValueError):
    """The panel holds too few (origin, step) pairs to train the global model."""


@dataclass(frozen=True)
class TrainedBooster:
    """A trained LightGBM model and what its input rows must look like.

    Attributes:
        booster: The model.
        categories: Category list of each categorical column, in training order.
        feature_names: Input columns, in order.
        n_rows: Rows it was trained on.
    """

    booster: lgb.Booster
    categories: dict[str, list[str]]
    feature_names: list[str]
    n_rows: int


def check_rows(n_rows: int) -> None:
    """Refuse to train on fewer than :data:`MIN_TRAINING_ROWS` rows.

    Raises:
        TooLittleData: When ``n_rows`` is too small.
    """
    if n_rows < MIN_TRAINING_ROWS:
        raise TooLittleData(f"{n_rows} training rows; the global model needs {MIN_TRAINING_ROWS}")


def train_booster(
    rows: pd.DataFrame, categorical: list[str], params: BoosterParams
) -> TrainedBooster:
    """Train LightGBM in this process on design rows.

    Args:
        rows: Output of :func:`recommender.forecast.design.training_rows`.
        categorical: Static columns to treat as categories.
        params: LightGBM settings.

    Returns:
        The trained model.

    Raises:
        TooLittleData: When there are too few rows.
    """
    check_rows(len(rows))
    categories = {c: sorted(rows[c].dropna().astype(str).unique().tolist()) for c in categorical}
    rows = encode_categories(rows, categories)
    names = feature_columns(rows, categorical)
    data = lgb.Dataset(
        rows[names],
        label=rows[TARGET].clip(lower=0).to_numpy(),
        weight=rows[WEIGHT].to_numpy(),
        categorical_feature=categorical or "auto",
        free_raw_data=True,
    )
    booster = lgb.train(params.lgb_params(len(rows)), data, params.num_boost_round)
    return TrainedBooster(booster, categories, names, len(rows))


def predict_rows(rows: pd.DataFrame, trained: TrainedBooster) -> pd.DataFrame:
    """Forecast design rows in units (the scaled prediction times the series level).

    Args:
        rows: Output of :func:`recommender.forecast.design.prediction_rows`.
        trained: The model.

    Returns:
        ``unique_id``, ``origin``, ``ds``, ``h``, ``scale`` and the forecast column ``lgb``.
    """
    out = rows[[UID, ORIGIN, DS, STEP, SCALE]].copy()
    out[STEP] = out[STEP].astype(int)
    if rows.empty:
        out[LGB] = np.zeros(0, dtype="float64")
        return out
    encoded = encode_categories(rows, trained.categories)
    pred = trained.booster.predict(encoded[trained.feature_names], num_threads=1)
    out[LGB] = np.clip(pred, 0.0, None) * out[SCALE].to_numpy()
    return out


def forecast_part(
    featured: pd.DataFrame,
    statics: pd.DataFrame | None,
    spec: FeatureSpec,
    trained: TrainedBooster,
    at: pd.Timestamp | None,
) -> pd.DataFrame:
    """The model's forecasts for whole series of a panel (one engine part).

    Args:
        featured: Origin features of whole series.
        statics: Per-series attributes indexed by ``unique_id``.
        spec: The feature spec.
        trained: The model.
        at: The forecast origin (default: each series' last period).

    Returns:
        As :func:`predict_rows`.
    """
    return predict_rows(prediction_rows(featured, statics, spec, at=at), trained)


def statistical_part(
    featured: pd.DataFrame,
    until: pd.Timestamp | None,
    horizon: int,
    freq: str,
    season: int,
    full: bool,
    workers: int | None = None,
    timings: dict[str, float] | None = None,
) -> pd.DataFrame:
    """The statistical members' forecasts for whole series of a panel, from data by ``until``.

    Args:
        featured: A panel (or its origin features) of whole series.
        until: The forecast origin (default: each series' end).
        horizon: Periods ahead.
        freq: Pandas offset alias.
        season: Periods per year.
        full: Fit ETS and Theta too.
        workers: Processes for statsforecast (default: as the panel's size decides).
        timings: If given, seconds spent per model are added to it.

    Returns:
        As :func:`recommender.forecast.baselines.statistical_forecasts` (empty when no series
        has data by ``until``).
    """
    train = featured if until is None else featured[featured[DS] <= until]
    return statistical_forecasts(
        train[[UID, DS, Y]], horizon, freq, season, timings, full=full, workers=workers
    )


class Engine(Protocol):
    """What runs the per-series work: the local engine, or a cluster's (same results)."""

    name: str

    def features(self, panel: pd.DataFrame, spec: FeatureSpec) -> Any:
        """Origin features of a completed panel, held where this engine computes."""

    def fit(
        self,
        featured: Any,
        statics: pd.DataFrame | None,
        spec: FeatureSpec,
        *,
        until: pd.Timestamp | None,
        max_rows: int | None,
        categorical: list[str],
        params: BoosterParams,
    ) -> TrainedBooster:
        """Train the global model on the pairs known by ``until`` (thinned past ``max_rows``)."""

    def predict(
        self,
        featured: Any,
        statics: pd.DataFrame | None,
        spec: FeatureSpec,
        trained: TrainedBooster,
        *,
        at: pd.Timestamp | None,
    ) -> pd.DataFrame:
        """The model's forecasts from the origin ``at`` (see :func:`forecast_part`)."""

    def statistical(
        self,
        featured: Any,
        *,
        until: pd.Timestamp | None,
        horizon: int,
        freq: str,
        season: int,
        full: bool,
        timings: dict[str, float] | None = None,
    ) -> pd.DataFrame:
        """The statistical members' forecasts (see :func:`statistical_part`)."""


class LocalEngine:
    """Everything in this process (statsforecast and LightGBM use the usable cores)."""

    name = LOCAL

    def features(self, panel: pd.DataFrame, spec: FeatureSpec) -> pd.DataFrame:
        """Origin features of the whole panel (see :func:`origin_features`)."""
        return origin_features(panel, spec)

    def fit(
        self,
        featured: pd.DataFrame,
        statics: pd.DataFrame | None,
        spec: FeatureSpec,
        *,
        until: pd.Timestamp | None,
        max_rows: int | None,
        categorical: list[str],
        params: BoosterParams,
    ) -> TrainedBooster:
        """Train in this process (see :func:`train_booster`)."""
        share = pair_share(pair_count(featured, spec.horizon, until=until), max_rows)
        rows = training_rows(featured, statics, spec, until=until, share=share)
        return train_booster(rows, categorical, params)

    def predict(
        self,
        featured: pd.DataFrame,
        statics: pd.DataFrame | None,
        spec: FeatureSpec,
        trained: TrainedBooster,
        *,
        at: pd.Timestamp | None,
    ) -> pd.DataFrame:
        """Forecast every series in this process."""
        return forecast_part(featured, statics, spec, trained, at)

    def statistical(
        self,
        featured: pd.DataFrame,
        *,
        until: pd.Timestamp | None,
        horizon: int,
        freq: str,
        season: int,
        full: bool,
        timings: dict[str, float] | None = None,
    ) -> pd.DataFrame:
        """Fit the statistical members in this process, timing each model."""
        return statistical_part(featured, until, horizon, freq, season, full, timings=timings)


__all__ = [
    "LGB",
    "Engine",
    "LocalEngine",
    "TooLittleData",
    "TrainedBooster",
]
