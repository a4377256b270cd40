"""Text cells a spreadsheet would run as a formula, and CSV tables made safe to open."""

from __future__ import annotations

import re
from typing import Any

import numpy as np
import pandas as pd

_TRIGGER = re.compile(r"^[=+\-@\t\r]")
_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")


def is_formula_like(text: str) -> bool:
    """Whether a spreadsheet could run the text as a formula when it opens a CSV.

    Text starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return counts (the
    OWASP list), unless it is a plain number such as ``-3`` or ``+1.5e3``.

    Args:
        text: A cell's text.

    Returns:
        True when the text needs neutralising.
    """
    return bool(_TRIGGER.match(text)) and not _NUMBER.match(text)


def formula_mask(values: pd.Series) -> pd.Series:
    """Which text values are formula-like (see :func:`is_formula_like`), decided once each.

    Args:
        values: Any values; only ``str`` ones can be formula-like.

    Returns:
        A boolean series on the same index.
    """
    unique = pd.unique(values.to_numpy())
    flagged = {v for v in unique if isinstance(v, str) and is_formula_like(v)}
    if not flagged:
        return pd.Series(False, index=values.index)
    return values.isin(flagged)


def spreadsheet_safe(frame: pd.DataFrame) -> pd.DataFrame:
    """The table with every formula-like text cell prefixed by ``'`` (shown, never run).

    Every CSV the tool writes goes through this. Sales keys cannot be formula-like (ingest
    quarantines them, reason ``formula_text``), so region and product come back byte for byte;
    what it changes is other text, such as a quarantined row's original values or a reference
    table's names.

    Args:
        frame: The table to write.

    Returns:
        The same table when nothing needed changing, else a copy with those cells prefixed.
    """
    out = frame
    for col in frame.columns:
        column = frame[col]
        if column.dtype != object and not pd.api.types.is_string_dtype(column):
            continue
        mask = formula_mask(column)
        if mask.any():
            if out is frame:
                out = frame.copy()
            out[col] = np.where(mask, "'" + column.astype(str), column.to_numpy(dtype=object))
    return out


def safe_csv(
    frame: pd.DataFrame,
    target: Any = None,
    *,
    encoding: str = "utf-8",
    index: bool = False,
) -> str | None:
    """Write a table as CSV the one way every export of the tool does.

    Formula-like text is neutralised (:func:`spreadsheet_safe`), dates are ``YYYY-MM-DD`` and
    lines end in CRLF as RFC 4180 has it, so a value holding a carriage return or a line break
    is quoted and reads back whole.

    Args:
        frame: The table.
        target: A path or open file; None returns the text.
        encoding: Text encoding of a path target (``utf-8-sig`` adds the BOM spreadsheets want).
        index: Write the index too.

    Returns:
        The CSV text when ``target`` is None, else None.
    """
    return spreadsheet_safe(frame).to_csv(
        target, index=index, encoding=encoding, date_format="%Y-%m-%d", lineterminator="\r\n"
    )


__all__ = ["formula_mask", "is_formula_like", "safe_csv", "spreadsheet_safe"]
