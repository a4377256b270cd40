"""The data contract: column names, schemas, validation rules and quarantine reasons."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from enum import StrEnum

import numpy as np
import pandas as pd
import pandera.pandas as pa

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


def _all_text(check: Callable[[pd.Series], pd.Series]) -> Callable[[pd.Series], pd.Series]:
    """A check that every value is a ``str`` passing ``check``, run once per distinct value.

    Object columns with this check replace pandera's ``str`` dtype, which tests each row.
    """

    def run(values: pd.Series) -> pd.Series:
        def on_uniques(u: pd.Series) -> pd.Series:
            is_text = u.map(lambda v: isinstance(v, str)).astype(bool)
            return is_text & check(u.where(is_text, "").astype(str)).astype(bool)

        return per_unique(values, on_uniques).astype(bool)

    return run


_is_code = _all_text(lambda u: (u.str.len() > 0) & (u == u.str.strip().str.lower()))
_is_customer_key = _all_text(lambda u: u.str.fullmatch(r"[0-9a-f]{16}").fillna(False))
_is_any_text = _all_text(lambda u: pd.Series(True, index=u.index))


def _code_column(nullable: bool = False) -> pa.Column:
    """A trimmed, lower-case, non-empty text code."""
    return pa.Column(
        object,
        pa.Check(_is_code, error="is blank or not a trimmed lower-case code"),
        nullable=nullable,
    )


def _text_column() -> pa.Column:
    """A non-empty text field."""
    return pa.Column(str, pa.Check.str_length(min_value=1, error="is blank"))


SALES_SCHEMA = pa.DataFrameSchema(
    {
        DATE: pa.Column("datetime64[ns]", pa.Check(lambda s: s == s.dt.normalize())),
        REGION: _code_column(),
        PRODUCT: _code_column(),
        QUANTITY: pa.Column(
            "float64", [pa.Check.ge(0), pa.Check(lambda s: s.abs() < float("inf"))]
        ),
        PRICE: pa.Column(
            "float64", [pa.Check.gt(0), pa.Check(lambda s: s < float("inf"))], nullable=True
        ),
        CHANNEL: _code_column(),
        FORM: _code_column(),
        ORDER_ID: pa.Column(
            object, pa.Check(_is_any_text, error="is not text"), required=False, nullable=True
        ),
        CUSTOMER_KEY: pa.Column(
            object,
            pa.Check(_is_customer_key, error="is not 16 hex digits"),
            required=False,
            nullable=True,
        ),
        SOURCE_ROW: pa.Column("int64", pa.Check.ge(1), unique=True),
    },
    strict=True,
    ordered=False,
    name="sales",
)
"""Accepted sales rows after ingest (PII columns can never pass: the schema is strict)."""

REGIONS_SCHEMA = pa.DataFrameSchema(
    {
        REGION: _code_column(),
        "name_en": _text_column(),
        "name_zh": _text_column(),
        "level": pa.Column(
            str, pa.Check.isin(REGION_LEVELS, error="must be one of " + ", ".join(REGION_LEVELS))
        ),
        "parent": _code_column(nullable=True),
        "climate_zone": pa.Column(
            object, pa.Check(_is_any_text, error="is not text"), required=False, nullable=True
        ),
    },
    unique=[REGION],
    strict=False,
    name="regions",
)
"""The regions reference table (cross-row rules on ``parent`` are checked in ``reference``)."""

PRODUCTS_SCHEMA = pa.DataFrameSchema(
    {
        PRODUCT: _code_column(),
        "name_en": _text_column(),
        "name_zh": _text_column(),
        "category": _code_column(),
        "shelf_life_days": pa.Column("int64", pa.Check.gt(0, error="must be above 0")),
        "unit": _text_column(),
    },
    unique=[PRODUCT],
    strict=False,
    name="products",
)
"""The products reference table (``shelf_life_days`` is for the fresh form)."""


def as_text(values: pd.Series) -> pd.Series:
    """Any column as plain text, the way it would look in a CSV; missing values become ``""``.

    Args:
        values: A column of any dtype (text from CSV, numbers or dates from Parquet).

    Returns:
        An object Series of ``str``; datetimes at midnight are written as ``YYYY-MM-DD``.
    """
    if pd.api.types.is_datetime64_any_dtype(values):
        dates = pd.Series(values)
        times = dates.dt.strftime("%Y-%m-%d %H:%M:%S")
        days = dates.dt.strftime("%Y-%m-%d")
        text = days.where(dates == dates.dt.normalize(), times)
        return text.where(dates.notna(), "").astype(object)
    objects = pd.Series(values).astype(object)
    if pd.api.types.infer_dtype(objects, skipna=False) in ("string", "empty"):
        return objects  # already all str (the CSV case): nothing to convert
    return objects.where(objects.notna(), "").map(str).astype(object)


def per_unique(values: pd.Series, func: Callable[[pd.Series], pd.Series]) -> pd.Series:
    """Apply a Series function once per distinct value and spread the result back.

    Sales columns repeat a few values (dates, regions, products) over many rows, so text
    parsing is done on the distinct values only.

    Args:
        values: The column.
        func: A function from a Series to a Series of the same length.

    Returns:
        ``func`` applied element-wise, aligned with ``values`` (its dtype kept).
    """
    codes, uniques = pd.factorize(values, use_na_sentinel=False)
    mapped = func(pd.Series(uniques, dtype=object))
    return pd.Series(mapped.to_numpy()[codes], index=values.index, dtype=mapped.dtype)


def clean_text(values: pd.Series) -> pd.Series:
    """Text normalised for comparison: NFKC (full-width to half-width) and trimmed.

    Args:
        values: Text (see :func:`as_text`).

    Returns:
        The cleaned text.
    """
    return values.astype(str).str.normalize("NFKC").str.strip()


def clean_code(values: pd.Series) -> pd.Series:
    """A code as the contract stores it: :func:`clean_text` and lower case.

    Args:
        values: Text codes or names.

    Returns:
        The codes, e.g. ``" Taobao "`` -> ``"taobao"``.
    """
    return clean_text(values).str.lower()


_TIME = r"(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})?)?"
DATE_PATTERNS: tuple[re.Pattern[str], ...] = (
    re.compile(rf"^(?P<y>\d{{4}})(?P<sep>[-/.])(?P<m>\d{{1,2}})(?P=sep)(?P<d>\d{{1,2}}){_TIME}$"),
    re.compile(r"^(?P<y>\d{4})(?P<m>\d{2})(?P<d>\d{2})$"),
    re.compile(
        rf"^(?P<y>\d{{4}})\s*年\s*(?P<m>\d{{1,2}})\s*月\s*(?P<d>\d{{1,2}})\s*[日号]?{_TIME}$"
    ),
)
"""The unambiguous date forms a sales file may use (year first, or Chinese 年月日)."""
_DAY_OR_MONTH_FIRST = re.compile(r"^\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4}")
_THOUSANDS = re.compile(r"^[+-]?\d{1,3}(?:,\d{3})+(?:\.\d+)?$")


def parse_sale_dates(text: pd.Series) -> pd.Series:
    """Parse unambiguous dates; anything else is NaT.

    Accepted (:data:`DATE_PATTERNS`): ``YYYY-MM-DD``, ``YYYY/MM/DD``, ``YYYY.MM.DD`` (one- or
    two-digit month and day, optional time of day, which is dropped), ``YYYYMMDD`` and
    ``2024年3月5日``. Day-first or month-first forms such as ``03/04/2024`` are ambiguous and
    are not accepted.

    Args:
        text: Cleaned text (see :func:`clean_text`).

    Returns:
        datetime64 dates at midnight, NaT where unparseable or not a calendar day.
    """
    parts = pd.DataFrame({"year": np.nan, "month": np.nan, "day": np.nan}, index=text.index)
    for pattern in DATE_PATTERNS:
        found = text.astype(str).str.extract(pattern)[["y", "m", "d"]].astype("float64")
        found.columns = ["year", "month", "day"]
        parts = parts.fillna(found)
    return pd.to_datetime(parts, errors="coerce").astype("datetime64[ns]")


def date_problem(text: pd.Series) -> pd.Series:
    """Why each date text would fail :func:`parse_sale_dates`, in plain words.

    Args:
        text: Cleaned date text.

    Returns:
        One explanation per value (meaningful only where parsing failed).
    """
    text = text.astype(str)
    ambiguous = text.str.match(_DAY_OR_MONTH_FIRST)
    shaped = pd.concat([text.str.match(p) for p in DATE_PATTERNS], axis=1).any(axis=1)
    words = np.select(
        [ambiguous, shaped],
        ["is ambiguous (day or month first?); write YYYY-MM-DD", "is not a calendar day"],
        "is not a date; write YYYY-MM-DD",
    )
    return pd.Series(words, index=text.index, dtype=object)


def parse_number(text: pd.Series, *, money: bool = False) -> pd.Series:
    """Numbers from cleaned text; ``1,200`` is 1200; unparseable text is NaN.

    Args:
        text: Cleaned text.
        money: Also allow a leading ``¥`` and a trailing ``元``.

    Returns:
        float64 values (``NaN``/``inf`` text parses to NaN/inf: check finiteness).
    """
    text = text.astype(str)
    if money:
        text = text.str.replace(r"^¥\s*|\s*元$", "", regex=True)
    text = text.where(~text.str.match(_THOUSANDS), text.str.replace(",", "", regex=False))
    return pd.to_numeric(text, errors="coerce").astype("float64")
