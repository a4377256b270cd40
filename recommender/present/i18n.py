"""Every label and message of the manager app in Chinese and English, and number formatting.

``t(key, lang)`` looks a text up (Chinese is the default language); ``{name}`` fields are
filled from keyword arguments. Numbers, money, percentages and dates are written the way a
reader of each language expects (Chinese: 万/亿 for large numbers and 2025年11月30日).
No Streamlit here: the app's pages are thin and call this module.
"""

from __future__ import annotations

import math
from datetime import date, datetime
from typing import Any

LANGS = ("zh", "en")
DEFAULT_LANG = "zh"
LANG_NAMES = {"zh": "中文", "en": "English"}

MESSAGES: dict[str, tuple[str, str]] = {
    # navigation and sidebar
    "app_title": ("兴农", "Xingnong"),
    "page_overview": ("概览", "Overview"),
    "page_demand": ("需求", "Demand"),
    "page_advice": ("种植/加工/品牌", "Grow/Process/Brand"),
    "page_list": ("上架计划", "List"),
    "page_models": ("模型", "Models"),
    "page_data": ("数据", "Data"),
    "language": ("语言 Language", "Language 语言"),
    "province": ("省份", "Province"),
    "county": ("县区", "County"),
    "other_province": ("其他", "Other"),
    "no_regions": ("没有可选的地区。", "No region to choose."),
    # missing artifacts / errors
    "no_artifacts": (
        "还没有预测结果。请先运行 `xingnong run`（或 `make demo`）。",
        "No forecast yet: run `xingnong run` (or `make demo`) first.",
    ),
    "train_demo": ("用演示数据训练（约2分钟）", "Train on the demo data (about 2 minutes)"),
    "train_data": ("用本合作社的数据训练", "Train on the cooperative's data"),
    "training_validate": ("正在检查数据…", "Checking the data…"),
    "training_demand": ("正在回测并训练需求模型…", "Backtesting and training the demand model…"),
    "training_forecast": ("正在写入预测…", "Writing the forecast…"),
    "training_differentiation": (
        "正在评估加工方式和区域品牌…",
        "Scoring processing options and regional brands…",
    ),
    "training_recommendations": ("正在生成建议…", "Making the recommendations…"),
    "training_done": ("训练完成。", "Training finished."),
    "training_busy": (
        "另一个训练正在进行，请稍后刷新。",
        "Another training is running: refresh in a moment.",
    ),
    "training_failed": ("训练失败：{error}", "Training failed: {error}"),
    "outputs_unverified": (
        "最近一次运行的结果无法验证，请重新训练：{error}",
        "The latest run's outputs do not verify; train again: {error}",
    ),
    "no_recommendations": (
        "无法为该地区生成建议：{error}",
        "No recommendations for this region: {error}",
    ),
    "nothing": ("暂无建议。", "Nothing to recommend."),
    # overview
    "overview_title": ("概览", "Overview"),
    "demand_next": ("未来{weeks}周需求", "Demand, next {weeks} weeks"),
    "demand_last_year": ("去年同期 {value}", "same weeks last year {value}"),
    "no_last_year": ("无去年同期数据", "no sales in the same weeks last year"),
    "top_grow": ("首选种植", "Top grow"),
    "top_process": ("首选加工", "Top process"),
    "top_brand": ("首选品牌行动", "Top brand action"),
    "top_list": ("本周上架", "List this week"),
    "freshness": ("预测更新时间：{when}", "Forecast updated: {when}"),
    "data_digest": ("数据指纹：{digest}", "Data digest: {digest}"),
    "model_version": ("模型版本：{name} 第{version}版", "Model version: {name} v{version}"),
    "model_unregistered": (
        "模型未登记到 MLflow（训练时用了 --no-mlflow）",
        "Model not registered in MLflow (trained with --no-mlflow)",
    ),
    "model_beats": ("模型优于基准", "Model beats the baselines"),
    "model_not_beats": ("模型未优于基准", "Model does not beat the baselines"),
    # demand
    "demand_title": ("需求预测", "Demand forecast"),
    "wape": ("回测误差 WAPE", "Backtest WAPE"),
    "naive_wape": ("季节朴素 WAPE", "Seasonal naive WAPE"),
    "coverage": ("80% 区间覆盖率", "80% interval coverage"),
    "product": ("产品", "Product"),
    "no_series": ("该地区没有预测。", "No forecast for this region."),
    "demand_all_products": (
        "全部产品：未来{weeks}周与去年同期",
        "All products: the next {weeks} weeks against the same weeks last year",
    ),
    "demand_by_product": ("按产品和渠道", "By product and channel"),
    "channel": ("渠道", "Channel"),
    "all_channels": ("全部渠道", "All channels"),
    "channel_share_note": (
        "单个渠道的预测 = 地区预测 × 该渠道近52周的销量占比（节日周与平常周分开计算）。",
        "A channel's forecast is the region's forecast times the channel's share of the last "
        "52 weeks of sales (festival and ordinary weeks apart).",
    ),
    "festivals_shaded": (
        "阴影为节假日（红）和电商节（紫）。",
        "Shaded: public holidays (red) and shopping festivals (purple).",
    ),
    "chart_history": ("历史销量", "history"),
    "chart_forecast": ("预测", "forecast"),
    "chart_interval": ("80% 区间", "80% interval"),
    "chart_last_year": ("去年同期", "same week last year"),
    "chart_week": ("周", "week"),
    "chart_kg": ("公斤", "kg"),
    "chart_from": ("开始", "from"),
    "chart_to": ("结束", "to"),
    "chart_wape": ("回测误差 WAPE（越低越好）", "backtest WAPE (lower is better)"),
    # advice
    "advice_title": ("种植 · 加工 · 品牌", "Grow · Process · Brand"),
    "whatif": ("假设分析（即时重新排序，不重新训练）", "What if (re-ranks at once, no retraining)"),
    "fresh_price_change": ("鲜品价格变化 %", "Fresh price change %"),
    "cost_change": ("加工成本变化 %", "Processing cost change %"),
    "capex_change": ("设备投资变化 %", "Capex change %"),
    "raw_volume_change": ("原料产量变化 %", "Raw volume change %"),
    "skill_level": ("员工技能等级", "Staff skill level"),
    "skill_1": ("1 基础 basic", "1 基础 basic"),
    "skill_2": ("2 受过培训 trained", "2 受过培训 trained"),
    "skill_3": ("3 专业 specialist", "3 专业 specialist"),
    "cold_chain": ("有冷链", "Cold chain"),
    "transit_days": ("运输天数", "Transit days"),
    "new_form_market_change": ("新形态估计市场变化 %", "Estimated market of new forms %"),
    "tab_grow": ("种植", "Grow"),
    "tab_process": ("加工", "Process"),
    "tab_brand": ("品牌", "Brand"),
    "components": ("评分构成", "Score components"),
    "reasons": ("理由", "Reasons"),
    # list
    "list_title": ("上架计划", "Listing plan"),
    "download_csv": ("下载 CSV", "Download CSV"),
    "weeks": ("周数", "Weeks"),
    "hindsight_title": ("如果上一季按此计划上架……", "Had you followed this plan last season ..."),
    "hindsight_none": (
        "还没有决策回测（重新运行 `xingnong run`）。",
        "No decision backtest yet (run `xingnong run` again).",
    ),
    # models
    "models_title": ("模型", "Models"),
    "backtest_metrics": ("最新回测：模型与基准", "Latest backtest: model against baselines"),
    "runs": ("MLflow 运行记录", "MLflow runs"),
    "no_runs": (
        "MLflow 中还没有运行记录（使用了 `--no-mlflow`？）。运行 `xingnong run` 记录一次。",
        "MLflow has no runs yet (was `--no-mlflow` used?). Run `xingnong run` to log one.",
    ),
    "champion": (
        "冠军模型：版本 {version}，{when} 训练，模型指纹 {digest}",
        "Champion: version {version}, trained {when}, bundle digest {digest}",
    ),
    "no_champion": ("还没有冠军模型。", "No champion model yet."),
    "mlflow_error": ("无法读取 MLflow：{error}", "Cannot read MLflow: {error}"),
    # data
    "data_title": ("数据检查", "Data check"),
    "upload": ("上传销售数据（CSV 或 Parquet）", "Upload sales (CSV or Parquet)"),
    "upload_help": (
        "先检查；只有按下训练按钮才会用它训练。最大 {mb} MB。",
        "Checked first; trained on only if you press the train button. At most {mb} MB.",
    ),
    "train_upload": (
        "用这份数据的 {rows} 行重新训练",
        "Retrain on the {rows} accepted rows of this file",
    ),
    "too_big": ("文件超过 {mb} MB。", "The file is larger than {mb} MB."),
    "rows_read": ("读取行数", "Rows read"),
    "rows_accepted": ("通过", "Accepted"),
    "rows_quarantined": ("隔离", "Quarantined"),
    "by_reason": ("隔离原因", "Quarantined by reason"),
    "quarantined_rows": ("被隔离的行", "Quarantined rows"),
    "pii_found": (
        "发现个人信息列：{columns}（{what}）",
        "Personal columns found: {columns} ({what})",
    ),
    "pii_pseudonymised": ("已假名化", "pseudonymised"),
    "pii_dropped": ("已删除", "dropped"),
    "file_error": ("文件无法使用：{error}", "The file cannot be used: {error}"),
    "all_accepted": ("所有行都通过了检查。", "Every row passed."),
}


def lang_or_default(lang: str | None) -> str:
    """``lang`` when it is a known language, else the default (Chinese)."""
    return lang if lang in LANGS else DEFAULT_LANG


def t(key: str, lang: str | None = DEFAULT_LANG, **fields: Any) -> str:
    """The text of ``key`` in ``lang`` with ``{fields}`` filled; the key itself when unknown.

    Args:
        key: Message key (see :data:`MESSAGES`).
        lang: ``zh`` or ``en`` (anything else: Chinese).
        **fields: Values for the ``{name}`` placeholders.

    Returns:
        The text.
    """
    pair = MESSAGES.get(key)
    if pair is None:
        return key
    text = pair[LANGS.index(lang_or_default(lang))]
    return text.format(**fields) if fields else text


def reason_key(lang: str | None) -> str:
    """The recommendation item field holding the reason in ``lang``."""
    return "reason_zh" if lang_or_default(lang) == "zh" else "reason"


def _finite(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def fmt_number(value: Any, lang: str | None = DEFAULT_LANG, decimals: int = 0) -> str:
    """A number for display: ``12,345`` in English, ``1.23万`` in Chinese; ``–`` when missing."""
    if not _finite(value):
        return "–"
    value = float(value)
    if lang_or_default(lang) == "zh":
        for unit, size in (("亿", 1e8), ("万", 1e4)):
            if abs(value) >= size:
                return f"{value / size:,.2f}{unit}"
    return f"{value:,.{decimals}f}"


def fmt_money(value: Any, lang: str | None = DEFAULT_LANG, decimals: int = 0) -> str:
    """Yuan: ``¥12,345`` (English) or ``¥1.23万`` (Chinese)."""
    text = fmt_number(value, lang, decimals)
    if text == "–":
        return text
    return f"-¥{text[1:]}" if text.startswith("-") else f"¥{text}"


def fmt_percent(value: Any, lang: str | None = DEFAULT_LANG, decimals: int = 0, sign=False) -> str:
    """A fraction as a percentage (0.123 -> ``12%``; with ``sign``: ``+12%``)."""
    if not _finite(value):
        return "–"
    return f"{float(value):{'+' if sign else ''}.{decimals}%}"


def fmt_date(value: Any, lang: str | None = DEFAULT_LANG, with_time: bool = False) -> str:
    """A date: ``2025年11月30日`` in Chinese, ``30 Nov 2025`` in English (optionally the time)."""
    if value is None:
        return "–"
    if not isinstance(value, date):
        try:
            value = datetime.fromisoformat(str(value))
        except ValueError:
            return str(value)
    if hasattr(value, "to_pydatetime"):  # a pandas Timestamp
        value = value.to_pydatetime()
    if isinstance(value, datetime) and value.tzinfo is not None:
        value = value.astimezone()  # the reader's (server's) local time
    clock = f" {value:%H:%M}" if with_time and isinstance(value, datetime) else ""
    if lang_or_default(lang) == "zh":
        return f"{value.year}年{value.month}月{value.day}日{clock}"
    return f"{value.day} {value:%b} {value.year}{clock}"


def region_label(code: str, names: dict[str, tuple[str, str]]) -> str:
    """A region's names in both languages with its code (``周至县 Zhouzhi (zhouzhi)``).

    Both languages, so a picker's options stay the same when the language changes.
    """
    zh, en = names.get(code) or ("", "")
    name = " ".join(n for n in (zh, en) if n)
    return f"{name} ({code})" if name else code
