"""Grow / process / brand / list recommendations for one region, as a versioned document."""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import numpy as np
import pandas as pd

from recommender.data.contract import DEFAULT_FORM, OPTION, REGION
from recommender.decide.basis import (
    RegionBasis,
    prepare,
)
from recommender.decide.evidence import Evidence
from recommender.decide.grow import rank_crops
from recommender.decide.listing import listing_plan
from recommender.decide.market import FROM_SALES
from recommender.decide.processing import score_options
from recommender.decide.profile import CoopProfile

__all__ = [
    "ITEM_FIELDS",
    "KINDS",
    "PLAN_WEEKS",
    "SCHEMA_VERSION",
    "advise",
    "as_table",
    "recommend",
]

SCHEMA_VERSION = 1
KINDS = ("grow", "process", "brand", "list")
PLAN_WEEKS = 8
"""Weeks of listing plan a recommendation gives unless asked for another number."""
ITEM_FIELDS: dict[str, tuple[str, ...]] = {
    "grow": (
        "product",
        "months_to_first_harvest",
        "profit_per_mu_year",
        "profit_per_mu_horizon",
        "risk",
        "default_for",
        "score",
    ),
    "process": (
        "product",
        "option",
        "uplift_per_kg_raw",
        "annual_uplift",
        "capex",
        "payback_years",
        "feasible",
        "multiplier_source",
        "demand_basis",
        "default_for",
        "score",
    ),
    "brand": (
        "product",
        "gi_status",
        "location_quotient",
        "price_premium",
        "premium_lo",
        "premium_hi",
        "competitors",
        "score",
        "action",
    ),
    "list": (
        "week",
        "product",
        "channel",
        "form",
        "quantity_kg",
        "critical_ratio",
        "price_per_kg",
        "unit_cost",
        "cost_basis",
        "listed",
        "festival",
    ),
}
"""Fields every item of each list carries (besides ``reason`` and ``reason_zh``): schema v1."""


_DEMAND = ("forecast", "lo", "hi", "form_share")


def _records(frame: pd.DataFrame, top: int | None = None) -> list[dict[str, Any]]:
    rows = frame.head(top) if top else frame
    out = []
    for record in rows.to_dict(orient="records"):
        clean: dict[str, Any] = {}
        for key, value in record.items():
            if isinstance(value, pd.Timestamp):
                clean[key] = value.strftime("%Y-%m-%d")
            elif isinstance(value, np.generic):
                clean[key] = value.item()
            else:
                clean[key] = value
            if isinstance(clean[key], float) and not math.isfinite(clean[key]):
                clean[key] = None
        out.append(clean)
    return out


def _scaled(frame: pd.DataFrame, factors: dict[str, float]) -> pd.DataFrame:
    """``frame`` with each named column multiplied by its factor (itself when all are 1)."""
    changed = {c: frame[c] * f for c, f in factors.items() if f != 1.0 and c in frame.columns}
    return frame.assign(**changed) if changed else frame


def advise(
    basis: RegionBasis,
    *,
    price_factor: float = 1.0,
    cost_factor: float = 1.0,
    capex_factor: float = 1.0,
    market_factor: float = 1.0,
    profile: CoopProfile | None = None,
    weeks: int = PLAN_WEEKS,
    top: int = 5,
    kinds: Sequence[str] = KINDS,
) -> dict[str, Any]:
    """All four recommendation lists of a prepared region, optionally under changed inputs.

    Prices scale linearly through every price the lists use (fresh price levels; trends,
    variability, form multipliers and brand premiums are ratios and do not move), so scaling
    the prepared prices equals recomputing them from scaled sales.

    Args:
        basis: The region's prepared inputs (see :func:`recommender.decide.basis.prepare`).
        price_factor: Multiplies every sales price.
        cost_factor: Multiplies every option's processing cost per kg.
        capex_factor: Multiplies every option's capex.
        market_factor: Multiplies the estimated markets of forms the region has not sold.
        profile: The cooperative's profile to use (default: the basis's).
        weeks: Weeks of listing plan.
        top: How many grow / process / brand items to return.
        kinds: Which lists to make (the app asks only for the one on screen); the document
            has only those.

    Returns:
        The versioned document (see :func:`recommend`).
    """
    ev, region = basis.evidence, basis.region
    profile = profile or basis.profile
    prices = _scaled(basis.prices, {"price_per_kg": price_factor})
    doc: dict[str, Any] = {
        "schema_version": SCHEMA_VERSION,
        "region": region,
        "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "data_digest": ev.data_digest,
        "profile": profile.to_dict(),
    }
    if "grow" in kinds:
        trends = _scaled(basis.trends, {"price_per_kg": price_factor})
        grow = rank_crops(region, ev.regions, ev.crops, trends, basis.growth, products=ev.products)
        doc["grow"] = _records(grow, top)
    if "process" in kinds:
        options = _scaled(
            basis.options, {"processing_cost_per_kg": cost_factor, "capex": capex_factor}
        )
        demand = basis.demand
        if market_factor != 1.0:
            guessed = demand["demand_basis"] != FROM_SALES
            demand = demand.assign(
                **{c: demand[c].where(~guessed, demand[c] * market_factor) for c in _DEMAND}
            )
        process = score_options(
            options, prices, basis.multipliers, demand, profile, fresh_shelf_life=ev.products
        )
        process = process[(process[REGION] == region) & (process[OPTION] != DEFAULT_FORM)]
        process = process[np.isfinite(process["score"]) & (process["annual_uplift"] > 0)]
        doc["process"] = _records(process, top)
    if "brand" in kinds:
        doc["brand"] = _records(basis.brand, top)
    if "list" in kinds:
        plan = listing_plan(
            ev.forecast,
            basis.shares,
            ev.products,
            prices,
            region=region,
            weeks=weeks,
            profile=profile,
            lines=_scaled(basis.lines, {"price_per_kg": price_factor}),
            options=_scaled(basis.options, {"processing_cost_per_kg": cost_factor}),
            multipliers=basis.multipliers,
            raw=basis.raw,
        )
        doc["list"] = _records(plan)
    return doc


def recommend(
    evidence: Evidence, region: str, *, weeks: int = PLAN_WEEKS, top: int = 5
) -> dict[str, Any]:
    """All four recommendation lists for one region.

    Args:
        evidence: Sales, reference tables, the served forecast and the profile.
        region: Region code (a county in the regions table).
        weeks: Weeks of listing plan.
        top: How many grow / process / brand items to return.

    Returns:
        A JSON-ready document: ``schema_version``, ``region``, ``generated_at``,
        ``data_digest``, ``profile`` and the lists ``grow``, ``process``, ``brand``, ``list``;
        every item carries its numbers and ``reason`` / ``reason_zh`` sentences.

    Raises:
        DataError: When the region is unknown or has no sales.
    """
    return advise(prepare(evidence, region), weeks=weeks, top=top)


def as_table(doc: dict[str, Any], language: str = "en") -> str:
    """The recommendations as plain text: one line per item with its reason.

    Args:
        doc: Output of :func:`recommend`.
        language: ``en`` or ``zh`` for the reasons.

    Returns:
        Printable text.
    """
    key = "reason_zh" if language == "zh" else "reason"
    titles = {
        "grow": "GROW 种什么",
        "process": "PROCESS 怎么加工",
        "brand": "BRAND 品牌",
        "list": "LIST 上架计划",
    }
    lines = [f"Xingnong recommendations for {doc['region']} (schema {doc['schema_version']})"]
    for kind in KINDS:
        lines.append("")
        lines.append(titles[kind])
        items = doc[kind]
        if not items:
            lines.append("  (nothing to recommend)")
        for i, item in enumerate(items, start=1):
            lines.append(f"  {i}. {item.get(key) or item.get('reason', '')}")
    return "\n".join(lines)
