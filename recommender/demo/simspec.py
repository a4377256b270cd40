"""Spec tables of simulated series: per region x product x channel x form scale, trend, price."""

from __future__ import annotations

import numpy as np
import pandas as pd

from recommender.data.contract import CHANNEL, FORM, PRODUCT, REGION
from recommender.demo import catalog
from recommender.demo.catalog import (
    BASE_PRICE,
    CHANNEL_TRAITS,
    CHANNELS,
    DEMO_SEED,
    DRIED_PRICE_FACTOR,
    FORM_CHANNELS,
    FORM_TRAITS,
    ONLINE_CHANNELS,
    PACK_KG,
)

_CATEGORY = {p.product: p.category for p in catalog.PRODUCTS}


def _log_uniform(rng: np.random.Generator, low: float, high: float) -> float:
    return float(np.exp(rng.uniform(np.log(low), np.log(high))))


def _pack_kg(product: str, form: str, channel: str) -> float:
    pack = FORM_TRAITS[form].pack_kg
    kg = -pack * PACK_KG[product] if pack <= 0 else pack
    return max(kg, 0.1) * CHANNEL_TRAITS[channel].pack


def _ref_price(product: str, form: str, channel: str, premium: float) -> float:
    form_factor = (
        DRIED_PRICE_FACTOR.get(product, 1.0) if form == "dried" else FORM_TRAITS[form].price
    )
    return BASE_PRICE[product] * form_factor * CHANNEL_TRAITS[channel].price * premium


def _base_traits(rng: np.random.Generator, signature: bool) -> dict[str, float]:
    """Scale (orders a week in season), trend and price premium of one region x product."""
    sparse = not signature and rng.random() < 0.25
    if signature:
        scale = _log_uniform(rng, 150, 600)
    else:
        scale = _log_uniform(rng, 0.4, 2.5) if sparse else _log_uniform(rng, 8, 60)
    return {
        "scale": scale,
        "sparse": float(sparse),
        "trend": float(np.clip(rng.normal(0.03, 0.2), -0.4, 0.45)),
        "premium": rng.uniform(1.15, 1.4) if signature else rng.uniform(0.9, 1.05),
    }


def _combos(
    rng: np.random.Generator, product: str, signature: bool, sparse: bool, maturity: float
) -> list[tuple[str, str, float]]:
    """The (channel, form, share) mix of one region x product."""
    category = _CATEGORY[product]
    p_channel = {
        "offline": 0.9,
        "taobao": 0.85,
        "pinduoduo": 0.75 if category == "fruit" else 0.5,
        "douyin_live": 0.6,
        "wechat": 0.65 if signature or category in {"tea", "bee_product", "nut"} else 0.35,
    }
    channels = [c for c in CHANNELS if rng.random() < p_channel[c]] or ["taobao", "offline"]
    options = catalog.PRODUCT_FORMS[product]
    forms = [options[0], *(f for f in options[1:] if rng.random() < (0.8 if signature else 0.45))]
    if sparse:
        channels, forms = channels[:2], forms[:1]
    mix = []
    for form in forms:
        for channel in channels:
            if channel in FORM_CHANNELS[form]:
                online = maturity if channel in ONLINE_CHANNELS else 1.0
                weight = FORM_TRAITS[form].weight * CHANNEL_TRAITS[channel].weight * online
                mix.append((channel, form, weight * rng.lognormal(0.0, 0.35)))
    if not mix:
        form = forms[0]
        mix = [(FORM_CHANNELS[form][0], form, 1.0)]
    total = sum(w for _, _, w in mix)
    cap = 8 if signature else 6
    kept = sorted((m for m in mix if m[2] / total >= 0.04), key=lambda m: -m[2])[:cap]
    kept_total = sum(w for _, _, w in kept)
    return [(c, f, w / kept_total) for c, f, w in kept]


def _spec_row(
    rng: np.random.Generator, group: int, region: str, product: str, channel: str, form: str,
    share: float, base: dict[str, float], ramp_mid: float,
) -> dict[str, object]:  # fmt: skip
    """One series of the spec table that drives generation."""
    return {
        REGION: region, PRODUCT: product, CHANNEL: channel, FORM: form, "group": group,
        "scale": base["scale"] * share,
        "trend": base["trend"] + rng.normal(0.0, 0.05),
        "price_trend": rng.normal(0.0, 0.02),
        "elasticity": FORM_TRAITS[form].elasticity * rng.uniform(0.8, 1.2),
        "ref_price": _ref_price(product, form, channel, base["premium"]),
        "pack_kg": _pack_kg(product, form, channel),
        "dispersion": rng.uniform(8.0, 25.0),
        "growth": CHANNEL_TRAITS[channel].growth + rng.normal(0.0, 0.03),
        "ramp_mid": ramp_mid if channel == "douyin_live" else np.nan,
    }  # fmt: skip


def demo_specs(seed: int = DEMO_SEED) -> pd.DataFrame:
    """The per-series spec table of the demo data (one row per region x product x channel x form).

    Columns: region, product, channel, form, group (region x product id), scale (orders a week
    in season), trend and price_trend (log change a year), elasticity, ref_price (yuan/kg),
    pack_kg (kg an order), dispersion (negative-binomial shape), growth (channel log growth a
    year) and ramp_mid (years from the start when douyin_live reaches half its size).

    Args:
        seed: Seed of ``numpy.random.default_rng``.

    Returns:
        The spec table, sorted by region, product, channel and form.
    """
    rng = np.random.default_rng([seed, 1])
    rows = []
    group = 0
    for county, products in catalog.COUNTY_PRODUCTS.items():
        maturity, ramp_mid = rng.uniform(0.6, 1.4), rng.uniform(0.5, 2.5)
        for rank, product in enumerate(products):
            base = _base_traits(rng, rank == 0)
            group += 1
            mix = _combos(rng, product, rank == 0, bool(base["sparse"]), maturity)
            for channel, form, share in mix:
                rows.append(
                    _spec_row(rng, group, county, product, channel, form, share, base, ramp_mid)
                )
    specs = pd.DataFrame(rows)
    return specs.sort_values([REGION, PRODUCT, CHANNEL, FORM], ignore_index=True)


def panel_specs(n_series: int, seed: int) -> pd.DataFrame:
    """A spec table of ``n_series`` single-channel series cycling over the real county products.

    Past the real pairs, counties repeat as synthetic copies named ``<county>_<k>`` (k = 001...).

    Args:
        n_series: Number of series.
        seed: Seed of ``numpy.random.default_rng``.

    Returns:
        The spec table (same columns as :func:`demo_specs`).
    """
    rng = np.random.default_rng([seed, 2])
    pairs = [(c, p, r == 0) for c, ps in catalog.COUNTY_PRODUCTS.items() for r, p in enumerate(ps)]
    rows = []
    for i in range(n_series):
        county, product, signature = pairs[i % len(pairs)]
        copy = i // len(pairs)
        region = county if copy == 0 else f"{county}_{copy:03d}"
        base = _base_traits(rng, signature)
        form = catalog.PRODUCT_FORMS[product][0]
        channel = str(rng.choice(FORM_CHANNELS[form]))
        rows.append(
            _spec_row(rng, i, region, product, channel, form, 1.0, base, rng.uniform(0.5, 2.5))
        )
    return pd.DataFrame(rows)
