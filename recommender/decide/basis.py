"""What a region's recommendations are computed from, prepared once so what-ifs are quick.

:func:`prepare` does the slow part (prices, trends, demand by form, brand scores, channel
shares) once per region; :func:`recommender.decide.recommend.advise` then ranks from it in a
fraction of the time, also under changed prices, costs or profile (see
:mod:`recommender.decide.whatif`).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from recommender.data.contract import DATE, PRODUCT, QUANTITY, REGION
from recommender.data.parsing import clean_code
from recommender.data.periods import WEEKS_PER_YEAR
from recommender.data.reference import code_lookup
from recommender.decide.brand import score_brands
from recommender.decide.costs import line_prices, raw_costs
from recommender.decide.evidence import Evidence
from recommender.decide.grow import price_trends
from recommender.decide.market import demand_by_form, demand_growth
from recommender.decide.pricing import fresh_price, learn_form_multipliers, options_for
from recommender.decide.profile import CoopProfile
from recommender.decide.shares import channel_form_shares
from recommender.errors import DataError


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
    recent = (
        mine[mine[DATE] > mine[DATE].max() - pd.Timedelta(weeks=WEEKS_PER_YEAR)]
        if len(mine)
        else mine
    )
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


@dataclass(frozen=True)
class RegionBasis:
    """One region's prepared inputs: everything no what-if change alters, plus base prices.

    Attributes:
        evidence: The evidence it was prepared from.
        region: Region code.
        profile: The region's cooperative profile.
        growth: Demand growth per (region, product) (see :func:`demand_growth`).
        trends: Fresh price level, trend and variability per product (``price_trends``).
        options: Processing options resolved for the cooperative's products.
        prices: Fresh price per (region, product) of the cooperative's products.
        multipliers: Form price multipliers of the cooperative's products.
        demand: The region's yearly demand by form (see :func:`demand_by_form`).
        brand: The region's brand scores.
        shares: The region's channel and form shares (festival and ordinary weeks).
        lines: Recent price per kg of the region's lines (channel x form).
        raw: Raw produce cost per kg by product in the region (crop economics).
    """

    evidence: Evidence
    region: str
    profile: CoopProfile
    growth: pd.DataFrame
    trends: pd.DataFrame
    options: pd.DataFrame
    prices: pd.DataFrame
    multipliers: pd.DataFrame
    demand: pd.DataFrame
    brand: pd.DataFrame
    shares: pd.DataFrame
    lines: pd.DataFrame
    raw: pd.DataFrame


def prepare(evidence: Evidence, region: str) -> RegionBasis:
    """Compute the parts of a region's recommendations that what-if changes leave alone.

    Args:
        evidence: Sales, reference tables, the served forecast and the profile.
        region: A county of the regions table: its code or a name it alone has, matched
            ignoring case, width and surrounding spaces.

    Returns:
        The region's basis (its ``region`` is the table's code as written there).

    Raises:
        DataError: When the region is unknown or has no sales.
    """
    asked = region
    region = code_lookup(evidence.regions, REGION).get(clean_code(pd.Series([asked])).iloc[0], "")
    if not region:
        raise DataError(f"unknown region {asked!r} (see regions.csv for the codes)")
    sales = evidence.sales
    if not (sales[REGION] == region).any():
        raise DataError(f"region {region!r} has no sales to recommend from")
    profile = profile_for(region, sales, evidence.profile)
    forecast = evidence.forecast
    growth = demand_growth(forecast, sales)
    mine = set(profile.raw_volume_kg)
    resolved = options_for(
        evidence.products[evidence.products[PRODUCT].isin(mine)], evidence.options
    )
    sold = sales[sales[PRODUCT].isin(mine)]  # every region's sales of the coop's products
    if evidence.multipliers is not None:
        multipliers = evidence.multipliers[evidence.multipliers[PRODUCT].isin(mine)]
    else:
        multipliers = learn_form_multipliers(sold, resolved)
    brand = score_brands(
        sales, evidence.signals, growth, regions=evidence.regions, products=evidence.products
    )
    return RegionBasis(
        evidence=evidence,
        region=region,
        profile=profile,
        growth=growth,
        trends=price_trends(sales),
        options=resolved,
        prices=fresh_price(sold, implied_from=resolved),
        multipliers=multipliers,
        demand=demand_by_form(
            forecast[forecast[REGION] == region],
            sold,
            resolved,
            market_factor=evidence.market_factor,
        ),
        brand=brand[brand[REGION] == region],
        shares=channel_form_shares(sales[sales[REGION] == region]),
        lines=line_prices(sales[sales[REGION] == region]),
        raw=raw_costs(evidence.crops, evidence.regions[evidence.regions[REGION] == region]),
    )
