"""Names people read in tables: headers, products, forms, channels, actions, models.

The data keeps stable ASCII codes (``kiwifruit``, ``gift_box``, ``douyin_live``); tables shown
to a manager carry names in the chosen language instead. A code without a known name is shown
as it is, so a cooperative's own product or channel still appears.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from recommender.data.vocabulary import NAMES
from recommender.data.vocabulary import REASONS as QUARANTINE_REASONS
from recommender.present.i18n import DEFAULT_LANG, LANGS, lang_or_default

MODELS: dict[str, tuple[str, str]] = {
    "forecast": ("兴农模型（服务中）", "Xingnong blend (served)"),
    "lgb": ("LightGBM", "LightGBM"),
    "seasonal_naive": ("去年同期", "same week last year"),
    "ets": ("指数平滑 ETS", "ETS"),
    "theta": ("Theta", "Theta"),
    "ets_theta": ("ETS+Theta", "ETS+Theta"),
    "fallback": ("历史太短：简单预测", "short history: simple forecast"),
    "short_history": ("历史较短", "short history"),
    "full": ("完整模型", "full model"),
}
"""Forecast model and method codes (see ``recommender.forecast``) -> (Chinese, English) name."""

VALUES: dict[str, tuple[str, str]] = {
    **{code: (name.zh, name.en) for code, name in NAMES.items()},
    **MODELS,
}
"""Code -> (Chinese, English) names of the values that appear in the app's tables."""

REASONS: dict[str, tuple[str, str]] = {
    code: (name.zh, name.en) for code, name in QUARANTINE_REASONS.items()
}
"""Why a sales row was quarantined, in words."""

HEADERS: dict[str, tuple[str, str]] = {
    "product": ("产品", "product"),
    "option": ("加工方式", "option"),
    "score": ("得分", "score"),
    "reason": ("理由", "reason"),
    "months_to_first_harvest": ("首次收获（月）", "months to first harvest"),
    "profit_per_mu_year": ("每亩年利润（元）", "profit per mu a year (¥)"),
    "profit_per_mu_horizon": ("每亩期内利润（元）", "profit per mu over horizon (¥)"),
    "risk": ("风险", "risk"),
    "uplift_per_kg_raw": ("每公斤增收（元）", "uplift per kg raw (¥)"),
    "annual_uplift": ("年增收（元）", "annual uplift (¥)"),
    "capex": ("设备投资（元）", "capex (¥)"),
    "payback_years": ("回本（年）", "payback (years)"),
    "feasible": ("可行", "feasible"),
    "multiplier_source": ("价格倍数来源", "multiplier source"),
    "gi_status": ("地理标志", "GI status"),
    "location_quotient": ("专业化系数", "location quotient"),
    "price_premium": ("溢价", "price premium"),
    "premium_lo": ("溢价下限", "premium low"),
    "premium_hi": ("溢价上限", "premium high"),
    "premium_weeks": ("可比周数", "matched weeks"),
    "competitors": ("竞争产区数", "competing regions"),
    "demand_basis": ("需求依据", "demand basis"),
    "default_for": ("默认值类别", "default for"),
    "price_per_kg": ("售价（元/公斤）", "price (¥/kg)"),
    "unit_cost": ("成本（元/公斤）", "unit cost (¥/kg)"),
    "cost_basis": ("成本依据", "cost basis"),
    "listed": ("上架", "listed"),
    "policy": ("上架策略", "policy"),
    "margin": ("毛利（元）", "margin (¥)"),
    "waste_kg": ("损耗（公斤）", "waste (kg)"),
    "stockout_kg": ("缺货（公斤）", "stock-outs (kg)"),
    "action": ("行动", "action"),
    "week": ("周", "week"),
    "channel": ("渠道", "channel"),
    "form": ("形态", "form"),
    "quantity_kg": ("上架量（公斤）", "quantity (kg)"),
    "forecast_kg": ("预测（公斤）", "forecast (kg)"),
    "critical_ratio": ("服务水平", "service level"),
    "festival": ("节日", "festival"),
    "date": ("日期", "date"),
    "forecast": ("预测", "forecast"),
    "lo": ("下限", "low"),
    "hi": ("上限", "high"),
    "method": ("方法", "method"),
    "wape": ("WAPE", "WAPE"),
    "mase": ("MASE", "MASE"),
    "coverage": ("80% 区间覆盖率", "80% coverage"),
    "model": ("模型", "model"),
    "source_row": ("行号", "row"),
    "detail": ("说明", "detail"),
    "region": ("地区", "region"),
    "quantity": ("数量", "quantity"),
    "price": ("价格", "price"),
    "count": ("行数", "rows"),
    # score components
    "specialisation": ("专业化", "specialisation"),
    "uniqueness": ("独特性", "uniqueness"),
    "premium": ("溢价", "premium"),
    "growth": ("需求增长", "growth"),
    "dispersion": ("价格差异", "dispersion"),
    "uplift": ("年增收", "uplift"),
    "capex_per_year": ("年折旧", "capex per year"),
    "profit": ("期内利润", "profit"),
    "demand_factor": ("需求与风险调整", "demand & risk adjustment"),
    # MLflow runs
    "trained_at": ("训练时间", "trained"),
    "run_name": ("运行", "run"),
    "status": ("状态", "status"),
    "wape_served": ("WAPE 兴农模型", "WAPE served"),
    "wape_naive": ("WAPE 去年同期", "WAPE last year"),
    "wape_ets": ("WAPE ETS", "WAPE ETS"),
    "beats": ("优于基准", "beats baselines"),
    "data_digest": ("数据指纹", "data digest"),
    "is_champion": ("冠军", "champion"),
}
"""Column -> (Chinese, English) table header."""

#: Columns whose values are codes with names in :data:`VALUES`.
CODED_COLUMNS: tuple[str, ...] = (
    "option",
    "form",
    "channel",
    "action",
    "gi_status",
    "multiplier_source",
    "method",
    "model",
)


def value_label(code: Any, lang: str | None) -> str:
    """The name of a coded value in ``lang``; the code itself when it has no name.

    Args:
        code: The value (``gift_box``, ``taobao``...).
        lang: ``zh`` or ``en``.

    Returns:
        The name.
    """
    pair = VALUES.get(str(code))
    return pair[LANGS.index(lang_or_default(lang))] if pair else str(code)


def column(name: str, lang: str | None = DEFAULT_LANG) -> str:
    """A table column's header in ``lang`` (the name itself when it has no translation)."""
    pair = HEADERS.get(name)
    return pair[LANGS.index(lang_or_default(lang))] if pair else name


def reason_label(code: Any, lang: str | None) -> str:
    """Why a row was quarantined, in words in ``lang`` (the code itself when unknown)."""
    pair = REASONS.get(str(code))
    return pair[LANGS.index(lang_or_default(lang))] if pair else str(code)


def _names(table: pd.DataFrame, key: str) -> dict[str, tuple[str, str]]:
    """Code -> (Chinese, English) name from a table's ``key``, ``name_zh`` and ``name_en``."""
    out: dict[str, tuple[str, str]] = {}
    for row in table.to_dict("records"):
        zh, en = row.get("name_zh"), row.get("name_en")
        out[str(row[key])] = (
            str(zh) if isinstance(zh, str) else "",
            str(en) if isinstance(en, str) else "",
        )
    return out


def product_names(products: pd.DataFrame) -> dict[str, tuple[str, str]]:
    """Product code -> (Chinese, English) name from a products table.

    Args:
        products: Table with ``product`` and optional ``name_zh``, ``name_en``.

    Returns:
        The names (empty strings where the table has none).
    """
    return _names(products, "product")


def region_names(regions: pd.DataFrame) -> dict[str, tuple[str, str]]:
    """Region code -> (Chinese, English) name from a regions table.

    Args:
        regions: Table with ``region`` and optional ``name_zh``, ``name_en``.

    Returns:
        The names (empty strings where the table has none).
    """
    return _names(regions, "region")


def product_label(code: Any, names: Mapping[str, tuple[str, str]], lang: str | None) -> str:
    """A product's name in ``lang`` (the other language's, then the code, when missing)."""
    zh, en = names.get(str(code), ("", ""))
    first, second = (zh, en) if lang_or_default(lang) == "zh" else (en, zh)
    return first or second or str(code)


def named(
    table: pd.DataFrame, lang: str | None, products: Mapping[str, tuple[str, str]]
) -> pd.DataFrame:
    """A copy of ``table`` with product and coded columns shown by name in ``lang``.

    Args:
        table: Rows with any of ``product`` and the :data:`CODED_COLUMNS`.
        lang: ``zh`` or ``en``.
        products: Product names (see :func:`product_names`).

    Returns:
        The table with names instead of codes (other columns untouched).
    """
    out = table.copy()
    if "product" in out.columns:
        out["product"] = out["product"].map(
            lambda c: product_label(c, products, lang) if pd.notna(c) else c
        )
    for col in CODED_COLUMNS:
        if col in out.columns:
            out[col] = out[col].map(lambda c: value_label(c, lang) if pd.notna(c) else c)
    return out
