"""Regional-brand opportunity scoring: specialisation, competition, matched premiums, GI action."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from recommender.data.contract import PRODUCT, QUANTITY, REGION
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
from recommender.decide.premium import (
    CONFIDENCE,
    gi_premium,
    matched_premiums,
    price_dispersion,
    reference_priced,
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
    "competitors",
    "competitors_source",
    "uniqueness",
    "price_premium",
    "premium_lo",
    "premium_hi",
    "premium_weeks",
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
    * uniqueness: ``1 / competitors`` (regions supplying look-alikes: ``national_suppliers``
      where the brand signals give it, else the supplying regions in the sales);
    * premium: ``(price_premium - premium_floor) / (premium_cap - premium_floor)`` (the matched
      point estimate, 0 without a comparison);
    * growth: ``(demand_growth - growth_floor) / (growth_cap - growth_floor)``;
    * dispersion: ``price_dispersion / dispersion_cap`` (prices that differ by origin show
      buyers pay for where a product comes from; equal prices mean a look-alike commodity).

    ``score = 100 * sum(weight * component) / sum(weights)``.

    The premium is *clear* when it rests on at least ``min_premium_weeks`` matched weeks, the
    low end of its interval (``premium_lo``) is above 0 (statistically significant) and the
    estimate is at least ``min_premium`` (large enough to matter). The market is *crowded* when
    ``competitors > few_suppliers`` or at least ``many_sellers`` online shops sell the
    county's product (``n_sellers``; unknown counts as not crowded): there a premium must
    clear ``strong_premium`` at its low end to set the product apart, while a few sellers
    leave room to build a brand on any clear premium. Demand is *falling* when a forecast
    gives ``demand_growth <= falling_growth``.

    Action rules, first match wins:

    1. GI ``registered`` with a clear premium -> ``protect_gi_premium``;
    2. GI ``registered`` otherwise -> ``build_brand_on_gi``;
    3. no GI (``none``/``applied``), ``LQ >= min_lq``, a clear premium, demand not falling,
       and not crowded or ``premium_lo >= strong_premium`` -> ``apply_for_gi`` (for
       ``applied``: see the application through);
    4. otherwise -> ``not_yet``, the reason naming the first test failed: specialisation, a
       look-alike price, enough matched weeks, a price not below look-alikes, a premium
       distinguishable from zero, a premium of ``min_premium``, demand, competition. A
       negative or unclear premium never leads to ``apply_for_gi``.

    The reason of ``build_brand_on_gi`` names the premium test the GI failed likewise.
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
    min_lq: float = 1.5
    min_premium_weeks: int = 12
    min_premium: float = 0.05
    few_suppliers: int = 3
    many_sellers: int = 1000
    strong_premium: float = 0.10
    falling_growth: float = -0.15

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
    """Volume, location quotient and supplier count per (region, product)."""
    vol = sales.groupby(_KEY, sort=True)[QUANTITY].sum().rename("vol").reset_index()
    vol_r = vol.groupby(REGION)["vol"].transform("sum")
    vol_p = vol.groupby(PRODUCT)["vol"].transform("sum")
    lq = _ratio(_ratio(vol["vol"], vol_r), _ratio(vol_p, pd.Series(vol["vol"].sum(), vol.index)))
    vol["location_quotient"] = lq.fillna(0.0)
    vol["supplier_regions"] = (vol["vol"] > 0).groupby(vol[PRODUCT]).transform("sum").astype(int)
    return vol


def _signals(signals: pd.DataFrame, keys: pd.DataFrame) -> pd.DataFrame:
    """Brand signals for every (region, product) in sales; missing rows get ``none``."""
    cols = [*_KEY, "gi_status", "gi_name_zh", "gi_name_en", "n_sellers", "national_suppliers"]
    given = signals.reindex(columns=cols).drop_duplicates(_KEY)
    out = keys.merge(given, on=_KEY, how="left", indicator=True)
    out["has_signal"] = out.pop("_merge").eq("both")
    out["gi_status"] = out["gi_status"].fillna(GI_NONE).astype(str).str.strip().str.lower()
    for col in ("gi_name_zh", "gi_name_en"):
        out[col] = out[col].fillna("").astype(str)
    for col in ("n_sellers", "national_suppliers"):
        out[col] = pd.to_numeric(out[col], errors="coerce").astype("Int64")
    return out


def _competition(df: pd.DataFrame) -> pd.DataFrame:
    """Competitors: national suppliers where given (at least the file's count), else the file's."""
    national = df["national_suppliers"].astype("Float64")
    use = national.notna() & (national >= df["supplier_regions"])
    df["competitors"] = national.where(use, df["supplier_regions"]).astype(int)
    df["competitors_source"] = np.where(use.to_numpy(bool), "national", "file")
    df["uniqueness"] = _ratio(pd.Series(1.0, df.index), df["competitors"]).fillna(0.0)
    return df


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


def _verdicts(df: pd.DataFrame, w: BrandWeights) -> pd.DataFrame:
    """Add whether the market is crowded, the deciding test (``_why``) and the action."""
    state = np.select(
        [
            df["premium_weeks"] == 0,
            df["premium_weeks"] < w.min_premium_weeks,
            df["premium_hi"] < 0,
            ~(df["premium_lo"] > 0),
            df["price_premium"] < w.min_premium,
        ],
        ["none", "few", "below", "flat", "small"],
        "clear",
    )
    sellers = df["n_sellers"].astype("Float64").fillna(-1.0).to_numpy(float)
    df["_crowded"] = (df["competitors"] > w.few_suppliers).to_numpy() | (sellers >= w.many_sellers)
    registered = df["gi_status"].eq(GI_REGISTERED).to_numpy()
    specialist = (df["location_quotient"] >= w.min_lq).to_numpy()
    df["_why"] = np.select(
        [
            registered & (state == "clear"),
            registered | (specialist & (state != "clear")),
            ~specialist,
            df["has_growth"] & (df["demand_growth"] <= w.falling_growth),
            df["_crowded"] & (df["premium_lo"] < w.strong_premium),
        ],
        ["protect", state, "low_lq", "falling", "crowded"],
        "apply",
    )
    df["action"] = np.select(
        [df["_why"] == "protect", registered, df["_why"] == "apply"],
        [PROTECT_GI_PREMIUM, BUILD_BRAND_ON_GI, APPLY_FOR_GI],
        NOT_YET,
    )
    return df


def _pct(value: float) -> str:
    """A signed whole percentage, never ``-0%``."""
    return f"{value if abs(value) >= 0.005 else 0.0:+.0%}"


def _premium_clause(row: pd.Series, w: BrandWeights) -> tuple[str, str]:
    """What the matched premium shows, as a clause that can follow "and" or "but"."""
    prem, k = _pct(row["price_premium"]), int(row["premium_weeks"])
    if k == 0:
        return "there is no look-alike price to compare", "没有可比的同类价格，无法衡量溢价"
    lo, hi = _pct(row["premium_lo"]), _pct(row["premium_hi"])
    span_en, span_zh = f"{CONFIDENCE:.0%} range {lo} to {hi}", f"{CONFIDENCE:.0%}置信区间{lo}至{hi}"
    if k < w.min_premium_weeks:
        known = not pd.isna(row["premium_lo"])  # no interval from a single week
        return (
            f"its {prem} premium rests on only {k} matched week{'' if k == 1 else 's'}"
            f"{f' ({span_en})' if known else ''}, fewer than the {w.min_premium_weeks} needed",
            f"{prem}的溢价仅来自{k}个可比周{f'（{span_zh}）' if known else ''}，"
            f"少于所需的{w.min_premium_weeks}周",
        )
    if row["premium_hi"] < 0:
        gap = abs(row["price_premium"])
        below = f"{gap:.0%}" if gap >= 0.005 else f"{gap:.1%}"
        return (
            f"its price is {below} below look-alikes ({span_en})",
            f"价格比同类产品低{below}（{span_zh}）",
        )
    if not row["premium_lo"] > 0:
        return (
            f"its {prem} premium is not distinguishable from zero ({span_en})",
            f"{prem}的溢价与零没有明显差别（{span_zh}）",
        )
    if row["price_premium"] < w.min_premium:
        least = _pct(w.min_premium)
        return (
            f"its {prem} premium ({span_en}) is real yet below the {least} a brand premium needs",
            f"{prem}的溢价（{span_zh}）虽然确实存在，仍低于品牌溢价所需的{least}",
        )
    return (
        f"earns a {prem} premium over look-alikes ({span_en})",
        f"比同类产品溢价{prem}（{span_zh}）",
    )


def _market(row: pd.Series) -> tuple[str, str]:
    """How many regions (nationally or in the data) and online shops sell look-alikes."""
    n, national = int(row["competitors"]), row["competitors_source"] == "national"
    en = (
        f"{n} supplying region{'' if n == 1 else 's'} {'nationally' if national else 'in the data'}"
    )
    zh = f"{'全国' if national else '数据中'}共{n}个产区供应"
    if not pd.isna(row["n_sellers"]):
        shops = int(row["n_sellers"])
        en += f" ({shops:,} online shop{'' if shops == 1 else 's'})"
        zh += f"，网上{shops:,}家店铺销售"
    return en, zh


def _notes(row: pd.Series) -> tuple[str, str]:
    """The bracketed notes of a reason: demand growth, a pending GI and missing inputs."""
    en, zh = (
        [f"demand growth {row['demand_growth']:+.0%}"],
        [f"需求增长{row['demand_growth']:+.0%}"],
    )
    if not row["has_growth"]:
        en[0], zh[0] = "no growth forecast, taken as +0%", "无需求预测，增长按+0%计"
    if row["gi_status"] == GI_APPLIED and row["action"] != APPLY_FOR_GI:
        en.append("GI application pending")
        zh.append("地理标志申请待批")
    if not row["has_signal"]:
        en.append("no brand signal on file")
        zh.append("无品牌信息记录")
    return "; ".join(en), "；".join(zh)


def _reasons(row: pd.Series, w: BrandWeights) -> tuple[str, str]:
    """One English and one Chinese sentence stating the figure that decided the action."""
    lq = row["location_quotient"]
    share_en = f"{row['_r_en']} sells {lq:.1f}× its share of {row['_p_en']}"
    share_zh = f"{row['_r_zh']}的{row['_p_zh']}销量是其份额的{lq:.1f}倍"
    prem_en, prem_zh = _premium_clause(row, w)
    market_en, market_zh = _market(row)
    gi_en, gi_zh = row["gi_name_en"] or row["_p_en"], row["gi_name_zh"] or row["_p_zh"]
    strong, lo = _pct(w.strong_premium), _pct(row["premium_lo"])
    tail_en, tail_zh = "not yet a brand candidate", "暂不建议打造品牌"
    match row["_why"]:
        case "protect":
            en = f"{share_en} under the registered GI {gi_en} and {prem_en}"
            zh = f"{share_zh}，已有地理标志“{gi_zh}”，{prem_zh}"
            tail_en, tail_zh = "protect the premium against counterfeits", "建议保护溢价、打击假冒"
        case "apply":
            en = f"{share_en} among {market_en} and {prem_en}"
            zh = f"{share_zh}（{market_zh}），{prem_zh}"
            if row["_crowded"]:
                en += f", clearing the {strong} a crowded market needs"
                zh += f"，超过竞争激烈市场所需的{strong}"
            tail_en, tail_zh = "it has no GI: apply for one", "尚无地理标志：建议申请"
            if row["gi_status"] == GI_APPLIED:
                tail_en, tail_zh = (
                    "its GI application is pending: see it through",
                    "地理标志申请待批：建议跟进",
                )
        case _ if row["action"] == BUILD_BRAND_ON_GI:
            en = f"{share_en} under the registered GI {gi_en}, but {prem_en}"
            zh = f"{share_zh}，已有地理标志“{gi_zh}”，但{prem_zh}"
            tail_en, tail_zh = "build a brand on the GI", "建议依托地理标志打造品牌"
        case "low_lq":
            en = (
                f"{share_en}, below the {w.min_lq:.1f}× specialisation that makes a brand "
                f"credible, and {prem_en}"
            )
            zh = f"{share_zh}，低于{w.min_lq:.1f}倍的专业化门槛，{prem_zh}"
        case "falling":
            fall, limit = f"{abs(row['demand_growth']):.0%}", _pct(w.falling_growth)
            en = (
                f"{share_en} and {prem_en}, but demand is forecast to fall {fall} year on year, "
                f"past the {limit} limit"
            )
            warn = f"{-w.falling_growth:.0%}"
            zh = f"{share_zh}，{prem_zh}，但预计需求同比下降{fall}，超过{warn}的警戒线"
        case "crowded":
            en = (
                f"{share_en} and {prem_en}, but among {market_en} its low end of {lo} falls "
                f"short of the {strong} a crowded market needs"
            )
            zh = f"{share_zh}，{prem_zh}，但{market_zh}，竞争激烈，溢价下限{lo}未达到所需的{strong}"
        case _:
            en = f"{share_en} among {market_en}, but {prem_en}"
            zh = f"{share_zh}（{market_zh}），但{prem_zh}"
    note_en, note_zh = _notes(row)
    if row["action"] == APPLY_FOR_GI:
        return f"{en} ({note_en}), but {tail_en}.", f"{zh}（{note_zh}），但{tail_zh}。"
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
            (none|applied|registered), ``gi_name_zh``, ``gi_name_en`` and the optional
            ``n_sellers`` and ``national_suppliers`` (missing or NA: unknown; other columns
            are ignored). Pairs without a row count as ``none``; the table may be empty.
        growth: Optional ``region``, ``product``, ``demand_growth``; missing pairs get 0 and
            the reason says so.
        weights: Score weights and action thresholds; default :class:`BrandWeights`.
        regions: Optional regions reference table (``region``, ``name_en``, ``name_zh``) for
            the names in the reasons; without it the codes are used.
        products: Optional products reference table, likewise.

    Returns:
        One row per (region, product) in sales with :data:`OUTPUT_COLUMNS`, sorted by
        ``score`` descending (ties by region, product). ``price_premium`` is the matched
        premium over look-alikes (see :func:`~recommender.decide.premium.matched_premiums`),
        0 when there is no comparison; ``premium_lo``/``premium_hi`` its interval (NaN
        without a comparison) and ``premium_weeks`` the matched weeks behind it.
        ``competitors`` is the supplier count used (``competitors_source`` ``national`` or
        ``file``). ``premium_gi_vs_lookalike`` is NaN when the product has no registered or
        no non-registered priced sales in its reference form.
    """
    w = weights or BrandWeights()
    df = _specialisation(sales)
    df = df.merge(_signals(signals, df[_KEY]).drop(columns=_KEY), left_index=True, right_index=True)
    df = _competition(df)
    prem = matched_premiums(sales).set_index(_KEY).reindex(pd.MultiIndex.from_frame(df[_KEY]))
    df["price_premium"] = prem["price_premium"].fillna(0.0).to_numpy(float)
    df["premium_lo"] = prem["premium_lo"].to_numpy(float)
    df["premium_hi"] = prem["premium_hi"].to_numpy(float)
    df["premium_weeks"] = prem["premium_weeks"].fillna(0).to_numpy(int)
    priced = reference_priced(sales)
    registered = df.loc[df["gi_status"].eq(GI_REGISTERED), _KEY]
    df["premium_gi_vs_lookalike"] = df[PRODUCT].map(gi_premium(priced, registered)).astype(float)
    df["demand_growth"], df["has_growth"] = _growth(growth, df[_KEY])
    df["price_dispersion"] = df[PRODUCT].map(price_dispersion(priced)).fillna(0.0).astype(float)
    df["score"] = _score(df, w)
    df = _verdicts(df, w)
    df = _names(_names(df, regions, REGION, "_r"), products, PRODUCT, "_p")
    texts = [_reasons(row, w) for _, row in df.iterrows()]
    df["reason"] = [t[0] for t in texts]
    df["reason_zh"] = [t[1] for t in texts]
    df = df.sort_values(["score", REGION, PRODUCT], ascending=[False, True, True])
    return df[list(OUTPUT_COLUMNS)].reset_index(drop=True)
