"""Processing options, crop economics and brand signals: validation and loading.

Each table has a pure ``validate_*(raw, ...) -> DataFrame`` that checks and types a table read
as text (or an already validated table), and a ``load_*(path, ...)`` edge that reads a CSV or
Parquet file first. Problems raise one :class:`~recommender.errors.DataError` line naming the
table, the 1-based data row(s) and the problem(s). ``data/README.md`` documents the columns.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from recommender.data.parsing import as_text, clean_code, clean_text
from recommender.data.readers import read_table
from recommender.data.reference import require_columns, short_value, table_error

#: Processing forms a product can be turned into (``fresh`` is the unprocessed baseline).
OPTIONS: tuple[str, ...] = (
    "fresh",
    "graded_packed",
    "dried",
    "juice",
    "puree",
    "frozen",
    "gift_box",
)
GI_STATUSES: tuple[str, ...] = ("none", "applied", "registered")
SKILL_LEVELS: tuple[int, ...] = (1, 2, 3)

PROCESSING_COLUMNS: tuple[str, ...] = (
    "product",
    "category",
    "option",
    "yield_ratio",
    "processing_cost_per_kg",
    "capex",
    "shelf_life_days",
    "skill_level",
    "price_multiplier",
    "cold_chain_required",
    "source",
)
CROP_COLUMNS: tuple[str, ...] = (
    "product",
    "climate_zone",
    "yield_per_mu_kg",
    "cost_per_mu_yuan",
    "months_to_first_harvest",
    "source",
)
BRAND_COLUMNS: tuple[str, ...] = (
    "region",
    "product",
    "gi_status",
    "gi_name_zh",
    "gi_name_en",
    "production_tonnes",
    "n_sellers",
    "source",
)

_TRUE = {"true", "1", "yes", "y"}
_FALSE = {"false", "0", "no", "n"}


@dataclass(frozen=True)
class _Field:
    """How one column is parsed: ``kind`` is code, text, float, int or bool."""

    kind: str
    required: bool = True
    check: Callable[[float], bool] | None = None
    rule: str = ""
    choices: tuple[object, ...] | None = None


def _table_name(table: str, source: str) -> str:
    return f"{table} ({source})" if source != table else table


def _parse_value(text: str, field: _Field) -> tuple[object, str | None]:
    """One cell's typed value, or a problem (wording follows ``<column> '<value>' <problem>``)."""
    if text == "":
        return (None, "is blank") if field.required else (None, None)
    value: object
    if field.kind in ("code", "text"):
        value = text
    elif field.kind == "bool":
        low = text.lower()
        if low not in _TRUE | _FALSE:
            return None, "is not true or false"
        value = low in _TRUE
    else:
        try:
            number = float(text)
        except ValueError:
            return None, "is not a number"
        if not math.isfinite(number):
            return None, "is not a finite number"
        if field.kind == "int":
            if number % 1 != 0:
                return None, "is not a whole number"
            number = int(number)
        value = number
    if field.choices is not None and value not in field.choices:
        return None, f"is not one of {', '.join(map(str, field.choices))}"
    if field.check is not None and not field.check(value):  # type: ignore[arg-type]
        return None, field.rule
    return value, None


def _parse(
    raw: pd.DataFrame, fields: dict[str, _Field], table: str
) -> tuple[pd.DataFrame, list[tuple[int, str]]]:
    """The table typed column by column, with each cell's problems as ``(position, text)``."""
    require_columns(raw, list(fields), table)
    raw = raw.reset_index(drop=True)
    columns: dict[str, list[object]] = {}
    problems: list[tuple[int, str]] = []
    for column, field in fields.items():
        text = as_text(raw[column])
        cleaned = clean_code(text) if field.kind in ("code", "bool") else clean_text(text)
        values = []
        for position, (original, value_text) in enumerate(zip(text, cleaned, strict=True)):
            value, problem = _parse_value(value_text, field)
            if problem:
                problems.append(
                    (position, f"row {position + 1}: {column} {short_value(original)!r} {problem}")
                )
            values.append(value)
        columns[column] = values
    others = {c: clean_text(as_text(raw[c])) for c in raw.columns if c not in fields}
    frame = pd.DataFrame({**columns, **others})
    return frame, problems


def _duplicates(frame: pd.DataFrame, key: Sequence[str]) -> list[tuple[int, str]]:
    """Rows repeating an earlier row's key, naming the first."""
    seen: dict[tuple[object, ...], int] = {}
    problems = []
    for position, values in enumerate(frame[list(key)].itertuples(index=False, name=None)):
        if any(v is None for v in values):
            continue
        if values in seen:
            shown = ", ".join(f"{k}={v}" for k, v in zip(key, values, strict=True))
            problems.append(
                (position, f"row {position + 1}: {shown} is repeated (same as row {seen[values]})")
            )
        else:
            seen[values] = position + 1
    return problems


def _unknown_codes(
    frame: pd.DataFrame, column: str, known: set[str] | None, what: str
) -> list[tuple[int, str]]:
    if known is None:
        return []
    return [
        (position, f"row {position + 1}: {column} {short_value(code)!r} is not in the {what} table")
        for position, code in enumerate(frame[column])
        if code is not None and code not in known
    ]


def _codes(table: pd.DataFrame | None, column: str) -> set[str] | None:
    if table is None:
        return None
    return set(clean_code(as_text(table[column])))


def _typed(frame: pd.DataFrame, dtypes: dict[str, str]) -> pd.DataFrame:
    for column, dtype in dtypes.items():
        frame[column] = frame[column].astype(dtype)
    return frame


_PROCESSING_FIELDS = {
    "product": _Field("code", required=False),
    "category": _Field("code", required=False),
    "option": _Field("code", choices=OPTIONS),
    "yield_ratio": _Field(
        "float", check=lambda v: 0 < v <= 1, rule="must be above 0 and at most 1"
    ),
    "processing_cost_per_kg": _Field("float", check=lambda v: v >= 0, rule="must be 0 or more"),
    "capex": _Field("float", check=lambda v: v >= 0, rule="must be 0 or more"),
    "shelf_life_days": _Field("int", check=lambda v: v > 0, rule="must be above 0"),
    "skill_level": _Field("int", choices=SKILL_LEVELS),
    "price_multiplier": _Field("float", check=lambda v: v > 0, rule="must be above 0"),
    "cold_chain_required": _Field("bool"),
    "source": _Field("text"),
}


def validate_processing_options(
    raw: pd.DataFrame, products: pd.DataFrame | None = None, *, source: str = "processing_options"
) -> pd.DataFrame:
    """Check and type the processing-options table.

    Rules: each row names exactly one of ``product`` (a product code) or ``category`` (applies
    to every product of the category without a row of its own for that option); ``option`` one
    of :data:`OPTIONS`; ``0 < yield_ratio <= 1``; ``processing_cost_per_kg`` and ``capex``
    ``>= 0``; ``shelf_life_days`` a whole number above 0; ``skill_level`` 1, 2 or 3;
    ``price_multiplier > 0``; ``cold_chain_required`` true/false; ``source`` non-blank;
    (product, category, option) unique; a ``fresh`` row has yield 1, cost 0, capex 0 and
    multiplier 1. With ``products``: codes and categories must exist there and every product
    must have a ``fresh`` option (its own or its category's).

    Args:
        raw: The table as read (text columns), or an already validated table.
        products: A products table (``product``, ``category``) to check codes against.
        source: How to name the table in errors (e.g. its file path).

    Returns:
        The table with ``product``/``category`` as code or None, floats, int64
        ``shelf_life_days``/``skill_level``, bool ``cold_chain_required``; file order.

    Raises:
        DataError: Naming the table, the 1-based data row(s) and the problem(s).
    """
    table = _table_name("processing_options", source)
    frame, problems = _parse(raw, _PROCESSING_FIELDS, table)
    for position, (product, category) in enumerate(
        zip(frame["product"], frame["category"], strict=True)
    ):
        if (product is None) == (category is None):
            problems.append(
                (position, f"row {position + 1}: give exactly one of product or category")
            )
    for position, row in enumerate(frame.itertuples(index=False)):
        fresh_ok = (
            row.yield_ratio in (None, 1)
            and row.processing_cost_per_kg in (None, 0)
            and row.capex in (None, 0)
            and row.price_multiplier in (None, 1)
        )
        if row.option == "fresh" and not fresh_ok:
            problems.append(
                (
                    position,
                    f"row {position + 1}: a fresh option needs yield_ratio 1, "
                    "processing_cost_per_kg 0, capex 0 and price_multiplier 1",
                )
            )
    problems += _duplicates(frame, ("product", "option"))
    problems += _duplicates(frame, ("category", "option"))
    if products is not None:
        codes = _codes(products, "product")
        categories = _codes(products, "category")
        problems += _unknown_codes(frame, "product", codes, "products")
        problems += _unknown_codes(frame, "category", categories, "products (category)")
        fresh_products = set(frame.loc[frame["option"] == "fresh", "product"].dropna())
        fresh_categories = set(frame.loc[frame["option"] == "fresh", "category"].dropna())
        lacking = [
            str(p)
            for p, c in zip(
                clean_code(as_text(products["product"])),
                clean_code(as_text(products["category"])),
                strict=True,
            )
            if p not in fresh_products and c not in fresh_categories
        ]
        if lacking:
            problems.append((len(frame), f"no fresh option for product(s) {', '.join(lacking)}"))
    if problems:
        raise table_error(table, [message for _, message in sorted(problems)])
    return _typed(
        frame,
        {
            "product": "object",
            "category": "object",
            "yield_ratio": "float64",
            "processing_cost_per_kg": "float64",
            "capex": "float64",
            "shelf_life_days": "int64",
            "skill_level": "int64",
            "price_multiplier": "float64",
            "cold_chain_required": "bool",
        },
    )


_CROP_FIELDS = {
    "product": _Field("code"),
    "climate_zone": _Field("code"),
    "yield_per_mu_kg": _Field("float", check=lambda v: v > 0, rule="must be above 0"),
    "cost_per_mu_yuan": _Field("float", check=lambda v: v >= 0, rule="must be 0 or more"),
    "months_to_first_harvest": _Field("int", check=lambda v: v > 0, rule="must be above 0"),
    "source": _Field("text"),
}


def validate_crop_economics(
    raw: pd.DataFrame,
    products: pd.DataFrame | None = None,
    regions: pd.DataFrame | None = None,
    *,
    source: str = "crop_economics",
) -> pd.DataFrame:
    """Check and type the crop-economics table (per mu; 1 mu = 1/15 ha).

    Rules: ``product`` and ``climate_zone`` non-blank codes, the pair unique;
    ``yield_per_mu_kg > 0``; ``cost_per_mu_yuan >= 0``; ``months_to_first_harvest`` a whole
    number above 0; ``source`` non-blank. With ``products``/``regions``: the product must exist
    and the climate zone must be one used in the regions table.

    Args:
        raw: The table as read (text columns), or an already validated table.
        products: A products table to check product codes against.
        regions: A regions table (with ``climate_zone``) to check zones against.
        source: How to name the table in errors.

    Returns:
        The typed table (floats, int64 ``months_to_first_harvest``), file order.

    Raises:
        DataError: Naming the table, the 1-based data row(s) and the problem(s).
    """
    table = _table_name("crop_economics", source)
    frame, problems = _parse(raw, _CROP_FIELDS, table)
    problems += _duplicates(frame, ("product", "climate_zone"))
    problems += _unknown_codes(frame, "product", _codes(products, "product"), "products")
    zones = None
    if regions is not None and "climate_zone" in regions.columns:
        zones = {z for z in clean_code(as_text(regions["climate_zone"])) if z}
    problems += _unknown_codes(frame, "climate_zone", zones, "regions (climate_zone)")
    if problems:
        raise table_error(table, [message for _, message in sorted(problems)])
    return _typed(
        frame,
        {
            "yield_per_mu_kg": "float64",
            "cost_per_mu_yuan": "float64",
            "months_to_first_harvest": "int64",
        },
    )


_BRAND_FIELDS = {
    "region": _Field("code"),
    "product": _Field("code"),
    "gi_status": _Field("code", choices=GI_STATUSES),
    "gi_name_zh": _Field("text", required=False),
    "gi_name_en": _Field("text", required=False),
    "production_tonnes": _Field("float", check=lambda v: v > 0, rule="must be above 0"),
    "n_sellers": _Field("int", check=lambda v: v >= 0, rule="must be 0 or more"),
    "source": _Field("text"),
}


def validate_brand_signals(
    raw: pd.DataFrame,
    products: pd.DataFrame | None = None,
    regions: pd.DataFrame | None = None,
    *,
    source: str = "brand_signals",
) -> pd.DataFrame:
    """Check and type the brand-signals table (one row per county x product).

    Rules: ``region``/``product`` non-blank codes, the pair unique; ``gi_status`` one of none,
    applied, registered; ``gi_name_zh`` and ``gi_name_en`` both given unless the status is
    none, both blank when it is; ``production_tonnes > 0``; ``n_sellers`` a whole number
    ``>= 0``; ``source`` non-blank. With ``products``/``regions``: codes must exist there (the
    region a county).

    Args:
        raw: The table as read (text columns), or an already validated table.
        products: A products table to check product codes against.
        regions: A regions table to check region codes against.
        source: How to name the table in errors.

    Returns:
        The typed table (``gi_name_*`` None when blank, float ``production_tonnes``, int64
        ``n_sellers``), file order.

    Raises:
        DataError: Naming the table, the 1-based data row(s) and the problem(s).
    """
    table = _table_name("brand_signals", source)
    frame, problems = _parse(raw, _BRAND_FIELDS, table)
    for position, (status, zh, en) in enumerate(
        zip(frame["gi_status"], frame["gi_name_zh"], frame["gi_name_en"], strict=True)
    ):
        named = zh is not None and en is not None
        blank = zh is None and en is None
        if status == "none" and not blank:
            problems.append(
                (position, f"row {position + 1}: gi_status none but a GI name is given")
            )
        elif status in ("applied", "registered") and not named:
            problems.append(
                (
                    position,
                    f"row {position + 1}: gi_status {status} needs gi_name_zh and gi_name_en",
                )
            )
    problems += _duplicates(frame, ("region", "product"))
    problems += _unknown_codes(frame, "product", _codes(products, "product"), "products")
    counties = None
    if regions is not None:
        levels = clean_code(as_text(regions["level"])) if "level" in regions.columns else None
        codes = clean_code(as_text(regions["region"]))
        counties = set(codes[levels == "county"]) if levels is not None else set(codes)
    problems += _unknown_codes(frame, "region", counties, "regions (county)")
    if problems:
        raise table_error(table, [message for _, message in sorted(problems)])
    return _typed(
        frame, {"gi_name_zh": "object", "production_tonnes": "float64", "n_sellers": "int64"}
    )


def load_processing_options(path: str | Path, products: pd.DataFrame | None = None) -> pd.DataFrame:
    """Read and validate a processing-options file (see :func:`validate_processing_options`)."""
    raw = read_table(path, required=(), what=f"processing options file {path}")
    return validate_processing_options(raw, products, source=str(path))


def load_crop_economics(
    path: str | Path,
    products: pd.DataFrame | None = None,
    regions: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Read and validate a crop-economics file (see :func:`validate_crop_economics`)."""
    raw = read_table(path, required=(), what=f"crop economics file {path}")
    return validate_crop_economics(raw, products, regions, source=str(path))


def load_brand_signals(
    path: str | Path,
    products: pd.DataFrame | None = None,
    regions: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Read and validate a brand-signals file (see :func:`validate_brand_signals`)."""
    raw = read_table(path, required=(), what=f"brand signals file {path}")
    return validate_brand_signals(raw, products, regions, source=str(path))
