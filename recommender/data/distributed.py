"""Sales ingest on a Dask cluster: the workers read, validate and sum a Parquet input's parts.

Each part (a row group of a file, or of a folder of files) is read and validated where it is
scheduled, numbered from its first row in the whole input. Duplicates are the one rule that
looks across rows: every accepted row gets a 64-bit key (its order id, else its values), the
keys come back, and only rows whose key repeats are compared exactly, in input order, as one
process would; parts holding a duplicate are validated again with it. The accepted rows then
stay on the workers: only their sums per series and period come back, with the quarantine.
The result is the one :func:`recommender.data.ingest.validate_sales` and
:func:`recommender.data.aggregate.aggregate_panel` give on the whole input.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from distributed import Client

from recommender.data import contract as c
from recommender.data.aggregate import SummedIngest, combine_sums, partial_sums
from recommender.data.duplicates import duplicate_keys, duplicate_words
from recommender.data.ingest import IngestResult, validate_sales
from recommender.data.readers import (
    canonical_headers,
    check_required,
    parquet_dataset,
    read_parquet_part,
)
from recommender.errors import DataError


def _parts(dataset: Any) -> list[tuple[Any, int]]:
    """Every row group of the dataset, in input order, with its row count."""
    return [
        (group, sum(rg.num_rows for rg in group.row_groups))
        for fragment in dataset.get_fragments()
        for group in fragment.split_by_row_group()
    ]


def _validated(
    fragment: Any,
    schema: Any,
    what: str,
    first_row: int,
    options: dict[str, Any],
    duplicates: dict[int, str],
) -> IngestResult:
    raw = read_parquet_part(fragment, schema, what)
    return validate_sales(raw, first_row=first_row, duplicates=duplicates, **options)


def _keys(result: IngestResult) -> pd.DataFrame:
    sales = result.sales
    return pd.DataFrame({c.SOURCE_ROW: sales[c.SOURCE_ROW], "key": duplicate_keys(sales)})


def _with_keys(result: IngestResult, keys: np.ndarray) -> pd.DataFrame:
    sales = result.sales
    return sales[np.isin(duplicate_keys(sales), keys)]


def _sums(result: IngestResult, freq: str, by: Sequence[str]) -> pd.DataFrame:
    return partial_sums(result.sales, freq, by)


def _summary(result: IngestResult) -> tuple[pd.DataFrame, int, list[str], list[str]]:
    return result.quarantine, result.rows_accepted, result.dropped_columns, result.pii_columns


def ingest_on_cluster(
    client: Client,
    path: Path,
    freq: str,
    by: Sequence[str],
    *,
    regions: pd.DataFrame | None = None,
    products: pd.DataFrame | None = None,
    today: date | None = None,
    pii_key: bytes | None = None,
) -> SummedIngest:
    """Read, validate and sum a Parquet sales input on the cluster's workers.

    The workers read ``path`` themselves, so it must be reachable from each of them at the same
    path (a shared or network file system).

    Args:
        client: A connected ``distributed.Client``.
        path: A Parquet file or a folder of Parquet parts.
        freq: The periods' offset alias.
        by: The columns that identify a series.
        regions: A validated regions table, to check and map region codes.
        products: A validated products table, to check and map product codes.
        today: Dates after this are quarantined (default: today's date).
        pii_key: The pseudonymisation key (sent to the workers), or None to drop PII.

    Returns:
        The sums per series and period, the quarantine and the accounting.

    Raises:
        DataError: Unreadable input, a required column missing, or no data rows.
    """
    what = f"sales file {path}"
    if not path.exists():
        raise DataError(f"{what} does not exist")
    dataset = parquet_dataset(path, what)
    headers = [str(name) for name in dataset.schema.names]
    check_required(
        canonical_headers(pd.DataFrame(columns=headers), what),
        c.REQUIRED_SALES_COLUMNS,
        what,
        headers,
    )
    parts = _parts(dataset)
    if sum(n for _, n in parts) == 0:
        raise DataError(f"{what} has a header but no rows")
    firsts = np.concatenate([[1], 1 + np.cumsum([n for _, n in parts])[:-1]]).tolist()
    options = {
        "regions": regions,
        "products": products,
        "today": today or date.today(),
        "pii_key": pii_key,
    }
    schema = dataset.schema

    def validated(i: int, duplicates: dict[int, str]) -> Any:
        fragment = parts[i][0]
        return client.submit(
            _validated, fragment, schema, what, firsts[i], options, duplicates, pure=False
        )

    results = [validated(i, {}) for i in range(len(parts))]
    keys = pd.concat(client.gather(client.map(_keys, results)), ignore_index=True)
    repeated = keys["key"][keys["key"].duplicated(keep=False)].unique()
    if len(repeated):
        rows = pd.concat(
            client.gather([client.submit(_with_keys, r, repeated) for r in results]),
            ignore_index=True,
        )
        words = duplicate_words(rows.sort_values(c.SOURCE_ROW, kind="stable"))
        lasts = [first + n - 1 for first, (_, n) in zip(firsts, parts, strict=True)]
        for i, (first, last) in enumerate(zip(firsts, lasts, strict=True)):
            mine = {row: w for row, w in words.items() if first <= row <= last}
            if mine:
                results[i] = validated(i, mine)
    sums = client.gather([client.submit(_sums, r, freq, tuple(by)) for r in results])
    summaries = client.gather(client.map(_summary, results))
    quarantine = pd.concat([s[0] for s in summaries], ignore_index=True)
    return SummedIngest(
        panel=combine_sums(sums, by),
        freq=freq,
        by=tuple(by),
        quarantine=quarantine,
        rows_read=int(sum(n for _, n in parts)),
        rows_accepted=int(sum(s[1] for s in summaries)),
        dropped_columns=summaries[0][2],
        pii_columns=summaries[0][3],
    )


__all__ = ["ingest_on_cluster"]
