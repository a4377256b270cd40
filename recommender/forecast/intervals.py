"""Prediction intervals: quantiles of past windows' errors, calibrated on held-out windows."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from recommender.data.contract import Y
from recommender.forecast.features import SCALE, STEP

SERIES_LEVEL = "level"
"""Errors divided by the series' recent level (how bundles before the second scheme scaled)."""
LEVEL_OR_FORECAST = "level_or_forecast"
"""Errors divided by the larger of the series' level and the forecast itself."""
ERROR_MARGINS: tuple[int, ...] = (0, 2, 4, 6, 8)
"""Percent points above the asked level tried for the per-series errors when calibrating."""
SHOCK_LEVELS: tuple[int, ...] = (0, 30, 50, 60, 70, 75, 80, 85, 90)
"""Central coverage of the window-wide shocks tried when calibrating (0: no shock allowed for)."""
WORST_WINDOW = 0.74
"""Coverage every held-out past window must reach (with the asked level on average)."""


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


def _central(values: np.ndarray, coverage: float) -> tuple[float, float]:
    """The central interval of ``values`` holding ``coverage`` of them (0 width for 0)."""
    if values.size == 0 or coverage <= 0:
        return 0.0, 0.0
    tail = (1.0 - coverage) / 2.0
    return float(np.quantile(values, tail)), float(np.quantile(values, 1.0 - tail))


def _split(errors: pd.DataFrame) -> tuple[np.ndarray, pd.Series]:
    """Each error as a window-wide shock (the median error of its window and step) plus a rest.

    Returns:
        The per-series rest of every error, and the shock of every (window, step).
    """
    shock = errors.groupby(["window", STEP])["error"].transform("median")
    shocks = errors.assign(shock=shock).drop_duplicates(["window", STEP])
    return (errors["error"] - shock).to_numpy(), shocks.set_index("window")["shock"]


def _band(
    rest: np.ndarray, shocks: np.ndarray, error_level: int, shock_level: int
) -> tuple[float, float]:
    """Error quantiles widened by the window-wide shocks of the asked coverage."""
    lo, hi = _central(rest, error_level / 100)
    s_lo, s_hi = _central(shocks, shock_level / 100)
    return lo + min(s_lo, 0.0), hi + max(s_hi, 0.0)


def _calibrated(errors: pd.DataFrame, level: int) -> tuple[float, float, int, int]:
    """The narrowest band that covers held-out past windows well enough.

    Errors of one window move together across series (a festival, a week with fewer market
    days, the weather): a band that covers 80 % of the pooled errors covers much less of a
    window with a shock. Each error is split into its window's shock and a per-series rest; a
    band is a central interval of the rests widened by a central interval of the shocks. Every
    past window is held out in turn and checked against the band the other windows give; the
    narrowest band whose held-out windows are covered ``level`` percent on average and
    :data:`WORST_WINDOW` at worst is kept (the widest tried when none is). With fewer than two
    windows there is nothing to hold out: the plain ``level`` quantiles of the errors.

    Returns:
        Lower and upper error quantiles, and the error and shock levels chosen.
    """
    values = errors["error"].to_numpy()
    labels = errors["window"].unique()
    if len(labels) < 2:
        lo, hi = _central(values, level / 100)
        return lo, hi, level, 0
    rest, shocks = _split(errors)
    windows = errors["window"].to_numpy()
    chosen: tuple[float, float, int, int] | None = None
    error_levels = [min(level + margin, 98) for margin in ERROR_MARGINS]
    for error_level in error_levels:
        for shock_level in SHOCK_LEVELS:
            covered = []
            for label in labels:
                held = windows == label
                lo, hi = _band(
                    rest[~held], shocks[shocks.index != label].to_numpy(), error_level, shock_level
                )
                covered.append(float(((values[held] >= lo) & (values[held] <= hi)).mean()))
            if np.mean(covered) < level / 100 or min(covered) < WORST_WINDOW:
                continue
            lo, hi = _band(rest, shocks.to_numpy(), error_level, shock_level)
            if chosen is None or hi - lo < chosen[1] - chosen[0]:
                chosen = (lo, hi, error_level, shock_level)
    if chosen is None:
        widest = (error_levels[-1], SHOCK_LEVELS[-1])
        return (*_band(rest, shocks.to_numpy(), *widest), *widest)
    return chosen


@dataclass(frozen=True)
class ConformalBands:
    """Quantiles of scaled forecast errors, per step ahead.

    Attributes:
        level: Nominal coverage asked for, in percent.
        lower: Lower error quantile per step (errors divided by the scale).
        upper: Upper error quantile per step.
        scale: What errors are divided by: :data:`LEVEL_OR_FORECAST`, or :data:`SERIES_LEVEL`
            for bands saved before it.
        calibration: The error and shock levels the calibration across windows chose (see
            :func:`_calibrated`), when it ran.
    """

    level: int
    lower: dict[int, float] = field(default_factory=dict)
    upper: dict[int, float] = field(default_factory=dict)
    scale: str = SERIES_LEVEL
    calibration: dict[str, int] = field(default_factory=dict)

    @classmethod
    def fit(
        cls,
        history: pd.DataFrame,
        column: str,
        level: int,
        windows: pd.Series | None = None,
    ) -> ConformalBands:
        """Learn the band of ``column`` from past windows.

        Errors are divided by the larger of the series' level and the forecast, pooled over
        every step and series (per-step quantiles from a few hundred errors were noisier than
        the differences between steps), and calibrated across windows (see
        :func:`_calibrated`).

        Args:
            history: Past rows with ``y``, ``h``, ``scale`` and the forecast column.
            column: Forecast column.
            level: Nominal coverage in percent.
            windows: The window (cutoff) of each history row, for the calibration.

        Returns:
            The bands; empty (zero width) when there is no history.
        """
        if history.empty:
            return cls(level, scale=LEVEL_OR_FORECAST)
        errors = pd.DataFrame(
            {
                "error": (history[Y] - history[column])
                / _scale(history, column, LEVEL_OR_FORECAST),
                "window": 0 if windows is None else windows.to_numpy(),
                STEP: history[STEP].to_numpy(),
            }
        )
        errors = errors[np.isfinite(errors["error"])]
        lo, hi, error_level, shock_level = _calibrated(errors, level)
        steps = sorted(int(s) for s in history[STEP].unique())
        return cls(
            level,
            dict.fromkeys(steps, lo),
            dict.fromkeys(steps, hi),
            LEVEL_OR_FORECAST,
            {"errors": error_level, "shocks": shock_level},
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
            "calibration": dict(self.calibration),
        }

    @classmethod
    def from_dict(cls, data: dict[str, object]) -> ConformalBands:
        """Inverse of :meth:`to_dict` (bands saved before ``scale`` existed scale by level).

        Raises:
            ValueError: ``data`` is not what :meth:`to_dict` writes.
        """
        lower = data.get("lower", {})
        upper = data.get("upper", {})
        calibration = data.get("calibration", {})
        if not (
            isinstance(lower, dict) and isinstance(upper, dict) and isinstance(calibration, dict)
        ):
            raise ValueError("interval bands: lower, upper and calibration must be mappings")
        return cls(
            int(data["level"]),  # type: ignore[call-overload]
            {int(k): float(v) for k, v in lower.items()},
            {int(k): float(v) for k, v in upper.items()},
            str(data.get("scale", SERIES_LEVEL)),
            {str(k): int(v) for k, v in calibration.items()},
        )
