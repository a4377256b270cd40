"""Reference tables (regions, products): validation, code lookup and the region hierarchy."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import numpy as np
import pandas as pd
import pandera.pandas as pa

from recommender.data.cells import formula_mask
from recommender.data.contract import (
    CITY,
    COUNTY,
    PRODUCT,
    PRODUCT_COLUMNS,
    PROVINCE,
    REGION,
    REGION_COLUMNS,
    REGION_LEVELS,
)
from recommender.data.fields import require_columns, short_value, table_error
from recommender.data.parsing import as_text, clean_code, clean_text
from recommender.data.readers import read_table
from recommender.data.schemas import PRODUCTS_SCHEMA, REGIONS_SCHEMA

_IDENTIFIERS = {REGION, "parent", PRODUCT}
"""Columns holding the user's identifiers: kept exactly as written, matched ignoring case."""
_CODE_COLUMNS = {"level", "category"}
_UNIQUENESS = {"multiple_fields_uniqueness", "field_uniqueness"}
_CHECK_TEXT = {
    "not_nullable": "is blank",
    "multiple_fields_uniqueness": "is not unique",
    "field_uniqueness": "is not unique",
}
_SHELF_LIFE_CHECK = pa.Check(
    lambda s: s.notna() & np.isfinite(s) & (s > 0) & (s % 1 == 0),
    ignore_na=False,
    error="must be a whole number of days above 0",
)


def _clean(raw: pd.DataFrame) -> pd.DataFrame:
    """Every column as cleaned text (codes lower case, identifiers as written), blanks as None."""
    out = pd.DataFrame(index=raw.index)
    for column in raw.columns:
        text = as_text(raw[column])
        cleaned = clean_code(text) if column in _CODE_COLUMNS else clean_text(text)
        kept = text if column in _IDENTIFIERS else cleaned
        out[column] = kept.where(cleaned != "", None).astype(object)
    return out


def _ambiguous(frame: pd.DataFrame, column: str) -> list[tuple[int, str]]:
    """Identifiers that differ only in case, width or surrounding spaces (e.g. Liuba, liuba)."""
    keys = clean_code(frame[column].fillna("").astype(str))
    problems = []
    for position, (code, key) in enumerate(zip(frame[column], keys, strict=True)):
        first = int(np.flatnonzero(keys.to_numpy() == key)[0])
        if code is not None and first != position and frame[column].iloc[first] != code:
            problems.append(
                (
                    position,
                    f"row {position + 1}: {column} {short_value(code)!r} differs from row "
                    f"{first + 1}'s {short_value(frame[column].iloc[first])!r} only in case "
                    "or spacing",
                )
            )
    return problems


def _canonical_parents(frame: pd.DataFrame) -> pd.DataFrame:
    """``parent`` written as its region's code is written (matched ignoring case and spaces)."""
    codes = frame[REGION].dropna().astype(str)
    canonical = dict(zip(clean_code(codes), codes, strict=True))
    parents = frame["parent"]
    keys = clean_code(parents.fillna("").astype(str))
    resolved = [
        canonical.get(k, p) if p is not None else None for k, p in zip(keys, parents, strict=True)
    ]
    return frame.assign(parent=pd.Series(resolved, index=frame.index, dtype=object))


def _schema_problems(
    frame: pd.DataFrame, raw: pd.DataFrame, schema: pa.DataFrameSchema
) -> list[tuple[int, str]]:
    """Failures of a lazy pandera validation as ``(position, message)`` pairs.

    A repeated key is reported at its later rows only, naming the first.
    """
    try:
        schema.validate(frame, lazy=True)
    except pa.errors.SchemaErrors as exc:
        problems = set()
        for case in exc.failure_cases.itertuples(index=False):
            column = str(case.column)
            check = str(case.check)
            if pd.isna(case.index):  # a whole-column problem (dtype, missing column)
                problems.add((0, f"column {column} {_CHECK_TEXT.get(check, check)}"))
                continue
            position = int(frame.index.get_loc(case.index))
            value = as_text(raw[column]).iloc[position] if column in raw.columns else ""
            words = _CHECK_TEXT.get(check, check)
            if check in _UNIQUENESS:
                first = int(
                    np.flatnonzero(frame[column].to_numpy() == frame[column].iloc[position])[0]
                )
                if first == position:
                    continue
                words += f" (same as row {first + 1})"
            problems.add((position, f"row {position + 1}: {column} {short_value(value)!r} {words}"))
        return sorted(problems)
    return []


def _parent_problems(frame: pd.DataFrame) -> list[tuple[int, str]]:
    """Each region's parent must exist and sit exactly one level up (provinces have none)."""
    level_of = dict(zip(frame[REGION], frame["level"], strict=True))
    problems = []
    for position, (code, level, parent) in enumerate(
        zip(frame[REGION], frame["level"], frame["parent"], strict=True)
    ):
        where = f"row {position + 1}: region {short_value(code)!r}"
        if level not in REGION_LEVELS:
            continue  # already reported by the schema
        if level == PROVINCE:
            if parent is not None:
                problems.append((position, f"{where} is a province but has parent {parent!r}"))
            continue
        expected = REGION_LEVELS[REGION_LEVELS.index(level) - 1]
        if parent is None:
            problems.append((position, f"{where} is a {level} but its parent is blank"))
        elif parent not in level_of:
            problems.append(
                (position, f"{where} has parent {short_value(parent)!r}, not in the table")
            )
        elif level_of[parent] != expected:
            problems.append(
                (
                    position,
                    f"{where} is a {level}; its parent {parent!r} is a {level_of[parent]}, "
                    f"not a {expected}",
                )
            )
    return problems


def _formula_codes(frame: pd.DataFrame, column: str) -> list[tuple[int, str]]:
    """Codes that start like a spreadsheet formula: they would become keys in every CSV."""
    codes = frame[column]
    problems = []
    for i in np.flatnonzero(formula_mask(codes).to_numpy()):
        shown = short_value(codes.iloc[i])
        problems.append(
            (int(i), f"row {i + 1}: {column} {shown!r} starts like a spreadsheet formula")
        )
    return problems


def validate_regions(raw: pd.DataFrame, *, source: str = "regions") -> pd.DataFrame:
    """Check and normalise the regions table.

    Region codes are kept exactly as written (they are the user's identifiers); ``parent`` is
    matched to them ignoring case and spaces and written as they are; ``level`` is trimmed and
    lower-cased; blanks in optional fields become missing. Rules: ``region`` unique and
    non-blank, and not two codes that differ only in case or spacing; ``name_en``/``name_zh``
    non-blank; ``level`` one of province, city, county; ``parent`` blank for provinces, else a
    region in the table exactly one level up; no code starting like a spreadsheet formula.

    Args:
        raw: The table as read (text columns), or an already validated table.
        source: How to name the table in errors (e.g. its file path).

    Returns:
        The validated table: columns ``region, name_en, name_zh, level, parent`` then any
        others (``climate_zone``...), in file order, with a fresh index.

    Raises:
        DataError: Naming the table, the 1-based data row(s) and the problem(s).
    """
    table = f"regions ({source})" if source != "regions" else "regions"
    require_columns(raw, REGION_COLUMNS, table)
    raw = raw.reset_index(drop=True)
    frame = _canonical_parents(_clean(raw))
    problems = _schema_problems(frame, raw, REGIONS_SCHEMA)
    problems += _ambiguous(frame, REGION)
    problems += _formula_codes(frame, REGION)
    problems += _parent_problems(frame)
    if problems:
        raise table_error(table, [message for _, message in sorted(problems)])
    others = [c for c in frame.columns if c not in REGION_COLUMNS]
    return frame[list(REGION_COLUMNS) + others]


def validate_products(raw: pd.DataFrame, *, source: str = "products") -> pd.DataFrame:
    """Check and normalise the products table.

    Product codes are kept exactly as written (the user's identifiers); ``category`` is trimmed
    and lower-cased. Rules: ``product`` unique and non-blank, and not two codes that differ only
    in case or spacing; ``name_en``, ``name_zh``, ``category``, ``unit`` non-blank;
    ``shelf_life_days`` a whole number above 0 (days the fresh form keeps); no code starting
    like a spreadsheet formula.

    Args:
        raw: The table as read (text columns), or an already validated table.
        source: How to name the table in errors (e.g. its file path).

    Returns:
        The validated table with ``shelf_life_days`` as int64, columns in contract order then
        any others, with a fresh index.

    Raises:
        DataError: Naming the table, the 1-based data row(s) and the problem(s).
    """
    table = f"products ({source})" if source != "products" else "products"
    require_columns(raw, PRODUCT_COLUMNS, table)
    raw = raw.reset_index(drop=True)
    frame = _clean(raw)
    frame["shelf_life_days"] = pd.to_numeric(
        frame["shelf_life_days"].fillna(""), errors="coerce"
    ).astype("float64")
    checking = PRODUCTS_SCHEMA.update_column(
        "shelf_life_days", dtype="float64", checks=[_SHELF_LIFE_CHECK], nullable=True
    )
    problems = _schema_problems(frame, raw, checking) + _ambiguous(frame, PRODUCT)
    problems += _formula_codes(frame, PRODUCT)
    if problems:
        raise table_error(table, [message for _, message in problems])
    frame["shelf_life_days"] = frame["shelf_life_days"].astype("int64")
    others = [c for c in frame.columns if c not in PRODUCT_COLUMNS]
    return PRODUCTS_SCHEMA.validate(frame[list(PRODUCT_COLUMNS) + others])


def code_lookup(table: pd.DataFrame, code_column: str) -> dict[str, str]:
    """Map codes and unambiguous names of a validated reference table to codes.

    Keys are compared as :func:`~recommender.data.parsing.clean_code` makes them (ignoring case,
    width and surrounding spaces); values are the codes exactly as the table writes them. Every
    code maps to itself; ``name_en`` and ``name_zh`` also map to their code when the name
    belongs to exactly one row and is not another row's code, so sales files may say ``留坝县``
    or ``Liuba`` for ``liuba``.

    Args:
        table: A validated regions or products table.
        code_column: ``region`` or ``product``.

    Returns:
        Normalised name or code -> code as written.
    """
    codes = table[code_column].astype(str)
    lookup = dict(zip(clean_code(codes), codes, strict=True))
    columns = [c for c in ("name_en", "name_zh") if c in table.columns]
    if not columns:
        return lookup
    names = pd.concat(
        [pd.DataFrame({"name": clean_code(table[c].astype(str)), "code": codes}) for c in columns]
    ).drop_duplicates()
    counts = names["name"].value_counts()
    for name, code in zip(names["name"], names["code"], strict=True):
        if counts[name] == 1 and name not in lookup:
            lookup[name] = code
    return lookup


def region_hierarchy(regions: pd.DataFrame) -> pd.DataFrame:
    """Each region with its ancestors.

    Args:
        regions: A validated regions table.

    Returns:
        Columns ``region, county, city, province``: a county row names itself, its city and
        province; a city row has NaN ``county``; a province row has NaN ``county`` and ``city``.
    """
    parent = dict(zip(regions[REGION], regions["parent"], strict=True))
    level = dict(zip(regions[REGION], regions["level"], strict=True))
    rows = []
    for code in regions[REGION]:
        chain: dict[str, object] = {COUNTY: np.nan, CITY: np.nan, PROVINCE: np.nan}
        current: object = code
        for _ in REGION_LEVELS:  # at most three steps up, even on a malformed table
            if not (isinstance(current, str) and current in level):
                break
            chain[level[current]] = current
            current = parent[current]
        rows.append({REGION: code, **chain})
    return pd.DataFrame(rows, columns=[REGION, COUNTY, CITY, PROVINCE])


def load_regions(path: str | Path) -> pd.DataFrame:
    """Read and validate a regions table (see :func:`validate_regions`).

    Args:
        path: CSV or Parquet file.

    Returns:
        The validated regions table.

    Raises:
        DataError: Unreadable file or invalid table (naming the row and problem).
    """
    raw = read_table(path, required=REGION_COLUMNS, what=f"regions file {path}")
    return validate_regions(raw, source=str(path))


def load_products(path: str | Path) -> pd.DataFrame:
    """Read and validate a products table (see :func:`validate_products`).

    Args:
        path: CSV or Parquet file.

    Returns:
        The validated products table.

    Raises:
        DataError: Unreadable file or invalid table (naming the row and problem).
    """
    raw = read_table(path, required=PRODUCT_COLUMNS, what=f"products file {path}")
    return validate_products(raw, source=str(path))


def counties_by_province(regions: pd.DataFrame, counties: Iterable[str]) -> dict[str, list[str]]:
    """The given counties grouped by the province above them in the regions table.

    Args:
        regions: A validated regions table (``region``, ``level``, ``parent``).
        counties: County codes.

    Returns:
        Province code -> its counties, sorted; counties without a province (unknown, or a
        broken chain of parents) are grouped under ``""``.
    """
    parent = dict(zip(regions[REGION], regions["parent"], strict=True))
    level = dict(zip(regions[REGION], regions["level"], strict=True))
    groups: dict[str, list[str]] = {}
    for county in sorted(counties):
        node: str | None = county
        seen: set[str] = set()
        while node is not None and node in parent and level.get(node) != PROVINCE:
            if node in seen:
                break
            seen.add(node)
            above = parent[node]
            node = above if isinstance(above, str) and above else None
        province = node if node and level.get(node) == PROVINCE else ""
        groups.setdefault(province, []).append(county)
    return groups
