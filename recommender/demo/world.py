"""A seeded second world (:data:`SOUTHWEST`) with switchable planted truths, for generalisation."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from types import MappingProxyType

import numpy as np
import pandas as pd

from recommender.data.contract import (
    COUNTY,
    PRODUCT_COLUMNS,
    REGION_COLUMNS,
    REGION_OPTIONAL_COLUMNS,
)
from recommender.demo.plants import ALL_PLANTS, Planted, truth
from recommender.demo.southwest import SOUTHWEST
from recommender.demo.worldsales import draw_sales, keyed_rng
from recommender.demo.worldspec import WorldSpec

WORLD_SEED = 23
HELD_OUT_SEED = 2029
WORLD_START = "2023-01-01"
WORLD_WEEKS = 156
"""The default draw (seed, first week, length) and a second seed for a held-out draw."""
OPTIONAL_TABLES: tuple[str, ...] = ("crop_economics", "brand_signals")


@dataclass(frozen=True)
class World:
    """A generated world: sales, reference tables, a cooperative profile and the planted truth.

    Attributes:
        sales: One row per (week-ending Sunday, region, product, channel, form) with a sale.
        regions: Provinces, cities and counties (``region, name_en, name_zh, level, parent,
            climate_zone``).
        products: The products (contract columns).
        crop_economics: Growing cost and yield for some products only (a partial table).
        brand_signals: GI status, production and sellers per county x product.
        profile: One county's cooperative profile (``coop_profile.json``).
        truth: Per active plant, what it planted.
        spec: The world it was drawn from.
        seed: The seed of the draw.
    """

    sales: pd.DataFrame
    regions: pd.DataFrame
    products: pd.DataFrame
    crop_economics: pd.DataFrame
    brand_signals: pd.DataFrame
    profile: Mapping[str, object]
    truth: Mapping[str, Planted]
    spec: WorldSpec = field(repr=False)
    seed: int = WORLD_SEED

    def write(self, folder: str | Path, tables: Iterable[str] = ()) -> list[Path]:
        """Write the world as a data folder (UTF-8 CSV without index, JSON profile).

        Args:
            folder: Where to write (created when missing).
            tables: Optional tables to write too, from :data:`OPTIONAL_TABLES`.

        Returns:
            The files written.

        Raises:
            ValueError: An unknown optional table.
        """
        chosen = list(dict.fromkeys(tables))
        unknown = [t for t in chosen if t not in OPTIONAL_TABLES]
        if unknown:
            raise ValueError(f"unknown table(s) {unknown}; optional: {', '.join(OPTIONAL_TABLES)}")
        root = Path(folder)
        root.mkdir(parents=True, exist_ok=True)
        frames = {"sales": self.sales, "regions": self.regions, "products": self.products}
        frames |= {t: getattr(self, t) for t in chosen}
        written = []
        for name, frame in frames.items():
            path = root / f"{name}.csv"
            frame.to_csv(path, index=False, encoding="utf-8", date_format="%Y-%m-%d")
            written.append(path)
        path = root / "coop_profile.json"
        text = json.dumps(dict(self.profile), ensure_ascii=False, indent=2)
        path.write_text(text + "\n", encoding="utf-8")
        return [*written, path]


def _regions(spec: WorldSpec) -> pd.DataFrame:
    rows = [(a.code, a.name_en, a.name_zh, a.level, a.parent, "") for a in spec.areas]
    rows += [
        (c.code, c.name_en, c.name_zh, COUNTY, c.parent, c.climate_zone) for c in spec.counties
    ]
    return pd.DataFrame(rows, columns=[*REGION_COLUMNS, *REGION_OPTIONAL_COLUMNS])


def _products(spec: WorldSpec) -> pd.DataFrame:
    rows = [
        (p.code, p.name_en, p.name_zh, p.category, p.shelf_life_days, p.unit) for p in spec.products
    ]
    return pd.DataFrame(rows, columns=list(PRODUCT_COLUMNS))


def _crop_economics(spec: WorldSpec) -> pd.DataFrame:
    return pd.DataFrame([{**asdict(c), "source": spec.source} for c in spec.crops])


def _brand_signals(spec: WorldSpec, seed: int) -> pd.DataFrame:
    """GI status (from the spec) and simulated production and sellers; some counts left blank."""
    gis = {(g.county, g.product): g for g in spec.gis}
    growers_of = pd.Series([g.product for g in spec.growers]).value_counts()
    rows = []
    for g in spec.growers:
        rng = keyed_rng(seed, "brand", g.county, g.product)
        gi = gis.get((g.county, g.product))
        tonnes = round(g.scale_kg * 30 * 40 / 1000 * rng.lognormal(0.0, 0.2), 1)
        sellers = int(rng.lognormal(np.log(2 + g.scale_kg / 4), 0.4))
        national = int(growers_of[g.product] * rng.integers(20, 120))
        blank = rng.random() < 0.3
        rows.append(
            {
                "region": g.county,
                "product": g.product,
                "gi_status": gi.status if gi else "none",
                "gi_name_zh": gi.name_zh if gi else None,
                "gi_name_en": gi.name_en if gi else None,
                "production_tonnes": max(tonnes, 0.1),
                "n_sellers": None if blank else sellers,
                "national_suppliers": None if blank else national,
                "source": spec.source,
            }
        )
    frame = pd.DataFrame(rows)
    for column in ("n_sellers", "national_suppliers"):
        frame[column] = frame[column].astype("Int64")
    return frame


def simulate_world(
    world: WorldSpec = SOUTHWEST,
    *,
    seed: int = WORLD_SEED,
    weeks: int = WORLD_WEEKS,
    start: str = WORLD_START,
    plants: Iterable[str] = ALL_PLANTS,
) -> World:
    """Draw a world's weekly sales with some planted truths.

    Demand (kg a week) = scale x harvest season x trend x channel growth x festival effects x
    short-term price response x AR(1) noise; orders are negative-binomial. Prices follow the
    product's market (dear off season, a shock per crop year, a slow trend), a slow county
    drift, festival and random promotions and noise. Each plant changes only its own series;
    every other draw is keyed by what it belongs to, so it is the same with the plant on or off.

    Args:
        world: The world spec.
        seed: Seed of every random draw; the same seed gives identical frames.
        weeks: Number of weeks.
        start: A day in the first week (weeks end on Sunday).
        plants: Plants to switch on, from :data:`~recommender.demo.plants.ALL_PLANTS`
            (default: all; none gives the unplanted world).

    Returns:
        The world: sales, reference tables, profile and the truth of each active plant.

    Raises:
        ValueError: An unknown plant or fewer than one week.
    """
    active = frozenset(plants)
    unknown = sorted(active - set(ALL_PLANTS))
    if unknown:
        raise ValueError(f"unknown plant(s) {unknown}; known: {', '.join(ALL_PLANTS)}")
    sales = draw_sales(world, seed, weeks, start, active)
    p = world.profile
    profile = {
        "region": p.region,
        "raw_volume_kg": dict(p.raw_volume_kg),
        "capital_yuan": p.capital_yuan,
        "skill_level": p.skill_level,
        "cold_chain": p.cold_chain,
        "transit_days": p.transit_days,
    }
    return World(
        sales=sales,
        regions=_regions(world),
        products=_products(world),
        crop_economics=_crop_economics(world),
        brand_signals=_brand_signals(world, seed),
        profile=MappingProxyType(profile),
        truth=MappingProxyType(truth(world, sales, active)),
        spec=world,
        seed=seed,
    )
