"""Seeded demo and benchmark sales data: weekly county x product x channel x form series."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from recommender.data.calendar import calendar_features
from recommender.data.contract import CHANNEL, DATE, FORM, PRICE, PRODUCT, QUANTITY, REGION
from recommender.data.periods import WEEKLY, period_label
from recommender.demo import catalog
from recommender.demo.catalog import (
    DEMO_SEED,
    DEMO_START,
    DEMO_WEEKS,
    FESTIVAL_EFFECTS_BY_CATEGORY,
    FESTIVAL_EFFECTS_BY_CHANNEL,
    FESTIVAL_EFFECTS_BY_FORM,
    FORM_TRAITS,
    LEAD_FESTIVALS,
    MEAN_WEEKS_PER_YEAR,
    ONLINE_CHANNELS,
    PROMO_DISCOUNT,
)
from recommender.demo.simspec import demo_specs, panel_specs

SALES_COLUMNS: tuple[str, ...] = (DATE, REGION, PRODUCT, CHANNEL, FORM, QUANTITY, PRICE)


@dataclass(frozen=True)
class DemoData:
    """The demo data set: weekly sales and the two reference tables.

    Attributes:
        sales: One row per (week-ending Sunday, region, product, channel, form) with a sale.
        regions: Provinces, cities and counties (see :func:`catalog.regions_frame`).
        products: Products (see :func:`catalog.products_frame`).
    """

    sales: pd.DataFrame
    regions: pd.DataFrame
    products: pd.DataFrame


_CATEGORY = {p.product: p.category for p in catalog.PRODUCTS}


def _in_window(day: np.ndarray, first: float, last: float) -> np.ndarray:
    """Smooth 0-1 membership of day-of-year values in a (possibly year-crossing) window."""
    length = (last - first) % 365
    pos = (day - first) % 365
    inside = pos <= length
    depth = np.where(inside, np.minimum(pos, length - pos), -np.minimum(pos - length, 365 - pos))
    return 1.0 / (1.0 + np.exp(-depth / 7.0))


def _day_of_year(month: int, day: int) -> int:
    return pd.Timestamp(2001, month, day).dayofyear


def _season(specs: pd.DataFrame, doy: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Seasonal shape of each series.

    Returns:
        Per series and week the log seasonal demand factor and how far off-season it is (0-1);
        per series the day of year its crop year starts (its first selling window).
    """
    log_factor, off = np.empty(doy.shape), np.empty(doy.shape)
    crop_start = np.empty(len(specs))
    for (product, form), rows in specs.groupby([PRODUCT, FORM], sort=False).indices.items():
        season = catalog.season_of(product, form)
        day = doy[rows]
        member = np.zeros(day.shape)
        for first, last in season.windows:
            window = _in_window(day, _day_of_year(*first), _day_of_year(*last))
            member = np.maximum(member, window)
        strength = FORM_TRAITS[form].seasonality
        log_factor[rows] = strength * np.log(season.floor + (1 - season.floor) * member)
        off[rows] = strength * (1.0 - member)
        crop_start[rows] = _day_of_year(*season.windows[0][0])
    return log_factor, off, crop_start


def _festival_kernels(labels: pd.DatetimeIndex) -> dict[str, np.ndarray]:
    """Per festival, the weekly weight of its effect (1 in its weeks; lead weeks for gifts)."""
    features = calendar_features(labels, WEEKLY)
    kernels = {}
    for key in ("nianhuo", "spring_festival", "qingming", "labour_day", "dragon_boat",
                "mid_autumn", "national_day", "jd_618", "double_11", "double_12"):  # fmt: skip
        hit = features[f"fest_{key}"].to_numpy(dtype=float)
        if key in LEAD_FESTIVALS:
            ahead1, ahead2 = np.append(hit[1:], 0.0), np.append(hit[2:], [0.0, 0.0])
            hit = np.maximum.reduce([hit, 0.8 * ahead1, 0.5 * ahead2])
        kernels[key] = hit
    return kernels


def _ar1(rng: np.random.Generator, rows: int, weeks: int, phi: float, sd: float) -> np.ndarray:
    """Stationary AR(1) noise, one row per series."""
    shocks = rng.normal(0.0, sd, (rows, weeks))
    out = np.empty((rows, weeks))
    out[:, 0] = shocks[:, 0] / np.sqrt(1 - phi**2)
    for t in range(1, weeks):
        out[:, t] = phi * out[:, t - 1] + shocks[:, t]
    return out


def generate_sales(
    specs: pd.DataFrame, labels: pd.DatetimeIndex, seed: int, dense: bool = False
) -> pd.DataFrame:
    """Draw weekly sales for every series of a spec table.

    Demand (orders a week) = scale x harvest season x trend x channel growth x festival effects
    x price response x AR(1) noise (shared by a region x product, plus per series); orders are
    negative-binomial and quantity is orders x pack size. Prices follow the season (dear off
    season), the year's harvest, a slow trend, festival promotions and random promotions. An
    optional spec column ``price_break`` (years from the start; NaN = 0) delays a series' price
    trend until then (used by :mod:`recommender.demo.scenarios`).

    Args:
        specs: A spec table (see :func:`recommender.demo.simspec.demo_specs`).
        labels: Week-ending Sundays.
        seed: Seed of ``numpy.random.default_rng``.
        dense: Keep weeks without a sale (quantity 0) instead of omitting them.

    Returns:
        Sales in the contract columns ``SALES_COLUMNS``.
    """
    rng = np.random.default_rng([seed, 3])
    n, weeks = len(specs), len(labels)
    years = np.arange(weeks) / MEAN_WEEKS_PER_YEAR
    mid_week = labels - pd.Timedelta(days=3)
    year_idx = np.asarray(mid_week.year - mid_week.year.min())
    groups = pd.factorize(specs["group"])[0]
    jitter = rng.normal(0.0, 4.0, (groups.max() + 1, year_idx.max() + 1))[groups][:, year_idx]
    day = np.asarray(mid_week.dayofyear)[None, :]
    log_season, off_season, crop_start = _season(specs, day - jitter)
    crop_year = year_idx[None, :] - (day < crop_start[:, None])  # a harvest sets its season

    col = {c: specs[c].to_numpy()[:, None] for c in specs.columns}
    ramp = 1.0 / (1.0 + np.exp(-(years[None, :] - col["ramp_mid"]) / 0.45))
    growth = np.where(np.isnan(col["ramp_mid"]), col["growth"] * years, np.log(ramp))

    kernels = _festival_kernels(labels)
    log_fest = np.zeros((n, weeks))
    promo = np.zeros((n, weeks))
    online = np.isin(col[CHANNEL], ONLINE_CHANNELS)
    for key, kernel in kernels.items():
        effect = [
            FESTIVAL_EFFECTS_BY_CHANNEL[c].get(key, 0.0)
            + FESTIVAL_EFFECTS_BY_FORM[f].get(key, 0.0)
            + FESTIVAL_EFFECTS_BY_CATEGORY.get(_CATEGORY[p], {}).get(key, 0.0)
            for c, f, p in zip(specs[CHANNEL], specs[FORM], specs[PRODUCT], strict=True)
        ]
        log_fest += np.asarray(effect)[:, None] * kernel[None, :]
        promo -= PROMO_DISCOUNT.get(key, 0.0) * online * (kernel[None, :] > 0.99)
    random_promo = (rng.random((n, weeks)) < 0.03) & (col[CHANNEL] != "offline")
    promo -= random_promo * rng.uniform(0.12, 0.25, (n, weeks))

    products = pd.factorize(specs[PRODUCT])[0]
    shocks = rng.normal(0.0, 0.10, (products.max() + 1, year_idx.max() + 2))
    harvest = np.take_along_axis(shocks[products], crop_year + 1, axis=1)
    price_years = years[None, :]
    if "price_break" in col:  # optional: the price trend starts this many years in
        price_years = np.maximum(price_years - np.nan_to_num(col["price_break"]), 0.0)
    log_price_move = (
        0.35 * off_season + harvest + col["price_trend"] * price_years + np.log1p(promo)
        + rng.normal(0.0, 0.025, (n, weeks))
    )  # fmt: skip
    noise = _ar1(rng, groups.max() + 1, weeks, 0.6, 0.08)[groups] + _ar1(rng, n, weeks, 0.3, 0.06)
    log_demand = (
        np.log(col["scale"]) + log_season + col["trend"] * years + growth + log_fest
        + col["elasticity"] * log_price_move + noise
    )  # fmt: skip
    mean = np.exp(np.minimum(log_demand, 16.0))
    shape = col["dispersion"]
    orders = rng.poisson(mean * rng.gamma(shape, 1.0 / shape, (n, weeks)))
    quantity = np.round(orders * col["pack_kg"], 1)
    price = np.round(col["ref_price"] * np.exp(log_price_move), 2)

    keys = {c: np.repeat(specs[c].to_numpy(), weeks) for c in (REGION, PRODUCT, CHANNEL, FORM)}
    sales = pd.DataFrame(
        {DATE: np.tile(labels.to_numpy(), n), **keys,
         QUANTITY: quantity.ravel(), PRICE: price.ravel()}
    )  # fmt: skip
    if not dense:
        sales = sales[sales[QUANTITY] > 0]
    order = np.argsort(sales[DATE].to_numpy(), kind="stable")  # date-major, spec order within
    return sales.iloc[order].reset_index(drop=True)[list(SALES_COLUMNS)]


def week_labels(start: str, weeks: int) -> pd.DatetimeIndex:
    """The labels (Sundays) of ``weeks`` weeks from the week holding ``start``."""
    """``weeks`` week-ending Sundays from the week that contains ``start``."""
    if weeks < 1:
        raise ValueError(f"weeks must be at least 1, got {weeks}")
    first = period_label(pd.DatetimeIndex([pd.Timestamp(start)]), WEEKLY).iloc[0]
    return pd.date_range(first, periods=weeks, freq=WEEKLY)


def simulate_demo(
    seed: int = DEMO_SEED, start: str = DEMO_START, weeks: int = DEMO_WEEKS
) -> DemoData:
    """The seeded demo data set: about 3.9 years of weekly sales of 18 real counties.

    Args:
        seed: Seed of every random draw; the same seed gives identical frames.
        start: A day in the first week (weeks end on Sunday).
        weeks: Number of weeks.

    Returns:
        Sales (zero-sale weeks omitted), regions and products.
    """
    labels = week_labels(start, weeks)
    sales = generate_sales(demo_specs(seed), labels, seed)
    return DemoData(sales, catalog.regions_frame(), catalog.products_frame())


def simulate_panel(
    n_series: int,
    weeks: int = 156,
    seed: int = DEMO_SEED,
    start: str = DEMO_START,
    dense: bool = False,
) -> pd.DataFrame:
    """A sales frame of any size for benchmarks, from the same machinery as the demo.

    Args:
        n_series: Number of region x product series (one channel and form each).
        weeks: Number of weeks.
        seed: Seed of every random draw.
        start: A day in the first week.
        dense: Keep zero-sale weeks (exactly ``n_series * weeks`` rows).

    Returns:
        Sales in the contract columns.
    """
    if n_series < 1:
        raise ValueError(f"n_series must be at least 1, got {n_series}")
    return generate_sales(panel_specs(n_series, seed), week_labels(start, weeks), seed, dense)
