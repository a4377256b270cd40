"""A seeded second world (:data:`SOUTHWEST`) with switchable planted truths, for generalisation."""

from __future__ import annotations

import json
import zlib
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from types import MappingProxyType

import numpy as np
import pandas as pd

from recommender.data.calendar import FESTIVAL_KEYS, calendar_features
from recommender.data.contract import (
    CHANNEL,
    COUNTY,
    DATE,
    FORM,
    PRICE,
    PRODUCT,
    PRODUCT_COLUMNS,
    QUANTITY,
    REGION,
    REGION_COLUMNS,
    REGION_OPTIONAL_COLUMNS,
)
from recommender.data.periods import WEEKLY, period_label
from recommender.demo.worldspec import SOUTHWEST, FormSpec, Grower, Season, WorldSpec

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
"""Every plant, each switchable in :func:`simulate_world`."""

WORLD_SEED = 23
HELD_OUT_SEED = 2029
WORLD_START = "2023-01-01"
WORLD_WEEKS = 156
"""The default draw (seed, first week, length) and a second seed for a held-out draw."""
OPTIONAL_TABLES: tuple[str, ...] = ("crop_economics", "brand_signals")
SALES_COLUMNS: tuple[str, ...] = (DATE, REGION, PRODUCT, CHANNEL, FORM, QUANTITY, PRICE)

# The planted numbers (and the levels without the plant).
RISING_RATE = 0.25  # price change a year
COLLAPSE_RATE, COLLAPSE_DISCOUNT = -0.35, -0.09  # price change a year; price vs other regions
BRAND_PREMIUM_RATE = 0.25  # price vs other regions, same week, channel and form
ROASTED_RATIO, ROASTED_RATIO_WITHOUT = 2.6, 1.15  # roasted over fresh price, same week, channel
DRIED_SCALE_KG, DRIED_SHELF_LIFE_DAYS = 120.0, 365  # dried chili: kg a week, days it keeps
BELOW_COST_PRICE, BELOW_COST_PRICE_WITHOUT = 1.3, 3.5  # fresh price, yuan/kg
GIFT_SHARE_DOUBLE_11, GIFT_SHARE_FESTIVAL, GIFT_SHARE_ORDINARY = 0.35, 0.10, 0.05
UNSOLD_GIFT_SHARE = 0.15  # gift_box share of the product in the counties that sell it

_MEAN_WEEKS_PER_YEAR = 365.2425 / 7
_GIFT = "gift_box"
_LEAD_FESTIVALS = ("mid_autumn", "qingming", "dragon_boat")  # gifts bought 1-2 weeks ahead
_ONLINE_EFFECTS = {"nianhuo": 0.3, "spring_festival": -1.0, "jd_618": 0.35, "double_11": 0.55,
                   "double_12": 0.2}  # fmt: skip
_CHANNEL_EFFECTS = {
    "wechat": {"nianhuo": 0.4, "spring_festival": -0.6, "mid_autumn": 0.2},
    "offline": {"spring_festival": 0.3, "national_day": 0.25, "labour_day": 0.15},
}
_FORM_EFFECTS = {
    "graded_packed": {"nianhuo": 0.25, "mid_autumn": 0.3},
    "gift_box": {"mid_autumn": 1.0, "nianhuo": 0.8, "double_11": 0.3, "dragon_boat": 0.25},
    "dried": {"nianhuo": 0.4},
    "sauce": {"nianhuo": 0.3},
    "roasted": {"nianhuo": 0.3, "double_11": 0.2},
}
_PROMO = {"jd_618": 0.08, "double_11": 0.12, "double_12": 0.06, "nianhuo": 0.04}
_ELASTICITY = {"fresh": -1.3, "graded_packed": -1.1, "gift_box": -0.7}  # others: -0.9


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


def _rng(seed: int, *key: object) -> np.random.Generator:
    """A generator for one named part of the world: stable whatever else is planted."""
    words = [zlib.crc32(str(k).encode("utf-8")) for k in key]
    return np.random.default_rng([seed, *words])


def _week_labels(start: str, weeks: int) -> pd.DatetimeIndex:
    if weeks < 1:
        raise ValueError(f"weeks must be at least 1, got {weeks}")
    first = period_label(pd.DatetimeIndex([pd.Timestamp(start)]), WEEKLY).iloc[0]
    return pd.date_range(first, periods=weeks, freq=WEEKLY)


def _membership(season: Season, day: np.ndarray) -> np.ndarray:
    """Smooth 0-1 membership of days of the year in the season's windows."""
    out = np.zeros(day.shape)
    for (m0, d0), (m1, d1) in season.windows:
        first = pd.Timestamp(2001, m0, d0).dayofyear
        length = (pd.Timestamp(2001, m1, d1).dayofyear - first) % 365
        pos = (day - first) % 365
        depth = np.where(
            pos <= length, np.minimum(pos, length - pos), -np.minimum(pos - length, 365 - pos)
        )
        out = np.maximum(out, 1.0 / (1.0 + np.exp(-depth / 7.0)))
    return out


def _ar1(shocks: np.ndarray, phi: float) -> np.ndarray:
    """Stationary AR(1) paths from rows of shocks."""
    out = np.empty(shocks.shape)
    out[:, 0] = shocks[:, 0] / np.sqrt(1 - phi**2)
    for t in range(1, shocks.shape[1]):
        out[:, t] = phi * out[:, t - 1] + shocks[:, t]
    return out


def _festivals(labels: pd.DatetimeIndex) -> tuple[dict[str, np.ndarray], pd.DataFrame]:
    """Per festival the weekly weight of its demand effect (with lead weeks), and the flags."""
    flags = calendar_features(labels, WEEKLY)
    kernels = {}
    for key in FESTIVAL_KEYS:
        hit = flags[f"fest_{key}"].to_numpy(dtype=float)
        if key in _LEAD_FESTIVALS:
            ahead1, ahead2 = np.append(hit[1:], 0.0), np.append(hit[2:], [0.0, 0.0])
            hit = np.maximum.reduce([hit, 0.8 * ahead1, 0.5 * ahead2])
        kernels[key] = hit
    return kernels, flags


def _channel_effects(channel: str, online: bool) -> dict[str, float]:
    """Festival demand effects of a channel: its own, else the platforms' when online."""
    return _CHANNEL_EFFECTS.get(channel, _ONLINE_EFFECTS if online else {})


def _row(
    g: Grower, fs: FormSpec, channel: str, kind: str, scale: float, trend: float, premium: float
) -> dict[str, object]:
    """One row of the series table."""
    return {
        REGION: g.county, PRODUCT: g.product, CHANNEL: channel, FORM: fs.form, "kind": kind,
        "scale": scale, "trend": trend, "premium": premium, "price_factor": fs.price_factor,
        "pack_kg": fs.pack_kg, "seasonality": fs.seasonality,
    }  # fmt: skip


def _series(spec: WorldSpec, seed: int, plants: frozenset[str]) -> pd.DataFrame:
    """One row per (county, product, channel, form) series with its scale, price and traits.

    ``kind`` is ``base`` (demand drawn) or the name of a share profile (see
    :func:`_share_profiles`): the gift-box series whose kg are a weekly share of the same
    county, product and channel's other forms.
    """
    t = spec.targets
    rows: list[dict[str, object]] = []
    for g in spec.growers:
        product = spec.product(g.product)
        planted = (g.county, g.product) == t.long_shelf_form
        forms = [*g.forms, *(["dried"] if planted and LONG_SHELF_FORM in plants else [])]
        rng = _rng(seed, "grower", g.county, g.product)
        trend = 0.0 if planted else float(rng.normal(0.03, 0.12))
        premium = float(np.exp(rng.normal(0.0, 0.02)))
        mix = []
        for fs in (product.form(f) for f in forms):
            for channel in g.channels:
                if fs.channels and channel not in fs.channels:
                    continue
                draw = _rng(seed, "mix", g.county, g.product, fs.form, channel).lognormal(0, 0.3)
                mix.append((fs, channel, fs.weight * spec.channel(channel).weight * draw))
        dried = sum(w for fs, _, w in mix if planted and fs.form == "dried")
        total = sum(w for _, _, w in mix) - dried
        for fs, channel, weight in mix:
            if planted and fs.form == "dried":
                scale = DRIED_SCALE_KG * weight / dried
            else:
                scale = g.scale_kg * weight / total
            rows.append(_row(g, fs, channel, "base", scale, trend, premium))
        for channel, kind in _share_channels(spec, g.county, g.product, g.channels, plants):
            rows.append(_row(g, product.form(_GIFT), channel, kind, 0.0, trend, premium))
    return _plant_prices(spec, pd.DataFrame(rows), plants)


def _share_channels(
    spec: WorldSpec, county: str, product: str, channels: tuple[str, ...], plants: frozenset[str]
) -> list[tuple[str, str]]:
    """The planted gift-box series of a county's product: ``(channel, share profile)`` pairs."""
    t = spec.targets
    if product == t.festival_mix:
        kind = "festival_mix" if FESTIVAL_MIX in plants else "festival_flat"
    elif product == t.unsold_form[1] and county != t.unsold_form[0] and UNSOLD_FORM in plants:
        kind = "unsold"
    else:
        return []
    allowed = spec.product(product).form(_GIFT).channels
    return [(c, kind) for c in channels if not allowed or c in allowed]


def _plant_prices(spec: WorldSpec, series: pd.DataFrame, plants: frozenset[str]) -> pd.DataFrame:
    """Reference prices (yuan/kg) with the price plants written in."""
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


def _price_paths(
    spec: WorldSpec,
    series: pd.DataFrame,
    labels: pd.DatetimeIndex,
    seed: int,
    plants: frozenset[str],
    kernels: dict[str, np.ndarray],
) -> tuple[np.ndarray, np.ndarray]:
    """Log price moves per series and week: the market's and the short-term part of them.

    Returns:
        The full log move (season, harvest, trend, region drift, promotions, noise) and its
        short-term part (what demand responds to).
    """
    t = spec.targets
    weeks = len(labels)
    years = np.arange(weeks) / _MEAN_WEEKS_PER_YEAR
    mid = labels - pd.Timedelta(days=3)
    day = np.asarray(mid.dayofyear, dtype=float)
    year_idx = np.asarray(mid.year - mid.year.min())
    market, trend = {}, {}
    for p in spec.products:
        rng = _rng(seed, "market", p.code)
        member = _membership(p.season, day)
        off = 1.0 - member
        first = pd.Timestamp(2001, *p.season.windows[0][0]).dayofyear
        crop_year = year_idx - (day < first) + 1
        harvest = rng.normal(0.0, 0.03, year_idx.max() + 2)[crop_year]
        sold = p.season.floor + (1.0 - p.season.floor) * member  # centred where volume sells
        dear = off - np.average(off, weights=sold)
        market[p.code] = 0.3 * (1.0 - p.season.floor) * dear + harvest
        trend[p.code] = float(np.clip(rng.normal(0.0, 0.01), -0.02, 0.02))
    if RISING_CROP in plants:
        trend[t.rising_crop] = float(np.log1p(RISING_RATE))
    if COLLAPSING_PRICE in plants:
        trend[t.collapsing_price[1]] = float(np.log1p(COLLAPSE_RATE))
    n = len(series)
    drift_keys = list(zip(series[REGION], series[PRODUCT], strict=True))
    drift = {
        k: _ar1(_rng(seed, "drift", *k).normal(0.0, 0.012, (1, weeks)), 0.8)[0]
        for k in dict.fromkeys(drift_keys)
    }
    short = np.empty((n, weeks))
    long_move = np.empty((n, weeks))
    online = {c.code: c.online and c.code not in _CHANNEL_EFFECTS for c in spec.channels}
    festival_promo = -sum(_PROMO.get(k, 0.0) * (kernels[k] > 0.99) for k in FESTIVAL_KEYS)
    for i, row in enumerate(series.itertuples(index=False)):
        rng = _rng(seed, "price", *row[:4])
        promo = np.asarray(festival_promo, dtype=float) * online[row[2]]
        if row[2] != "offline":
            promo = promo - (rng.random(weeks) < 0.03) * rng.uniform(0.12, 0.25, weeks)
        noise = rng.normal(0.0, 0.03, weeks)
        short[i] = market[row[1]] + np.log1p(promo) + noise
        long_move[i] = short[i] + trend[row[1]] * years + drift[(row[0], row[1])]
    return long_move, short


def _demand(
    spec: WorldSpec,
    series: pd.DataFrame,
    labels: pd.DatetimeIndex,
    seed: int,
    kernels: dict[str, np.ndarray],
    short: np.ndarray,
) -> np.ndarray:
    """Weekly kg of every base series (share series are left at 0)."""
    weeks = len(labels)
    years = np.arange(weeks) / _MEAN_WEEKS_PER_YEAR
    day = np.asarray((labels - pd.Timedelta(days=3)).dayofyear, dtype=float)
    members = {p.code: _membership(p.season, day) for p in spec.products}
    floors = {p.code: p.season.floor for p in spec.products}
    groups = list(dict.fromkeys(zip(series[REGION], series[PRODUCT], strict=True)))
    shared = {
        k: _ar1(_rng(seed, "demand", *k).normal(0.0, 0.08, (1, weeks)), 0.6)[0] for k in groups
    }
    quantity = np.zeros((len(series), weeks))
    for i, row in enumerate(series.itertuples(index=False)):
        region, product, channel, form, kind = row[:5]
        if kind != "base":
            continue
        rng = _rng(seed, "demand", region, product, channel, form)
        ch = spec.channel(channel)
        season = row.seasonality * np.log(
            floors[product] + (1 - floors[product]) * members[product]
        )
        fest = np.zeros(weeks)
        for key, kernel in kernels.items():
            effect = _channel_effects(channel, ch.online).get(key, 0.0)
            effect += _FORM_EFFECTS.get(form, {}).get(key, 0.0)
            fest += effect * kernel
        elasticity = _ELASTICITY.get(form, -0.9) * rng.uniform(0.8, 1.2)
        noise = shared[(region, product)] + _ar1(rng.normal(0.0, 0.06, (1, weeks)), 0.3)[0]
        log_kg = (
            np.log(row.scale)
            + season
            + row.trend * years
            + ch.growth * years
            + fest
            + elasticity * short[i]
            + noise
        )
        mean_orders = np.exp(np.minimum(log_kg, 16.0)) / row.pack_kg
        shape = rng.uniform(8.0, 25.0)
        orders = rng.poisson(mean_orders * rng.gamma(shape, 1.0 / shape, weeks))
        quantity[i] = orders * row.pack_kg
    return quantity


def _share_profiles(flags: pd.DataFrame) -> dict[str, np.ndarray]:
    """Weekly gift-box share of a product's volume, per share profile."""
    double_11 = flags["fest_double_11"].to_numpy() == 1
    festival = flags["fest_any"].to_numpy() == 1
    ordinary = np.full(len(flags), GIFT_SHARE_ORDINARY)
    flat = np.where(festival, GIFT_SHARE_FESTIVAL, ordinary)
    return {
        "festival_mix": np.where(double_11, GIFT_SHARE_DOUBLE_11, flat),
        "festival_flat": flat,
        "unsold": np.full(len(flags), UNSOLD_GIFT_SHARE),
    }


def _fill_shares(
    series: pd.DataFrame, quantity: np.ndarray, flags: pd.DataFrame, seed: int
) -> np.ndarray:
    """Quantities of the share series: share / (1 - share) x the other forms' kg, with noise."""
    out = quantity.copy()
    profiles = _share_profiles(flags)
    keys = list(zip(series[REGION], series[PRODUCT], series[CHANNEL], strict=True))
    base = series["kind"].to_numpy() == "base"
    for i, kind in enumerate(series["kind"]):
        if kind == "base":
            continue
        same = np.array([k == keys[i] for k in keys]) & base
        share = profiles[kind]
        rng = _rng(seed, "share", *keys[i])
        noise = rng.lognormal(-0.5 * 0.15**2, 0.15, quantity.shape[1])
        out[i] = quantity[same].sum(axis=0) * share / (1.0 - share) * noise
    return out


def _sales(
    series: pd.DataFrame, labels: pd.DatetimeIndex, quantity: np.ndarray, log_move: np.ndarray
) -> pd.DataFrame:
    """The sales frame: rows where a sale was made, date-major."""
    n, weeks = quantity.shape
    price = np.round(series["ref_price"].to_numpy()[:, None] * np.exp(log_move), 2)
    keys = {c: np.repeat(series[c].to_numpy(), weeks) for c in (REGION, PRODUCT, CHANNEL, FORM)}
    sales = pd.DataFrame(
        {
            DATE: np.tile(labels.to_numpy(), n),
            **keys,
            QUANTITY: np.round(quantity, 1).ravel(),
            PRICE: np.maximum(price, 0.01).ravel(),
        }
    )
    sales = sales[sales[QUANTITY] > 0]
    order = np.argsort(sales[DATE].to_numpy(), kind="stable")
    return sales.iloc[order].reset_index(drop=True)[list(SALES_COLUMNS)]


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
        rng = _rng(seed, "brand", g.county, g.product)
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


def _truth(spec: WorldSpec, sales: pd.DataFrame, plants: frozenset[str]) -> dict[str, Planted]:
    """What each active plant put into the data, with realised figures where useful."""
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
        _GIFT,
        festival="double_11",
        share_double_11=GIFT_SHARE_DOUBLE_11,
        share_other_festivals=GIFT_SHARE_FESTIVAL,
        share_ordinary=GIFT_SHARE_ORDINARY,
        share_double_11_without=GIFT_SHARE_FESTIVAL,
    )
    region, product = t.unsold_form
    sellers = tuple(
        sorted(set(sales.loc[(sales[PRODUCT] == product) & (sales[FORM] == _GIFT), REGION]))
    )
    add(
        UNSOLD_FORM,
        region,
        product,
        _GIFT,
        share=UNSOLD_GIFT_SHARE,
        sold_by=sellers,
        raw_volume_kg=float(spec.profile.raw_volume_kg.get(product, 0.0)),
    )
    return out


def simulate_world(
    world: WorldSpec = SOUTHWEST,
    *,
    seed: int = WORLD_SEED,
    weeks: int = WORLD_WEEKS,
    start: str = WORLD_START,
    plants: Iterable[str] = ALL_PLANTS,
) -> World:
    """Draw a world's weekly sales with some planted truths (see :data:`ALL_PLANTS`).

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
        plants: Plants to switch on (default: all; none gives the unplanted world).

    Returns:
        The world: sales, reference tables, profile and the truth of each active plant.

    Raises:
        ValueError: An unknown plant or fewer than one week.
    """
    active = frozenset(plants)
    unknown = sorted(active - set(ALL_PLANTS))
    if unknown:
        raise ValueError(f"unknown plant(s) {unknown}; known: {', '.join(ALL_PLANTS)}")
    labels = _week_labels(start, weeks)
    kernels, flags = _festivals(labels)
    series = _series(world, seed, active)
    log_move, short = _price_paths(world, series, labels, seed, active, kernels)
    quantity = _demand(world, series, labels, seed, kernels, short)
    quantity = _fill_shares(series, quantity, flags, seed)
    sales = _sales(series, labels, quantity, log_move)
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
        truth=MappingProxyType(_truth(world, sales, active)),
        spec=world,
        seed=seed,
    )
