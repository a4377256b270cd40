"""Spoilage: the share of a perishable product lost between harvest and sale."""

from __future__ import annotations

from typing import TypeAlias

import numpy as np
import pandas as pd

COLD_CHAIN_FACTOR = 2.0
"""A cold chain doubles the effective shelf life of any form."""

LOSS_RATE = 2.0
"""Loss rate ``k`` per effective shelf life: transit equal to the shelf life loses ``1 - e^-2``
(86 %); a tenth of it loses 18 %."""

ArrayLike: TypeAlias = float | int | bool | np.ndarray | pd.Series


def spoilage_share(
    shelf_life_days: ArrayLike, transit_days: ArrayLike, cold_chain: ArrayLike
) -> float | np.ndarray | pd.Series:
    """Share of product lost in transit and on the shelf, a simple exponential-decay model.

    ``effective = shelf_life_days * (COLD_CHAIN_FACTOR if cold_chain else 1)`` and
    ``loss = 1 - exp(-LOSS_RATE * transit_days / effective)``. The loss is 0 when
    ``transit_days`` is 0, 1 when the shelf life is 0 (and transit is not), 0 for an infinite
    shelf life, always in ``[0, 1]``, never lower for a shorter shelf life or a longer transit and
    never higher with a cold chain. Inputs broadcast like numpy arrays.

    Args:
        shelf_life_days: Shelf life of the form sold, in days (>= 0; ``inf`` for never spoils).
        transit_days: Days from harvest or processing to the buyer (>= 0).
        cold_chain: Whether the goods travel and are kept chilled.

    Returns:
        The lost share: a float for scalar inputs, a Series (with the first Series' index) when
        any input is a Series, else an array. NaN shelf life gives NaN.

    Raises:
        ValueError: If a shelf life or transit time is negative.
    """
    index = next(
        (x.index for x in (shelf_life_days, transit_days, cold_chain) if isinstance(x, pd.Series)),
        None,
    )
    shelf = np.asarray(shelf_life_days, dtype=float)
    transit = np.asarray(transit_days, dtype=float)
    cold = np.asarray(cold_chain, dtype=bool)
    if np.any(shelf < 0) or np.any(transit < 0):
        raise ValueError("shelf_life_days and transit_days must be >= 0")
    effective = shelf * np.where(cold, COLD_CHAIN_FACTOR, 1.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(transit == 0, 0.0, transit / effective)
    loss = np.where(np.isnan(shelf), np.nan, -np.expm1(-LOSS_RATE * ratio))
    loss = np.clip(loss, 0.0, 1.0)
    if index is not None:
        return pd.Series(np.broadcast_to(loss, (len(index),)), index=index, name="spoilage")
    if loss.ndim == 0:
        return float(loss)
    return loss
