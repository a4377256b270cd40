"""Scoring value-added processing options against selling fresh, with every component shown."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from recommender.data.assumptions import DEFAULT_FOR, default_note
from recommender.data.contract import DEFAULT_FORM, FORM, OPTION, PRODUCT, REGION
from recommender.data.vocabulary import FORMS, PRICE_PRIOR
from recommender.decide.market import (
    ESTIMATE_SPREAD,
    FROM_MARKET,
    FROM_PRIOR,
    FROM_SALES,
    NEW_FORM_SHARE,
)
from recommender.decide.spoilage import spoilage_share

CAPEX_LIFE_YEARS = 5.0
"""Equipment is written off straight-line over this many years in the score."""
UNKNOWN_DEMAND_RISK = 1.0
"""Risk used in the score when no demand forecast caps the form (unknown market)."""

COLUMNS = (
    REGION,
    PRODUCT,
    OPTION,
    "fresh_price",
    "price_multiplier",
    "multiplier_source",
    DEFAULT_FOR,
    "yield_ratio",
    "output_price",
    "spoilage",
    "revenue_per_kg_raw",
    "processing_cost_per_kg",
    "net_per_kg_raw",
    "fresh_net_per_kg_raw",
    "uplift_per_kg_raw",
    "demand_cap_kg_raw",
    "demand_basis",
    "volume_kg_raw",
    "annual_uplift",
    "capex",
    "payback_years",
    "risk",
    "skill_level",
    "cold_chain_required",
    "feasible",
    "score",
    "reason",
    "reason_zh",
)
_FRESH_DEFAULTS = {
    "yield_ratio": 1.0,
    "processing_cost_per_kg": 0.0,
    "capex": 0.0,
    "skill_level": 1,
    "cold_chain_required": False,
}


def _shelf_map(fresh_shelf_life: Mapping[str, float] | pd.Series | pd.DataFrame) -> pd.Series:
    """Fresh shelf life per product as a Series indexed by product."""
    if isinstance(fresh_shelf_life, pd.DataFrame):
        return fresh_shelf_life.set_index(PRODUCT)["shelf_life_days"].astype(float)
    return pd.Series(dict(fresh_shelf_life), dtype=float)


def _frame(
    options: pd.DataFrame, prices: pd.DataFrame, multipliers: pd.DataFrame, profile: Any
) -> pd.DataFrame:
    """One row per (product, option) of the profile's products, with a fresh row for each."""
    volume = {str(k): float(v) for k, v in dict(profile.raw_volume_kg).items()}
    opts = options[options[PRODUCT].isin(volume)].drop_duplicates([PRODUCT, OPTION])
    missing = sorted(set(opts[PRODUCT]) - set(opts.loc[opts[OPTION] == DEFAULT_FORM, PRODUCT]))
    fresh = pd.DataFrame({PRODUCT: missing, OPTION: DEFAULT_FORM, **_FRESH_DEFAULTS})
    df = pd.concat([opts, fresh], ignore_index=True) if missing else opts.copy()
    here = prices[prices[REGION] == profile.region].set_index(PRODUCT)["price_per_kg"]
    anywhere = prices.groupby(PRODUCT)["price_per_kg"].mean()
    df["fresh_price"] = df[PRODUCT].map(here).fillna(df[PRODUCT].map(anywhere))
    df = df.dropna(subset=["fresh_price"])
    mult = multipliers[[PRODUCT, OPTION, "price_multiplier", "source"]].rename(
        columns={"price_multiplier": "_learned", "source": "multiplier_source"}
    )
    df = df.merge(mult, on=[PRODUCT, OPTION], how="left")
    fallback = np.where(df[OPTION] == DEFAULT_FORM, 1.0, df.get("price_multiplier", np.nan))
    df["price_multiplier"] = df["_learned"].fillna(pd.Series(fallback, index=df.index))
    df["multiplier_source"] = df["multiplier_source"].fillna(PRICE_PRIOR)
    df["raw_volume_kg"] = df[PRODUCT].map(volume)
    df[DEFAULT_FOR] = df[DEFAULT_FOR].fillna("") if DEFAULT_FOR in df else ""
    df[REGION] = profile.region
    return df.dropna(subset=["price_multiplier"]).reset_index(drop=True)


_DEMAND_KNOWN = {"demand_basis": FROM_SALES, "form_share": np.nan}
"""What a demand table without those columns means: each row is the region's sold demand."""


def _demand(df: pd.DataFrame, demand: pd.DataFrame, region: str) -> pd.DataFrame:
    """Attach the demand cap (raw kg), how it is known and its relative width (risk).

    A processed form of a product the region has no demand row for (not forecast there) gets
    an assumed market: the form's share (its option's ``market_share``, else
    :data:`~recommender.decide.market.NEW_FORM_SHARE`) of the cooperative's raw volume, as
    output (times the yield).
    """
    d = demand[demand[REGION] == region].rename(columns={FORM: OPTION})
    d = d.assign(**{c: v for c, v in _DEMAND_KNOWN.items() if c not in d.columns})
    keys = [PRODUCT, OPTION]
    d = d.groupby(keys, as_index=False).agg(
        forecast=("forecast", "sum"),
        lo=("lo", "sum"),
        hi=("hi", "sum"),
        demand_basis=("demand_basis", "first"),
        form_share=("form_share", "first"),
    )
    df = df.merge(d, on=keys, how="left")
    guess = df["forecast"].isna() & (df[OPTION] != DEFAULT_FORM)
    share = pd.to_numeric(df.get("market_share", np.nan), errors="coerce")
    share = pd.Series(share, index=df.index).fillna(NEW_FORM_SHARE) * df["yield_ratio"]
    df.loc[guess, "form_share"] = share[guess]
    df.loc[guess, "forecast"] = df.loc[guess, "raw_volume_kg"] * share[guess]
    df.loc[guess, "lo"] = df.loc[guess, "forecast"] * (1 - ESTIMATE_SPREAD)
    df.loc[guess, "hi"] = df.loc[guess, "forecast"] * (1 + ESTIMATE_SPREAD)
    df.loc[guess, "demand_basis"] = FROM_PRIOR
    df[["forecast", "lo", "hi"]] = df[["forecast", "lo", "hi"]].astype(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        df["demand_cap_kg_raw"] = (df["forecast"] / df["yield_ratio"]).fillna(np.inf)
        width = (df["hi"] - df["lo"]) / df["forecast"]
    df["risk"] = np.where(
        df["forecast"] > 0, width, np.where(df["forecast"].notna(), np.inf, np.nan)
    )
    df["demand_basis"] = df["demand_basis"].fillna("")
    return df


def _money(x: float) -> str:
    return f"¥{x:,.0f}" if abs(x) >= 100 else f"¥{x:,.2f}"


def _tonnes(kg: float, zh: bool = False) -> str:
    if kg >= 1000:
        t = f"{kg / 1000:,.1f}".removesuffix(".0")
        return f"{t}吨" if zh else f"{t} t"
    return f"{kg:,.0f}公斤" if zh else f"{kg:,.0f} kg"


def _years(years: float, zh: bool = False) -> str:
    if years < 1:
        months = max(1, int(np.ceil(years * 12)))
        return f"{months}个月" if zh else f"{months} month{'s' if months > 1 else ''}"
    return f"{years:.1f}年" if zh else f"{years:.1f} years"


def _text(r: pd.Series, col: str) -> str:
    """A display name from ``col`` when given, else the product code."""
    value = r.get(col)
    return str(value) if isinstance(value, str) and value.strip() else str(r[PRODUCT])


def _blockers(r: pd.Series, profile: Any) -> tuple[list[str], list[str]]:
    """Why an option is not feasible, in English and Chinese."""
    en, zh = [], []
    if r["skill_level"] > profile.skill_level:
        en.append(f"skill level {r['skill_level']:.0f} (you have {profile.skill_level})")
        zh.append(f"技能等级{r['skill_level']:.0f}（现有{profile.skill_level}）")
    if r["capex"] > profile.capital_yuan:
        en.append(f"{_money(r['capex'])} capital (you have {_money(profile.capital_yuan)})")
        zh.append(f"资金{_money(r['capex'])}（现有{_money(profile.capital_yuan)}）")
    if r["cold_chain_required"] and not profile.cold_chain:
        en.append("a cold chain")
        zh.append("冷链")
    return en, zh


def _verb(form: str, *, zh: bool = False) -> str:
    """How a sentence says processing into ``form`` (a code without a name is spelled out)."""
    if form in FORMS:
        return FORMS[form].verb_zh if zh else FORMS[form].verb_en
    return form if zh else form.replace("_", " ").capitalize()


def _cap(r: pd.Series, name: str, name_zh: str) -> tuple[str, str]:
    """The bracket saying what caps the volume: the region's demand or an estimated market."""
    basis, form = r["demand_basis"], _form_name(r[OPTION])
    if np.isinf(r["demand_cap_kg_raw"]):
        return (
            " (no demand known for this form, so volume is not capped)",
            "（需求未知，产量不设上限）",
        )
    if basis == FROM_MARKET:
        return (
            f" (capped by an estimated market of {_tonnes(r['forecast'])} a year: {form} is "
            f"{r['form_share']:.0%} of {name} sales where it is sold; an assumption, not your "
            "sales)",
            f"（按估计市场{_tonnes(r['forecast'], True)}/年封顶：在有销售的地区该形态占"
            f"{name_zh}销量的{r['form_share']:.0%}；为估计值，非您的销售数据）",
        )
    if basis == FROM_PRIOR:
        return (
            f" (capped by an assumed market of {_tonnes(r['forecast'])} of {form} a year, made "
            f"from {r['form_share'] / r['yield_ratio']:.0%} of the {name} demand, as nobody in "
            "your data sells it)",
            f"（按假设市场{_tonnes(r['forecast'], True)}/年封顶：用{name_zh}需求的"
            f"{r['form_share'] / r['yield_ratio']:.0%}加工，因数据中无人销售该形态）",
        )
    if r["volume_kg_raw"] < r["raw_volume_kg"]:
        return (
            f" (capped by demand for {_tonnes(r['forecast'])} of {form} a year)",
            f"（受年需求{_tonnes(r['forecast'], True)}限制）",
        )
    return "", ""


def _form_name(form: str) -> str:
    """A form's English name (a code without one is spelled out)."""
    return FORMS[form].name.en if form in FORMS else form.replace("_", " ")


def _reasons(r: pd.Series, profile: Any) -> tuple[str, str]:
    """One plain sentence with the numbers, in English and Chinese."""
    opt = r[OPTION]
    name = str(_text(r, "name_en")).replace("_", " ").lower()
    name_zh = str(_text(r, "name_zh"))
    src, src_zh = (
        ("learned from sales", "来自销售数据")
        if r["multiplier_source"] != PRICE_PRIOR
        else ("prior estimate", "参考值")
    )
    if opt == DEFAULT_FORM:
        return (
            f"Selling {name} fresh nets {_money(r['net_per_kg_raw'])} per kg after "
            f"{r['spoilage']:.0%} spoilage; it is the baseline the other options are measured "
            "against.",
            f"{name_zh}鲜销扣除{r['spoilage']:.0%}损耗后每公斤净得{_money(r['net_per_kg_raw'])}，"
            "是其他方案的比较基准。",
        )
    up = r["uplift_per_kg_raw"]
    more, more_zh = ("more", "多赚") if up >= 0 else ("less", "少赚")
    head = (
        f"{_verb(opt)} {name} earns "
        f"{_money(abs(up))} {more} per kg than selling fresh (yield {r['yield_ratio']:g}, "
        f"price ×{r['price_multiplier']:.1f} {src})"
    )
    head_zh = (
        f"{name_zh}{_verb(opt, zh=True)}后每公斤原料比鲜销{more_zh}{_money(abs(up))}"
        f"（出成率{r['yield_ratio']:g}，价格为鲜品的{r['price_multiplier']:.1f}倍，{src_zh}）"
    )
    cap, cap_zh = _cap(r, name, name_zh)
    kit = FORMS[opt].kit_en if opt in FORMS else "equipment"
    if up <= 0 or r["annual_uplift"] <= 0:
        tail, tail_zh = "; not worth doing at these prices", "；按当前价格不值得做"
    else:
        tail = (
            f"; {_tonnes(r['volume_kg_raw'])} a year{cap} gives {_money(r['annual_uplift'])}, "
            f"paying back the {_money(r['capex'])} {kit} in {_years(r['payback_years'])}"
        )
        tail_zh = (
            f"；每年{_tonnes(r['volume_kg_raw'], True)}{cap_zh}"
            f"可增收{_money(r['annual_uplift'])}，"
            f"{_money(r['capex'])}的投资{_years(r['payback_years'], True)}回本"
        )
    if r.get(DEFAULT_FOR):
        what, what_zh = (
            ("yield and costs", "出成率和成本")
            if r["multiplier_source"] != PRICE_PRIOR
            else ("yield, costs and price", "出成率、成本和价格")
        )
        tail += f" ({what}: {default_note(r[DEFAULT_FOR], 'en')})"
        tail_zh += f"（{what_zh}：{default_note(r[DEFAULT_FOR], 'zh')}）"
    en, zh = _blockers(r, profile)
    if en:
        tail += ", but it is not feasible now: it needs " + " and ".join(en)
        tail_zh += "，但目前不可行：需要" + "和".join(zh)
    return head + tail + ".", head_zh + tail_zh + "。"


def score_options(
    options: pd.DataFrame,
    prices: pd.DataFrame,
    multipliers: pd.DataFrame,
    demand: pd.DataFrame,
    profile: Any,
    *,
    fresh_shelf_life: Mapping[str, float] | pd.Series | pd.DataFrame,
) -> pd.DataFrame:
    """Score every processing option of the cooperative's products against selling fresh.

    Per kg of raw produce: ``output_price = fresh_price * price_multiplier``; ``spoilage`` from the
    output's shelf life (fresh: ``fresh_shelf_life``), ``profile.transit_days`` and
    ``profile.cold_chain``; ``revenue = yield * output_price * (1 - spoilage)``; ``net = revenue -
    processing_cost``; ``uplift = net - fresh net``. ``volume_kg_raw = min(raw volume, demand cap)``
    with the cap ``forecast / yield`` (unlimited when ``demand`` has no row for the form);
    ``annual_uplift = round(uplift * volume)`` yuan. ``risk = (hi - lo) / forecast``.
    ``score = (uplift * volume - capex / CAPEX_LIFE_YEARS)``, divided by ``1 + risk`` when
    positive (risk ``UNKNOWN_DEMAND_RISK`` when uncapped); ``-inf`` when not feasible (skill above
    ``profile.skill_level``, capex above ``profile.capital_yuan``, or cold chain required but
    missing). Products without any fresh price or option without a multiplier are left out.

    Args:
        options: Processing options resolved per product
            (:func:`recommender.decide.pricing.options_for`).
        prices: ``region, product, price_per_kg``
            (:func:`recommender.decide.pricing.fresh_price`); a product not priced in the
            profile's region takes its mean price over regions.
        multipliers: ``product, option, price_multiplier, source``
            (:func:`recommender.decide.pricing.learn_form_multipliers`); missing rows use the
            options' prior (fresh: 1).
        demand: ``region, product, form, forecast, lo, hi`` in annual kg of output.
        profile: Any object with ``region, raw_volume_kg, capital_yuan, skill_level, cold_chain,
            transit_days``.
        fresh_shelf_life: Fresh shelf life in days per product (mapping, Series or products table).

    Returns:
        One row per (region, product, option) with the columns in :data:`COLUMNS`, best first.
    """
    df = _frame(options, prices, multipliers, profile)
    shelf = df[PRODUCT].map(_shelf_map(fresh_shelf_life))
    if "shelf_life_days" in df.columns:  # the output form's shelf life; fresh uses the product's
        shelf = df["shelf_life_days"].where(df[OPTION] != DEFAULT_FORM, shelf).fillna(shelf)
    for col in ("yield_ratio", "processing_cost_per_kg", "capex", "skill_level"):
        df[col] = pd.to_numeric(df[col], errors="coerce").astype(float)
    if (df["yield_ratio"] <= 0).any() or df["yield_ratio"].isna().any():
        raise ValueError("every option needs a yield_ratio > 0")
    df["cold_chain_required"] = df["cold_chain_required"].fillna(False).astype(bool)
    df["output_price"] = df["fresh_price"] * df["price_multiplier"]
    df["spoilage"] = spoilage_share(
        shelf.fillna(0.0).to_numpy(), float(profile.transit_days), bool(profile.cold_chain)
    )
    df["revenue_per_kg_raw"] = df["yield_ratio"] * df["output_price"] * (1.0 - df["spoilage"])
    df["net_per_kg_raw"] = df["revenue_per_kg_raw"] - df["processing_cost_per_kg"]
    fresh_net = df[df[OPTION] == DEFAULT_FORM].set_index(PRODUCT)["net_per_kg_raw"]
    df["fresh_net_per_kg_raw"] = df[PRODUCT].map(fresh_net)
    df["uplift_per_kg_raw"] = df["net_per_kg_raw"] - df["fresh_net_per_kg_raw"]
    df = _demand(df, demand, profile.region)
    df["volume_kg_raw"] = np.minimum(df["raw_volume_kg"], df["demand_cap_kg_raw"])
    exact = df["uplift_per_kg_raw"] * df["volume_kg_raw"]
    df["annual_uplift"] = exact.round().astype(float)
    with np.errstate(divide="ignore"):
        df["payback_years"] = np.where(
            df["annual_uplift"] > 0, df["capex"] / df["annual_uplift"], np.inf
        )
    df["feasible"] = (
        (df["skill_level"] <= profile.skill_level)
        & (df["capex"] <= profile.capital_yuan)
        & ~(df["cold_chain_required"] & (not profile.cold_chain))
    )
    base = exact - df["capex"] / CAPEX_LIFE_YEARS
    risk = df["risk"].fillna(UNKNOWN_DEMAND_RISK)
    df["score"] = np.where(base > 0, base / (1.0 + risk), base)
    df.loc[~df["feasible"], "score"] = -np.inf
    texts = [_reasons(r, profile) for _, r in df.iterrows()]
    df["reason"] = [t[0] for t in texts]
    df["reason_zh"] = [t[1] for t in texts]
    df = df.sort_values(
        [REGION, "score", "annual_uplift", PRODUCT, OPTION],
        ascending=[True, False, False, True, True],
        kind="mergesort",
    )
    return df.reset_index(drop=True)[list(COLUMNS)]
