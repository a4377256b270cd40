"""Parsing of sales text: values as text, cleaned codes, unambiguous dates and numbers."""

from __future__ import annotations

import re
from collections.abc import Callable

import numpy as np
import pandas as pd


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
    objects = pd.Series(values)
    if objects.dtype != object:
        objects = objects.astype(object)
    if pd.api.types.infer_dtype(objects, skipna=False) in ("string", "empty"):
        return objects  # already all str (the CSV case): nothing to convert (nor copied)
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
    if mapped.dtype == values.dtype and np.array_equal(mapped.to_numpy(), np.asarray(uniques)):
        return values  # nothing changed: share the column rather than copy it
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
    """Text as codes are compared: :func:`clean_text` and lower case.

    Vocabulary codes (channels, forms, levels, categories) are stored this way. Identifiers the
    user chose (regions, products) are kept as written and only *matched* this way.

    Args:
        values: Text codes or names.

    Returns:
        The codes, e.g. ``" Taobao "`` -> ``"taobao"``.
    """
    return clean_text(values).str.lower()


_TIME = r"(?:[ T](?:[01]?\d|2[0-3]):[0-5]\d(?::[0-5]\d(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})?)?"
_ANY_TIME = re.compile(r"^\d{4}\D.*[ T]\d{1,2}:\d{2}")
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


def date_years(text: pd.Series) -> pd.Series:
    """The year each date text is written in (NaN where no accepted form shows one).

    Lets a date beyond what pandas can hold (``9999-12-31``) be named a future date.

    Args:
        text: Cleaned date text.

    Returns:
        float64 years.
    """
    years = pd.Series(np.nan, index=text.index)
    for pattern in DATE_PATTERNS:
        found = text.astype(str).str.extract(pattern)["y"].astype("float64")
        years = years.fillna(found)
    return years


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
    timed = text.str.match(_ANY_TIME)
    words = np.select(
        [ambiguous, shaped, timed],
        [
            "is ambiguous (day or month first?); write YYYY-MM-DD",
            "is not a calendar day",
            "has no such time of day (hours 0-23, minutes and seconds 0-59)",
        ],
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
