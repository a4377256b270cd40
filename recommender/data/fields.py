"""Checking reference tables: typed columns, repeated keys, unknown codes, one-line errors."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import pandas as pd

from recommender.data.parsing import as_text, clean_code, clean_text
from recommender.errors import DataError

_MAX_PROBLEMS = 5


def short_value(value: object, limit: int = 40) -> str:
    """A cell value cut to ``limit`` characters for an error message."""
    text = str(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def table_error(table: str, problems: list[str]) -> DataError:
    """One error line naming the table and its first few problems."""
    shown = "; ".join(problems[:_MAX_PROBLEMS])
    more = len(problems) - _MAX_PROBLEMS
    suffix = f"; and {more} more problem(s)" if more > 0 else ""
    return DataError(f"{table} table: {shown}{suffix}")


def require_columns(raw: pd.DataFrame, required: Sequence[str], table: str) -> None:
    """Refuse a table that lacks a required column or has no rows."""
    missing = [c for c in required if c not in raw.columns]
    if missing:
        found = ", ".join(map(str, raw.columns)) or "none"
        raise DataError(
            f"{table} table: missing column(s) {', '.join(missing)} (columns found: {found})"
        )
    if raw.empty:
        raise DataError(f"{table} table has no rows")


_TRUE = {"true", "1", "yes", "y"}
_FALSE = {"false", "0", "no", "n"}


@dataclass(frozen=True)
class Field:
    """How one column is parsed: ``kind`` is code, key, text, float, int or bool.

    A ``code`` is compared and stored trimmed and lower-case (a vocabulary value); a ``key`` is
    a user's identifier (region, product), stored exactly as written.
    """

    kind: str
    required: bool = True
    check: Callable[[float], bool] | None = None
    rule: str = ""
    choices: tuple[object, ...] | None = None


def table_name(table: str, source: str) -> str:
    """How errors name a table: ``table``, with its file in brackets when that differs."""
    return f"{table} ({source})" if source != table else table


def _parse_value(text: str, field: Field) -> tuple[object, str | None]:
    """One cell's typed value, or a problem (wording follows ``<column> '<value>' <problem>``)."""
    if text == "":
        return (None, "is blank") if field.required else (None, None)
    value: object
    if field.kind in ("code", "key", "text"):
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


def parse_fields(
    raw: pd.DataFrame, fields: dict[str, Field], table: str
) -> tuple[pd.DataFrame, list[tuple[int, str]]]:
    """The table typed column by column, with each cell's problems as ``(position, text)``.

    A column whose field is not required may be left out of the file: it reads as blank.
    """
    require_columns(raw, [c for c, f in fields.items() if f.required], table)
    raw = raw.reset_index(drop=True)
    absent = {c: "" for c, f in fields.items() if not f.required and c not in raw.columns}
    raw = raw.assign(**absent) if absent else raw
    columns: dict[str, list[object]] = {}
    problems: list[tuple[int, str]] = []
    for column, field in fields.items():
        text = as_text(raw[column])
        cleaned = clean_code(text) if field.kind in ("code", "bool") else clean_text(text)
        values = []
        for position, (original, value_text) in enumerate(zip(text, cleaned, strict=True)):
            value, problem = _parse_value(value_text, field)
            if field.kind == "key" and value is not None:
                value = original  # the user's identifier, exactly as written
            if problem:
                problems.append(
                    (position, f"row {position + 1}: {column} {short_value(original)!r} {problem}")
                )
            values.append(value)
        columns[column] = values
    others = {c: clean_text(as_text(raw[c])) for c in raw.columns if c not in fields}
    frame = pd.DataFrame({**columns, **others})
    return frame, problems


def repeated_keys(frame: pd.DataFrame, key: Sequence[str]) -> list[tuple[int, str]]:
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


def unknown_codes(
    frame: pd.DataFrame, column: str, known: set[str] | None, what: str
) -> list[tuple[int, str]]:
    """Rows whose ``column`` holds a code missing from ``known`` (nothing when it is None)."""
    if known is None:
        return []
    return [
        (position, f"row {position + 1}: {column} {short_value(code)!r} is not in the {what} table")
        for position, code in enumerate(frame[column])
        if code is not None and code not in known
    ]


def resolve_keys(
    frame: pd.DataFrame, column: str, lookup: Mapping[str, str] | None, what: str
) -> list[tuple[int, str]]:
    """Write a key column as the reference table writes its codes; report keys it lacks.

    Args:
        frame: The parsed table (changed in place: ``column`` becomes the table's codes).
        column: A ``key`` column (region or product).
        lookup: Normalised code or name -> code, as
            :func:`recommender.data.reference.code_lookup` makes it; None to keep the keys.
        what: How errors name the reference table (``products``, ``regions (county)``).

    Returns:
        ``(position, message)`` for every key the table does not have.
    """
    if lookup is None:
        return []
    problems = []
    resolved: list[object] = []
    for position, (key, norm) in enumerate(
        zip(frame[column], clean_code(frame[column].fillna("").astype(str)), strict=True)
    ):
        if key is not None and norm not in lookup:
            problems.append(
                (
                    position,
                    f"row {position + 1}: {column} {short_value(key)!r} is not in the {what} table",
                )
            )
        resolved.append(lookup.get(norm, key) if key is not None else None)
    frame[column] = pd.Series(resolved, index=frame.index, dtype=object)
    return problems


def codes_of(table: pd.DataFrame | None, column: str) -> set[str] | None:
    """The cleaned codes of a table's column (None without a table)."""
    if table is None:
        return None
    return set(clean_code(as_text(table[column])))


def typed(frame: pd.DataFrame, dtypes: dict[str, str]) -> pd.DataFrame:
    """The frame with its columns cast to ``dtypes`` (in place)."""
    for column, dtype in dtypes.items():
        frame[column] = frame[column].astype(dtype)
    return frame
