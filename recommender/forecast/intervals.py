"""Prediction intervals: conformal quantiles of past windows' errors, calibrated across windows."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from recommender.data.contract import Y
from recommender.forecast.features import SCALE, STEP

SERIES_LEVEL = "level"
"""Errors divided by the series' recent level (how bundles before the second scheme scaled)."""
LEVEL_OR_FORECAST = "level_or_forecast"
"""Errors divided by the larger of the series' level and the forecast itself."""
LEVEL_STEP = 2
"""Nominal levels tried when calibrating, in percent points above the asked level."""
MAX_LEVEL = 96


def _scale(frame: pd.DataFrame, column: str, rule: str) -> pd.Series:
    """What errors are divided by: the series' level, or the larger of level and forecast.

    A festival week's forecast stands far above the series' level and its errors do too, so
    dividing by the larger of the two keeps one error distribution across ordinary and
    festival periods.
    """
    level = frame[SCALE].astype("float64").where(frame[SCALE] > 0, 1.0)
    if rule == SERIES_LEVEL:
        return level
    return np.maximum(level, frame[column].astype("float64").clip(lower=0.0))


def _quantiles(errors: np.ndarray, level: float) -> tuple[float, float]:
    """Split-conformal quantiles of ``errors`` for central coverage ``level`` (a fraction).

    The ``ceil((n + 1) q) / n`` rank makes the interval cover at least ``level`` of new errors
    exchangeable with these.
    """
    n = errors.size
    if n == 0:
        return 0.0, 0.0
    alpha = (1.0 - level) / 2.0
    hi_rank = min(1.0, math.ceil((n + 1) * (1.0 - alpha)) / n)
    lo_rank = max(0.0, math.floor((n + 1) * alpha) / n)
    return float(np.quantile(errors, lo_rank)), float(np.quantile(errors, hi_rank))


def _calibrated_level(errors: np.ndarray, windows: np.ndarray | None, level: int) -> int:
    """The nominal level that covers ``level`` percent of each held-out past window on average.

    Every past window is held out in turn: quantiles from the other windows are checked on it.
    Windows differ (festivals, shocks common to every series), so a quantile that covers 80 %
    of the pooled errors covers less of a new window; the smallest nominal level whose mean
    held-out coverage reaches ``level`` is used. Fewer than two windows: ``level`` itself.
    """
    if windows is None:
        return level
    labels = np.unique(windows)
    if len(labels) < 2:
        return level
    target = level / 100
    for nominal in range(level, MAX_LEVEL + 1, LEVEL_STEP):
        covered = []
        for label in labels:
            held = windows == label
            lo, hi = _quantiles(errors[~held], nominal / 100)
            covered.append(float(((errors[held] >= lo) & (errors[held] <= hi)).mean()))
        if np.mean(covered) >= target:
            return nominal
    return MAX_LEVEL


@dataclass(frozen=True)
class ConformalBands:
    """Quantiles of scaled forecast errors, per step ahead.

    Attributes:
        level: Nominal coverage asked for, in percent.
        lower: Lower error quantile per step (errors divided by the scale).
        upper: Upper error quantile per step.
        scale: What errors are divided by: :data:`LEVEL_OR_FORECAST`, or :data:`SERIES_LEVEL`
            for bands saved before it.
        calibrated_level: The nominal level the quantiles were taken at after calibration
            across windows (see :func:`_calibrated_level`).
    """

    level: int
    lower: dict[int, float] = field(default_factory=dict)
    upper: dict[int, float] = field(default_factory=dict)
    scale: str = SERIES_LEVEL
    calibrated_level: int | None = None

    @classmethod
    def fit(
        cls,
        history: pd.DataFrame,
        column: str,
        level: int,
        windows: pd.Series | None = None,
    ) -> ConformalBands:
        """Learn error quantiles of ``column`` from past windows.

        Errors are divided by the larger of the series' level and the forecast, pooled over
        every step and series, and taken at the nominal level that covers ``level`` percent of
        a held-out window (a common band for every step: per-step quantiles from a few
        hundred errors were noisier than the differences between steps).

        Args:
            history: Past rows with ``y``, ``h``, ``scale`` and the forecast column.
            column: Forecast column.
            level: Nominal coverage in percent.
            windows: The window (cutoff) of each history row, for the calibration.

        Returns:
            The bands; empty (zero width) when there is no history.
        """
        if history.empty:
            return cls(level, scale=LEVEL_OR_FORECAST, calibrated_level=level)
        errors = (history[Y] - history[column]) / _scale(history, column, LEVEL_OR_FORECAST)
        keep = np.isfinite(errors.to_numpy())
        values = errors.to_numpy()[keep]
        labels = None if windows is None else windows.to_numpy()[keep]
        nominal = _calibrated_level(values, labels, level)
        lo, hi = _quantiles(values, nominal / 100)
        steps = sorted(int(s) for s in history[STEP].unique())
        return cls(
            level,
            dict.fromkeys(steps, lo),
            dict.fromkeys(steps, hi),
            LEVEL_OR_FORECAST,
            nominal,
        )

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
        scale = _scale(frame, column, self.scale)
        lo = (point + np.minimum(lo_q, 0.0) * scale).clip(lower=0.0)
        hi = point + np.maximum(hi_q, 0.0) * scale
        return lo.astype("float64"), hi.astype("float64")

    def to_dict(self) -> dict[str, object]:
        """JSON-ready form."""
        return {
            "level": self.level,
            "lower": {str(k): v for k, v in self.lower.items()},
            "upper": {str(k): v for k, v in self.upper.items()},
            "scale": self.scale,
            "calibrated_level": self.calibrated_level,
        }

    @classmethod
    def from_dict(cls, data: dict[str, object]) -> ConformalBands:
        """Inverse of :meth:`to_dict` (bands saved before ``scale`` existed scale by level)."""
        lower = data.get("lower", {})
        upper = data.get("upper", {})
        assert isinstance(lower, dict) and isinstance(upper, dict)
        calibrated = data.get("calibrated_level")
        return cls(
            int(data["level"]),  # type: ignore[call-overload]
            {int(k): float(v) for k, v in lower.items()},
            {int(k): float(v) for k, v in upper.items()},
            str(data.get("scale", SERIES_LEVEL)),
            None if calibrated is None else int(calibrated),  # type: ignore[call-overload]
        )
