"""The data contract: column names, header aliases, personal-data columns, quarantine reasons."""

from __future__ import annotations

import re
import unicodedata
from enum import StrEnum

# Sales columns at the edges (the data contract's names).
DATE = "date"
REGION = "region"
PRODUCT = "product"
QUANTITY = "quantity"
PRICE = "price"
CHANNEL = "channel"
FORM = "form"

REQUIRED_SALES_COLUMNS: tuple[str, ...] = (DATE, REGION, PRODUCT, QUANTITY)
OPTIONAL_SALES_COLUMNS: tuple[str, ...] = (PRICE, CHANNEL, FORM)
DEFAULT_FORM = "fresh"

# Long-format names inside the model layer (Nixtla style).
UID = "unique_id"
DS = "ds"
Y = "y"

# Sales: defaults, the extra columns that survive ingest, and bookkeeping columns.
DEFAULT_CHANNEL = "unknown"
SALES_COLUMNS: tuple[str, ...] = REQUIRED_SALES_COLUMNS + OPTIONAL_SALES_COLUMNS
ORDER_ID = "order_id"
ALLOWED_EXTRA_COLUMNS: tuple[str, ...] = (ORDER_ID,)
CUSTOMER_KEY = "customer_key"
SOURCE_ROW = "source_row"
REASON = "reason"
DETAIL = "detail"

# Reference tables.
REGION_LEVELS: tuple[str, ...] = ("province", "city", "county")  # top to bottom
PROVINCE, CITY, COUNTY = REGION_LEVELS
REGION_COLUMNS: tuple[str, ...] = (REGION, "name_en", "name_zh", "level", "parent")
REGION_OPTIONAL_COLUMNS: tuple[str, ...] = ("climate_zone",)
OPTION = "option"  # the processing form a processing_options row describes
PRODUCT_COLUMNS: tuple[str, ...] = (
    PRODUCT,
    "name_en",
    "name_zh",
    "category",
    "shelf_life_days",
    "unit",
)


class Reason(StrEnum):
    """Why a sales row was quarantined.

    A row gets exactly one reason: the first rule it fails, in the order the members are
    declared here (which is :data:`REASON_ORDER`).
    """

    MISSING_VALUE = "missing_value"
    """A required column (date, region, product, quantity) is blank."""
    BAD_DATE = "bad_date"
    """The date is ambiguous (``03/04/2024``), unparseable or not a calendar day."""
    FUTURE_DATE = "future_date"
    """The date is after *today*."""
    BAD_QUANTITY = "bad_quantity"
    """The quantity is not a finite number (text, ``NaN``, ``inf``)."""
    NEGATIVE_QUANTITY = "negative_quantity"
    """The quantity is below zero."""
    BAD_PRICE = "bad_price"
    """A price is given but is not a finite number above zero."""
    FORMULA_TEXT = "formula_text"
    """Region, product, channel or form starts like a spreadsheet formula (``=``, ``+``,
    ``-``, ``@``, a tab or a carriage return) and is not a plain number: written back into a
    CSV it could run when the file is opened (see :mod:`recommender.data.cells`)."""
    UNKNOWN_REGION = "unknown_region"
    """A regions table is given and the region is neither a code nor a unique name in it."""
    UNKNOWN_PRODUCT = "unknown_product"
    """A products table is given and the product is neither a code nor a unique name in it."""
    DUPLICATE = "duplicate"
    """The row repeats an earlier accepted row (see ``validate_sales`` for the rule)."""


REASON_ORDER: tuple[Reason, ...] = tuple(Reason)

# Personal data. Canonical customer column -> what kind of value it holds.
PII_NAME, PII_PHONE, PII_ADDRESS, PII_OTHER = "name", "phone", "address", "other"
PII_COLUMNS: dict[str, str] = {
    "customer_name": PII_NAME,
    "name": PII_NAME,
    "buyer": PII_NAME,
    "phone": PII_PHONE,
    "mobile": PII_PHONE,
    "tel": PII_PHONE,
    "telephone": PII_PHONE,
    "address": PII_ADDRESS,
    "email": PII_OTHER,
    "id_card": PII_OTHER,
    "wechat_id": PII_OTHER,
    "note": PII_OTHER,
}

# Header aliases (after :func:`normalise_header`) -> contract column.
HEADER_ALIASES: dict[str, str] = {
    # sales contract
    "日期": DATE,
    "销售日期": DATE,
    "订单日期": DATE,
    "下单日期": DATE,
    "下单时间": DATE,
    "sale_date": DATE,
    "地区": REGION,
    "区域": REGION,
    "地区代码": REGION,
    "县区": REGION,
    "产品": PRODUCT,
    "商品": PRODUCT,
    "品名": PRODUCT,
    "产品名称": PRODUCT,
    "商品名称": PRODUCT,
    "数量": QUANTITY,
    "销量": QUANTITY,
    "销售量": QUANTITY,
    "qty": QUANTITY,
    "价格": PRICE,
    "单价": PRICE,
    "售价": PRICE,
    "unit_price": PRICE,
    "渠道": CHANNEL,
    "销售渠道": CHANNEL,
    "平台": CHANNEL,
    "形态": FORM,
    "加工形式": FORM,
    "产品形态": FORM,
    "订单号": ORDER_ID,
    "订单编号": ORDER_ID,
    # customer (personal) columns
    "收货人": "customer_name",
    "姓名": "customer_name",
    "客户": "customer_name",
    "客户姓名": "customer_name",
    "买家": "customer_name",
    "顾客": "customer_name",
    "手机": "mobile",
    "手机号": "mobile",
    "手机号码": "mobile",
    "电话": "phone",
    "联系电话": "phone",
    "联系方式": "phone",
    "phone_number": "phone",
    "地址": "address",
    "收货地址": "address",
    "详细地址": "address",
    "邮箱": "email",
    "电子邮件": "email",
    "e_mail": "email",
    "身份证": "id_card",
    "身份证号": "id_card",
    "微信": "wechat_id",
    "微信号": "wechat_id",
    "wechat": "wechat_id",
    "收件人": "customer_name",
    "收货人姓名": "customer_name",
    "receiver": "customer_name",
    "receiver_name": "customer_name",
    "recipient": "customer_name",
    "buyer_name": "customer_name",
    "customer": "customer_name",
    "收件人电话": "phone",
    "收货人电话": "phone",
    "收货人手机": "mobile",
    "receiver_phone": "phone",
    "receiver_mobile": "mobile",
    "buyer_phone": "phone",
    "收件地址": "address",
    "receiver_address": "address",
    "shipping_address": "address",
    "delivery_address": "address",
    # free text written by or about a buyer may name or locate them: treated as personal
    "备注": "note",
    "买家留言": "note",
    "留言": "note",
    "remark": "note",
    "remarks": "note",
    "note": "note",
    "notes": "note",
    "comment": "note",
}


def normalise_header(name: object) -> str:
    """Normalise a column header: NFKC (full-width to half-width), trimmed, lower case, ``_``.

    Args:
        name: A header as read from a file.

    Returns:
        The normalised header, e.g. ``" Order-ID "`` -> ``"order_id"``.
    """
    text = unicodedata.normalize("NFKC", str(name)).strip().lower()
    return re.sub(r"[\s\-]+", "_", text)


def canonical_column(name: object) -> str:
    """The contract name of a header: its alias target, else the normalised header.

    Args:
        name: A header as read from a file (English or Chinese).

    Returns:
        The canonical column name, e.g. ``"销量"`` -> ``"quantity"``, ``"收货人"`` ->
        ``"customer_name"``.
    """
    header = normalise_header(name)
    return HEADER_ALIASES.get(header, header)


def is_pii_column(name: object) -> bool:
    """Whether a column holds customer personal data (by its canonical name).

    Args:
        name: A header, raw or canonical.

    Returns:
        True for customer columns such as ``phone``, ``customer_name`` or ``地址``.
    """
    return canonical_column(name) in PII_COLUMNS
