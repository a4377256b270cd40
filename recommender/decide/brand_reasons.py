"""The words of a brand recommendation: why each action, in English and Chinese."""

from __future__ import annotations

from typing import Protocol

import pandas as pd

from recommender.data.contract import REGION
from recommender.data.vocabulary import APPLY_FOR_GI, BUILD_BRAND_ON_GI, GI_APPLIED
from recommender.decide.premium import CONFIDENCE


class Thresholds(Protocol):
    """The action thresholds a reason quotes, as :class:`~recommender.decide.brand.BrandWeights`."""

    @property
    def min_lq(self) -> float:
        """Least location quotient of a brand candidate."""

    @property
    def min_premium_weeks(self) -> int:
        """Least matched weeks behind a clear premium."""

    @property
    def min_premium(self) -> float:
        """Least premium a brand needs."""

    @property
    def strong_premium(self) -> float:
        """Least low end of the premium in a crowded market."""

    @property
    def falling_growth(self) -> float:
        """Demand growth at or below which demand is falling."""


def _pct(value: float) -> str:
    """A signed whole percentage, never ``-0%``."""
    return f"{value if abs(value) >= 0.005 else 0.0:+.0%}"


def _premium_clause(row: pd.Series, w: Thresholds) -> tuple[str, str]:
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


def reasons(row: pd.Series, w: Thresholds) -> tuple[str, str]:
    """One English and one Chinese sentence stating the figure that decided the action.

    Args:
        row: One scored (region, product): the columns of
            :data:`~recommender.decide.brand.OUTPUT_COLUMNS` before the reasons, plus
            ``has_signal``, ``has_growth``, the deciding test ``_why`` (``protect``, ``apply``,
            ``low_lq``, ``falling``, ``crowded`` or the premium state ``none``, ``few``,
            ``below``, ``flat``, ``small``, ``clear``), ``_crowded`` and the display names
            ``_r_en``, ``_r_zh``, ``_p_en``, ``_p_zh`` (see :func:`display_names`).
        w: The weights and thresholds the action was decided with; the reason quotes them.

    Returns:
        The English and the Chinese reason, each one sentence ending in the advice.
    """
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


def display_names(
    df: pd.DataFrame, table: pd.DataFrame | None, key: str, prefix: str
) -> pd.DataFrame:
    """Add English and Chinese display names: the reference table's, else the spaced code.

    Args:
        df: Rows with a ``key`` column; changed in place.
        table: Optional reference table with ``key`` and ``name_en``/``name_zh`` (either may
            be missing); codes it does not name fall back too.
        key: The code column, ``region`` or ``product``; region codes fall back title-cased.
        prefix: Prefix of the added columns ``{prefix}_en`` and ``{prefix}_zh``.

    Returns:
        ``df`` with the two name columns.
    """
    fallback = df[key].str.replace("_", " ")
    fallback = fallback.str.title() if key == REGION else fallback
    for lang in ("en", "zh"):
        names = pd.Series(dtype=object)
        if table is not None and f"name_{lang}" in table:
            names = table.drop_duplicates(key).set_index(key)[f"name_{lang}"]
        df[f"{prefix}_{lang}"] = df[key].map(names).fillna(fallback)
    return df
