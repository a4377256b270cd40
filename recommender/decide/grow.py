"""What to grow: price trends per product and crops ranked by profit per mu over a horizon."""

from __future__ import annotations

import numpy as np
import pandas as pd

from recommender.data.assumptions import DEFAULT_FOR, default_note
from recommender.data.contract import DATE, DEFAULT_FORM, FORM, PRICE, PRODUCT, QUANTITY, REGION
from recommender.data.periods import WEEKLY, WEEKS_PER_YEAR
from recommender.data.tables import ANY_ZONE

TREND_DAMPING = 0.7
"""Per year, the share of the price trend that carries on (damped trend, as in damped ETS)."""
TREND_CLIP = 0.5
"""Trends are clipped to ±50 %/yr before they are projected."""
FALLING_TREND = -0.10
"""Below this yearly trend the risk note warns of falling prices."""
TREND_COLUMNS = (PRODUCT, "price_per_kg", "price_trend", "price_cv")
RANK_COLUMNS = (
    REGION,
    PRODUCT,
    "grown_here",
    "climate_zone",
    "yield_per_mu_kg",
    "cost_per_mu_yuan",
    "months_to_first_harvest",
    "price_per_kg",
    "price_trend",
    "demand_growth",
    "expected_price_per_kg",
    "profit_per_mu_year",
    "profit_per_mu_horizon",
    "risk",
    "risk_note",
    DEFAULT_FOR,
    "score",
    "reason",
    "reason_zh",
)


def _weekly_prices(sales: pd.DataFrame) -> pd.DataFrame:
    """Quantity-weighted weekly price per product: fresh rows, or any form when never fresh."""
    df = sales[[DATE, PRODUCT, QUANTITY, PRICE]].copy()
    df[FORM] = sales[FORM].fillna(DEFAULT_FORM) if FORM in sales.columns else DEFAULT_FORM
    df[PRICE] = pd.to_numeric(df[PRICE], errors="coerce")
    df[QUANTITY] = pd.to_numeric(df[QUANTITY], errors="coerce")
    df = df[np.isfinite(df[PRICE]) & (df[PRICE] > 0) & np.isfinite(df[QUANTITY])]
    df = df[df[QUANTITY] > 0]
    has_fresh = df.groupby(PRODUCT)[FORM].transform(lambda f: (f == DEFAULT_FORM).any())
    df = df[~has_fresh | (df[FORM] == DEFAULT_FORM)]
    df = df.assign(
        week=pd.to_datetime(df[DATE]).dt.to_period(WEEKLY).dt.end_time.dt.normalize(),
        _value=df[QUANTITY] * df[PRICE],
    )
    g = df.groupby([PRODUCT, "week"], as_index=False)[["_value", QUANTITY]].sum()
    return g.assign(price=g["_value"] / g[QUANTITY])


def _trend_row(part: pd.DataFrame) -> pd.Series:
    """Current price, yearly log-linear trend and CV of one product's weekly prices."""
    recent = part[part["week"] > part["week"].max() - pd.Timedelta(weeks=WEEKS_PER_YEAR)]
    current = recent["_value"].sum() / recent[QUANTITY].sum()
    years = (part["week"] - part["week"].min()).dt.days.to_numpy() / 365.25
    logs = np.log(part["price"].to_numpy())
    slope = np.polyfit(years, logs, 1)[0] if np.ptp(years) > 0 else 0.0
    prices = part["price"].to_numpy()
    return pd.Series(
        {
            "price_per_kg": current,
            "price_trend": float(np.expm1(slope)),
            "price_cv": float(prices.std() / prices.mean()),
        }
    )


def price_trends(sales: pd.DataFrame) -> pd.DataFrame:
    """Current price, yearly trend and volatility of each product, from weekly prices.

    Weekly prices are quantity-weighted over all regions, from fresh sales (any form for a
    product never sold fresh, whose form mix then moves the price too). ``price_per_kg`` is the
    quantity-weighted price of the last 52 weeks of the product's history; ``price_trend`` is
    ``exp(b) - 1`` where ``b`` is the least-squares slope of log weekly price on time in years
    (-0.25: falling 25 % a year; 0 with a single week); ``price_cv`` is the standard deviation
    over the mean of all weekly prices.

    Args:
        sales: Validated sales (date, product, quantity, price, optional form).

    Returns:
        Columns ``product, price_per_kg, price_trend, price_cv``, one row per product with a
        price, sorted by product.
    """
    if PRICE not in sales.columns:
        return pd.DataFrame(columns=list(TREND_COLUMNS))
    weekly = _weekly_prices(sales)
    if weekly.empty:
        return pd.DataFrame(columns=list(TREND_COLUMNS))
    rows = [_trend_row(part).rename(name) for name, part in weekly.groupby(PRODUCT)]
    out = pd.DataFrame(rows).rename_axis(PRODUCT).reset_index()
    return out.sort_values(PRODUCT).reset_index(drop=True)[list(TREND_COLUMNS)]


def _price_path(price: np.ndarray, trend: np.ndarray, years: np.ndarray) -> np.ndarray:
    """Damped-trend price after ``years``: log moves ``log(1+g) * (1 - φ^t) / -ln φ``."""
    rate = np.log1p(np.clip(trend, -TREND_CLIP, TREND_CLIP))
    factor = (1.0 - TREND_DAMPING**years) / -np.log(TREND_DAMPING)
    return price * np.exp(rate * factor)


def _horizon_revenue(df: pd.DataFrame, horizon_years: float) -> np.ndarray:
    """Yield × damped price summed month by month, counting only months after first harvest."""
    months = np.arange(int(np.ceil(horizon_years * 12)))[None, :]
    first = df["months_to_first_harvest"].to_numpy(float)[:, None]
    share = np.clip(np.minimum(months + 1, horizon_years * 12) - np.maximum(months, first), 0, 1)
    price = df["price_per_kg"].to_numpy(float)[:, None]
    trend = df["price_trend"].to_numpy(float)[:, None]
    path = _price_path(price, trend, (months + 0.5) / 12)
    return df["yield_per_mu_kg"].to_numpy(float) * (share * path).sum(axis=1) / 12


def _candidates(
    region: str, zone: str | None, crops: pd.DataFrame, growth: pd.DataFrame | None
) -> pd.DataFrame:
    """Products grown here or in the zone, with their economics.

    A product's economics come from its rows for the zone (or for any zone, ``*``), else the
    mean over all its rows; ``default_for`` names the category when any row used is a default.
    """
    here = growth[growth[REGION] == region] if growth is not None else pd.DataFrame()
    grown = set(here[PRODUCT]) if len(here) else set()
    zones = crops["climate_zone"].astype(str)
    fits = (zones == ANY_ZONE) | (zones == zone) if zone else zones == ANY_ZONE
    wanted = sorted(grown | set(crops.loc[fits, PRODUCT]))
    econ = ["yield_per_mu_kg", "cost_per_mu_yuan", "months_to_first_harvest"]
    rows = []
    for product in wanted:
        own = crops[crops[PRODUCT] == product]
        exact = own[own["climate_zone"].astype(str) == zone] if zone else own.head(0)
        local = exact if len(exact) else own[own["climate_zone"].astype(str) == ANY_ZONE]
        use = local if len(local) else own
        if use.empty:
            continue
        defaults = use[DEFAULT_FOR] if DEFAULT_FOR in use else pd.Series(dtype=str)
        rows.append(
            {
                PRODUCT: product,
                "grown_here": product in grown,
                "climate_zone": "|".join(sorted(use["climate_zone"].astype(str).unique())),
                **{c: float(use[c].astype(float).mean()) for c in econ},
                DEFAULT_FOR: next((str(d) for d in defaults.fillna("") if d), ""),
            }
        )
    out = pd.DataFrame(rows, columns=[PRODUCT, "grown_here", "climate_zone", *econ, DEFAULT_FOR])
    demand = here.set_index(PRODUCT)["demand_growth"] if "demand_growth" in here else None
    out["demand_growth"] = out[PRODUCT].map(demand) if demand is not None else np.nan
    out["demand_growth"] = out["demand_growth"].astype(float).fillna(0.0)
    return out


def _money(x: float) -> str:
    sign = "-" if x < 0 else ""
    return f"{sign}¥{abs(x):,.0f}" if abs(x) >= 100 else f"{sign}¥{abs(x):,.2f}"


def _reasons(r: pd.Series, name: str, name_zh: str, horizon: float) -> tuple[str, str]:
    """One sentence with the numbers, in English and Chinese."""
    where, where_zh = ("here", "在本地") if r["grown_here"] else ("in this climate", "在同类气候下")
    verb, verb_zh = ("earns", "赚") if r["profit_per_mu_year"] >= 0 else ("loses", "亏")
    yearly, trend = _money(abs(r["profit_per_mu_year"])), f"{r['price_trend']:+.0%}"
    months, total = int(round(r["months_to_first_harvest"])), _money(r["profit_per_mu_horizon"])
    en = (
        f"{name} {verb} about {yearly} per mu a year {where} at "
        f"¥{r['expected_price_per_kg']:.1f}/kg (prices {trend}/yr); first harvest after "
        f"{months} months, {total} per mu over {horizon:g} years"
    )
    zh = (
        f"{name_zh}{where_zh}每亩每年约{verb_zh}{yearly}（按每公斤¥{r['expected_price_per_kg']:.1f}"
        f"计，价格每年{trend}）；种植{months}个月后首次收获，{horizon:g}年每亩合计{total}"
    )
    if r["risk_note"]:
        en += f", but {r['risk_note']}"
        zh += f"，但价格每年下跌{-r['price_trend']:.0%}，风险较高"
    if r[DEFAULT_FOR]:
        en += f" (yield and cost: {default_note(r[DEFAULT_FOR], 'en')})"
        zh += f"（亩产与成本：{default_note(r[DEFAULT_FOR], 'zh')}）"
    return en + ".", zh + "。"


def rank_crops(
    region: str,
    regions: pd.DataFrame,
    crops: pd.DataFrame,
    trends: pd.DataFrame,
    growth: pd.DataFrame | None = None,
    *,
    horizon_years: float = 5.0,
    products: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Rank the crops a region could grow by risk-discounted profit per mu over a horizon.

    Candidates are the products ``growth`` lists for the region (``grown_here``; pass the
    region's (region, product) pairs from sales) and the products ``crops`` lists for the
    region's climate zone or for any zone (``*``, as category defaults are). Economics come from
    the zone's row, else the any-zone row, else the mean over the product's zones
    (``climate_zone`` then names them, joined by ``|``); a region without a climate zone uses
    the any-zone rows. A reason built on a default says so. Products without economics or a
    price in ``trends`` are left out. ``demand_growth`` comes from ``growth`` and is 0 when the
    column or the row is missing.

    The price follows the trend damped by :data:`TREND_DAMPING` a year (trend clipped to
    ±:data:`TREND_CLIP`): after ``t`` years it is ``price * (1 + g) ** ((1 - φ**t) / -ln φ)``.
    ``expected_price_per_kg`` is that price at first harvest; ``profit_per_mu_year = yield *
    expected price - cost``. ``profit_per_mu_horizon`` sums, month by month, ``yield / 12 *`` the
    price of the month for the months after first harvest, less ``cost * horizon_years`` (costs
    run from planting every year). ``risk`` is ``price_cv``; ``risk_note`` warns when the trend
    is below -10 %/yr. ``score = horizon profit * f`` when the profit is positive, else
    ``profit / f``, with ``f = (1 + max(demand_growth, -0.5)) / (1 + risk)``, so the score never
    rises with cost or falls with profit.

    Args:
        region: Region code.
        regions: Regions table with ``climate_zone``.
        crops: Crop economics (``product, climate_zone, yield_per_mu_kg, cost_per_mu_yuan,
            months_to_first_harvest``).
        trends: Output of :func:`price_trends`.
        growth: Optional ``region, product[, demand_growth]``.
        horizon_years: Planning horizon in years (> 0).
        products: Optional products table for display names (``name_en``, ``name_zh``).

    Returns:
        The columns of :data:`RANK_COLUMNS`, best score first.

    Raises:
        ValueError: If the region is unknown or the horizon is not > 0.
    """
    if horizon_years <= 0:
        raise ValueError(f"horizon_years must be > 0, got {horizon_years}")
    row = regions[regions[REGION] == region]
    if row.empty:
        raise ValueError(f"region {region!r} is unknown")
    known = "climate_zone" in row and pd.notna(row["climate_zone"].iloc[0])
    zone = str(row["climate_zone"].iloc[0]) if known and row["climate_zone"].iloc[0] else None
    df = _candidates(region, zone, crops, growth)
    df = df.merge(trends[list(TREND_COLUMNS)], on=PRODUCT, how="inner")
    df = df.dropna(subset=["price_per_kg"]).reset_index(drop=True)
    df[REGION] = region
    df["price_trend"] = df["price_trend"].astype(float).fillna(0.0)
    price, trend = df["price_per_kg"].to_numpy(float), df["price_trend"].to_numpy(float)
    df["expected_price_per_kg"] = _price_path(price, trend, df["months_to_first_harvest"] / 12)
    df["profit_per_mu_year"] = (
        df["yield_per_mu_kg"] * df["expected_price_per_kg"] - df["cost_per_mu_yuan"]
    )
    revenue = _horizon_revenue(df, horizon_years) if len(df) else np.zeros(0)
    df["profit_per_mu_horizon"] = revenue - df["cost_per_mu_yuan"] * horizon_years
    df["risk"] = df["price_cv"].astype(float).fillna(0.0)
    falling = df["price_trend"] < FALLING_TREND
    df["risk_note"] = np.where(
        falling, [f"prices are falling {-t:.0%} a year" for t in df["price_trend"]], ""
    )
    factor = (1 + df["demand_growth"].clip(lower=-0.5)) / (1 + df["risk"])
    profit = df["profit_per_mu_horizon"]
    df["score"] = np.where(profit >= 0, profit * factor, profit / factor)
    names = products.set_index(PRODUCT) if products is not None else pd.DataFrame()
    texts = [
        _reasons(
            r,
            str(names["name_en"].get(r[PRODUCT], r[PRODUCT])) if "name_en" in names else r[PRODUCT],
            str(names["name_zh"].get(r[PRODUCT], r[PRODUCT])) if "name_zh" in names else r[PRODUCT],
            horizon_years,
        )
        for _, r in df.iterrows()
    ]
    df["reason"] = [t[0] for t in texts]
    df["reason_zh"] = [t[1] for t in texts]
    df = df.sort_values(["score", PRODUCT], ascending=[False, True], kind="stable")
    return df.reset_index(drop=True)[list(RANK_COLUMNS)]
