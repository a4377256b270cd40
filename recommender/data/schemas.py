"""Pandera schemas of the accepted sales rows and the regions and products tables."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
import pandera.pandas as pa

from recommender.data.contract import (
    CHANNEL,
    CUSTOMER_KEY,
    DATE,
    FORM,
    ORDER_ID,
    PRICE,
    PRODUCT,
    QUANTITY,
    REGION,
    REGION_LEVELS,
    SOURCE_ROW,
)
from recommender.data.parsing import per_unique


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
_is_key = _all_text(lambda u: u.str.strip().str.len() > 0)
_is_customer_key = _all_text(lambda u: u.str.fullmatch(r"[0-9a-f]{16}").fillna(False))
_is_any_text = _all_text(lambda u: pd.Series(True, index=u.index))


def _code_column(nullable: bool = False) -> pa.Column:
    """A trimmed, lower-case, non-empty text code."""
    return pa.Column(
        object,
        pa.Check(_is_code, error="is blank or not a trimmed lower-case code"),
        nullable=nullable,
    )


def _key_column(nullable: bool = False) -> pa.Column:
    """A user's identifier (region, product): any text that is not blank, kept as written."""
    return pa.Column(object, pa.Check(_is_key, error="is blank"), nullable=nullable)


def _text_column() -> pa.Column:
    """A non-empty text field."""
    return pa.Column(str, pa.Check.str_length(min_value=1, error="is blank"))


SALES_SCHEMA = pa.DataFrameSchema(
    {
        DATE: pa.Column("datetime64[ns]", pa.Check(lambda s: s == s.dt.normalize())),
        REGION: _key_column(),
        PRODUCT: _key_column(),
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
        REGION: _key_column(),
        "name_en": _text_column(),
        "name_zh": _text_column(),
        "level": pa.Column(
            str, pa.Check.isin(REGION_LEVELS, error="must be one of " + ", ".join(REGION_LEVELS))
        ),
        "parent": _key_column(nullable=True),
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
        PRODUCT: _key_column(),
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
