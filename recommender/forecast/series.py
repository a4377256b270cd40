"""Series identity: contract columns at the edges to ``unique_id``/``ds``/``y`` inside."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from recommender.data.contract import DATE, DS, PRICE, PRODUCT, QUANTITY, REGION, UID, Y

SEPARATOR = "|"
_ESCAPE = "\\"


def series_ids(keys: pd.DataFrame) -> pd.Series:
    r"""One ``unique_id`` per row: the key columns joined by ``|``.

    A ``|`` or ``\`` inside a key is escaped with ``\``, so different keys never share an id
    (``("a|b", "c")`` and ``("a", "b|c")`` stay apart) and keys are kept as written.

    Args:
        keys: The columns that identify a series.

    Returns:
        The ids, aligned with ``keys``.
    """
    if len(keys) == 0:
        return pd.Series([], index=keys.index, dtype=object)
    # Each distinct key is joined once and its rows share the string: a national panel repeats
    # 60,000 keys over millions of rows.
    codes = keys.groupby(list(keys.columns), sort=False, dropna=False).ngroup().to_numpy()
    firsts = pd.Series(np.arange(len(keys))).groupby(codes).first().to_numpy()
    ids = _joined(keys.iloc[firsts]).to_numpy()
    return pd.Series(ids[codes], index=keys.index, dtype=object)


def _joined(keys: pd.DataFrame) -> pd.Series:
    parts = [
        keys[c]
        .astype(str)
        .str.replace(_ESCAPE, _ESCAPE * 2)
        .str.replace(SEPARATOR, _ESCAPE + SEPARATOR)
        for c in keys.columns
    ]
    uid = parts[0]
    for part in parts[1:]:
        uid = uid + SEPARATOR + part
    return uid.astype(object)


def to_model_frame(
    panel: pd.DataFrame, by: Sequence[str] = (REGION, PRODUCT)
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Turn an aggregated panel into the model layer's long frame.

    Args:
        panel: Output of ``ingest.aggregate_panel`` (``by`` columns, ``date``, ``quantity``,
            optional ``price``).
        by: Columns that identify a series.

    Returns:
        The long frame (``unique_id``, ``ds``, ``y``, optional ``price``) and the series table
        (``by`` columns indexed by ``unique_id``).
    """
    keys = list(by)
    uid = series_ids(panel[keys]) if len(panel) else pd.Series([], dtype="object")
    long = pd.DataFrame({UID: uid, DS: pd.to_datetime(panel[DATE]), Y: panel[QUANTITY]})
    if PRICE in panel.columns:
        long[PRICE] = panel[PRICE].astype("float64")
    table = panel[keys].astype(str).assign(**{UID: uid}).drop_duplicates(UID)
    table = table.set_index(UID).sort_index()
    long = long.sort_values([UID, DS], kind="stable").reset_index(drop=True)
    return long, table


def from_model_frame(frame: pd.DataFrame, series: pd.DataFrame) -> pd.DataFrame:
    """Put the contract's series columns back in front of a model-layer frame.

    Args:
        frame: Rows with ``unique_id`` (and ``ds``).
        series: The series table from :func:`to_model_frame`.

    Returns:
        The frame with ``unique_id`` replaced by the series columns and ``ds`` named ``date``.
    """
    out = frame.join(series, on=UID)
    keys = list(series.columns)
    rest = [c for c in out.columns if c not in {UID, *keys}]
    return out[[*keys, *rest]].rename(columns={DS: DATE})


def static_attributes(
    series: pd.DataFrame,
    regions: pd.DataFrame | None = None,
    products: pd.DataFrame | None = None,
) -> tuple[pd.DataFrame, tuple[str, ...]]:
    """Per-series attributes the global model may use: hierarchy and product facts.

    Args:
        series: The series table (has ``region`` and ``product`` columns).
        regions: Optional region hierarchy with ``region``, ``city``, ``province`` columns.
        products: Optional products table with ``product``, ``category``, ``shelf_life_days``.

    Returns:
        The attributes indexed by ``unique_id``, and the names of the categorical ones.
    """
    out = series.copy()
    categorical = [c for c in (REGION, PRODUCT) if c in out.columns]
    if regions is not None and REGION in out.columns:
        cols = [c for c in ("city", "province") if c in regions.columns]
        table = regions.set_index(REGION)[cols].astype("string")
        out = out.join(table, on=REGION)
        categorical += cols
    if products is not None and PRODUCT in out.columns:
        table = products.set_index(PRODUCT)
        if "category" in table.columns:
            out = out.join(table[["category"]].astype("string"), on=PRODUCT)
            categorical.append("category")
        if "shelf_life_days" in table.columns:
            out = out.join(table[["shelf_life_days"]].astype("float64"), on=PRODUCT)
    extra = [c for c in series.columns if c not in categorical and c not in (REGION, PRODUCT)]
    categorical += extra
    return out, tuple(categorical)
