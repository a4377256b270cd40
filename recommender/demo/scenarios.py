"""Planted demo scenarios: known opportunities written into the spec table, for tests to find."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from recommender.data.contract import CHANNEL, FORM, OPTION, PRODUCT, REGION
from recommender.demo import catalog
from recommender.demo.catalog import (
    BASE_PRICE,
    CHANNEL_TRAITS,
    DEMO_SEED,
    DEMO_START,
    DEMO_WEEKS,
    FORM_TRAITS,
    MEAN_WEEKS_PER_YEAR,
)
from recommender.demo.simspec import demo_specs
from recommender.demo.simulate import (
    DemoData,
    generate_sales,
    week_labels,
)

_SORT = [REGION, PRODUCT, CHANNEL, FORM]

DRIED_REGION, DRIED_MULTIPLIER, DRIED_TREND = "meixian", 10.0, 0.6
DRIED_CHANNELS = ("taobao", "pinduoduo", "douyin_live", "offline")
DRIED_SCALE = 40.0  # orders a week per channel at the start
BAD_OPTION = {
    PRODUCT: "kiwifruit", OPTION: "frozen", "yield_ratio": 0.9, "processing_cost_per_kg": 3.0,
    "capex": 750_000.0, "shelf_life_days": 365, "skill_level": 2, "price_multiplier": 0.5,
    "cold_chain_required": True, "source": "planted bad option (scenario dried_kiwifruit)",
}  # fmt: skip
GI_REGION, GI_PRODUCT, GI_PREMIUM = "luochuan", "apple", 0.60
COLLAPSE_PRODUCT, COLLAPSE_RATE, COLLAPSE_YEARS = "potato", 0.40, 2.0


def _base_premium(rows: pd.DataFrame) -> pd.Series:
    """Each row's price premium: its ref_price over the catalogue price of its form and channel."""
    form_factor = [
        catalog.DRIED_PRICE_FACTOR.get(p, 1.0) if f == "dried" else FORM_TRAITS[f].price
        for p, f in zip(rows[PRODUCT], rows[FORM], strict=True)
    ]
    base = rows[PRODUCT].map(BASE_PRICE) * rows[CHANNEL].map(lambda c: CHANNEL_TRAITS[c].price)
    return rows["ref_price"] / (base * np.asarray(form_factor))


def _plant_dried_kiwifruit(specs: pd.DataFrame, rng: np.random.Generator, _: int) -> pd.DataFrame:
    """Dried kiwifruit in Mei County at ``DRIED_MULTIPLIER`` x fresh, volume growing fast."""
    own = (specs[REGION] == DRIED_REGION) & (specs[PRODUCT] == "kiwifruit")
    if not own.any():
        return specs
    mine = specs[own]
    fresh = mine[mine[FORM] == "fresh"]
    premium = float(_base_premium(fresh if len(fresh) else mine).mean())
    template = mine.iloc[0]
    douyin = mine.loc[mine[CHANNEL] == "douyin_live", "ramp_mid"].dropna()
    rows = []
    for channel in DRIED_CHANNELS:
        traits = CHANNEL_TRAITS[channel]
        row = template.copy()
        row[CHANNEL], row[FORM] = channel, "dried"
        row["scale"] = DRIED_SCALE * traits.weight
        row["trend"] = DRIED_TREND + rng.normal(0.0, 0.05)
        row["price_trend"] = 0.0
        row["elasticity"] = FORM_TRAITS["dried"].elasticity
        row["ref_price"] = BASE_PRICE["kiwifruit"] * DRIED_MULTIPLIER * traits.price * premium
        row["pack_kg"] = FORM_TRAITS["dried"].pack_kg * traits.pack
        row["dispersion"] = rng.uniform(8.0, 25.0)
        row["growth"] = traits.growth
        row["ramp_mid"] = np.nan
        if channel == "douyin_live":
            row["ramp_mid"] = douyin.iloc[0] if len(douyin) else 1.0
        rows.append(row)
    kept = specs[~(own & (specs[FORM] == "dried"))]
    return pd.concat([kept, pd.DataFrame(rows)], ignore_index=True)


def _plant_gi_premium(specs: pd.DataFrame, _rng: np.random.Generator, _: int) -> pd.DataFrame:
    """Luochuan apples priced ``GI_PREMIUM`` above the same apples of other regions."""
    apple = specs[PRODUCT] == GI_PRODUCT
    own = apple & (specs[REGION] == GI_REGION)
    others = apple & ~own
    if not own.any():
        return specs
    level = float(_base_premium(specs[others]).mean()) if others.any() else 1.0
    out = specs.copy()
    scaled = out.loc[own, "ref_price"] / _base_premium(out[own])
    out.loc[own, "ref_price"] = scaled * level * (1.0 + GI_PREMIUM)
    return out


def _plant_collapsing_price(
    specs: pd.DataFrame, _rng: np.random.Generator, weeks: int
) -> pd.DataFrame:
    """Potato prices flat, then falling ``COLLAPSE_RATE`` a year over the last two years."""
    out = specs.copy()
    hit = out[PRODUCT] == COLLAPSE_PRODUCT
    if "price_break" not in out.columns:
        out["price_break"] = np.nan
    out.loc[hit, "price_trend"] = np.log(1.0 - COLLAPSE_RATE)
    out.loc[hit, "price_break"] = max(weeks / MEAN_WEEKS_PER_YEAR - COLLAPSE_YEARS, 0.0)
    return out


@dataclass(frozen=True)
class Scenario:
    """A planted opportunity.

    Attributes:
        name: Scenario code.
        plants: What it plants, in one sentence.
        specs: ``(specs, rng, weeks) -> specs`` that writes it into a spec table.
        options: Optional ``options -> options`` for the processing-options table.
    """

    name: str
    plants: str
    specs: Callable[[pd.DataFrame, np.random.Generator, int], pd.DataFrame]
    options: Callable[[pd.DataFrame], pd.DataFrame] | None = None


def _add_bad_option(options: pd.DataFrame) -> pd.DataFrame:
    """Add (or replace) ``BAD_OPTION``: feasible for Zhouzhi but dear and priced below fresh."""
    keep = ~((options[PRODUCT] == BAD_OPTION[PRODUCT]) & (options[OPTION] == BAD_OPTION[OPTION]))
    row = pd.DataFrame([{c: BAD_OPTION.get(c, np.nan) for c in options.columns}])
    return pd.concat([options[keep], row], ignore_index=True)


SCENARIOS: dict[str, Scenario] = {
    "dried_kiwifruit": Scenario(
        "dried_kiwifruit",
        f"Mei County sells dried kiwifruit in {len(DRIED_CHANNELS)} channels at "
        f"{DRIED_MULTIPLIER:g}x the fresh price, volume growing {DRIED_TREND:.0%} (log) a year; "
        "Zhouzhi sells none (unmet demand). Options gain a bad kiwifruit 'frozen' line "
        "(capex 750,000, price 0.5x fresh).",
        _plant_dried_kiwifruit,
        _add_bad_option,
    ),
    "gi_premium": Scenario(
        "gi_premium",
        f"Luochuan apples (registered GI) priced {GI_PREMIUM:+.0%} over other regions' apples.",
        _plant_gi_premium,
    ),
    "collapsing_price": Scenario(
        "collapsing_price",
        f"Potato prices flat, then -{COLLAPSE_RATE:.0%} a year over the last "
        f"{COLLAPSE_YEARS:g} years of the span.",
        _plant_collapsing_price,
    ),
}


def _scenario(name: str) -> Scenario:
    if name not in SCENARIOS:
        raise ValueError(f"unknown scenario {name!r}; known: {', '.join(SCENARIOS)}")
    return SCENARIOS[name]


def plant(
    specs: pd.DataFrame, scenario: str, seed: int = DEMO_SEED, weeks: int = DEMO_WEEKS
) -> pd.DataFrame:
    """Write one scenario into a spec table (see :data:`SCENARIOS` for what each plants).

    Args:
        specs: A spec table (:func:`recommender.demo.simspec.demo_specs`); left unchanged.
        scenario: Scenario code, a key of :data:`SCENARIOS`.
        seed: Seed of the draws of planted rows.
        weeks: Weeks the sales will span (scenarios timed from the end use it).

    Returns:
        The planted spec table, sorted by region, product, channel and form.

    Raises:
        ValueError: Unknown scenario.
    """
    index = list(SCENARIOS).index(_scenario(scenario).name)
    rng = np.random.default_rng([seed, 4, index])
    out = SCENARIOS[scenario].specs(specs.copy(), rng, weeks)
    return out.sort_values(_SORT, ignore_index=True)


def plant_options(options: pd.DataFrame, scenarios: Iterable[str]) -> pd.DataFrame:
    """Apply the scenarios' changes to a raw processing-options table (before ``options_for``).

    Args:
        options: The processing_options table (e.g. from ``load_processing_options``).
        scenarios: Scenario codes; those without an options change leave the table as is.

    Returns:
        The changed table (a new frame).
    """
    for name in scenarios:
        change = _scenario(name).options
        options = change(options) if change is not None else options
    return options


def simulate_scenario(
    names: Iterable[str],
    seed: int = DEMO_SEED,
    start: str = DEMO_START,
    weeks: int = DEMO_WEEKS,
    *,
    regions: Iterable[str] | None = None,
    products: Iterable[str] | None = None,
) -> DemoData:
    """The demo data set with scenarios planted, optionally cut to some regions and products.

    Args:
        names: Scenario codes, planted in order (none gives the unplanted demo specs).
        seed: Seed of every random draw.
        start: A day in the first week.
        weeks: Number of weeks.
        regions: Keep only these county codes (default: all).
        products: Keep only these product codes (default: all).

    Returns:
        Sales (zero-sale weeks omitted), regions and products.
    """
    specs = demo_specs(seed)
    if regions is not None:
        specs = specs[specs[REGION].isin(list(regions))]
    if products is not None:
        specs = specs[specs[PRODUCT].isin(list(products))]
    specs = specs.reset_index(drop=True)
    for name in names:
        specs = plant(specs, name, seed, weeks)
    if specs.empty:
        raise ValueError("no series left after choosing regions and products")
    sales = generate_sales(specs, week_labels(start, weeks), seed)
    return DemoData(sales, catalog.regions_frame(), catalog.products_frame())
