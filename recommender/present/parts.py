"""Score parts: how each recommendation's score adds up, for the app's stacked bars."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from recommender.decide.brand import BrandWeights
from recommender.decide.processing import CAPEX_LIFE_YEARS

Label = Callable[[dict[str, Any]], str]


def _name(rank: int, item: dict[str, Any], label: Label | None, default: str) -> str:
    """``1. name``: the rank keeps two items with the same name apart."""
    return f"{rank}. {label(item) if label else default}"


def process_components(items: list[dict[str, Any]], label: Label | None = None) -> pd.DataFrame:
    """Parts of each processing score: annual uplift, capex per year, risk discount (sum=score).

    Args:
        items: The ``process`` list of a recommendations document.
        label: How to name an item (default: ``product · option`` codes).
    """
    rows = []
    for rank, item in enumerate(items, 1):
        uplift = float(item.get("annual_uplift") or 0.0)
        capex = float(item.get("capex") or 0.0) / CAPEX_LIFE_YEARS
        score = float(item.get("score") or 0.0)
        rows.append(
            {
                "item": _name(rank, item, label, f"{item['product']} · {item['option']}"),
                "uplift": uplift,
                "capex_per_year": -capex,
                "risk": score - (uplift - capex),
            }
        )
    return pd.DataFrame(rows).set_index("item") if rows else pd.DataFrame()


def grow_components(items: list[dict[str, Any]], label: Label | None = None) -> pd.DataFrame:
    """Parts of each grow score: horizon profit per mu and the demand/risk adjustment."""
    rows = []
    for rank, item in enumerate(items, 1):
        profit = float(item.get("profit_per_mu_horizon") or 0.0)
        score = float(item.get("score") or 0.0)
        name = _name(rank, item, label, item["product"])
        rows.append({"item": name, "profit": profit, "demand_factor": score - profit})
    return pd.DataFrame(rows).set_index("item") if rows else pd.DataFrame()


def brand_components(
    items: list[dict[str, Any]], w: BrandWeights | None = None, label: Label | None = None
) -> pd.DataFrame:
    """The weighted 0-100 parts of each brand score (they add up to the score)."""
    w = w or BrandWeights()
    total = sum(w._weights())
    rows = []

    def num(item: dict[str, Any], name: str) -> float:
        value = item.get(name)
        return float(value) if value is not None else 0.0

    for rank, item in enumerate(items, 1):
        lq, premium = num(item, "location_quotient"), num(item, "price_premium")
        growth = num(item, "demand_growth")
        parts = {
            "specialisation": np.log(max(lq, 1.0)) / np.log(w.lq_saturation),
            "uniqueness": num(item, "uniqueness"),
            "premium": (premium - w.premium_floor) / (w.premium_cap - w.premium_floor),
            "growth": (growth - w.growth_floor) / (w.growth_cap - w.growth_floor),
            "dispersion": num(item, "price_dispersion") / w.dispersion_cap,
        }
        row: dict[str, Any] = {"item": _name(rank, item, label, item["product"])}
        for (name, value), weight in zip(parts.items(), w._weights(), strict=True):
            row[name] = 100.0 * weight * min(max(float(value), 0.0), 1.0) / total
        rows.append(row)
    return pd.DataFrame(rows).set_index("item") if rows else pd.DataFrame()
