"""The served blend: members' weights learned from earlier backtest windows only."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from recommender.data.contract import DS, UID, Y
from recommender.forecast.baselines import ETS, FALLBACK, SEASONAL_NAIVE, THETA
from recommender.forecast.features import SCALE, STEP
from recommender.forecast.global_model import LGB

MEMBERS: tuple[str, ...] = (LGB, ETS, THETA, SEASONAL_NAIVE)
PRIOR: tuple[str, ...] = (LGB, ETS, THETA)
"""What the blend leans on while evidence is thin: the models, in equal parts (not the naive)."""
POWER = 6
"""How sharply weights follow past accuracy: a member's weight is proportional to WAPE^-POWER."""
BLEND = "forecast"
METHOD = "method"


def fitted_members(frame: pd.DataFrame) -> tuple[str, ...]:
    """The members that were fitted (their column holds forecasts), in :data:`MEMBERS` order.

    Args:
        frame: Rows with member columns (a member not fitted is absent or all NaN).

    Returns:
        Member names.
    """
    return tuple(m for m in MEMBERS if m in frame.columns and frame[m].notna().any())


def _wape(actual: np.ndarray, forecast: np.ndarray) -> float:
    total = float(np.abs(actual).sum())
    return float(np.abs(actual - forecast).sum() / total) if total > 0 else float("nan")


def choose_weights(
    history: pd.DataFrame,
    members: Sequence[str] = MEMBERS,
    *,
    windows: int,
    prior: Sequence[str] = PRIOR,
    power: float = POWER,
) -> dict[str, float]:
    """Blend weights from past forecast windows, robust to little evidence.

    Each member's weight is proportional to its past WAPE to the power ``-power`` (a member
    10 % less accurate than another gets about half its weight), then shrunk toward equal
    weights of the ``prior`` members by ``1 / (1 + windows)``: with one window of evidence the
    prior keeps half the weight, with nine a tenth. No member ever takes all the weight on a
    few windows, which is what a WAPE-optimal weight search does when one member happens to be
    best in them. Chosen on real weekly and monthly panels (see ``benchmarks/README.md``).

    Args:
        history: Rows of past windows with ``y`` and one column per member.
        members: Forecast columns to blend.
        windows: How many past windows ``history`` holds (the evidence).
        prior: Members that share the weight equally when there is no evidence.
        power: Sharpness of the inverse-WAPE weights.

    Returns:
        Weight per member, summing to one; the prior's equal weights when ``history`` is empty
        or has no sales. Prior members not among ``members`` are left out of the prior.
    """
    prior = [m for m in prior if m in members]
    equal = {m: (1.0 / len(prior) if m in prior else 0.0) for m in members}
    if history.empty:
        return equal
    actual = history[Y].to_numpy()
    errors = np.array([_wape(actual, history[m].to_numpy()) for m in members])
    if not np.isfinite(errors).all():
        return equal
    inverse = np.maximum(errors, 1e-9) ** -power
    learned = inverse / inverse.sum()
    shrink = 1.0 / (1.0 + max(windows, 0))
    return {
        m: float(shrink * equal[m] + (1.0 - shrink) * w)
        for m, w in zip(members, learned, strict=True)
    }


def blend(frame: pd.DataFrame, weights: dict[str, float]) -> pd.Series:
    """Weighted sum of forecast columns.

    Args:
        frame: Rows with one column per weighted member.
        weights: Weight per member.

    Returns:
        The blended forecast.
    """
    total = sum(frame[m] * w for m, w in weights.items() if w)
    return pd.Series(np.asarray(total, dtype="float64"), index=frame.index)


def combine_members(
    lgb_rows: pd.DataFrame | None, stats: pd.DataFrame, classes: pd.Series
) -> pd.DataFrame:
    """Join LightGBM and statistical forecasts; fallback series take the fallback everywhere.

    Args:
        lgb_rows: Output of ``GlobalDemandModel.predict`` (None when the panel was too short
            to train it: then ETS, or seasonal naive when ETS was not fitted, stands in).
        stats: Output of ``statistical_forecasts``.
        classes: History class per series (``full``, ``short_history``, ``fallback``).

    Returns:
        One row per (series, period) with ``h``, ``scale``, ``method`` and every member.
    """
    if lgb_rows is None:
        stand_in = ETS if stats[ETS].notna().any() else SEASONAL_NAIVE
        out = stats.copy()
        out[STEP] = out.groupby(UID, sort=False).cumcount() + 1
        out[SCALE] = out[UID].map(_level(stats, classes, stand_in))
        out[LGB] = out[stand_in]
    else:
        out = lgb_rows.drop(columns=["origin"]).merge(
            stats, on=[UID, DS], how="left", validate="one_to_one"
        )
    out[METHOD] = out[UID].map(classes)
    fallback = out[METHOD] == FALLBACK
    # A fallback series gets its history's mean from every statistical member.
    out.loc[fallback, LGB] = out.loc[fallback, SEASONAL_NAIVE]
    return out


def _level(stats: pd.DataFrame, classes: pd.Series, column: str) -> pd.Series:
    """A stand-in series level (for interval widths) when LightGBM did not run."""
    level = stats.groupby(UID, sort=True)[column].mean()
    return level.where(level > 0, 1.0).reindex(classes.index).fillna(1.0)
