"""The Dask engine: features, design rows, LightGBM and statistical members on a cluster.

The completed panel is split into parts of whole series and sent to the workers once. Each part
computes its origin features there (a persisted ``dask.dataframe``); the design rows of every
backtest window are built where their part lives, thinned with the whole panel's share (so they
are exactly the pairs the local engine keeps) and LightGBM trains across the workers with its
Dask estimator. Forecasts and the statistical members are mapped over the parts and only their
(small) results come back. This module and :mod:`recommender.data.distributed` (the ingest)
are the only ones that import Dask.
"""

from __future__ import annotations

import logging
import math
import os
import time
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import dask
import dask.dataframe as dd
import lightgbm as lgb
import numpy as np
import pandas as pd
from distributed import Client, LocalCluster, WorkerPlugin
from lightgbm import DaskLGBMRegressor

from recommender.data.contract import UID
from recommender.errors import EngineError
from recommender.forecast.design import pair_count, pair_share, training_rows
from recommender.forecast.engine import (
    TrainedBooster,
    check_rows,
    forecast_part,
    statistical_part,
)
from recommender.forecast.features import (
    TARGET,
    WEIGHT,
    FeatureSpec,
    encode_categories,
    feature_columns,
    origin_features,
)
from recommender.forecast.settings import DASK, BoosterParams, usable_cores

PARTITION_ROWS = 500_000
"""Most panel rows per part (a part always holds whole series)."""
STATISTICAL = "statistical"
"""Timing key of the statistical members (fitted together on the workers)."""
CONNECT_SECONDS = 20
"""How long to wait for an existing scheduler to answer."""


def series_parts(panel: pd.DataFrame, n_parts: int) -> list[pd.DataFrame]:
    """Split a panel sorted by series into about ``n_parts`` parts of whole series.

    Args:
        panel: A completed panel sorted by ``unique_id`` and ``ds``.
        n_parts: Parts wanted (fewer when there are fewer series).

    Returns:
        Non-empty consecutive slices whose concatenation is the panel.
    """
    n = len(panel)
    if n == 0:
        return []
    ids = panel[UID].to_numpy()
    starts = np.flatnonzero(ids[1:] != ids[:-1]) + 1
    targets = np.linspace(0, n, max(1, n_parts) + 1)[1:-1]
    cuts = np.unique(starts[np.minimum(np.searchsorted(starts, targets), len(starts) - 1)])
    bounds = [0, *[int(c) for c in cuts if 0 < c < n], n] if len(starts) else [0, n]
    return [panel.iloc[a:b] for a, b in zip(bounds[:-1], bounds[1:], strict=True) if b > a]


def _category_values(part: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """The distinct values (as text) of each categorical column in one part."""
    values = [
        pd.DataFrame({"column": c, "value": part[c].dropna().astype(str).unique()}) for c in columns
    ]
    return (
        pd.concat(values, ignore_index=True)
        if values
        else pd.DataFrame(columns=["column", "value"])
    )


def _pair_count(part: pd.DataFrame, horizon: int, until: pd.Timestamp | None) -> pd.Series:
    return pd.Series([pair_count(part, horizon, until=until)], dtype="int64")


class DaskEngine:
    """Run the per-series work on a Dask cluster through ``client``.

    Args:
        client: A connected ``distributed.Client``; its workers must have this package.
        partition_rows: Most panel rows per part (see :data:`PARTITION_ROWS`).
    """

    name = DASK

    def __init__(self, client: Client, partition_rows: int = PARTITION_ROWS) -> None:
        self.client = client
        self.partition_rows = partition_rows

    @property
    def workers(self) -> int:
        """Workers the scheduler has now (at least one)."""
        return max(1, len(self.client.scheduler_info(n_workers=-1).get("workers", {})))

    def features(self, panel: pd.DataFrame, spec: FeatureSpec) -> dd.DataFrame:
        """Send the panel's series to the workers and compute their origin features there.

        Args:
            panel: A completed panel sorted by series and period.
            spec: Which lags and windows to compute.

        Returns:
            The origin features as a persisted Dask frame, one partition per part.
        """
        n_parts = max(2 * self.workers, math.ceil(len(panel) / self.partition_rows))
        parts = series_parts(panel, n_parts) or [panel]
        futures = self.client.scatter(parts)
        frame = dd.from_delayed(futures, meta=panel.iloc[:0], verify_meta=False)
        meta = origin_features(panel.iloc[:0], spec)
        return frame.map_partitions(origin_features, spec, meta=meta).persist()

    def fit(
        self,
        featured: dd.DataFrame,
        statics: pd.DataFrame | None,
        spec: FeatureSpec,
        *,
        until: pd.Timestamp | None,
        max_rows: int | None,
        categorical: list[str],
        params: BoosterParams,
    ) -> TrainedBooster:
        """Build the design rows on the workers and train LightGBM across them.

        Returns:
            The trained model (a local booster).

        Raises:
            TooLittleData: When there are too few rows.
        """
        counts = featured.map_partitions(
            _pair_count, spec.horizon, until, meta=pd.Series(dtype="int64")
        )
        share = pair_share(int(counts.sum().compute()), max_rows)
        meta = training_rows(featured._meta, statics, spec, until=until, share=share)
        rows = featured.map_partitions(
            training_rows, statics, spec, until=until, share=share, meta=meta
        ).persist()
        lengths = [int(n) for n in rows.map_partitions(len).compute()]
        check_rows(sum(lengths))
        # LightGBM's Dask estimator refuses empty parts (series too short for any pair).
        rows = rows.partitions[[i for i, n in enumerate(lengths) if n]]
        seen = self._gather(rows, _category_values, categorical)
        categories = {
            c: sorted(seen.loc[seen["column"] == c, "value"].unique()) for c in categorical
        }
        rows = rows.map_partitions(
            encode_categories, categories, meta=encode_categories(rows._meta, categories)
        )
        names = feature_columns(rows._meta, categorical)
        settings = params.lgb_params(sum(lengths))
        settings.pop("num_threads")  # LightGBM gives each worker its own thread count
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # parameter-alias notices from the sklearn wrapper
            model = DaskLGBMRegressor(
                client=self.client,
                n_estimators=params.num_boost_round,
                **settings,
            )
            model.fit(
                rows[names],
                rows[TARGET].clip(lower=0),
                sample_weight=rows[WEIGHT],
                categorical_feature=categorical or "auto",
            )
        booster = model.to_local().booster_
        return TrainedBooster(booster, categories, names, sum(lengths))

    def _gather(self, featured: dd.DataFrame, function: Any, *args: Any) -> pd.DataFrame:
        """Apply ``function(part, *args)`` to every part on the workers and concatenate."""
        tasks = [dask.delayed(function)(part, *args) for part in featured.to_delayed()]
        frames = [f for f in self.client.gather(self.client.compute(tasks)) if len(f)]
        if not frames:
            return function(featured._meta, *args)
        return pd.concat(frames, ignore_index=True)

    def predict(
        self,
        featured: dd.DataFrame,
        statics: pd.DataFrame | None,
        spec: FeatureSpec,
        trained: TrainedBooster,
        *,
        at: pd.Timestamp | None,
    ) -> pd.DataFrame:
        """Forecast every part on the workers (see :func:`forecast_part`)."""
        return self._gather(featured, forecast_part, statics, spec, trained, at)

    def statistical(
        self,
        featured: dd.DataFrame,
        *,
        until: pd.Timestamp | None,
        horizon: int,
        freq: str,
        season: int,
        full: bool,
        timings: dict[str, float] | None = None,
    ) -> pd.DataFrame:
        """Fit the statistical members part by part on the workers (one process each)."""
        start = time.perf_counter()
        out = self._gather(featured, statistical_part, until, horizon, freq, season, full, 1)
        if timings is not None:
            timings[STATISTICAL] = timings.get(STATISTICAL, 0.0) + time.perf_counter() - start
        return out


def _quiet_lightgbm() -> None:
    """Send LightGBM's client-side notices to logging (errors shown).

    Left alone, LightGBM prints them on standard output, mixed with a command's results; its
    warnings there are about the Dask estimator overriding thread settings, as intended.
    """
    logger = logging.getLogger("lightgbm")
    logger.setLevel(logging.ERROR)
    lgb.register_logger(logger)


class _DiscardStdout(WorkerPlugin):
    """Points a local worker's standard output at the null device.

    LightGBM's network set-up prints from threads it starts, past any logger or verbosity, and
    a local cluster's workers share the command's standard output; their logs stay on standard
    error.
    """

    def setup(self, worker: Any) -> None:
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, 1)
        os.close(null)


@contextmanager
def _quiet_dask() -> Iterator[None]:
    """Keep Dask's start-up and shutdown notices out of a job's log (warnings stay)."""
    logger = logging.getLogger("distributed")
    level = logger.level
    logger.setLevel(logging.WARNING)
    try:
        yield
    finally:
        logger.setLevel(level)


@contextmanager
def dask_engine(scheduler: str | None = None) -> Iterator[DaskEngine]:
    """Connect to a Dask scheduler, or start a local cluster, for the length of a job.

    Args:
        scheduler: Address of a running scheduler (``tcp://host:8786``); None starts a
            ``LocalCluster`` with one single-threaded worker process per usable core.

    Yields:
        The engine; the client (and a cluster started here) close on exit.

    Raises:
        EngineError: When the scheduler cannot be reached.
    """
    with _quiet_dask():
        yield from _connected(scheduler)


def _connected(scheduler: str | None) -> Iterator[DaskEngine]:
    cluster = None
    try:
        if scheduler is None:
            cluster = LocalCluster(
                n_workers=usable_cores(),
                threads_per_worker=1,
                processes=True,
                host="127.0.0.1",
                dashboard_address=None,
                # The scheduler's HTTP endpoints on a free local port, not the well-known 8787.
                scheduler_kwargs={"dashboard_address": "127.0.0.1:0"},
                silence_logs=logging.WARNING,
            )
            client = Client(cluster)
        else:
            client = Client(scheduler, timeout=CONNECT_SECONDS)
    except (OSError, TimeoutError, ValueError) as exc:
        if cluster is not None:
            cluster.close()
        where = f"the Dask scheduler at {scheduler}" if scheduler else "a local Dask cluster"
        raise EngineError(f"could not reach {where}: {exc}") from None
    try:
        _quiet_lightgbm()
        if cluster is not None:
            client.register_plugin(_DiscardStdout())
        yield DaskEngine(client)
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


__all__ = ["PARTITION_ROWS", "DaskEngine", "dask_engine", "series_parts"]
