"""Regional-brand opportunity scoring: specialisation, uniqueness, learned premiums, GI action."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from recommender.data import vocabulary
from recommender.data.contract import DATE, DEFAULT_FORM, FORM, PRICE, PRODUCT, QUANTITY, REGION
from recommender.data.periods import WEEKLY
from recommender.data.vocabulary import (
    APPLY_FOR_GI,
    BRAND_ACTIONS,
    BUILD_BRAND_ON_GI,
    GI_APPLIED,
    GI_NONE,
    GI_REGISTERED,
    NOT_YET,
    PROTECT_GI_PREMIUM,
)

ACTIONS: tuple[str, ...] = tuple(BRAND_ACTIONS)
OUTPUT_COLUMNS: tuple[str, ...] = (
    REGION,
    PRODUCT,
    "gi_status",
    "gi_name_zh",
    "gi_name_en",
    "location_quotient",
    "supplier_regions",
    "uniqueness",
    "price_premium",
    "premium_gi_vs_lookalike",
    "demand_growth",
    "price_dispersion",
    "n_sellers",
    "score",
    "action",
    "reason",
    "reason_zh",
)
_KEY = [REGION, PRODUCT]


@dataclass(frozen=True)
class BrandWeights:
    """Weights of the 0-100 score and the thresholds of the action rules.

    Each component is mapped to [0, 1] by a clipped, non-decreasing transform, so raising
    one input never lowers the score:

    * specialisation: ``log(LQ) / log(lq_saturation)`` (LQ 1 -> 0, LQ 4 -> 1);
    * uniqueness: ``1 / supplier_regions``;
    * premium: ``(price_premium - premium_floor) / (premium_cap - premium_floor)``;
    * growth: ``(demand_growth - growth_floor) / (growth_cap - growth_floor)``;
    * dispersion: ``price_dispersion / dispersion_cap`` (prices that differ by origin show
      buyers pay for where a product comes from; equal prices mean a look-alike commodity).

    ``score = 100 * sum(weight * component) / sum(weights)``.

    Action rules, first match wins:

    1. GI ``registered`` and ``price_premium < small_premium`` -> ``build_brand_on_gi``;
    2. GI ``registered`` otherwise -> ``protect_gi_premium``;
    3. no GI (``none``/``applied``), ``LQ >= min_lq`` and (``supplier_regions <=
       few_suppliers`` or ``price_premium > 0``) -> ``apply_for_gi``;
    4. otherwise -> ``not_yet`` (low specialisation, or many look-alike suppliers).
    """

    specialisation: float = 0.35
    uniqueness: float = 0.15
    premium: float = 0.30
    growth: float = 0.10
    dispersion: float = 0.10
    lq_saturation: float = 4.0
    premium_floor: float = -0.2
    premium_cap: float = 0.5
    growth_floor: float = -0.2
    growth_cap: float = 0.4
    dispersion_cap: float = 0.3
    small_premium: float = 0.10
    min_lq: float = 1.5
    few_suppliers: int = 3

    def __post_init__(self) -> None:
        """Refuse negative weights or an all-zero weighting."""
        weights = self._weights()
        if min(weights) < 0 or sum(weights) <= 0:
            raise ValueError("BrandWeights: weights must be >= 0 and not all zero")

    def _weights(self) -> tuple[float, ...]:
        return (self.specialisation, self.uniqueness, self.premium, self.growth, self.dispersion)


def _ratio(num: pd.Series, den: pd.Series) -> pd.Series:
    """``num / den`` with NaN where the denominator is not positive."""
    return num / den.where(den > 0)


def _specialisation(sales: pd.DataFrame) -> pd.DataFrame:
    """Volume, location quotient, supplier count and uniqueness per (region, product)."""
    vol = sales.groupby(_KEY, sort=True)[QUANTITY].sum().rename("vol").reset_index()
    vol_r = vol.groupby(REGION)["vol"].transform("sum")
    vol_p = vol.groupby(PRODUCT)["vol"].transform("sum")
    lq = _ratio(_ratio(vol["vol"], vol_r), _ratio(vol_p, pd.Series(vol["vol"].sum(), vol.index)))
    vol["location_quotient"] = lq.fillna(0.0)
    vol["supplier_regions"] = (vol["vol"] > 0).groupby(vol[PRODUCT]).transform("sum").astype(int)
    vol["uniqueness"] = _ratio(pd.Series(1.0, vol.index), vol["supplier_regions"]).fillna(0.0)
    return vol


def _priced(sales: pd.DataFrame) -> pd.DataFrame:
    """Priced rows in each product's reference form (fresh, else its highest-volume form)."""
    rows = sales[sales[PRICE].notna() & (sales[QUANTITY] > 0)]
    by_form = rows.groupby([PRODUCT, FORM])[QUANTITY].sum().reset_index()
    by_form["fresh"] = by_form[FORM] == DEFAULT_FORM
    ref = by_form.sort_values([PRODUCT, "fresh", QUANTITY]).groupby(PRODUCT)[FORM].last()
    rows = rows[rows[FORM] == rows[PRODUCT].map(ref)]
    return rows.assign(value=rows[PRICE] * rows[QUANTITY])


def _price_premium(priced: pd.DataFrame) -> pd.Series:
    """Region's quantity-weighted price over the same product's price in other regions, - 1."""
    own = priced.groupby(_KEY)[["value", QUANTITY]].sum()
    tot = own.groupby(level=PRODUCT).transform("sum")
    others = _ratio(tot["value"] - own["value"], tot[QUANTITY] - own[QUANTITY])
    return (_ratio(own["value"], own[QUANTITY]) / others - 1).rename("price_premium")


def _gi_premium(priced: pd.DataFrame, status: pd.DataFrame) -> pd.Series:
    """Per product: price of GI-registered regions' sales over non-GI regions' sales, - 1."""
    rows = priced.merge(status[[*_KEY, "gi_status"]], on=_KEY, how="left")
    rows["gi"] = rows["gi_status"].eq(GI_REGISTERED)
    sums = rows.groupby([PRODUCT, "gi"])[["value", QUANTITY]].sum()
    price = _ratio(sums["value"], sums[QUANTITY]).unstack("gi").reindex(columns=[True, False])
    return (price[True] / price[False] - 1).rename("premium_gi_vs_lookalike")


def _dispersion(priced: pd.DataFrame) -> pd.Series:
    """Mean over weeks of the coefficient of variation of regional prices (0 if one region)."""
    week = priced[DATE].dt.to_period(WEEKLY).rename("week")
    sums = priced.groupby([priced[PRODUCT], week, priced[REGION]])[["value", QUANTITY]].sum()
    weekly = _ratio(sums["value"], sums[QUANTITY]).groupby(level=[PRODUCT, "week"])
    cv = (weekly.std(ddof=0) / weekly.mean()).where(weekly.count() >= 2)
    return cv.groupby(level=PRODUCT).mean().fillna(0.0).rename("price_dispersion")


def _signals(signals: pd.DataFrame, keys: pd.DataFrame) -> pd.DataFrame:
    """Brand signals for every (region, product) in sales; missing rows get ``none``."""
    cols = [*_KEY, "gi_status", "gi_name_zh", "gi_name_en", "n_sellers"]
    out = keys.merge(signals[cols].drop_duplicates(_KEY), on=_KEY, how="left", indicator=True)
    out["has_signal"] = out.pop("_merge").eq("both")
    out["gi_status"] = out["gi_status"].fillna(GI_NONE).astype(str).str.strip().str.lower()
    for col in ("gi_name_zh", "gi_name_en"):
        out[col] = out[col].fillna("").astype(str)
    out["n_sellers"] = pd.to_numeric(out["n_sellers"], errors="coerce").astype("Int64")
    return out


def _growth(growth: pd.DataFrame | None, keys: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """Demand growth per key (missing -> 0) and whether it was forecast."""
    if growth is None:
        return pd.Series(0.0, keys.index), pd.Series(False, keys.index)
    g = keys.merge(growth[[*_KEY, "demand_growth"]].drop_duplicates(_KEY), on=_KEY, how="left")
    values = pd.to_numeric(g["demand_growth"], errors="coerce")
    return values.fillna(0.0), values.notna()


def _score(df: pd.DataFrame, w: BrandWeights) -> pd.Series:
    """The 0-100 composite of clipped, normalised components (see :class:`BrandWeights`)."""
    comps = (
        np.log(np.maximum(df["location_quotient"], 1.0)) / np.log(w.lq_saturation),
        df["uniqueness"],
        (df["price_premium"] - w.premium_floor) / (w.premium_cap - w.premium_floor),
        (df["demand_growth"] - w.growth_floor) / (w.growth_cap - w.growth_floor),
        df["price_dispersion"] / w.dispersion_cap,
    )
    total = sum(wt * c.clip(0.0, 1.0) for wt, c in zip(w._weights(), comps, strict=True))
    return (100.0 * total / sum(w._weights())).round(2)


def _action(row: pd.Series, w: BrandWeights) -> str:
    """The action rule of :class:`BrandWeights` for one row."""
    if row["gi_status"] == GI_REGISTERED:
        return BUILD_BRAND_ON_GI if row["price_premium"] < w.small_premium else PROTECT_GI_PREMIUM
    specialist = row["location_quotient"] >= w.min_lq
    if specialist and (row["supplier_regions"] <= w.few_suppliers or row["price_premium"] > 0):
        return APPLY_FOR_GI
    return NOT_YET


def _notes(row: pd.Series) -> tuple[str, str]:
    """The bracketed notes of a reason: demand growth and missing inputs."""
    en, zh = (
        [f"demand growth {row['demand_growth']:+.0%}"],
        [f"需求增长{row['demand_growth']:+.0%}"],
    )
    if not row["has_growth"]:
        en[0], zh[0] = "no growth forecast, taken as +0%", "无需求预测，增长按+0%计"
    if not row["has_price"]:
        en.append("no look-alike price to compare")
        zh.append("无可比同类价格")
    if not row["has_signal"]:
        en.append("no brand signal on file")
        zh.append("无品牌信息记录")
    return "; ".join(en), "；".join(zh)


def _reasons(row: pd.Series, w: BrandWeights) -> tuple[str, str]:
    """One English and one Chinese sentence with the row's numbers."""
    r_en, r_zh, p_en, p_zh = row["_r_en"], row["_r_zh"], row["_p_en"], row["_p_zh"]
    lq, n = row["location_quotient"], int(row["supplier_regions"])
    prem = row["price_premium"] if abs(row["price_premium"]) >= 0.005 else 0.0  # no "-0%"
    share_en = f"{r_en} sells {lq:.1f}× its share of {p_en}"
    share_zh = f"{r_zh}的{p_zh}销量是其份额的{lq:.1f}倍"
    prem_en, prem_zh = f"a {prem:+.0%} premium over look-alikes", f"比同类产品溢价{prem:+.0%}"
    if not row["has_price"]:
        prem_en, prem_zh = f"a {prem:+.0%} premium", f"溢价按{prem:+.0%}计"
    note_en, note_zh = _notes(row)
    gi_en, gi_zh = row["gi_name_en"] or p_en, row["gi_name_zh"] or p_zh
    regions_en = f"{n} supplying region" + ("" if n == 1 else "s")
    match row["action"]:
        case vocabulary.BUILD_BRAND_ON_GI:
            en = f"{share_en} under the registered GI {gi_en}, but earns only {prem_en}"
            zh = f"{share_zh}，已有地理标志“{gi_zh}”，但{prem_zh}"
            tail_en, tail_zh = "build a brand on the GI", "建议依托地理标志打造品牌"
        case vocabulary.PROTECT_GI_PREMIUM:
            en = f"{share_en} under the registered GI {gi_en} and earns {prem_en}"
            zh = f"{share_zh}，已有地理标志“{gi_zh}”，{prem_zh}"
            tail_en, tail_zh = "protect the premium against counterfeits", "建议保护溢价、打击假冒"
        case vocabulary.APPLY_FOR_GI:
            en = f"{share_en} among {regions_en} and earns {prem_en}"
            zh = f"{share_zh}（共{n}个产区供应），{prem_zh}"
            if row["gi_status"] == GI_APPLIED:
                tail_en, tail_zh = (
                    "its GI application is pending: see it through",
                    "地理标志申请待批：建议跟进",
                )
            else:
                tail_en, tail_zh = "it has no GI: apply for one", "尚无地理标志：建议申请"
            return f"{en} ({note_en}), but {tail_en}.", f"{zh}（{note_zh}），但{tail_zh}。"
        case _:
            if lq < w.min_lq:
                why_en = f"below the {w.min_lq:.1f}× specialisation that makes a brand credible"
                why_zh = f"低于{w.min_lq:.1f}倍的专业化门槛"
            else:
                why_en = f"but {regions_en} sell look-alikes and it earns no premium"
                why_zh = f"但有{n}个产区供应同类产品且无溢价"
            en, zh = f"{share_en} at {prem_en}, {why_en}", f"{share_zh}，{prem_zh}，{why_zh}"
            tail_en, tail_zh = "not yet a brand candidate", "暂不建议打造品牌"
    return f"{en} ({note_en}): {tail_en}.", f"{zh}（{note_zh}）：{tail_zh}。"


def _names(df: pd.DataFrame, table: pd.DataFrame | None, key: str, prefix: str) -> pd.DataFrame:
    """Add English and Chinese display names: the reference table's, else the spaced code."""
    fallback = df[key].str.replace("_", " ")
    fallback = fallback.str.title() if key == REGION else fallback
    for lang in ("en", "zh"):
        names = pd.Series(dtype=object)
        if table is not None and f"name_{lang}" in table:
            names = table.drop_duplicates(key).set_index(key)[f"name_{lang}"]
        df[f"{prefix}_{lang}"] = df[key].map(names).fillna(fallback)
    return df


def score_brands(
    sales: pd.DataFrame,
    signals: pd.DataFrame,
    growth: pd.DataFrame | None = None,
    *,
    weights: BrandWeights | None = None,
    regions: pd.DataFrame | None = None,
    products: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Score each (region, product) in sales as a regional-brand opportunity.

    Args:
        sales: Accepted sales rows (``date``, ``region``, ``product``, ``quantity``,
            ``price`` (may be NaN), ``channel``, ``form``).
        signals: Brand signals, one row per (region, product): ``gi_status``
            (none|applied|registered), ``gi_name_zh``, ``gi_name_en``, ``n_sellers`` (other
            columns are ignored). Pairs without a row count as ``none``.
        growth: Optional ``region``, ``product``, ``demand_growth``; missing pairs get 0 and
            the reason says so.
        weights: Score weights and action thresholds; default :class:`BrandWeights`.
        regions: Optional regions reference table (``region``, ``name_en``, ``name_zh``) for
            the names in the reasons; without it the codes are used.
        products: Optional products reference table, likewise.

    Returns:
        One row per (region, product) in sales with :data:`OUTPUT_COLUMNS`, sorted by
        ``score`` descending (ties by region, product). ``price_premium`` compares the
        product's reference form (fresh, else its highest-volume form) and is 0 when there is
        no comparison; ``premium_gi_vs_lookalike`` is NaN when the product has no registered
        or no non-registered priced sales.
    """
    w = weights or BrandWeights()
    df = _specialisation(sales)
    priced = _priced(sales)
    df = df.merge(_signals(signals, df[_KEY]).drop(columns=_KEY), left_index=True, right_index=True)
    premium = _price_premium(priced).reindex(pd.MultiIndex.from_frame(df[_KEY])).to_numpy()
    df["has_price"] = ~np.isnan(premium)
    df["price_premium"] = np.nan_to_num(premium, nan=0.0)
    gi_prem = _gi_premium(priced, df)
    df["premium_gi_vs_lookalike"] = df[PRODUCT].map(gi_prem).astype(float)
    df["demand_growth"], df["has_growth"] = _growth(growth, df[_KEY])
    df["price_dispersion"] = df[PRODUCT].map(_dispersion(priced)).fillna(0.0).astype(float)
    df["score"] = _score(df, w)
    df["action"] = df.apply(_action, axis=1, w=w) if len(df) else pd.Series(dtype=str)
    df = _names(_names(df, regions, REGION, "_r"), products, PRODUCT, "_p")
    texts = [_reasons(row, w) for _, row in df.iterrows()]
    df["reason"] = [t[0] for t in texts]
    df["reason_zh"] = [t[1] for t in texts]
    df = df.sort_values(["score", REGION, PRODUCT], ascending=[False, True, True])
    return df[list(OUTPUT_COLUMNS)].reset_index(drop=True)
