"""The planted truths of a generated world: where each plant goes and what it put in."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

import numpy as np
import pandas as pd

from recommender.data.contract import CHANNEL, DATE, FORM, PRODUCT, QUANTITY, REGION
from recommender.demo.worldspec import WorldSpec

RISING_CROP = "rising_crop"
COLLAPSING_PRICE = "collapsing_price"
BRAND_PREMIUM = "brand_premium"
ROASTED_VALUE = "roasted_value"
LONG_SHELF_FORM = "long_shelf_form"
BELOW_COST_LINE = "below_cost_line"
FESTIVAL_MIX = "festival_mix"
UNSOLD_FORM = "unsold_form"
ALL_PLANTS: tuple[str, ...] = (
    RISING_CROP, COLLAPSING_PRICE, BRAND_PREMIUM, ROASTED_VALUE, LONG_SHELF_FORM,
    BELOW_COST_LINE, FESTIVAL_MIX, UNSOLD_FORM,
)  # fmt: skip
"""Every plant, each switchable in :func:`~recommender.demo.world.simulate_world`."""

# The planted numbers (and the levels without the plant).
RISING_RATE = 0.25  # price change a year
COLLAPSE_RATE, COLLAPSE_DISCOUNT = -0.35, -0.09  # price change a year; price vs other regions
BRAND_PREMIUM_RATE = 0.25  # price vs other regions, same week, channel and form
ROASTED_RATIO, ROASTED_RATIO_WITHOUT = 2.6, 1.15  # roasted over fresh price, same week, channel
DRIED_SCALE_KG, DRIED_SHELF_LIFE_DAYS = 120.0, 365  # dried chili: kg a week, days it keeps
BELOW_COST_PRICE, BELOW_COST_PRICE_WITHOUT = 1.3, 3.5  # fresh price, yuan/kg
GIFT_SHARE_DOUBLE_11, GIFT_SHARE_FESTIVAL, GIFT_SHARE_ORDINARY = 0.35, 0.10, 0.05
UNSOLD_GIFT_SHARE = 0.15  # gift_box share of the product in the counties that sell it
GIFT_BOX = "gift_box"
"""The form of the share plants (festival mix, unsold form)."""


@dataclass(frozen=True)
class Planted:
    """What one plant put into the data.

    Attributes:
        plant: The plant's name (one of :data:`ALL_PLANTS`).
        region: The county it is planted in (None when every county's series carry it).
        product: The product.
        form: The form it concerns.
        values: The planted numbers (multipliers, premiums, shares, costs, shelf lives) and the
            levels without the plant; read-only.
    """

    plant: str
    region: str | None
    product: str
    form: str
    values: Mapping[str, object]


def share_channels(
    spec: WorldSpec, county: str, product: str, channels: tuple[str, ...], plants: frozenset[str]
) -> list[tuple[str, str]]:
    """The planted gift-box series of a county's product: ``(channel, share profile)`` pairs.

    Args:
        spec: The world spec (its targets say where the share plants go).
        county: The county.
        product: The product.
        channels: The channels the county sells the product through.
        plants: The active plants.

    Returns:
        One pair per channel that carries the product's gift box, naming the share profile
        (see :func:`share_profiles`): ``festival_mix`` (``festival_flat`` with the plant off)
        for the festival-mix product, ``unsold`` for the unsold form in the other counties;
        empty for every other county and product.
    """
    t = spec.targets
    if product == t.festival_mix:
        kind = "festival_mix" if FESTIVAL_MIX in plants else "festival_flat"
    elif product == t.unsold_form[1] and county != t.unsold_form[0] and UNSOLD_FORM in plants:
        kind = "unsold"
    else:
        return []
    allowed = spec.product(product).form(GIFT_BOX).channels
    return [(c, kind) for c in channels if not allowed or c in allowed]


def plant_prices(spec: WorldSpec, series: pd.DataFrame, plants: frozenset[str]) -> pd.DataFrame:
    """Reference prices (yuan/kg) with the price plants written in.

    Args:
        spec: The world spec (base prices, channel price levels and targets).
        series: One row per series with ``region``, ``product``, ``channel``, ``form``,
            ``scale``, ``premium`` and ``price_factor``.
        plants: The active plants.

    Returns:
        A copy of ``series`` with the collapsing-price and brand-premium counties' premiums,
        the roasted price factor and the below-cost fresh price set (to their levels without
        the plant when it is off), and the reference price ``ref_price``.
    """
    t = spec.targets
    out = series.copy()
    region, product, form = out[REGION], out[PRODUCT], out[FORM]

    def pair(target: tuple[str, str]) -> pd.Series:
        return (region == target[0]) & (product == target[1])

    for target, plant, rate in (
        (t.collapsing_price, COLLAPSING_PRICE, COLLAPSE_DISCOUNT),
        (t.brand_premium, BRAND_PREMIUM, BRAND_PREMIUM_RATE),
    ):
        others = (product == target[1]) & ~pair(target)
        level = float(np.exp(np.log(out.loc[others, "premium"]).mean())) if others.any() else 1.0
        out.loc[pair(target), "premium"] = level * (1.0 + rate if plant in plants else 1.0)
    roasted = pair(t.roasted_value) & (form == "roasted")
    out.loc[roasted, "price_factor"] = (
        ROASTED_RATIO if ROASTED_VALUE in plants else ROASTED_RATIO_WITHOUT
    )
    channel_price = out[CHANNEL].map({c.code: c.price for c in spec.channels})
    base = out[PRODUCT].map({p.code: p.base_price for p in spec.products})
    out["ref_price"] = base * out["price_factor"] * channel_price * out["premium"]
    cheap = pair(t.below_cost_line) & (form == "fresh")
    if cheap.any():
        level = BELOW_COST_PRICE if BELOW_COST_LINE in plants else BELOW_COST_PRICE_WITHOUT
        mean_channel = float(np.average(channel_price[cheap], weights=out.loc[cheap, "scale"]))
        out.loc[cheap, "ref_price"] = level * channel_price[cheap] / mean_channel
    return out


def share_profiles(flags: pd.DataFrame) -> dict[str, np.ndarray]:
    """Weekly gift-box share of a product's volume, per share profile.

    Args:
        flags: The weekly calendar flags (``fest_double_11``, ``fest_any``).

    Returns:
        Per share profile (``festival_mix``, ``festival_flat``, ``unsold``) the share of each
        week.
    """
    double_11 = flags["fest_double_11"].to_numpy() == 1
    festival = flags["fest_any"].to_numpy() == 1
    ordinary = np.full(len(flags), GIFT_SHARE_ORDINARY)
    flat = np.where(festival, GIFT_SHARE_FESTIVAL, ordinary)
    return {
        "festival_mix": np.where(double_11, GIFT_SHARE_DOUBLE_11, flat),
        "festival_flat": flat,
        "unsold": np.full(len(flags), UNSOLD_GIFT_SHARE),
    }


def truth(spec: WorldSpec, sales: pd.DataFrame, plants: frozenset[str]) -> dict[str, Planted]:
    """What each active plant put into the data, with realised figures where useful.

    Args:
        spec: The world spec the sales were drawn from.
        sales: The drawn sales.
        plants: The active plants.

    Returns:
        Per active plant, what it planted (see :class:`Planted`).
    """
    t = spec.targets
    kg = sales.groupby([REGION, PRODUCT])[QUANTITY].sum()
    out: dict[str, Planted] = {}
    gi = {(g.county, g.product): g.status for g in spec.gis}

    def add(plant: str, region: str | None, product: str, form: str, **values: object) -> None:
        if plant in plants:
            out[plant] = Planted(plant, region, product, form, MappingProxyType(values))

    add(
        RISING_CROP,
        None,
        t.rising_crop,
        "fresh",
        annual_price_change=RISING_RATE,
        annual_price_change_without=0.0,
    )
    region, product = t.collapsing_price
    share = float(kg.get((region, product), 0.0) / kg.xs(product, level=PRODUCT).sum())
    add(
        COLLAPSING_PRICE,
        region,
        product,
        "fresh",
        annual_price_change=COLLAPSE_RATE,
        price_vs_other_regions=COLLAPSE_DISCOUNT,
        volume_share=share,
        gi_status=gi.get(t.collapsing_price, "none"),
    )
    region, product = t.brand_premium
    lq = float(
        kg[(region, product)]
        / kg.xs(region, level=REGION).sum()
        / (kg.xs(product, level=PRODUCT).sum() / kg.sum())
    )
    form = spec.product(product).forms[0].form
    add(
        BRAND_PREMIUM,
        region,
        product,
        form,
        premium=BRAND_PREMIUM_RATE,
        premium_without=0.0,
        location_quotient=lq,
        gi_status=gi.get(t.brand_premium, "none"),
    )
    region, product = t.roasted_value
    add(
        ROASTED_VALUE,
        region,
        product,
        "roasted",
        base_form="fresh",
        price_ratio=ROASTED_RATIO,
        price_ratio_without=ROASTED_RATIO_WITHOUT,
    )
    region, product = t.long_shelf_form
    dried = sales[
        (sales[REGION] == region) & (sales[PRODUCT] == product) & (sales[FORM] == "dried")
    ]
    weekly = dried.groupby(DATE)[QUANTITY].sum()
    add(
        LONG_SHELF_FORM,
        region,
        product,
        "dried",
        shelf_life_days=DRIED_SHELF_LIFE_DAYS,
        fresh_shelf_life_days=spec.product(product).shelf_life_days,
        planted_kg_a_week=DRIED_SCALE_KG,
        mean_kg_a_week=float(weekly.mean()) if len(weekly) else 0.0,
        weeks_sold=int(len(weekly)),
    )
    region, product = t.below_cost_line
    zone = spec.county(region).climate_zone
    crop = next((c for c in spec.crops if (c.product, c.climate_zone) == (product, zone)), None)
    cost = crop.cost_per_mu_yuan / crop.yield_per_mu_kg if crop else float("nan")
    add(
        BELOW_COST_LINE,
        region,
        product,
        "fresh",
        price=BELOW_COST_PRICE,
        price_without=BELOW_COST_PRICE_WITHOUT,
        cost_per_kg=cost,
        climate_zone=zone,
    )
    add(
        FESTIVAL_MIX,
        None,
        t.festival_mix,
        GIFT_BOX,
        festival="double_11",
        share_double_11=GIFT_SHARE_DOUBLE_11,
        share_other_festivals=GIFT_SHARE_FESTIVAL,
        share_ordinary=GIFT_SHARE_ORDINARY,
        share_double_11_without=GIFT_SHARE_FESTIVAL,
    )
    region, product = t.unsold_form
    sellers = tuple(
        sorted(set(sales.loc[(sales[PRODUCT] == product) & (sales[FORM] == GIFT_BOX), REGION]))
    )
    add(
        UNSOLD_FORM,
        region,
        product,
        GIFT_BOX,
        share=UNSOLD_GIFT_SHARE,
        sold_by=sellers,
        raw_volume_kg=float(spec.profile.raw_volume_kg.get(product, 0.0)),
    )
    return out
