"""What to list, week by week: the forecast split by channel and form, stocked by newsvendor."""

from __future__ import annotations

from statistics import NormalDist
from typing import Any

import numpy as np
import pandas as pd

from recommender.data.calendar import FESTIVALS, calendar_features
from recommender.data.contract import (
    CHANNEL,
    DATE,
    DEFAULT_CHANNEL,
    DEFAULT_FORM,
    FORM,
    PRODUCT,
    QUANTITY,
    REGION,
)
from recommender.data.periods import WEEKLY, WEEKS_PER_YEAR, period_label
from recommender.data.vocabulary import FORMS, name_of
from recommender.decide.spoilage import spoilage_share

Z80 = 1.2816
"""Standard-normal quantile of 0.9: an 80 % interval spans ``± Z80`` standard deviations."""
HOLDING_COST_SHARE = 0.01
"""Holding cost of an unsold kg for a week (storage, packing, capital), as a share of unit cost."""
SELL_WINDOW_DAYS = 7
"""Days an unsold kg waits for the next period's buyers (added to the profile's transit)."""
SHARE_COLUMNS = (REGION, PRODUCT, CHANNEL, FORM, "festival", "share")
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
    "festival",
    "reason",
    "reason_zh",
)
_FEST_COLUMNS = [f"fest_{f.key}" for f in FESTIVALS]


def _festival_weeks(labels: pd.Series, freq: str) -> np.ndarray:
    """Whether any festival overlaps each period label."""
    feats = calendar_features(pd.DatetimeIndex(labels), freq)
    return feats[_FEST_COLUMNS].to_numpy().any(axis=1)


def _normalise(df: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Turn ``volume`` into ``share`` summing to 1 within ``keys``; drop zero-volume groups."""
    total = df.groupby(keys)["volume"].transform("sum")
    return df[total > 0].assign(share=df["volume"] / total)


def channel_form_shares(sales: pd.DataFrame, freq: str = WEEKLY) -> pd.DataFrame:
    """Recent volume share of each (channel, form) per (region, product), festival vs normal.

    The window is the last 52 weeks up to each (region, product)'s latest sale. A period is a
    festival period when :func:`~recommender.data.calendar.calendar_features` flags any festival in
    it. A pair without festival (normal) sales in the window takes its normal (festival)
    shares for both. Missing channel is ``unknown``, missing form ``fresh``.

    Args:
        sales: Validated sales (date, region, product, quantity, optional channel and form).
        freq: Pandas offset alias of the periods tested for festivals (daily, weekly, monthly).

    Returns:
        Columns ``region, product, channel, form, festival, share`` (``festival`` bool), shares
        summing to 1 per (region, product, festival).
    """
    df = sales[[DATE, REGION, PRODUCT, QUANTITY]].copy()
    df[CHANNEL] = sales[CHANNEL].fillna(DEFAULT_CHANNEL) if CHANNEL in sales else DEFAULT_CHANNEL
    df[FORM] = sales[FORM].fillna(DEFAULT_FORM) if FORM in sales else DEFAULT_FORM
    df[DATE] = pd.to_datetime(df[DATE])
    df[QUANTITY] = pd.to_numeric(df[QUANTITY], errors="coerce").fillna(0.0)
    last = df.groupby([REGION, PRODUCT])[DATE].transform("max")
    df = df[df[DATE] > last - pd.Timedelta(weeks=WEEKS_PER_YEAR)]
    if df.empty:
        return pd.DataFrame(columns=list(SHARE_COLUMNS))
    periods = pd.Series(period_label(df[DATE], freq), index=df.index)
    labels = periods.drop_duplicates()
    flags = dict(zip(labels, _festival_weeks(labels, freq), strict=True))
    df["festival"] = periods.map(flags).astype(bool)
    keys = [REGION, PRODUCT, "festival"]
    g = df.groupby([*keys, CHANNEL, FORM], as_index=False)[QUANTITY].sum()
    g = _normalise(g.rename(columns={QUANTITY: "volume"}), keys)
    have = g[[REGION, PRODUCT, "festival"]].drop_duplicates()
    pairs = have[[REGION, PRODUCT]].drop_duplicates()
    filled = [g]
    for flag in (True, False):
        got = have.loc[have["festival"] == flag, [REGION, PRODUCT]]
        lack = pairs.merge(got, how="left", indicator=True).query("_merge == 'left_only'")
        donor = g[g["festival"] != flag].merge(lack[[REGION, PRODUCT]], on=[REGION, PRODUCT])
        filled.append(donor.assign(festival=flag))
    out = pd.concat(filled, ignore_index=True)
    out = out.sort_values([REGION, PRODUCT, "festival", CHANNEL, FORM]).reset_index(drop=True)
    return out[list(SHARE_COLUMNS)]


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


def _festival_names(labels: pd.Series) -> list[str]:
    """``name_en / name_zh`` of the festivals in each week (``; ``-joined), else empty."""
    feats = calendar_features(pd.DatetimeIndex(labels), WEEKLY)
    return [
        "; ".join(f"{f.name_en} / {f.name_zh}" for f in FESTIVALS if feats[f"fest_{f.key}"].iloc[i])
        for i in range(len(feats))
    ]


def _split(
    fc: pd.DataFrame, shares: pd.DataFrame, names: dict[str, tuple[str, str]], region: str
) -> pd.DataFrame:
    """Each week's forecast split across (channel, form) by the matching shares."""
    fc = fc.assign(_fest=_festival_weeks(fc["week"], WEEKLY))
    sh = shares[shares[REGION] == region].rename(columns={"festival": "_fest"})
    df = fc.merge(sh[[PRODUCT, "_fest", CHANNEL, FORM, "share"]], on=[PRODUCT, "_fest"], how="left")
    none = df["share"].isna()
    df.loc[none, [CHANNEL, FORM, "share"]] = [DEFAULT_CHANNEL, DEFAULT_FORM, 1.0]
    for col in ("forecast", "lo", "hi"):
        df[f"{col}_kg"] = df[col].astype(float) * df["share"]
    df["name"] = [names.get(p, (p, p))[0] for p in df[PRODUCT]]
    df["name_zh"] = [names.get(p, (p, p))[1] for p in df[PRODUCT]]
    return df


def _prices(prices: pd.DataFrame, region: str) -> pd.Series:
    """Price per kg by product: the region's row when ``prices`` has regions, else the mean."""
    if REGION in prices.columns and (prices[REGION] == region).any():
        here = prices[prices[REGION] == region].groupby(PRODUCT)["price_per_kg"].mean()
        return here.combine_first(prices.groupby(PRODUCT)["price_per_kg"].mean())
    return prices.groupby(PRODUCT)["price_per_kg"].mean()


def _name(info: pd.DataFrame, product: str, column: str) -> str:
    """A product's display name from ``column`` of the products table, else its code."""
    if column in info.columns and product in info.index and pd.notna(info.at[product, column]):
        return str(info.at[product, column])
    return str(product)


def _reasons(r: pd.Series) -> tuple[str, str]:
    """One sentence with the numbers, in English and Chinese."""
    what = f"{r['name'].lower()} ({name_of(r[FORM], 'en')}) on {name_of(r[CHANNEL], 'en')}"
    span = f"forecast {r['forecast_kg']:,.0f} kg, 80 % range {r['lo_kg']:,.0f}-{r['hi_kg']:,.0f} kg"
    span_zh = f"预测{r['forecast_kg']:,.0f}公斤，80%区间{r['lo_kg']:,.0f}-{r['hi_kg']:,.0f}公斤"
    if np.isfinite(r["cu"]):
        why = (
            f"a missed sale loses ¥{r['cu']:.2f}/kg and an unsold kg costs ¥{r['co']:.2f} "
            f"({r['spoilage']:.0%} spoils before the next week)"
        )
        why_zh = (
            f"缺货每公斤少赚¥{r['cu']:.2f}，积压每公斤损失¥{r['co']:.2f}"
            f"（下周前损耗{r['spoilage']:.0%}）"
        )
    else:
        why = f"no price known; {r['spoilage']:.0%} spoils before the next week"
        why_zh = f"无价格数据；下周前损耗{r['spoilage']:.0%}"
    week = pd.Timestamp(r["week"]).date().isoformat()
    en = (
        f"List {r['quantity_kg']:,.0f} kg of {what} in the week to {week} ({span}): {why}, "
        f"so stock to the {r['critical_ratio']:.0%} level"
    )
    zh = (
        f"{week}这一周在{name_of(r[CHANNEL], 'zh')}上架{r['name_zh']}"
        f"（{FORMS[r[FORM]].verb_zh if r[FORM] in FORMS else r[FORM]}）"
        f"{r['quantity_kg']:,.0f}公斤"
        f"（{span_zh}）：{why_zh}，按{r['critical_ratio']:.0%}服务水平备货"
    )
    if r["festival"]:
        en += f"; festival week ({r['festival'].split(' / ')[0]}), festival channel mix used"
        zh += "；节日周，按节日渠道结构分配"
    return en + ".", zh + "。"


def listing_plan(
    forecast: pd.DataFrame,
    shares: pd.DataFrame,
    products: pd.DataFrame,
    prices: pd.DataFrame,
    *,
    region: str,
    weeks: int,
    unit_cost_share: float = 0.6,
    profile: Any = None,
) -> pd.DataFrame:
    """Weekly kg to list per product, channel and form for one region (the newsvendor rule).

    Each week's forecast and 80 % interval are split by :func:`channel_form_shares` (festival
    shares in weeks :func:`~recommender.data.calendar.calendar_features` flags; a product without
    shares goes to ``unknown``/``fresh``). Per kg: ``cu = price - unit cost`` with ``unit cost =
    unit_cost_share * price``; ``co = unit cost * (spoilage + HOLDING_COST_SHARE)`` where the
    spoilage is :func:`~recommender.decide.spoilage.spoilage_share` of the product's shelf life over
    ``7 + profile.transit_days`` days (cold chain from the profile; 7 days and no cold chain
    without one); the holding cost is 1 % of unit cost per week. The price cancels out of the
    ratio, so products without a price still get a plan. The quantity is the normal quantile at
    the critical ratio, ``forecast + z * (hi - lo) / (2 * 1.2816)``, clipped at 0 (channels
    share the product's uncertainty in proportion). The products' shelf life applies to every
    form.

    Args:
        forecast: ``region, product, date`` (week label, ``W-SUN``), ``forecast, lo, hi``.
        shares: Output of :func:`channel_form_shares`.
        products: Products table (``product, shelf_life_days``, optional ``name_en/name_zh``).
        prices: ``product, price_per_kg`` (optional ``region``), e.g. ``fresh_price``.
        region: Region to plan.
        weeks: Number of forecast weeks to plan, from the first.
        unit_cost_share: Unit cost as a share of the price, in ``[0, 1]``.
        profile: Optional :class:`~recommender.decide.profile.CoopProfile` (transit days and
            cold chain).

    Returns:
        The columns of :data:`PLAN_COLUMNS` (``festival``: ``name_en / name_zh`` of the week's
        festivals, else empty), sorted by week, product, channel, form.

    Raises:
        ValueError: If ``weeks`` < 1 or ``unit_cost_share`` is outside ``[0, 1]``.
    """
    if weeks < 1 or not 0 <= unit_cost_share <= 1:
        raise ValueError("weeks must be >= 1 and unit_cost_share in [0, 1]")
    fc = forecast[forecast[REGION] == region].copy()
    fc["week"] = pd.to_datetime(fc[DATE]).dt.normalize()
    keep = np.sort(fc["week"].unique())[:weeks]
    fc = fc[fc["week"].isin(keep)].reset_index(drop=True)
    if fc.empty:
        return pd.DataFrame(columns=list(PLAN_COLUMNS))
    info = products.set_index(PRODUCT)
    names = {p: (_name(info, p, "name_en"), _name(info, p, "name_zh")) for p in set(fc[PRODUCT])}
    df = _split(fc, shares, names, region)
    transit = SELL_WINDOW_DAYS + (profile.transit_days if profile is not None else 0)
    cold = bool(profile.cold_chain) if profile is not None else False
    shelf = df[PRODUCT].map(info["shelf_life_days"]).astype(float)
    df["spoilage"] = spoilage_share(shelf.fillna(np.inf), transit, cold)
    price = df[PRODUCT].map(_prices(prices, region)).astype(float)
    unit = price.fillna(1.0) * unit_cost_share
    cu = price.fillna(1.0) - unit
    co = unit * (df["spoilage"] + HOLDING_COST_SHARE)
    df["critical_ratio"] = critical_ratio(cu, co)
    df["cu"], df["co"] = cu.where(price.notna(), np.inf), co.where(price.notna(), np.inf)
    sigma = (df["hi_kg"] - df["lo_kg"]).clip(lower=0) / (2 * Z80)
    z = np.array([NormalDist().inv_cdf(p) for p in df["critical_ratio"].clip(1e-6, 1 - 1e-6)])
    z = np.where(np.isclose(df["critical_ratio"], 0.5), 0.0, z)
    df["quantity_kg"] = (df["forecast_kg"] + z * sigma).clip(lower=0)
    fest = dict(zip(keep, _festival_names(pd.Series(keep)), strict=True))
    df["festival"] = df["week"].map(fest).fillna("")
    texts = [_reasons(r) for _, r in df.iterrows()]
    df["reason"], df["reason_zh"] = [t[0] for t in texts], [t[1] for t in texts]
    df = df.sort_values(["week", PRODUCT, CHANNEL, FORM]).reset_index(drop=True)
    return df[list(PLAN_COLUMNS)]
