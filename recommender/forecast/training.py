"""The demand workflow: panel, backtest, final fit and the metrics document (no I/O)."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
import pandas as pd

from recommender.data.aggregate import aggregate_panel
from recommender.data.contract import DATE, DS, PRICE, PRODUCT, REGION, UID, Y
from recommender.data.reference import region_hierarchy
from recommender.errors import DataError
from recommender.forecast.backtest import (
    CUTOFF,
    REFERENCE,
    BacktestResult,
    cross_validate,
    evaluate,
)
from recommender.forecast.baselines import ETS, FALLBACK, SEASONAL_NAIVE, SHORT
from recommender.forecast.engine import Engine
from recommender.forecast.ensemble import BLEND, METHOD
from recommender.forecast.features import complete_panel
from recommender.forecast.forecaster import DemandForecaster
from recommender.forecast.series import from_model_frame, static_attributes, to_model_frame
from recommender.forecast.settings import LOCAL, BacktestConfig

METRICS_SCHEMA_VERSION = 1


@dataclass(frozen=True)
class Panel:
    """Sales turned into model-ready series.

    Attributes:
        long: Completed long panel (``unique_id``, ``ds``, ``y``, ``price``).
        series: Contract columns of every series, by ``unique_id``.
        statics: Per-series attributes for the model, by ``unique_id``.
        categorical: Which attributes are categorical.
        digest: SHA-256 of the panel's values (identifies the training data).
    """

    long: pd.DataFrame
    series: pd.DataFrame
    statics: pd.DataFrame
    categorical: tuple[str, ...]
    digest: str


def panel_digest(long: pd.DataFrame) -> str:
    """SHA-256 over the panel's identifiers, periods and values, in a fixed order.

    The series keys are hashed as text, then periods and values (rounded to 6 decimals) as
    arrays, so the digest of a national panel costs a second rather than a CSV rendering.

    Args:
        long: A long panel.

    Returns:
        Hex digest.
    """
    digest = hashlib.sha256()
    codes, ids = pd.factorize(long[UID], sort=True)
    digest.update("\x1f".join(str(i) for i in ids).encode("utf-8"))
    periods = long[DS].to_numpy(dtype="datetime64[ns]").astype("int64")
    order = np.lexsort((periods, codes))
    digest.update(codes.astype("int64")[order].tobytes())
    digest.update(periods[order].tobytes())
    for col in (Y, PRICE):
        if col in long.columns:
            values = np.round(long[col].to_numpy(dtype="float64"), 6)
            digest.update(col.encode("utf-8"))
            digest.update(np.where(np.isnan(values), -1.0e300, values)[order].tobytes())
    return digest.hexdigest()


def build_panel(
    sales: pd.DataFrame,
    freq: str,
    by: Sequence[str] = (REGION, PRODUCT),
    regions: pd.DataFrame | None = None,
    products: pd.DataFrame | None = None,
) -> Panel:
    """Aggregate accepted sales to periods and series, fill gaps, attach attributes.

    Args:
        sales: Accepted sales rows (contract columns).
        freq: Pandas offset alias of the periods.
        by: Columns identifying a series.
        regions: Optional validated regions table (adds city and province).
        products: Optional validated products table (adds category and shelf life).

    Returns:
        The panel.
    """
    return panel_from_sums(aggregate_panel(sales, freq, by), freq, by, regions, products)


def panel_from_sums(
    aggregated: pd.DataFrame,
    freq: str,
    by: Sequence[str] = (REGION, PRODUCT),
    regions: pd.DataFrame | None = None,
    products: pd.DataFrame | None = None,
) -> Panel:
    """The panel from sales already summed to periods (see :func:`build_panel`).

    Args:
        aggregated: Output of :func:`recommender.data.aggregate.aggregate_panel` (or the sums
            a cluster's ingest returns).
        freq: Pandas offset alias of the periods.
        by: Columns identifying a series.
        regions: Optional validated regions table.
        products: Optional validated products table.

    Returns:
        The panel.
    """
    long, series = to_model_frame(aggregated, by)
    long = complete_panel(long, freq)
    hierarchy = region_hierarchy(regions) if regions is not None else None
    statics, categorical = static_attributes(series, hierarchy, products)
    return Panel(long, series, statics, categorical, panel_digest(long))


@dataclass(frozen=True)
class DemandRun:
    """A finished backtest, and the forecaster trained on all data when asked.

    Attributes:
        panel: The panel it ran on.
        config: Backtest settings.
        result: Backtest result.
        timings: Seconds per step (features + LightGBM, each statistical model).
        forecaster: The final fitted forecaster (None for a backtest only).
        engine: The engine that ran it (``local`` or ``dask``).
    """

    panel: Panel
    config: BacktestConfig
    result: BacktestResult
    timings: dict[str, float]
    forecaster: DemandForecaster | None = None
    engine: str = LOCAL


def run_demand(
    panel: Panel,
    config: BacktestConfig,
    *,
    fit_final: bool,
    progress: Callable[[str], None] | None = None,
    engine: Engine | None = None,
) -> DemandRun:
    """Backtest on rolling origins and, when asked, fit the forecaster on all data.

    Args:
        panel: Output of :func:`build_panel`.
        config: Backtest settings.
        fit_final: Also train the served forecaster on every period.
        progress: Called with a line of text after each step.
        engine: Where features, LightGBM and the statistical members run (default: this
            process; see :mod:`recommender.forecast.distributed` for Dask).

    Returns:
        The run.

    Raises:
        DataError: When the data is too short for the backtest asked for.
    """
    periods = panel.long[DS].nunique()
    needed = config.folds * config.horizon + 2
    if periods < needed:
        raise DataError(
            f"{periods} periods of data are too few for {config.folds} folds of "
            f"{config.horizon} periods (at least {needed} needed): lower --folds or --horizon"
        )
    cv, timings = cross_validate(
        panel.long, panel.statics, panel.categorical, config, progress=progress, engine=engine
    )
    result = evaluate(cv, config)
    forecaster = None
    if fit_final:
        params, max_rows = config.booster_for(panel.long[UID].nunique())
        forecaster = DemandForecaster(
            config.freq,
            config.horizon,
            result.final_weights,
            result.final_bands,
            params,
            panel.categorical,
            max_rows,
        ).fit(panel.long, panel.series, panel.statics, engine=engine)
        if progress is not None:
            progress("final model trained on all periods")
    name = engine.name if engine is not None else LOCAL
    return DemandRun(panel, config, result, timings, forecaster, name)


def backtest_table(run: DemandRun) -> pd.DataFrame:
    """The backtest forecasts in the CLI's contract.

    Args:
        run: A finished run.

    Returns:
        One row per (series, cutoff, date): the series columns, ``cutoff``, ``date``,
        ``forecast``, ``lo``, ``hi``.
    """
    fc = run.result.forecasts
    frame = fc[[UID, CUTOFF, DS, BLEND, f"{BLEND}_lo", f"{BLEND}_hi"]].rename(
        columns={f"{BLEND}_lo": "lo", f"{BLEND}_hi": "hi"}
    )
    out = from_model_frame(frame, run.panel.series)
    keys = list(run.panel.series.columns)
    out = out[[*keys, CUTOFF, DATE, BLEND, "lo", "hi"]]
    return out.sort_values([*keys, CUTOFF, DATE], kind="stable").reset_index(drop=True)


def beats_baselines(metrics: dict[str, Any]) -> bool:
    """Whether the served forecast's overall WAPE beats seasonal naive, ETS and ETS+Theta.

    Baselines that were not fitted (ETS and Theta on a large panel) are not compared.

    Args:
        metrics: A metrics document from :func:`metrics_document`.

    Returns:
        True when the blend's WAPE is below every fitted baseline's.
    """
    overall = metrics["overall"]
    mine = overall[BLEND]["wape"]
    baselines = [b for b in (SEASONAL_NAIVE, ETS, REFERENCE) if b in overall]
    return all(mine < overall[b]["wape"] for b in baselines)


def _series_marks(run: DemandRun) -> dict[str, list[dict[str, str]]]:
    fc = run.result.forecasts
    last = fc[fc[CUTOFF] == fc[CUTOFF].max()].drop_duplicates(UID).set_index(UID)[METHOD]
    marks: dict[str, list[dict[str, str]]] = {FALLBACK: [], SHORT: []}
    for uid, method in last.items():
        if method in marks:
            marks[method].append(dict(run.panel.series.loc[uid].astype(str)))
    return marks


def metrics_document(run: DemandRun) -> dict[str, Any]:
    """Everything the backtest measured, ready to write as JSON.

    Args:
        run: A finished run.

    Returns:
        Settings (with the warm-up windows and the LightGBM recipe the backtest had), per-fold
        and overall metrics per model, the blend's regret (its WAPE over the best member's),
        blend weights, series marked as fallback or short history, timings and the data digest.
    """
    config = asdict(run.config)
    n_series = int(run.panel.long[UID].nunique())
    doc: dict[str, Any] = {
        "schema_version": METRICS_SCHEMA_VERSION,
        "config": config,
        "data_digest": run.panel.digest,
        "engine": run.engine,
        "booster": "fast" if run.config.fast_booster(n_series) else "full",
        "n_series": n_series,
        "n_periods": int(run.panel.long[DS].nunique()),
        "warmup": run.result.warmup,
        "folds": run.result.metrics["folds"],
        "overall": run.result.metrics["overall"],
        "regret": run.result.metrics["regret"],
        "weights": run.result.weights,
        "final_weights": run.result.final_weights,
        "members": sorted(run.result.final_weights),
        "series_marks": _series_marks(run),
        "timings_seconds": {k: round(v, 3) for k, v in run.timings.items()},
    }
    doc["beats_baselines"] = beats_baselines(doc)
    return doc
