"""The decision backtest in words: what following the listing plan would have earned."""

from __future__ import annotations

import pandas as pd

from recommender.data.contract import REGION
from recommender.decide.replay import LAST_YEAR, MEDIAN, PERFECT, PLAN, POLICIES

POLICY_NAMES: dict[str, tuple[str, str]] = {
    PLAN: ("本计划", "this plan"),
    LAST_YEAR: ("照搬去年同周销量", "last year's quantity"),
    MEDIAN: ("按预测中位数上架", "the median forecast"),
    PERFECT: ("事后完美预知", "perfect foresight"),
}
"""How a policy is named to a manager (Chinese, English)."""


def _yuan(x: float) -> str:
    return f"¥{x:,.0f}"


def hindsight(results: pd.DataFrame, region: str, lang: str) -> tuple[str, pd.DataFrame]:
    """A sentence and a table comparing the plan with the naive policies for one region.

    Args:
        results: The decision backtest (``decisions.csv``: cutoff, region, product, policy,
            margin, waste_kg, stockout_kg, ...).
        region: Region code.
        lang: ``zh`` or ``en``.

    Returns:
        The sentence ("" when the region has no replayed lines) and one row per policy:
        policy name, margin, waste kg, stock-out kg.
    """
    mine = results[results[REGION].astype(str) == str(region)]
    if mine.empty:
        return "", pd.DataFrame()
    totals = mine.groupby("policy")[["margin", "waste_kg", "stockout_kg"]].sum()
    totals = totals.reindex([p for p in POLICIES if p in totals.index])
    pick = 0 if lang == "zh" else 1
    table = totals.reset_index()
    table["policy"] = [POLICY_NAMES[p][pick] for p in table["policy"]]
    plan = totals.loc[PLAN] if PLAN in totals.index else None
    if plan is None:
        return "", table
    windows = mine["cutoff"].nunique()
    others = [p for p in (LAST_YEAR, MEDIAN) if p in totals.index]
    if lang == "zh":
        vs = "，".join(f"{POLICY_NAMES[p][0]}为{_yuan(totals.at[p, 'margin'])}" for p in others)
        text = (
            f"在过去{windows}个回测窗口中按本计划上架，毛利为{_yuan(plan['margin'])}（{vs}）；"
            f"过期损耗{plan['waste_kg']:,.0f}公斤，缺货{plan['stockout_kg']:,.0f}公斤。"
        )
    else:
        vs = ", ".join(f"{POLICY_NAMES[p][1]} {_yuan(totals.at[p, 'margin'])}" for p in others)
        text = (
            f"Had you listed by this plan over the last {windows} backtest windows, the margin "
            f"would have been {_yuan(plan['margin'])} (against {vs}), with "
            f"{plan['waste_kg']:,.0f} kg spoiled unsold and {plan['stockout_kg']:,.0f} kg of "
            "demand missed."
        )
    if PERFECT in totals.index and totals.at[PERFECT, "margin"] > 0:
        share = plan["margin"] / totals.at[PERFECT, "margin"]
        text += (
            f"相当于事后完美预知毛利的{share:.0%}。"
            if lang == "zh"
            else f" That is {share:.0%} of what perfect foresight would have earned."
        )
    return text, table
