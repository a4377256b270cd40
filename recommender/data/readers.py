"""Reading tables from files: CSV (UTF-8 or GBK) or Parquet, every column as text."""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from recommender.data import contract as c
from recommender.data.parsing import DATE_PATTERNS, as_text
from recommender.errors import DataError

CSV_SUFFIXES = (".csv", ".txt")
PARQUET_SUFFIXES = (".parquet", ".pq")
ENCODINGS = ("utf-8-sig", "gb18030")  # GB18030 is a superset of GBK and GB2312

_DELIMITERS = (",", "\t", ";", "|")


def canonical_headers(frame: pd.DataFrame, what: str) -> pd.DataFrame:
    """Rename headers to contract names (``日期`` -> ``date``; see ``HEADER_ALIASES``).

    Args:
        frame: A table as read.
        what: How to name the table in errors.

    Returns:
        The same data with canonical column names.

    Raises:
        DataError: If two headers mean the same column (e.g. ``date`` and ``日期``).
    """
    names = [c.canonical_column(h) for h in frame.columns]
    seen: dict[str, object] = {}
    for header, name in zip(frame.columns, names, strict=True):
        if name in seen:
            raise DataError(f"{what}: columns {seen[name]!r} and {header!r} both mean {name!r}")
        seen[name] = header
    return frame.set_axis(names, axis=1)


def _looks_like_data(header: str) -> bool:
    text = header.strip()
    return bool(re.fullmatch(r"[\d\s.,:/+-]+", text)) or any(p.match(text) for p in DATE_PATTERNS)


def check_required(
    frame: pd.DataFrame, required: Sequence[str], what: str, raw_headers: Sequence[str]
) -> None:
    """Fail when a required column is missing, naming it and the columns found.

    A file without a header row would show its first data row as "columns found", and that
    row may hold personal data: such headers are not echoed.

    Args:
        frame: The table with canonical headers.
        required: Columns that must be present.
        what: How to name the table in errors.
        raw_headers: The headers as they were in the file.

    Raises:
        DataError: If any required column is missing.
    """
    missing = [col for col in required if col not in frame.columns]
    if not missing:
        return
    if any(_looks_like_data(str(h)) for h in raw_headers):
        raise DataError(
            f"{what} has no header row (its first line looks like data); the first line must "
            f"name the columns, with at least: {', '.join(required)}"
        )
    found = [h if not re.search(r"\d{5,}|@", h) else "<value-like header>" for h in raw_headers]
    raise DataError(
        f"{what} is missing required column(s) {', '.join(missing)} "
        f"(columns found: {', '.join(found) or 'none'}); check the header row and the encoding"
    )


def _decode(data: bytes, what: str) -> str:
    first_bad = None
    for encoding in ENCODINGS:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError as exc:
            first_bad = exc.start if first_bad is None else first_bad
            continue
    line = data.count(b"\n", 0, first_bad or 0) + 1
    raise DataError(f"{what} is neither UTF-8 nor GBK/GB18030 text (first bad byte on line {line})")


def _read_csv(path: Path, what: str) -> pd.DataFrame:
    data = path.read_bytes()
    if not data.removeprefix(b"\xef\xbb\xbf").strip():
        raise DataError(f"{what} is empty")
    text = _decode(data, what)
    if "\x00" in text:  # the CSV parser would cut the value there, silently
        line = text.count("\n", 0, text.index("\x00")) + 1
        raise DataError(
            f"{what} line {line} holds a NUL byte: the file is damaged or not text "
            "(save it again as a UTF-8 CSV)"
        )
    first_line = text.lstrip().split("\n", 1)[0]
    sep = max(_DELIMITERS, key=first_line.count)
    try:
        return pd.read_csv(io.StringIO(text), sep=sep, dtype=str, keep_default_na=False)
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        lines = str(exc).strip().splitlines()
        raise DataError(
            f"{what} cannot be read as CSV: {lines[-1] if lines else type(exc).__name__}"
        ) from exc


def _text_column(column: Any) -> np.ndarray:
    """An Arrow column as text, written once per distinct value (rows share the strings).

    The column is dictionary-encoded in Arrow, so no Python object is made per row before
    the final array of references; missing values become ``""``.
    """
    import pyarrow.compute as pc

    encoded = column.combine_chunks().dictionary_encode()
    words = as_text(encoded.dictionary.to_pandas()).to_numpy(dtype=object)
    indices = encoded.indices
    if indices.null_count:  # a missing value points past the dictionary, at ""
        indices = pc.fill_null(indices, len(words))
    return np.append(words, "")[indices.to_numpy(zero_copy_only=False)]


def _read_parquet(path: Path, what: str) -> pd.DataFrame:
    import pyarrow.parquet as pq

    try:
        table = pq.read_table(path)
    except Exception as exc:  # pyarrow raises several types for unreadable files
        raise DataError(f"{what} cannot be read as Parquet ({type(exc).__name__})") from exc
    return _as_text_frame(table, what)


def _as_text_frame(table: Any, what: str) -> pd.DataFrame:
    """An Arrow table as text columns (see :func:`_text_column`), one column at a time."""
    names = [str(name) for name in table.column_names]
    columns = {}  # by position: a file may repeat a name, which the header check then reports
    for i, name in enumerate(names):
        try:
            columns[i] = _text_column(table.column(i))
        except Exception as exc:  # nested or exotic Arrow types have no text form here
            raise DataError(
                f"{what}: column {name!r} ({table.column(i).type}) cannot be read as text"
            ) from exc
    del table
    frame = pd.DataFrame(columns)
    frame.columns = names
    return frame


def parquet_dataset(path: Path, what: str) -> Any:
    """A Parquet file, or a folder of Parquet parts, as one ``pyarrow.dataset`` (not read yet).

    A folder holds every ``.parquet``/``.pq`` file under it in path order (files and folders
    whose names start with ``_`` or ``.`` skipped); ``key=value`` folder names become columns.

    Raises:
        DataError: A folder without Parquet files, or parts that are not one dataset.
    """
    import pyarrow.dataset as ds

    if not path.is_dir():
        return _dataset_or_error(lambda: ds.dataset(str(path), format="parquet"), what)
    files = sorted(
        p
        for p in path.rglob("*")
        if p.is_file()
        and p.suffix.lower() in PARQUET_SUFFIXES
        and not any(part.startswith(("_", ".")) for part in p.relative_to(path).parts)
    )
    if not files:
        raise DataError(f"{what} is a folder without Parquet files (.parquet or .pq)")
    return _dataset_or_error(
        lambda: ds.dataset(
            [str(f) for f in files],
            format="parquet",
            partitioning="hive",
            partition_base_dir=str(path),
        ),
        what,
    )


def _dataset_or_error(make: Callable[[], Any], what: str) -> Any:
    try:
        return make()
    except Exception as exc:  # pyarrow raises several types for unreadable or mismatched parts
        raise _dataset_error(exc, what) from exc


def _dataset_error(exc: Exception, what: str) -> DataError:
    first = str(exc).splitlines()[0][:200] if str(exc) else ""
    kind = type(exc).__name__
    return DataError(f"{what} cannot be read as one Parquet dataset ({kind}: {first})")


def read_parquet_part(fragment: Any, schema: Any, what: str) -> pd.DataFrame:
    """One part (a row group) of a Parquet dataset as text columns, in the dataset's schema.

    Args:
        fragment: A fragment of :func:`parquet_dataset` (split by row group).
        schema: The dataset's schema (partition columns and missing columns filled in).
        what: How to name the input in errors.

    Returns:
        The rows as text, as :func:`read_table` gives them before mapping the headers.
    """
    try:
        table = fragment.to_table(schema=schema)
    except Exception as exc:  # pyarrow raises several types for unreadable parts
        raise _dataset_error(exc, what) from exc
    return _as_text_frame(table, what)


def _read_parquet_folder(path: Path, what: str) -> pd.DataFrame:
    dataset = parquet_dataset(path, what)
    try:
        table = dataset.to_table()
    except Exception as exc:  # pyarrow raises several types for unreadable or mismatched parts
        raise _dataset_error(exc, what) from exc
    return _as_text_frame(table, what)


def read_table(
    path: str | Path,
    *,
    required: Sequence[str] = c.REQUIRED_SALES_COLUMNS,
    what: str | None = None,
) -> pd.DataFrame:
    """Read a CSV or Parquet table (or a folder of Parquet parts) as text with contract headers.

    CSV (``.csv``, ``.txt``; comma, tab, semicolon or ``|`` separated, guessed from the header
    line) is decoded strictly as UTF-8 (with or without BOM), else as GB18030 (a superset of
    GBK); nothing is coerced (``dtype=str``, no NA guessing). Blank lines are skipped. Parquet
    is read with pyarrow and its values written as text (dates as ``YYYY-MM-DD``), each distinct
    value once. A folder is read as one Parquet dataset: every ``.parquet``/``.pq`` file under it
    in path order, ``key=value`` folder names becoming columns (Hive partitioning); files whose
    names start with ``_`` or ``.`` are skipped.

    Args:
        path: The file.
        required: Columns that must be present after mapping headers.
        what: How to name the file in errors (default: ``file <path>``).

    Returns:
        The table: every value a ``str`` (``""`` for blanks), canonical headers, 0..n-1 index.

    Raises:
        DataError: Missing, empty, header-only, undecodable or unparseable file, or a required
            column missing (the message lists the columns found).
    """
    path = Path(path)
    what = what or f"file {path}"
    if not path.exists():
        raise DataError(f"{what} does not exist")
    suffix = path.suffix.lower()
    if path.is_dir():
        frame = _read_parquet_folder(path, what)
    elif not path.is_file():
        raise DataError(f"{what} is not a file")
    elif suffix in CSV_SUFFIXES:
        frame = _read_csv(path, what)
    elif suffix in PARQUET_SUFFIXES:
        frame = _read_parquet(path, what)
    else:
        raise DataError(f"{what}: unsupported file type {suffix!r} (use .csv, .txt or .parquet)")
    raw_headers = [str(h) for h in frame.columns]
    frame = canonical_headers(frame, what)
    check_required(frame, required, what, raw_headers)
    if frame.empty:
        raise DataError(f"{what} has a header but no rows")
    return frame.reset_index(drop=True)
