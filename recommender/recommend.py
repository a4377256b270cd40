"""Grow / process / brand / list recommendations for one region, as a versioned document."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import numpy as np
import pandas as pd

from recommender.brand import score_brands
from recommender.contract import DATE, FORM, PRODUCT, QUANTITY, REGION
from recommender.errors import DataError
from recommender.grow import price_trends, rank_crops
from recommender.listing import channel_form_shares, listing_plan
from recommender.pricing import fresh_price, learn_form_multipliers, options_for
from recommender.processing import score_options
from recommender.profile import CoopProfile

SCHEMA_VERSION = 1
KINDS = ("grow", "process", "brand", "list")
ITEM_FIELDS: dict[str, tuple[str, ...]] = {
    "grow": (
        "product",
        "months_to_first_harvest",
        "profit_per_mu_year",
        "profit_per_mu_horizon",
        "risk",
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
        "score",
    ),
    "brand": ("product", "gi_status", "location_quotient", "price_premium", "score", "action"),
    "list": ("week", "product", "channel", "form", "quantity_kg", "critical_ratio", "festival"),
}
"""Fields every item of each list carries (besides ``reason`` and ``reason_zh``): schema v1."""
_YEAR = 52


@dataclass(frozen=True)
class Evidence:
    """Everything the recommendations are computed from (read by the caller).

    Attributes:
        sales: Accepted sales rows.
        regions: Regions table.
        products: Products table.
        options: Processing options table.
        crops: Crop economics table.
        signals: Brand signals table.
        forecast: Served weekly forecast (``region, product, date, forecast, lo, hi``).
        profile: The cooperative's profile (its region gets it; others get a default).
        data_digest: Identity of the training data behind the forecast.
        multipliers: Form price multipliers trained by ``xingnong train processing`` (learned
            on the spot from the sales when absent).
    """

    sales: pd.DataFrame
    regions: pd.DataFrame
    products: pd.DataFrame
    options: pd.DataFrame
    crops: pd.DataFrame
    signals: pd.DataFrame
    forecast: pd.DataFrame
    profile: CoopProfile | None = None
    data_digest: str = ""
    multipliers: pd.DataFrame | None = None


def profile_for(region: str, sales: pd.DataFrame, base: CoopProfile | None) -> CoopProfile:
    """The cooperative profile of ``region``: the given one, or one read off its sales.

    A region without a profile gets last year's sold volume per product as its raw volume and
    the base profile's capital, skill and logistics (or modest defaults).

    Args:
        region: Region code.
        sales: Accepted sales rows.
        base: The cooperative's own profile, if any.

    Returns:
        A profile for ``region``.
    """
    if base is not None and base.region == region:
        return base
    mine = sales[sales[REGION] == region]
    recent = mine[mine[DATE] > mine[DATE].max() - pd.Timedelta(weeks=_YEAR)] if len(mine) else mine
    volume = recent.groupby(PRODUCT)[QUANTITY].sum()
    volumes = {str(p): float(v) for p, v in volume.items() if v > 0}
    if base is not None:
        return base.replace(region=region, raw_volume_kg=volumes)
    return CoopProfile(
        region=region,
        raw_volume_kg=volumes,
        capital_yuan=300_000.0,
        skill_level=1,
        cold_chain=False,
        transit_days=3,
    )


def demand_by_form(forecast: pd.DataFrame, sales: pd.DataFrame) -> pd.DataFrame:
    """Annual demand per (region, product, form): the forecast's yearly rate split by form.

    Args:
        forecast: Weekly served forecast with ``region, product, date, forecast, lo, hi``.
        sales: Accepted sales (the last year's form shares split the total).

    Returns:
        ``region, product, form, forecast, lo, hi`` in kg of output a year.
    """
    weeks = forecast.groupby([REGION, PRODUCT])[DATE].nunique().rename("weeks")
    total = forecast.groupby([REGION, PRODUCT])[["forecast", "lo", "hi"]].sum()
    yearly = total.mul(_YEAR / weeks, axis=0)
    recent = sales[sales[DATE] > sales[DATE].max() - pd.Timedelta(weeks=_YEAR)]
    by_form = recent.groupby([REGION, PRODUCT, FORM])[QUANTITY].sum()
    share = (by_form / by_form.groupby(level=[0, 1]).transform("sum")).rename("share")
    out = share.reset_index().join(yearly, on=[REGION, PRODUCT]).dropna(subset=["forecast"])
    for col in ("forecast", "lo", "hi"):
        out[col] = out[col] * out["share"]
    return out[[REGION, PRODUCT, FORM, "forecast", "lo", "hi"]].reset_index(drop=True)


def demand_growth(forecast: pd.DataFrame, sales: pd.DataFrame) -> pd.DataFrame:
    """Forecast demand over the coming weeks against the same weeks a year earlier.

    Args:
        forecast: Weekly served forecast.
        sales: Accepted sales.

    Returns:
        ``region, product, demand_growth`` (e.g. 0.12 = 12 % more than last year).
    """
    ahead = forecast.groupby([REGION, PRODUCT])["forecast"].sum()
    start = forecast[DATE].min() - pd.Timedelta(weeks=_YEAR)
    end = forecast[DATE].max() - pd.Timedelta(weeks=_YEAR)
    window = sales[(sales[DATE] > start - pd.Timedelta(days=7)) & (sales[DATE] <= end)]
    before = window.groupby([REGION, PRODUCT])[QUANTITY].sum()
    growth = (ahead / before.reindex(ahead.index)).sub(1.0)
    growth = growth.replace([np.inf, -np.inf], np.nan).dropna()
    return growth.rename("demand_growth").reset_index()


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


def recommend(evidence: Evidence, region: str, *, weeks: int = 8, top: int = 5) -> dict[str, Any]:
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
    known = set(evidence.regions[REGION])
    if region not in known:
        raise DataError(f"unknown region {region!r} (see regions.csv for the codes)")
    sales = evidence.sales
    if not (sales[REGION] == region).any():
        raise DataError(f"region {region!r} has no sales to recommend from")
    profile = profile_for(region, sales, evidence.profile)
    forecast = evidence.forecast
    growth = demand_growth(forecast, sales)

    trends = price_trends(sales)
    grow = rank_crops(
        region, evidence.regions, evidence.crops, trends, growth, products=evidence.products
    )

    mine = set(profile.raw_volume_kg)
    resolved = options_for(
        evidence.products[evidence.products[PRODUCT].isin(mine)], evidence.options
    )
    sold = sales[sales[PRODUCT].isin(mine)]  # every region's sales of the coop's products
    prices = fresh_price(sold, implied_from=resolved)
    if evidence.multipliers is not None:
        multipliers = evidence.multipliers[evidence.multipliers[PRODUCT].isin(mine)]
    else:
        multipliers = learn_form_multipliers(sold, resolved)
    demand = demand_by_form(forecast[forecast[REGION] == region], sold[sold[REGION] == region])
    process = score_options(
        resolved, prices, multipliers, demand, profile, fresh_shelf_life=evidence.products
    )
    process = process[(process[REGION] == region) & (process["option"] != "fresh")]
    process = process[np.isfinite(process["score"]) & (process["annual_uplift"] > 0)]

    brand = score_brands(
        sales, evidence.signals, growth, regions=evidence.regions, products=evidence.products
    )
    brand = brand[brand[REGION] == region]

    shares = channel_form_shares(sales[sales[REGION] == region])
    plan = listing_plan(
        forecast, shares, evidence.products, prices, region=region, weeks=weeks, profile=profile
    )
    return {
        "schema_version": SCHEMA_VERSION,
        "region": region,
        "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "data_digest": evidence.data_digest,
        "profile": profile.to_dict(),
        "grow": _records(grow, top),
        "process": _records(process, top),
        "brand": _records(brand, top),
        "list": _records(plan),
    }


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
