"""The codes the data uses (forms, channels, GI status, brand actions...) and their names.

The data keeps stable ASCII codes (``gift_box``, ``douyin_live``); people read names. Every code
and its Chinese and English name are defined here once: the scores write their reasons with
them and the app shows them. A cooperative's own code that is not listed here is shown as it is.
"""

from __future__ import annotations

from typing import NamedTuple

from recommender.data.contract import DEFAULT_CHANNEL, DEFAULT_FORM, Reason


class Name(NamedTuple):
    """A code's name in Chinese and in English."""

    zh: str
    en: str


class Form(NamedTuple):
    """A processing form: its name, how a sentence says doing it, and the kit it needs.

    Attributes:
        name: Chinese and English name.
        verb_en: English words that start a sentence about doing it (``"Drying"``).
        verb_zh: Chinese verb phrase (``"烘干"``).
        kit_en: The equipment it needs, in English (empty for fresh).
    """

    name: Name
    verb_en: str
    verb_zh: str
    kit_en: str


FORMS: dict[str, Form] = {
    DEFAULT_FORM: Form(Name("鲜果", "fresh"), "Selling", "鲜销", ""),
    "graded_packed": Form(
        Name("分级包装", "graded & packed"), "Grading and packing", "分级包装", "grading line"
    ),
    "dried": Form(Name("干制", "dried"), "Drying", "烘干", "dryer"),
    "juice": Form(Name("果汁", "juice"), "Juicing", "榨汁", "juicing line"),
    "puree": Form(Name("果浆", "purée"), "Making purée from", "制浆", "purée line"),
    "frozen": Form(Name("冷冻", "frozen"), "Freezing", "冷冻", "freezer"),
    "gift_box": Form(Name("礼盒", "gift box"), "Gift-boxing", "礼盒装", "gift-box set-up"),
    "roasted": Form(Name("烘焙", "roasted"), "Roasting", "烘焙", "roaster"),
}
"""Processing forms with names (``fresh`` is the unprocessed baseline). The list is open: any
other form or option code in a cooperative's data is accepted and shown as it is written."""

ANY_CATEGORY = "*"
"""The default tables' row for a product category they do not list."""
CATEGORIES: dict[str, Name] = {
    "fruit": Name("水果", "fruit"),
    "vegetable": Name("蔬菜", "vegetables"),
    "tea": Name("茶叶", "tea"),
    "grain": Name("粮食", "grain"),
    "nut": Name("坚果", "nuts"),
    "fungus": Name("食用菌", "edible fungi"),
    "bee_product": Name("蜂产品", "bee products"),
    "spice": Name("香料", "spices"),
    "coffee": Name("咖啡", "coffee"),
    ANY_CATEGORY: Name("其他农产品", "other produce"),
}
"""Product categories with names (any other category code is accepted and shown as it is)."""

CHANNELS: dict[str, Name] = {
    "offline": Name("线下", "offline"),
    "taobao": Name("淘宝", "Taobao"),
    "pinduoduo": Name("拼多多", "Pinduoduo"),
    "wechat": Name("微信", "WeChat"),
    "douyin_live": Name("抖音直播", "Douyin live"),
    DEFAULT_CHANNEL: Name("未注明", "not stated"),
}
"""Sales channels with names (any other channel code is accepted and shown as it is)."""

GI_NONE, GI_APPLIED, GI_REGISTERED = "none", "applied", "registered"
GI_STATUSES: dict[str, Name] = {
    GI_NONE: Name("无", "none"),
    GI_APPLIED: Name("申请中", "applied"),
    GI_REGISTERED: Name("已登记", "registered"),
}
"""Geographical-indication status of a (region, product)."""

APPLY_FOR_GI = "apply_for_gi"
BUILD_BRAND_ON_GI = "build_brand_on_gi"
PROTECT_GI_PREMIUM = "protect_gi_premium"
NOT_YET = "not_yet"
BRAND_ACTIONS: dict[str, Name] = {
    APPLY_FOR_GI: Name("申请地理标志", "apply for a GI"),
    BUILD_BRAND_ON_GI: Name("依托地理标志建品牌", "build a brand on the GI"),
    PROTECT_GI_PREMIUM: Name("保护地理标志溢价", "protect the GI premium"),
    NOT_YET: Name("暂不", "not yet"),
}
"""What to do about a regional brand."""

PRICE_MODEL, PRICE_MATCHED, PRICE_PRIOR = "model", "learned", "prior"
PRICE_SOURCES: dict[str, Name] = {
    PRICE_MODEL: Name("价格模型", "price model"),
    PRICE_MATCHED: Name("同期比价", "matched weeks"),
    PRICE_PRIOR: Name("参考值", "reference prior"),
}
"""Where a form's price multiplier came from: the price model, matched weeks or the prior."""

REASONS: dict[str, Name] = {
    Reason.MISSING_VALUE: Name("缺少必填值", "a required value is missing"),
    Reason.BAD_DATE: Name("日期无效", "bad date"),
    Reason.FUTURE_DATE: Name("日期在未来", "date in the future"),
    Reason.BAD_QUANTITY: Name("数量不是数字", "quantity is not a number"),
    Reason.NEGATIVE_QUANTITY: Name("数量为负", "negative quantity"),
    Reason.BAD_PRICE: Name("价格无效", "bad price"),
    Reason.FORMULA_TEXT: Name("名称像表格公式", "name looks like a spreadsheet formula"),
    Reason.UNKNOWN_REGION: Name("未知地区", "unknown region"),
    Reason.UNKNOWN_PRODUCT: Name("未知产品", "unknown product"),
    Reason.DUPLICATE: Name("重复行", "duplicate row"),
}
"""Why a sales row was quarantined, in words."""

NAMES: dict[str, Name] = {
    **{code: form.name for code, form in FORMS.items()},
    **CATEGORIES,
    **CHANNELS,
    **GI_STATUSES,
    **BRAND_ACTIONS,
    **PRICE_SOURCES,
}
"""Every coded value's name (quarantine reasons apart: :data:`REASONS`)."""


def name_of(code: object, lang: str) -> str:
    """A coded value's name in ``lang`` (``"zh"`` or ``"en"``); the code itself when unknown.

    Args:
        code: A form, channel, GI status, brand action or price-source code.
        lang: ``"zh"`` for Chinese, anything else for English.

    Returns:
        The name.
    """
    name = NAMES.get(str(code))
    if name is None:
        return str(code)
    return name.zh if lang == "zh" else name.en
