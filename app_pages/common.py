"""What every page shares: language, region, cached artifacts and what-if recommendations.

Pages only read artifacts (never train): the forecast via ``read_outputs`` and the
recommendations via ``recommend(load_evidence(...), region)``, cached by the artifacts'
modification time so a new ``xingnong run`` shows at once.
"""

from __future__ import annotations

import dataclasses
import re
import tempfile
from pathlib import Path
from typing import Any

import pandas as pd
import streamlit as st

from pipelines.recommend import load_evidence, trained_folder
from recommender.config import settings
from recommender.data.artifacts import RunOutputs, outputs_stamp, read_outputs
from recommender.data.ingest import IngestResult, load_products, load_regions, validate_sales
from recommender.data.readers import read_table
from recommender.decide.basis import Evidence, RegionBasis, prepare
from recommender.decide.recommend import KINDS
from recommender.decide.whatif import WhatIf, advise_whatif, relevant
from recommender.errors import DataError
from recommender.present.i18n import lang_or_default, t
from recommender.present.labels import product_label, product_names, value_label
from recommender.present.outlook import (
    ahead_vs_last_year,
    channel_forecast,
    channels,
    festivals_between,
    weekly_history,
)

_STAMPED = ("forecast.csv", "metrics.json", "form_multipliers.csv")


# ------------------------------------------------------------------------------ language


def lang() -> str:
    """The chosen language (``zh`` by default)."""
    return lang_or_default(st.session_state.get("lang"))


def tr(key: str, **fields: Any) -> str:
    """``t(key)`` in the chosen language."""
    return t(key, lang(), **fields)


def both(key: str, **fields: Any) -> str:
    """A message in Chinese then English (for messages that must reach every reader)."""
    return f"{t(key, 'zh', **fields)}\n\n{t(key, 'en', **fields)}"


_MARKDOWN = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:])")


def plain(text: Any) -> str:
    """Text escaped for st.markdown, so names like ``<script>`` or ``*x*`` show literally."""
    return _MARKDOWN.sub(r"\\\1", "" if text is None else str(text))


# ------------------------------------------------------------------------------ artifacts


def data_key() -> str:
    """The data folder the app reads, as a cache key.

    The folder the latest run trained on (so sales, tables and forecast always agree), else
    ``XINGNONG_DATA``, else the demo data.
    """
    found = outputs()
    trained = trained_folder(found.metrics) if found is not None else None
    return str(trained or settings().data_dir)


def artifacts_dir() -> Path:
    """Where ``xingnong run`` wrote its outputs."""
    return settings().artifacts_dir


def stamp(folder: Path) -> float | None:
    """Latest modification time of the outputs the pages read (a cache key)."""
    if outputs_stamp(folder) is None:
        return None
    return max(p.stat().st_mtime for p in (folder / n for n in _STAMPED) if p.exists())


@st.cache_data(max_entries=8, show_spinner=False)
def _outputs(folder: str, key: float | None) -> RunOutputs | None:
    return read_outputs(Path(folder))


def outputs() -> RunOutputs | None:
    """The latest run outputs, or None."""
    folder = artifacts_dir()
    return _outputs(str(folder), stamp(folder))


def require_outputs() -> RunOutputs:
    """The latest run outputs; otherwise say (in both languages) which command makes them."""
    found = outputs()
    if found is None:
        st.info(both("no_artifacts"))
        from app_pages.training import train_button

        train_button()
        st.stop()
    return found


@st.cache_resource(max_entries=4, show_spinner=False)
def _evidence(folder: str, key: float | None, data: str) -> Evidence:
    return load_evidence(Path(data), Path(folder))


def evidence() -> Evidence:
    """The recommendations' evidence (shared, never mutated: what-ifs work on copies)."""
    folder = artifacts_dir()
    return _evidence(str(folder), stamp(folder), data_key())


@st.cache_data(max_entries=64, show_spinner=False)
def _ahead(folder: str, key: float | None, data: str, county: str, weeks: int):
    ev = _evidence(folder, key, data)
    return ahead_vs_last_year(ev.forecast, ev.sales, county, weeks)


def ahead(county: str, weeks: int = 8) -> pd.DataFrame:
    """The county's demand in the weeks ahead beside the same weeks last year (cached)."""
    folder = artifacts_dir()
    data = data_key()
    return _ahead(str(folder), stamp(folder), data, county, weeks)


@st.cache_data(max_entries=128, show_spinner=False)
def _outlook(folder: str, key: float | None, data: str, county: str, product: str, channel):
    ev = _evidence(folder, key, data)
    history = weekly_history(ev.sales, county, product, channel)
    forecast = channel_forecast(ev.forecast, ev.sales, county, product, channel)
    shown = pd.concat([history["date"], forecast["date"]])
    fests = festivals_between(shown.min(), shown.max()) if len(shown) else pd.DataFrame()
    return history, forecast, fests


def outlook(
    county: str, product: str, channel: str | None
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Weekly history, forecast (scaled to the channel) and festivals in view (cached)."""
    folder = artifacts_dir()
    data = data_key()
    return _outlook(str(folder), stamp(folder), data, county, product, channel)


@st.cache_data(max_entries=64, show_spinner=False)
def _channels(folder: str, key: float | None, data: str, county: str, product: str):
    return channels(_evidence(folder, key, data).sales, county, product)


def sold_channels(county: str, product: str) -> list[str]:
    """The channels the county sold the product through, largest first (cached)."""
    folder = artifacts_dir()
    data = data_key()
    return _channels(str(folder), stamp(folder), data, county, product)


# ------------------------------------------------------------------------------ regions


@st.cache_data(max_entries=4, show_spinner=False)
def region_table(data: str) -> pd.DataFrame:
    """The regions table of the data folder."""
    return load_regions(Path(data) / "regions.csv")


@st.cache_data(max_entries=4, show_spinner=False)
def product_table(data: str) -> pd.DataFrame:
    """The products table of the data folder."""
    return load_products(Path(data) / "products.csv")


def products() -> dict[str, tuple[str, str]]:
    """Product code -> (Chinese name, English name), for showing products by name."""
    return product_names(product_table(data_key()))


def item_title(item: dict[str, Any], *fields: str) -> str:
    """A recommendation's product by name, then its coded fields (option, action...) by name."""
    names = products()
    parts = [product_label(item["product"], names, lang())]
    return " · ".join([*parts, *(value_label(item[f], lang()) for f in fields)])


def region_names() -> dict[str, tuple[str, str]]:
    """Region code -> (Chinese name, English name)."""
    table = region_table(data_key())
    return {
        str(r.region): (str(r.name_zh or ""), str(r.name_en or ""))
        for r in table.itertuples(index=False)
    }


def counties_by_province(counties: list[str]) -> dict[str, list[str]]:
    """The given counties grouped by their province in the regions table (``""``: unknown)."""
    table = region_table(data_key())
    parent = dict(zip(table["region"], table["parent"], strict=True))
    level = dict(zip(table["region"], table["level"], strict=True))
    groups: dict[str, list[str]] = {}
    for county in sorted(counties):
        node, seen = county, set()
        while node in parent and level.get(node) != "province" and node not in seen:
            seen.add(node)
            node = parent[node] if isinstance(parent[node], str) and parent[node] else None
        province = node if node and level.get(node) == "province" else ""
        groups.setdefault(province, []).append(county)
    return groups


def available_counties() -> list[str]:
    """Counties the pages can show: those with a forecast, else the table's counties."""
    found = outputs()
    if found is not None:
        return sorted(str(r) for r in found.forecast["region"].unique())
    table = region_table(data_key())
    return sorted(table.loc[table["level"] == "county", "region"].astype(str))


def default_county(counties: list[str]) -> str | None:
    """The cooperative's own county when it has a forecast, else the first."""
    root = Path(data_key())
    try:
        from recommender.decide.profile import load_profile

        own = load_profile(root / "coop_profile.json").region
    except DataError:
        own = None
    return own if own in counties else (counties[0] if counties else None)


def region() -> str | None:
    """The county picked in the sidebar."""
    return st.session_state.get("region")


# ------------------------------------------------------------------------------ what-if


@st.cache_resource(max_entries=32, show_spinner=False)
def _basis(folder: str, key: float | None, data: str, county: str) -> RegionBasis:
    return prepare(_evidence(folder, key, data), county)


@st.cache_data(max_entries=256, show_spinner=False)
def _recommendations(
    folder: str,
    key: float | None,
    data: str,
    county: str,
    whatif: tuple,
    weeks: int,
    kinds: tuple[str, ...],
) -> dict[str, Any]:
    basis = _basis(folder, key, data, county)
    return advise_whatif(basis, WhatIf(*whatif), weeks=weeks, kinds=kinds)


def recommendations(
    county: str,
    whatif: WhatIf | None = None,
    weeks: int = 8,
    kinds: tuple[str, ...] = KINDS,
) -> dict[str, Any]:
    """The region's recommendations under the what-if (cached by region, run and what-if).

    The region's slow part is prepared once (:func:`recommender.decide.basis.prepare`); a new
    what-if only re-ranks from it, and only the lists asked for.

    Raises:
        DataError: Unknown region or one without sales.
    """
    folder = artifacts_dir()
    data = data_key()
    changes = dataclasses.astuple(relevant(whatif or WhatIf(), kinds))
    return _recommendations(str(folder), stamp(folder), data, county, changes, weeks, kinds)


def recommendations_or_stop(
    county: str,
    whatif: WhatIf | None = None,
    weeks: int = 8,
    kinds: tuple[str, ...] = KINDS,
) -> dict[str, Any]:
    """The recommendations, or a message and a stop when they cannot be made."""
    try:
        return recommendations(county, whatif, weeks, kinds)
    except DataError as exc:
        st.warning(tr("no_recommendations", error=str(exc)))
        st.stop()
        raise  # unreachable: st.stop raises


# ------------------------------------------------------------------------------ downloads


def _cell(value: object) -> object:
    """Text a spreadsheet would run as a formula (=, +, -, @) is written as text."""
    return f"'{value}" if isinstance(value, str) and value[:1] in ("=", "+", "-", "@") else value


def csv_bytes(table: pd.DataFrame) -> bytes:
    """A table as CSV that spreadsheets open right: UTF-8 with BOM, no formulas run."""
    return table.map(_cell).to_csv(index=False).encode("utf-8-sig")


def csv_download(table: pd.DataFrame, file_name: str, key: str | None = None) -> None:
    """A button that downloads the table as it is shown (see :func:`csv_bytes`)."""
    st.download_button(
        tr("download_csv"),
        data=csv_bytes(table),
        file_name=file_name,
        mime="text/csv",
        key=key,
    )


# ------------------------------------------------------------------------------ data check


def check_upload(name: str, data: bytes) -> IngestResult:
    """Validate an uploaded sales file against the data folder's tables (nothing is trained).

    Raises:
        DataError: The file cannot be read or lacks a required column.
    """
    suffix = Path(name).suffix.lower() or ".csv"
    key = data_key()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"upload{suffix}"
        path.write_bytes(data)
        raw = read_table(path, what=f"file {Path(name).name}")
    return validate_sales(raw, regions=region_table(key), products=product_table(key))
