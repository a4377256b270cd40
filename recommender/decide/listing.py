"""What to list, week by week: the forecast split by channel and form, stocked by newsvendor."""

from __future__ import annotations

from statistics import NormalDist
from typing import Any

import numpy as np
import pandas as pd

from recommender.data.assumptions import DEFAULT_FOR, default_note
from recommender.data.contract import CHANNEL, DATE, DEFAULT_FORM, FORM, OPTION, PRODUCT, REGION
from recommender.data.periods import WEEKLY
from recommender.data.vocabulary import FORMS, name_of
from recommender.decide.costs import (
    COST_CROPS,
    COST_DEFAULT,
    UNIT_COST_SHARE,
    price_of_lines,
    unit_costs,
)
from recommender.decide.shares import ANY_FESTIVAL, festival_keys, festival_names, shares_for
from recommender.decide.spoilage import spoilage_share

Z80 = 1.2816
"""Standard-normal quantile of 0.9: an 80 % interval spans ``± Z80`` standard deviations."""
HOLDING_COST_SHARE = 0.01
"""Holding cost of an unsold kg for a week (storage, packing, capital), as a share of unit cost."""
SELL_WINDOW_DAYS = 7
"""Days an unsold kg waits for the next period's buyers (added to the profile's transit)."""
_OPTION_COSTS = (PRODUCT, OPTION, "yield_ratio", "processing_cost_per_kg")
PLAN_COLUMNS = (
    "week",
    PRODUCT,
    CHANNEL,
    FORM,
    "quantity_kg",
    "forecast_kg",
    "lo_kg",
    "hi_kg",
    "critical_ratio",
    "price_per_kg",
    "unit_cost",
    "cost_basis",
    "shelf_life_days",
    "listed",
    "festival",
    "reason",
    "reason_zh",
)


def critical_ratio(cu: Any, co: Any) -> Any:
    """Newsvendor critical ratio ``cu / (cu + co)``: the service level that balances the costs.

    Args:
        cu: Underage cost (margin lost per kg short), scalar or array-like (>= 0).
        co: Overage cost (loss per kg left over), scalar or array-like (>= 0).

    Returns:
        The ratio in ``[0, 1]`` (0.5 where both are 0): a float for scalars, else like numpy
        (a Series keeps the first Series' index).
    """
    index = next((x.index for x in (cu, co) if isinstance(x, pd.Series)), None)
    u, o = np.asarray(cu, dtype=float), np.asarray(co, dtype=float)
    total = u + o
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(total > 0, u / np.where(total > 0, total, 1.0), 0.5)
    if index is not None:
        return pd.Series(np.broadcast_to(ratio, (len(index),)), index=index)
    return float(ratio) if ratio.ndim == 0 else ratio


def _shelf_lives(df: pd.DataFrame, products: pd.DataFrame, options: pd.DataFrame | None) -> Any:
    """Days each line's form keeps: its option's shelf life, the product's for fresh or unknown."""
    own = df[PRODUCT].map(products.drop_duplicates(PRODUCT).set_index(PRODUCT)["shelf_life_days"])
    own = own.astype(float)
    if options is None or "shelf_life_days" not in options:
        return own
    table = options.drop_duplicates([PRODUCT, OPTION]).set_index([PRODUCT, OPTION])
    keys = pd.MultiIndex.from_frame(df[[PRODUCT, FORM]])
    form = pd.Series(
        table["shelf_life_days"].astype(float).reindex(keys).to_numpy(), index=df.index
    )
    return form.where(df[FORM] != DEFAULT_FORM, own).fillna(own)


def _line_price(df: pd.DataFrame, fresh: pd.DataFrame, lines: pd.DataFrame | None,
                multipliers: pd.DataFrame | None) -> pd.Series:  # fmt: skip
    """Price per kg of each line: its recent price, else fresh times the form's multiplier."""
    price = price_of_lines(df, lines) if lines is not None else pd.Series(np.nan, index=df.index)
    keys = [REGION, PRODUCT]
    here = fresh.groupby(keys)["price_per_kg"].mean()
    base = pd.Series(here.reindex(pd.MultiIndex.from_frame(df[keys])).to_numpy(), index=df.index)
    base = base.fillna(df[PRODUCT].map(fresh.groupby(PRODUCT)["price_per_kg"].mean()))
    factor = pd.Series(np.where(df[FORM] == DEFAULT_FORM, 1.0, np.nan), index=df.index)
    if multipliers is not None and len(multipliers):
        mult = multipliers.drop_duplicates([PRODUCT, OPTION]).set_index([PRODUCT, OPTION])
        keys2 = pd.MultiIndex.from_frame(df[[PRODUCT, FORM]])
        learned = mult["price_multiplier"].astype(float).reindex(keys2).to_numpy()
        factor = factor.fillna(pd.Series(learned, index=df.index))
    return price.fillna(base * factor.fillna(1.0))


def _cost_note(r: pd.Series, zh: bool) -> str:
    """Where the unit cost comes from, in a few words."""
    if r["cost_basis"] == COST_CROPS:
        return "来自您的作物成本" if zh else "from your crop economics"
    if r["cost_basis"] == COST_DEFAULT:
        return default_note(r[DEFAULT_FOR], "zh" if zh else "en")
    share = f"{r['_share']:.0%}"
    return f"按价格的{share}估计" if zh else f"assumed at {share} of the fresh price"


def _reasons(r: pd.Series) -> tuple[str, str]:
    """One sentence with the numbers, in English and Chinese."""
    what = f"{r['name'].lower()} ({name_of(r[FORM], 'en')}) on {name_of(r[CHANNEL], 'en')}"
    form_zh = FORMS[r[FORM]].verb_zh if r[FORM] in FORMS else r[FORM]
    where_zh = f"在{name_of(r[CHANNEL], 'zh')}上架{r['name_zh']}（{form_zh}）"
    week = pd.Timestamp(r["week"]).date().isoformat()
    cost, cost_zh = _cost_note(r, False), _cost_note(r, True)
    if not r["listed"]:
        return (
            f"Do not list {what} in the week to {week}: it sells at ¥{r['price_per_kg']:.2f}/kg "
            f"against a cost of ¥{r['unit_cost']:.2f}/kg ({cost}), so every kg listed loses money.",
            f"{week}这一周不建议{where_zh}：售价每公斤¥{r['price_per_kg']:.2f}，"
            f"成本每公斤¥{r['unit_cost']:.2f}（{cost_zh}），每多卖一公斤都亏钱。",
        )
    span = f"forecast {r['forecast_kg']:,.0f} kg, 80 % range {r['lo_kg']:,.0f}-{r['hi_kg']:,.0f} kg"
    span_zh = f"预测{r['forecast_kg']:,.0f}公斤，80%区间{r['lo_kg']:,.0f}-{r['hi_kg']:,.0f}公斤"
    keeps = f"{r['shelf_life_days']:,.0f}-day shelf life"
    keeps_zh = f"保质期{r['shelf_life_days']:,.0f}天"
    if np.isfinite(r["cu"]):
        why = (
            f"a missed sale loses ¥{r['cu']:.2f}/kg (cost ¥{r['unit_cost']:.2f}, {cost}) and an "
            f"unsold kg costs ¥{r['co']:.2f} ({r['spoilage']:.0%} spoils before the next week, "
            f"{keeps})"
        )
        why_zh = (
            f"缺货每公斤少赚¥{r['cu']:.2f}（成本¥{r['unit_cost']:.2f}，{cost_zh}），"
            f"积压每公斤损失¥{r['co']:.2f}（下周前损耗{r['spoilage']:.0%}，{keeps_zh}）"
        )
    else:
        why = f"no price known; {r['spoilage']:.0%} spoils before the next week ({keeps})"
        why_zh = f"无价格数据；下周前损耗{r['spoilage']:.0%}（{keeps_zh}）"
    en = (
        f"List {r['quantity_kg']:,.0f} kg of {what} in the week to {week} ({span}): {why}, "
        f"so stock to the {r['critical_ratio']:.0%} level"
    )
    zh = (
        f"{week}这一周{where_zh}{r['quantity_kg']:,.0f}公斤"
        f"（{span_zh}）：{why_zh}，按{r['critical_ratio']:.0%}服务水平备货"
    )
    if r["festival"]:
        name = r["festival"].split(" / ")[0]
        if r["share_festival"] not in (ANY_FESTIVAL, "") and r["share_festival"] == r["_key"]:
            en += f"; {name} week: the channel and form mix of past {name} weeks used"
            zh += "；节日周，按往年同一节日的渠道和形态结构分配"
        else:
            en += f"; festival week ({name}), the mix of past festival weeks used"
            zh += "；节日周，按往年节日的渠道结构分配"
    return en + ".", zh + "。"


def listing_plan(
    forecast: pd.DataFrame,
    shares: pd.DataFrame,
    products: pd.DataFrame,
    prices: pd.DataFrame,
    *,
    region: str | None,
    weeks: int,
    unit_cost_share: float = UNIT_COST_SHARE,
    profile: Any = None,
    lines: pd.DataFrame | None = None,
    options: pd.DataFrame | None = None,
    multipliers: pd.DataFrame | None = None,
    raw: pd.DataFrame | None = None,
    explain: bool = True,
) -> pd.DataFrame:
    """Weekly kg to list per product, channel and form (the newsvendor rule).

    Each week's forecast and 80 % interval are split by
    :func:`~recommender.decide.shares.shares_for` (a festival week takes the mix of past
    weeks of the same festival, else of any festival; a product without shares goes to
    ``unknown``/``fresh``). Per kg of each line: the price is its recent price (``lines``),
    else the fresh price times the form's multiplier; the unit cost is raw produce plus
    processing over the form's yield (:func:`~recommender.decide.costs.unit_costs`: ``raw``
    costs from crop economics, else ``unit_cost_share`` of the fresh price);
    ``cu = price - unit cost``, ``co = unit cost * (spoilage + HOLDING_COST_SHARE)`` where the
    spoilage is :func:`~recommender.decide.spoilage.spoilage_share` of the form's shelf life
    (its option's, the product's for fresh) over ``7 + profile.transit_days`` days. The
    quantity is the normal quantile at the critical ratio ``cu / (cu + co)``, ``forecast + z *
    (hi - lo) / (2 * 1.2816)``, clipped at 0. A line whose price does not cover its unit cost
    is not listed (quantity 0, ``listed`` False). Without a price the ratio uses the prior
    share alone (the price cancels).

    Args:
        forecast: ``region, product, date`` (week label, ``W-SUN``), ``forecast, lo, hi``.
        shares: Output of :func:`~recommender.decide.shares.channel_form_shares`.
        products: Products table (``product, shelf_life_days``, optional ``name_en/name_zh``).
        prices: Fresh ``product, price_per_kg`` (optional ``region``).
        region: Region to plan (None: every region in the forecast).
        weeks: Number of forecast weeks to plan, from the first.
        unit_cost_share: Raw cost as a share of the fresh price where ``raw`` has none.
        profile: Optional :class:`~recommender.decide.profile.CoopProfile` (transit days and
            cold chain).
        lines: Recent prices per line (:func:`~recommender.decide.costs.line_prices`).
        options: Processing options per product (shelf life, yield, processing cost by form).
        multipliers: ``product, option, price_multiplier`` for forms without a line price.
        raw: Raw cost per kg by region and product (:func:`~recommender.decide.costs.raw_costs`).
        explain: Write the reasons (a replay skips them).

    Returns:
        The columns of :data:`PLAN_COLUMNS` (plus ``region`` when ``region`` is None;
        ``festival``: ``name_en / name_zh`` of the week's festivals, else empty), sorted by
        week, product, channel, form.

    Raises:
        ValueError: If ``weeks`` < 1 or ``unit_cost_share`` is outside ``[0, 1]``.
    """
    if weeks < 1 or not 0 <= unit_cost_share <= 1:
        raise ValueError("weeks must be >= 1 and unit_cost_share in [0, 1]")
    fc = forecast if region is None else forecast[forecast[REGION] == region]
    fc = fc.assign(week=pd.to_datetime(fc[DATE]).dt.normalize())
    keep = np.sort(fc["week"].unique())[:weeks]
    fc = fc[fc["week"].isin(keep)].reset_index(drop=True)
    columns = list(PLAN_COLUMNS) if region is not None else [REGION, *PLAN_COLUMNS]
    if fc.empty:
        return pd.DataFrame(columns=columns)
    week_keys = dict(zip(keep, festival_keys(pd.Series(keep), WEEKLY), strict=True))
    fc["festival"] = fc["week"].map(week_keys)
    df = shares_for(fc, shares).rename(columns={"festival": "_key"})
    for col in ("forecast", "lo", "hi"):
        df[f"{col}_kg"] = df[col].astype(float) * df["share"]
    fresh = prices if REGION in prices.columns else prices.assign(**{REGION: ""})
    df["price_per_kg"] = _line_price(df, fresh, lines, multipliers)
    none = pd.DataFrame(columns=[REGION, PRODUCT, "raw_cost", "cost_basis", DEFAULT_FOR])
    df = unit_costs(
        df,
        raw if raw is not None else none,
        options if options is not None else pd.DataFrame(columns=list(_OPTION_COSTS)),
        fresh,
        unit_cost_share=unit_cost_share,
    )
    transit = SELL_WINDOW_DAYS + (profile.transit_days if profile is not None else 0)
    cold = bool(profile.cold_chain) if profile is not None else False
    df["shelf_life_days"] = _shelf_lives(df, products, options)
    df["spoilage"] = spoilage_share(df["shelf_life_days"].fillna(np.inf), transit, cold)
    priced = df["price_per_kg"].notna() & df["unit_cost"].notna()
    price = df["price_per_kg"].where(priced, 1.0)
    unit = df["unit_cost"].where(priced, unit_cost_share)
    cu, co = price - unit, unit * (df["spoilage"] + HOLDING_COST_SHARE)
    df["listed"] = ~priced | (cu > 0)
    df["critical_ratio"] = critical_ratio(cu.clip(lower=0.0), co)
    df["cu"], df["co"] = cu.where(priced, np.inf), co.where(priced, np.inf)
    sigma = (df["hi_kg"] - df["lo_kg"]).clip(lower=0) / (2 * Z80)
    ratio = df["critical_ratio"].clip(1e-6, 1 - 1e-6).to_numpy()
    z = np.array([NormalDist().inv_cdf(p) for p in ratio]) if len(df) else np.zeros(0)
    z = np.where(np.isclose(df["critical_ratio"], 0.5), 0.0, z)
    quantity = (df["forecast_kg"] + z * sigma).clip(lower=0)
    df["quantity_kg"] = quantity.where(df["listed"], 0.0)
    names = dict(zip(keep, festival_names(pd.Series(keep)), strict=True))
    df["festival"] = df["week"].map(names).fillna("")
    if explain:
        info = products.drop_duplicates(PRODUCT).set_index(PRODUCT)
        df["name"] = [_name(info, p, "name_en") for p in df[PRODUCT]]
        df["name_zh"] = [_name(info, p, "name_zh") for p in df[PRODUCT]]
        df["_share"] = unit_cost_share
        texts = [_reasons(r) for _, r in df.iterrows()]
        df["reason"], df["reason_zh"] = [t[0] for t in texts], [t[1] for t in texts]
    else:
        df["reason"] = df["reason_zh"] = ""
    order = [c for c in (REGION, "week", PRODUCT, CHANNEL, FORM) if c in columns]
    return df.sort_values(order).reset_index(drop=True)[columns]


def _name(info: pd.DataFrame, product: str, column: str) -> str:
    """A product's display name from ``column`` of the products table, else its code."""
    if column in info.columns and product in info.index and pd.notna(info.at[product, column]):
        return str(info.at[product, column])
    return str(product)
