"""Blend weights and conformal intervals, learned from earlier backtest windows only."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from recommender.data.contract import DS, UID, Y
from recommender.forecast.baselines import ETS, FALLBACK, SEASONAL_NAIVE, THETA
from recommender.forecast.features import SCALE, STEP
from recommender.forecast.global_model import LGB

MEMBERS: tuple[str, ...] = (LGB, ETS, THETA, SEASONAL_NAIVE)
BLEND = "forecast"
METHOD = "method"


def _wape(actual: np.ndarray, forecast: np.ndarray) -> float:
    total = float(np.abs(actual).sum())
    return float(np.abs(actual - forecast).sum() / total) if total > 0 else float("nan")


def weight_grid(n_members: int, step: float = 0.1) -> list[tuple[float, ...]]:
    """Every convex combination of ``n_members`` weights on a grid.

    Args:
        n_members: How many forecasts are blended.
        step: Grid spacing (1 / step must be a whole number).

    Returns:
        Weight tuples that sum to one.
    """
    units = round(1 / step)
    grid = []
    for combo in itertools.product(range(units + 1), repeat=n_members):
        if sum(combo) == units:
            grid.append(tuple(c / units for c in combo))
    return grid


def choose_weights(
    history: pd.DataFrame, members: Sequence[str] = MEMBERS, step: float = 0.1
) -> dict[str, float]:
    """The convex blend of ``members`` with the lowest WAPE on past forecast windows.

    Ties go to the blend closest to equal weights (the more conservative choice).

    Args:
        history: Rows of past windows with ``y`` and one column per member.
        members: Forecast columns to blend.
        step: Weight grid spacing.

    Returns:
        Weight per member; equal weights when ``history`` is empty.
    """
    if history.empty:
        return {m: 1.0 / len(members) for m in members}
    actual = history[Y].to_numpy()
    preds = history[list(members)].to_numpy()
    best: tuple[float, float, tuple[float, ...]] | None = None
    for weights in weight_grid(len(members), step):
        score = _wape(actual, preds @ np.asarray(weights))
        spread = float(np.abs(np.asarray(weights) - 1.0 / len(members)).sum())
        key = (round(score, 12), spread, weights)
        if best is None or key < best:
            best = key
    assert best is not None
    return dict(zip(members, best[2], strict=True))


def blend(frame: pd.DataFrame, weights: dict[str, float]) -> pd.Series:
    """Weighted sum of forecast columns.

    Args:
        frame: Rows with one column per weighted member.
        weights: Weight per member.

    Returns:
        The blended forecast.
    """
    total = sum(frame[m] * w for m, w in weights.items())
    return pd.Series(np.asarray(total, dtype="float64"), index=frame.index)


@dataclass(frozen=True)
class ConformalBands:
    """Quantiles of scaled forecast errors per step ahead.

    Attributes:
        level: Nominal coverage in percent.
        lower: Lower error quantile per step (errors divided by the series' level).
        upper: Upper error quantile per step.
    """

    level: int
    lower: dict[int, float] = field(default_factory=dict)
    upper: dict[int, float] = field(default_factory=dict)

    @classmethod
    def fit(cls, history: pd.DataFrame, column: str, level: int) -> ConformalBands:
        """Learn error quantiles of ``column`` from past windows.

        Args:
            history: Past rows with ``y``, ``h``, ``scale`` and the forecast column.
            column: Forecast column.
            level: Nominal coverage in percent.

        Returns:
            The bands; empty (zero width) when there is no history.
        """
        if history.empty:
            return cls(level)
        alpha = (1 - level / 100) / 2
        errors = (history[Y] - history[column]) / history[SCALE]
        by_step = errors.groupby(history[STEP])
        pooled_lo, pooled_hi = errors.quantile(alpha), errors.quantile(1 - alpha)
        lower, upper = {}, {}
        for step, errs in by_step:
            # Few errors for one step: lean on the pooled quantile.
            share = min(1.0, len(errs) / 200)
            lower[int(step)] = share * errs.quantile(alpha) + (1 - share) * pooled_lo
            upper[int(step)] = share * errs.quantile(1 - alpha) + (1 - share) * pooled_hi
        return cls(level, lower, upper)

    def apply(self, frame: pd.DataFrame, column: str) -> tuple[pd.Series, pd.Series]:
        """Interval bounds around a forecast column.

        Args:
            frame: Rows with ``h``, ``scale`` and the forecast column.
            column: Forecast column.

        Returns:
            Lower and upper bounds (never below zero, never on the wrong side of the forecast).
        """
        steps = frame[STEP].astype(int)
        last = max(self.lower) if self.lower else None
        lo_q = steps.map(lambda s: self.lower.get(s, self.lower.get(last, 0.0)) if last else 0.0)
        hi_q = steps.map(lambda s: self.upper.get(s, self.upper.get(last, 0.0)) if last else 0.0)
        point = frame[column]
        lo = (point + np.minimum(lo_q, 0.0) * frame[SCALE]).clip(lower=0.0)
        hi = point + np.maximum(hi_q, 0.0) * frame[SCALE]
        return lo.astype("float64"), hi.astype("float64")

    def to_dict(self) -> dict[str, object]:
        """JSON-ready form."""
        return {
            "level": self.level,
            "lower": {str(k): v for k, v in self.lower.items()},
            "upper": {str(k): v for k, v in self.upper.items()},
        }

    @classmethod
    def from_dict(cls, data: dict[str, object]) -> ConformalBands:
        """Inverse of :meth:`to_dict`."""
        lower = data.get("lower", {})
        upper = data.get("upper", {})
        assert isinstance(lower, dict) and isinstance(upper, dict)
        return cls(
            int(data["level"]),  # type: ignore[call-overload]
            {int(k): float(v) for k, v in lower.items()},
            {int(k): float(v) for k, v in upper.items()},
        )


def combine_members(
    lgb_rows: pd.DataFrame | None, stats: pd.DataFrame, classes: pd.Series
) -> pd.DataFrame:
    """Join LightGBM and statistical forecasts; fallback series take the fallback everywhere.

    Args:
        lgb_rows: Output of ``GlobalDemandModel.predict`` (None when the panel was too short
            to train it: then ETS stands in for LightGBM).
        stats: Output of ``statistical_forecasts``.
        classes: History class per series (``full``, ``short_history``, ``fallback``).

    Returns:
        One row per (series, period) with ``h``, ``scale``, ``method`` and every member.
    """
    if lgb_rows is None:
        out = stats.copy()
        out[STEP] = out.groupby(UID, sort=False).cumcount() + 1
        out[SCALE] = out[UID].map(_level(stats, classes))
        out[LGB] = out[ETS]
    else:
        out = lgb_rows.drop(columns=["origin"]).merge(
            stats, on=[UID, DS], how="left", validate="one_to_one"
        )
    out[METHOD] = out[UID].map(classes)
    fallback = out[METHOD] == FALLBACK
    out.loc[fallback, LGB] = out.loc[fallback, ETS]
    return out


def _level(stats: pd.DataFrame, classes: pd.Series) -> pd.Series:
    """A stand-in series level (for interval widths) when LightGBM did not run."""
    level = stats.groupby(UID, sort=True)[ETS].mean()
    return level.where(level > 0, 1.0).reindex(classes.index).fillna(1.0)
