"""Processing options, crop economics and brand signals: validation and loading.

Each table has a pure ``validate_*(raw, ...) -> DataFrame`` that checks and types a table read
as text (or an already validated table), and a ``load_*(path, ...)`` edge that reads a CSV or
Parquet file first. Problems raise one :class:`~recommender.errors.DataError` line naming the
table, the 1-based data row(s) and the problem(s). ``data/README.md`` documents the columns.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from recommender.data.contract import COUNTY, DEFAULT_FORM
from recommender.data.fields import (
    Field,
    codes_of,
    parse_fields,
    repeated_keys,
    resolve_keys,
    table_error,
    table_name,
    typed,
    unknown_codes,
)
from recommender.data.parsing import as_text, clean_code
from recommender.data.readers import read_table
from recommender.data.reference import code_lookup
from recommender.data.vocabulary import GI_APPLIED, GI_NONE, GI_REGISTERED, GI_STATUSES

SKILL_LEVELS: tuple[int, ...] = (1, 2, 3)
ANY_ZONE = "*"
"""A crop-economics ``climate_zone`` that holds in every zone."""

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
    "market_share",
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
    "national_suppliers",
    "source",
)

_PROCESSING_FIELDS = {
    "product": Field("key", required=False),
    "category": Field("code", required=False),
    "option": Field("code"),
    "yield_ratio": Field(
        "float", required=False, check=lambda v: 0 < v <= 1, rule="must be above 0 and at most 1"
    ),
    "processing_cost_per_kg": Field(
        "float", required=False, check=lambda v: v >= 0, rule="must be 0 or more"
    ),
    "capex": Field("float", required=False, check=lambda v: v >= 0, rule="must be 0 or more"),
    "shelf_life_days": Field("int", required=False, check=lambda v: v > 0, rule="must be above 0"),
    "skill_level": Field("int", required=False, choices=SKILL_LEVELS),
    "price_multiplier": Field(
        "float", required=False, check=lambda v: v > 0, rule="must be above 0"
    ),
    "cold_chain_required": Field("bool", required=False),
    "market_share": Field(
        "float", required=False, check=lambda v: 0 < v <= 1, rule="must be above 0 and at most 1"
    ),
    "source": Field("text", required=False),
}
OPTION_PARAMETERS: tuple[str, ...] = (
    "yield_ratio",
    "processing_cost_per_kg",
    "capex",
    "skill_level",
    "price_multiplier",
    "cold_chain_required",
)
"""Columns of an option a cooperative may leave blank for its category's default to fill."""


def _lookup(table: pd.DataFrame | None, column: str) -> dict[str, str] | None:
    """Normalised code or name -> the table's code (None without a table)."""
    return None if table is None else code_lookup(table, column)


def validate_processing_options(
    raw: pd.DataFrame, products: pd.DataFrame | None = None, *, source: str = "processing_options"
) -> pd.DataFrame:
    """Check and type the processing-options table.

    Rules: each row names exactly one of ``product`` (a product code) or ``category`` (applies
    to every product of the category without a row of its own for that option); ``option`` a
    code (any processing the cooperative does: the known ones have names in
    :data:`~recommender.data.vocabulary.FORMS`); where given, ``0 < yield_ratio <= 1``,
    ``processing_cost_per_kg`` and ``capex`` ``>= 0``, ``shelf_life_days`` a whole number
    above 0, ``skill_level`` 1, 2 or 3, ``price_multiplier > 0``, ``cold_chain_required``
    true/false, ``0 < market_share <= 1`` (the share of the product's demand the form can take
    where no sales show it); (product, category, option) unique; a ``fresh`` row has yield 1,
    cost 0, capex 0 and multiplier 1 where given. With ``products``: codes and categories must
    exist there. Blank parameters (:data:`OPTION_PARAMETERS`) and products without rows get their
    category's defaults later (see :func:`recommender.data.assumptions.complete_options`); a
    blank shelf life is the product's own.

    Args:
        raw: The table as read (text columns), or an already validated table.
        products: A products table (``product``, ``category``) to check codes against.
        source: How to name the table in errors (e.g. its file path).

    Returns:
        The table with ``product``/``category`` as code or None, floats (NaN when blank),
        ``shelf_life_days``/``skill_level`` int64 (nullable Int64 when some are blank),
        ``cold_chain_required`` bool (nullable boolean when some are blank); file order.

    Raises:
        DataError: Naming the table, the 1-based data row(s) and the problem(s).
    """
    table = table_name("processing_options", source)
    frame, problems = parse_fields(raw, _PROCESSING_FIELDS, table)
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
        if row.option == DEFAULT_FORM and not fresh_ok:
            problems.append(
                (
                    position,
                    f"row {position + 1}: a fresh option needs yield_ratio 1, "
                    "processing_cost_per_kg 0, capex 0 and price_multiplier 1",
                )
            )
    problems += repeated_keys(frame, ("product", "option"))
    problems += repeated_keys(frame, ("category", "option"))
    if products is not None:
        categories = codes_of(products, "category")
        problems += resolve_keys(frame, "product", code_lookup(products, "product"), "products")
        problems += unknown_codes(frame, "category", categories, "products (category)")
    if problems:
        raise table_error(table, [message for _, message in sorted(problems)])
    return typed(
        frame,
        {
            "product": "object",
            "category": "object",
            "yield_ratio": "float64",
            "processing_cost_per_kg": "float64",
            "capex": "float64",
            "shelf_life_days": _nullable(frame["shelf_life_days"], "int64", "Int64"),
            "skill_level": _nullable(frame["skill_level"], "int64", "Int64"),
            "price_multiplier": "float64",
            "cold_chain_required": _nullable(frame["cold_chain_required"], "bool", "boolean"),
        },
    )


def _nullable(values: pd.Series, dtype: str, nullable: str) -> str:
    """``dtype`` when every value is given, else its nullable twin."""
    return nullable if values.isna().any() else dtype


_CROP_FIELDS = {
    "product": Field("key"),
    "climate_zone": Field("code"),
    "yield_per_mu_kg": Field("float", check=lambda v: v > 0, rule="must be above 0"),
    "cost_per_mu_yuan": Field("float", check=lambda v: v >= 0, rule="must be 0 or more"),
    "months_to_first_harvest": Field("int", check=lambda v: v > 0, rule="must be above 0"),
    "source": Field("text"),
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
    and the climate zone must be one used in the regions table, or ``*`` (any zone).

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
    table = table_name("crop_economics", source)
    frame, problems = parse_fields(raw, _CROP_FIELDS, table)
    problems += repeated_keys(frame, ("product", "climate_zone"))
    problems += resolve_keys(frame, "product", _lookup(products, "product"), "products")
    zones = None
    if regions is not None and "climate_zone" in regions.columns:
        zones = {z for z in clean_code(as_text(regions["climate_zone"])) if z} | {ANY_ZONE}
    problems += unknown_codes(frame, "climate_zone", zones, "regions (climate_zone)")
    if problems:
        raise table_error(table, [message for _, message in sorted(problems)])
    return typed(
        frame,
        {
            "yield_per_mu_kg": "float64",
            "cost_per_mu_yuan": "float64",
            "months_to_first_harvest": "int64",
        },
    )


_BRAND_FIELDS = {
    "region": Field("key"),
    "product": Field("key"),
    "gi_status": Field("code", choices=tuple(GI_STATUSES)),
    "gi_name_zh": Field("text", required=False),
    "gi_name_en": Field("text", required=False),
    "production_tonnes": Field(
        "float", required=False, check=lambda v: v > 0, rule="must be above 0"
    ),
    "n_sellers": Field("int", required=False, check=lambda v: v >= 0, rule="must be 0 or more"),
    "national_suppliers": Field(
        "int", required=False, check=lambda v: v >= 1, rule="must be 1 or more"
    ),
    "source": Field("text"),
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
    none, both blank when it is; ``production_tonnes > 0``; ``n_sellers`` (online shops
    selling the county's product) a whole number ``>= 0``; ``national_suppliers`` (regions in the
    whole country supplying look-alikes of the product, the county included) a whole number
    ``>= 1``; those three may be blank or left out; ``source`` non-blank. With
    ``products``/``regions``: codes must exist there (the region a county).

    Args:
        raw: The table as read (text columns), or an already validated table.
        products: A products table to check product codes against.
        regions: A regions table to check region codes against.
        source: How to name the table in errors.

    Returns:
        The typed table (``gi_name_*`` None when blank, float ``production_tonnes``, nullable
        ``Int64`` ``n_sellers`` and ``national_suppliers``), file order.

    Raises:
        DataError: Naming the table, the 1-based data row(s) and the problem(s).
    """
    table = table_name("brand_signals", source)
    frame, problems = parse_fields(raw, _BRAND_FIELDS, table)
    for position, (status, zh, en) in enumerate(
        zip(frame["gi_status"], frame["gi_name_zh"], frame["gi_name_en"], strict=True)
    ):
        named = zh is not None and en is not None
        blank = zh is None and en is None
        if status == GI_NONE and not blank:
            problems.append(
                (position, f"row {position + 1}: gi_status none but a GI name is given")
            )
        elif status in (GI_APPLIED, GI_REGISTERED) and not named:
            problems.append(
                (
                    position,
                    f"row {position + 1}: gi_status {status} needs gi_name_zh and gi_name_en",
                )
            )
    problems += repeated_keys(frame, ("region", "product"))
    problems += resolve_keys(frame, "product", _lookup(products, "product"), "products")
    counties = None
    if regions is not None:
        levels = clean_code(as_text(regions["level"])) if "level" in regions.columns else None
        counties = _lookup(regions[levels == COUNTY] if levels is not None else regions, "region")
    problems += resolve_keys(frame, "region", counties, "regions (county)")
    if problems:
        raise table_error(table, [message for _, message in sorted(problems)])
    return typed(
        frame,
        {
            "gi_name_zh": "object",
            "production_tonnes": "float64",
            "n_sellers": "Int64",
            "national_suppliers": "Int64",
        },
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
