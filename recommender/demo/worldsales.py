"""The weekly sales of a generated world: its series, prices and demand, drawn from a seed."""

from __future__ import annotations

import zlib

import numpy as np
import pandas as pd

from recommender.data.calendar import FESTIVAL_KEYS, calendar_features
from recommender.data.contract import CHANNEL, DATE, FORM, PRICE, PRODUCT, QUANTITY, REGION
from recommender.data.periods import WEEKLY, period_label
from recommender.demo.plants import (
    COLLAPSE_RATE,
    COLLAPSING_PRICE,
    DRIED_SCALE_KG,
    GIFT_BOX,
    LONG_SHELF_FORM,
    RISING_CROP,
    RISING_RATE,
    plant_prices,
    share_channels,
    share_profiles,
)
from recommender.demo.worldspec import FormSpec, Grower, Season, WorldSpec

SALES_COLUMNS: tuple[str, ...] = (DATE, REGION, PRODUCT, CHANNEL, FORM, QUANTITY, PRICE)
"""The columns of the drawn sales, in order."""

_MEAN_WEEKS_PER_YEAR = 365.2425 / 7
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


def draw_sales(
    world: WorldSpec, seed: int, weeks: int, start: str, plants: frozenset[str]
) -> pd.DataFrame:
    """Draw a world's weekly sales with the given plants on.

    Args:
        world: The world spec.
        seed: Seed of every random draw.
        weeks: Number of weeks.
        start: A day in the first week (weeks end on Sunday).
        plants: The active plants (known ones).

    Returns:
        One row per (week-ending Sunday, region, product, channel, form) with a sale, date
        major, with :data:`SALES_COLUMNS`.

    Raises:
        ValueError: Fewer than one week.
    """
    labels = _week_labels(start, weeks)
    kernels, flags = _festivals(labels)
    series = _series(world, seed, plants)
    log_move, short = _price_paths(world, series, labels, seed, plants, kernels)
    quantity = _demand(world, series, labels, seed, kernels, short)
    quantity = _fill_shares(series, quantity, flags, seed)
    return _sales(series, labels, quantity, log_move)


def keyed_rng(seed: int, *key: object) -> np.random.Generator:
    """A generator for one named part of the world: stable whatever else is planted.

    Args:
        seed: The seed of the draw.
        *key: What the part belongs to (its name, county, product...).

    Returns:
        A generator seeded by ``seed`` and the CRC-32 of each key's text.
    """
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
    :func:`~recommender.demo.plants.share_profiles`): the gift-box series whose kg are a weekly
    share of the same county, product and channel's other forms.
    """
    t = spec.targets
    rows: list[dict[str, object]] = []
    for g in spec.growers:
        product = spec.product(g.product)
        planted = (g.county, g.product) == t.long_shelf_form
        forms = [*g.forms, *(["dried"] if planted and LONG_SHELF_FORM in plants else [])]
        rng = keyed_rng(seed, "grower", g.county, g.product)
        trend = 0.0 if planted else float(rng.normal(0.03, 0.12))
        premium = float(np.exp(rng.normal(0.0, 0.02)))
        mix = []
        for fs in (product.form(f) for f in forms):
            for channel in g.channels:
                if fs.channels and channel not in fs.channels:
                    continue
                key = ("mix", g.county, g.product, fs.form, channel)
                draw = keyed_rng(seed, *key).lognormal(0, 0.3)
                mix.append((fs, channel, fs.weight * spec.channel(channel).weight * draw))
        dried = sum(w for fs, _, w in mix if planted and fs.form == "dried")
        total = sum(w for _, _, w in mix) - dried
        for fs, channel, weight in mix:
            if planted and fs.form == "dried":
                scale = DRIED_SCALE_KG * weight / dried
            else:
                scale = g.scale_kg * weight / total
            rows.append(_row(g, fs, channel, "base", scale, trend, premium))
        for channel, kind in share_channels(spec, g.county, g.product, g.channels, plants):
            rows.append(_row(g, product.form(GIFT_BOX), channel, kind, 0.0, trend, premium))
    return plant_prices(spec, pd.DataFrame(rows), plants)


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
        rng = keyed_rng(seed, "market", p.code)
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
        k: _ar1(keyed_rng(seed, "drift", *k).normal(0.0, 0.012, (1, weeks)), 0.8)[0]
        for k in dict.fromkeys(drift_keys)
    }
    short = np.empty((n, weeks))
    long_move = np.empty((n, weeks))
    online = {c.code: c.online and c.code not in _CHANNEL_EFFECTS for c in spec.channels}
    festival_promo = -sum(_PROMO.get(k, 0.0) * (kernels[k] > 0.99) for k in FESTIVAL_KEYS)
    for i, row in enumerate(series.itertuples(index=False)):
        rng = keyed_rng(seed, "price", *row[:4])
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
        k: _ar1(keyed_rng(seed, "demand", *k).normal(0.0, 0.08, (1, weeks)), 0.6)[0] for k in groups
    }
    quantity = np.zeros((len(series), weeks))
    for i, row in enumerate(series.itertuples(index=False)):
        region, product, channel, form, kind = row[:5]
        if kind != "base":
            continue
        rng = keyed_rng(seed, "demand", region, product, channel, form)
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


def _fill_shares(
    series: pd.DataFrame, quantity: np.ndarray, flags: pd.DataFrame, seed: int
) -> np.ndarray:
    """Quantities of the share series: share / (1 - share) x the other forms' kg, with noise."""
    out = quantity.copy()
    profiles = share_profiles(flags)
    keys = list(zip(series[REGION], series[PRODUCT], series[CHANNEL], strict=True))
    base = series["kind"].to_numpy() == "base"
    for i, kind in enumerate(series["kind"]):
        if kind == "base":
            continue
        same = np.array([k == keys[i] for k in keys]) & base
        share = profiles[kind]
        rng = keyed_rng(seed, "share", *keys[i])
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
