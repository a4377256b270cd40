"""Sales ingest: read CSV/Parquet, validate against the contract, quarantine, aggregate."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import partial
from pathlib import Path
from typing import TypeAlias

import numpy as np
import pandas as pd

from recommender.data import contract as c
from recommender.data.calendar import MIN_YEAR
from recommender.data.cells import formula_mask
from recommender.data.contract import Reason
from recommender.data.duplicates import flag_duplicates
from recommender.data.parsing import (
    as_text,
    clean_code,
    clean_text,
    date_problem,
    date_years,
    parse_number,
    parse_sale_dates,
    per_unique,
)
from recommender.data.pii import check_key, customer_keys, pii_key_from_env
from recommender.data.readers import canonical_headers, check_required, read_table
from recommender.data.reference import (
    code_lookup,
    load_products,
    load_regions,
    validate_products,
    validate_regions,
)
from recommender.data.schemas import SALES_SCHEMA

EARLIEST_DATE = pd.Timestamp(f"{MIN_YEAR}-01-01")
"""Sales before this are ``bad_date``: the festival calendar starts that year."""
MAX_VALUE = 1e12
"""Largest quantity or price a row may hold: sums and squares of such values stay exact
enough, where ``1e300`` overflows the model's arithmetic into blank forecasts."""

_Words: TypeAlias = "str | pd.Series | Callable[[pd.Series], pd.Series]"


@dataclass(frozen=True)
class IngestResult:
    """The outcome of validating one sales file: every row is accepted or quarantined.

    Attributes:
        sales: Accepted rows: ``date`` (datetime64, midnight), ``region``, ``product``,
            ``quantity`` and ``price`` (float64, price may be NaN), ``channel``, ``form``,
            ``order_id`` (when the input had one), ``customer_key`` (when pseudonymised) and
            ``source_row``. Checked against :data:`recommender.data.schemas.SALES_SCHEMA`.
        quarantine: Rejected rows: ``source_row``, ``reason`` (a :class:`Reason` value),
            ``detail`` (plain words), then the row's contract values as the original text.
        rows_read: Data rows in the input.
        dropped_columns: Non-personal input columns outside the contract (not kept).
        pii_columns: Personal input columns (never kept raw; see ``customer_key``).
    """

    sales: pd.DataFrame
    quarantine: pd.DataFrame
    rows_read: int
    dropped_columns: list[str] = field(default_factory=list)
    pii_columns: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        """Refuse a result that loses or invents rows."""
        if self.rows_read != len(self.sales) + len(self.quarantine):
            raise AssertionError(
                f"ingest accounting broken: {self.rows_read} read != "
                f"{len(self.sales)} accepted + {len(self.quarantine)} quarantined"
            )

    @property
    def rows_accepted(self) -> int:
        """Rows that passed every rule."""
        return len(self.sales)

    @property
    def rows_quarantined(self) -> int:
        """Rows that failed a rule."""
        return len(self.quarantine)

    @property
    def pseudonymised(self) -> bool:
        """Whether a ``customer_key`` was derived from the personal columns."""
        return c.CUSTOMER_KEY in self.sales.columns

    def reason_counts(self) -> dict[str, int]:
        """Quarantined rows per reason, in rule order, reasons with no rows left out."""
        counts = self.quarantine[c.REASON].value_counts()
        return {str(r): int(counts[r]) for r in c.REASON_ORDER if r in counts.index}


def _keys(values: pd.Series, *, table: pd.DataFrame | None, column: str) -> pd.Series:
    """Region or product keys: as written, or the table's code for a matching code or name."""
    if table is None:
        return values
    return clean_code(values).map(code_lookup(table, column))


def validate_sales(
    raw: pd.DataFrame,
    *,
    regions: pd.DataFrame | None = None,
    products: pd.DataFrame | None = None,
    today: date | None = None,
    pii_key: bytes | None = None,
    first_row: int = 1,
    duplicates: Mapping[int, str] | None = None,
) -> IngestResult:
    """Split sales rows into accepted and quarantined, normalised to the data contract.

    Region and product are the user's identifiers: without a regions (products) table they are
    kept exactly as written (case, spaces, width, punctuation), so every output joins back to
    the user's own data. With the table, a code or a name (``name_zh``/``name_en``) that belongs
    to one row, compared ignoring case, width and surrounding spaces, becomes that row's code as
    the table writes it, and a region may be a code at any level of the table. Other text is
    NFKC-normalised and trimmed; channel and form are lower-case codes; a blank channel is
    ``unknown``, a blank form ``fresh``.

    Each quarantined row gets one reason: the first failing rule, in this order:
    ``missing_value`` (blank date, region, product or quantity), ``bad_date``, ``future_date``
    (after ``today``), ``bad_quantity`` (not a finite number, e.g. ``abc``, ``NaN``, ``inf``),
    ``negative_quantity``, ``bad_price`` (given but not a finite number > 0), ``formula_text``
    (region, product, channel or form starting like a spreadsheet formula), ``unknown_region``
    and ``unknown_product`` (only with the tables), ``duplicate``.

    Duplicate rule, applied last among rows that passed every other rule: if an ``order_id``
    column is present, a row repeating an earlier row's non-blank ``order_id`` is a duplicate;
    otherwise (and for rows with a blank ``order_id``) a row equal to an earlier row in every
    normalised contract column (and ``customer_key`` when there is one) is a duplicate. The
    first occurrence is kept.

    Personal columns never leave this function raw: with ``pii_key``, phone (else name) becomes
    ``customer_key`` (see :func:`recommender.data.pii.customer_keys`); without it they are dropped.
    ``source_row`` is the 1-based data row number (the header is not counted).

    A file validated in parts (see :mod:`recommender.data.distributed`) gives each part its
    ``first_row``; its duplicates are decided over the whole file and passed back in.

    Args:
        raw: Sales as read (text columns; Chinese or English headers).
        regions: A regions table, to check and map region codes.
        products: A products table, to check and map product codes.
        today: Dates after this are ``future_date`` (default: today's date).
        pii_key: The pseudonymisation key (at least 16 bytes), or None to drop PII.
        first_row: ``source_row`` of the first row (a part of a file starts later).
        duplicates: The duplicates among this part's rows, as ``source_row`` -> words (for
            example ``identical to data row 12``); None decides them here, among these rows.

    Returns:
        The accepted and quarantined rows with the accounting.

    Raises:
        DataError: A required column is missing, or a reference table is invalid.
    """
    if pii_key is not None:
        check_key(pii_key)
    regions = None if regions is None else validate_regions(regions)
    products = None if products is None else validate_products(products)
    today = today or date.today()
    raw = canonical_headers(raw.reset_index(drop=True), "sales")
    check_required(raw, c.REQUIRED_SALES_COLUMNS, "sales", [str(h) for h in raw.columns])
    n = len(raw)
    pii_columns = [col for col in raw.columns if col in c.PII_COLUMNS]
    kept = [col for col in c.SALES_COLUMNS if col in raw.columns]
    extras = [col for col in c.ALLOWED_EXTRA_COLUMNS if col in raw.columns]
    dropped = [col for col in raw.columns if col not in pii_columns + kept + extras]
    original = {col: as_text(raw[col]) for col in kept + extras}
    for col in c.SALES_COLUMNS:
        original.setdefault(col, pd.Series("", index=raw.index, dtype=object))
    keys = None
    if pii_key is not None and pii_columns:
        keys = customer_keys(raw[pii_columns].apply(as_text), pii_key)
    del raw  # nothing personal below this line
    text = {col: per_unique(values, clean_text) for col, values in original.items()}

    reason = np.full(n, None, dtype=object)
    detail = np.full(n, "", dtype=object)
    pending = np.ones(n, dtype=bool)  # rows without a reason yet

    def flag(mask: pd.Series, code: Reason, words: _Words, column: str | None = None) -> None:
        """Give ``code`` to rows in ``mask`` that have no reason yet, with a detail."""
        hit = np.asarray(mask, dtype=bool) & pending
        if not hit.any():
            return
        pending[hit] = False
        reason[hit] = code.value
        if column is None:
            detail[hit] = words[hit].to_numpy() if isinstance(words, pd.Series) else words
            return
        values = text[column][hit]
        said = words(values) if callable(words) else words
        shown = f"{column} " + values.str.slice(0, 40).map(repr) + " " + said
        detail[hit] = shown.to_numpy()

    blank = pd.DataFrame({col: text[col] == "" for col in c.REQUIRED_SALES_COLUMNS})
    any_blank = blank.any(axis=1)
    if any_blank.any():  # words only for the rows that need them
        names = pd.Series("", index=text[c.DATE].index, dtype=object)
        shown = blank[any_blank]
        names[any_blank] = [
            "blank "
            + ", ".join(col for col, is_blank in zip(shown.columns, row, strict=True) if is_blank)
            for row in shown.itertuples(index=False)
        ]
        flag(any_blank, Reason.MISSING_VALUE, names)
    del blank

    dates = per_unique(text[c.DATE], parse_sale_dates)
    # a date past what pandas holds (9999-12-31) is still a date in the future
    beyond = dates.isna() & (per_unique(text[c.DATE], date_years) > today.year)
    flag(dates.isna() & ~beyond, Reason.BAD_DATE, date_problem, c.DATE)
    flag(dates < EARLIEST_DATE, Reason.BAD_DATE, f"is before {EARLIEST_DATE.date()}", c.DATE)
    after_today = (dates > pd.Timestamp(today).normalize()) | beyond
    flag(after_today, Reason.FUTURE_DATE, f"is after today ({today})", c.DATE)

    quantity = per_unique(text[c.QUANTITY], parse_number)
    flag(~np.isfinite(quantity), Reason.BAD_QUANTITY, "is not a number", c.QUANTITY)
    flag(quantity < 0, Reason.NEGATIVE_QUANTITY, "is below 0", c.QUANTITY)
    flag(quantity > MAX_VALUE, Reason.BAD_QUANTITY, f"is above {MAX_VALUE:.0e}", c.QUANTITY)

    price = per_unique(text[c.PRICE], partial(parse_number, money=True))
    bad_price = (text[c.PRICE] != "") & ~(np.isfinite(price) & (price > 0) & (price <= MAX_VALUE))
    flag(
        bad_price,
        Reason.BAD_PRICE,
        f"is not a number above 0 (and at most {MAX_VALUE:.0e})",
        c.PRICE,
    )

    for column in (c.REGION, c.PRODUCT, c.CHANNEL, c.FORM):  # keys as kept, codes as cleaned
        kept = original[column] if column in (c.REGION, c.PRODUCT) else text[column]
        flag(formula_mask(kept), Reason.FORMULA_TEXT, "starts like a spreadsheet formula", column)
    region = per_unique(original[c.REGION], partial(_keys, table=regions, column=c.REGION))
    flag(region.isna(), Reason.UNKNOWN_REGION, "is not in the regions table", c.REGION)
    product = per_unique(original[c.PRODUCT], partial(_keys, table=products, column=c.PRODUCT))
    flag(product.isna(), Reason.UNKNOWN_PRODUCT, "is not in the products table", c.PRODUCT)

    channel = per_unique(text[c.CHANNEL], clean_code).replace("", c.DEFAULT_CHANNEL)
    form = per_unique(text[c.FORM], clean_code).replace("", c.DEFAULT_FORM)
    sales = pd.DataFrame(
        {
            c.DATE: dates,
            c.REGION: region.astype(object),
            c.PRODUCT: product.astype(object),
            c.QUANTITY: quantity,
            c.PRICE: price.where(text[c.PRICE] != ""),
            c.CHANNEL: channel.astype(object),
            c.FORM: form.astype(object),
        }
    )
    del dates, quantity, price, region, product, channel, form  # the frame holds them now
    if c.ORDER_ID in text:
        sales[c.ORDER_ID] = text[c.ORDER_ID].where(text[c.ORDER_ID] != "", None).astype(object)
    if keys is not None:
        sales[c.CUSTOMER_KEY] = keys
    sales[c.SOURCE_ROW] = np.arange(first_row, first_row + n, dtype="int64")
    if duplicates is None:
        flag_duplicates(sales, pd.Series(pending.copy(), index=sales.index), flag)
    elif duplicates:
        words = sales[c.SOURCE_ROW].map(duplicates)
        flag(words.notna(), Reason.DUPLICATE, words.fillna(""))

    ok = pending
    bad = np.flatnonzero(~ok)
    quarantine = pd.DataFrame(
        {
            c.SOURCE_ROW: sales[c.SOURCE_ROW].to_numpy()[bad],
            c.REASON: reason[bad],
            c.DETAIL: detail[bad],
        }
    )
    for col, values in original.items():
        quarantine[col] = values.to_numpy()[bad]
    if keys is not None:
        quarantine[c.CUSTOMER_KEY] = keys.fillna("").to_numpy()[bad]
    accepted = sales if ok.all() else sales[ok].reset_index(drop=True)
    del sales
    result = IngestResult(
        sales=SALES_SCHEMA.validate(accepted),
        quarantine=quarantine,
        rows_read=n,
        dropped_columns=dropped,
        pii_columns=pii_columns,
    )
    return result


def load_sales(
    path: str | Path,
    regions_path: str | Path | None = None,
    products_path: str | Path | None = None,
    *,
    today: date | None = None,
    pii_key: bytes | None = None,
) -> IngestResult:
    """Read and validate a sales file (the I/O edge of :func:`validate_sales`).

    Args:
        path: Sales CSV or Parquet.
        regions_path: Optional regions table.
        products_path: Optional products table.
        today: Dates after this are quarantined (default: today).
        pii_key: Pseudonymisation key; when None it is read from ``XINGNONG_PII_KEY``.

    Returns:
        The accepted and quarantined rows with the accounting.

    Raises:
        DataError: Unreadable input or invalid reference table.
    """
    key = pii_key if pii_key is not None else pii_key_from_env()
    regions = None if regions_path is None else load_regions(regions_path)
    products = None if products_path is None else load_products(products_path)
    raw = read_table(path, what=f"sales file {path}")
    return validate_sales(raw, regions=regions, products=products, today=today, pii_key=key)
