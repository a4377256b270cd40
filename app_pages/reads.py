"""Cached reads behind every page: run outputs, the data folder, forecasts and advice.

Pages only read (never train): the forecast via ``read_outputs`` and the recommendations from
the evidence of the data folder the latest run trained on, cached by the outputs' modification
time so a new run shows at once. Caches are shared by all sessions and keyed by folder.
"""

from __future__ import annotations

import dataclasses
import tempfile
from pathlib import Path
from typing import Any

import pandas as pd
import streamlit as st

from app_pages.session import lang, tr
from pipelines.jobs.transaction import settle
from recommender.config import settings
from recommender.data.artifacts import RunOutputs, outputs_stamp, read_outputs
from recommender.data.contract import PRODUCT, REGION
from recommender.data.ingest import IngestResult, validate_sales
from recommender.data.layout import (
    DECISIONS_FILE,
    FORECAST_FILE,
    METRICS_FILE,
    MULTIPLIERS_FILE,
    PRODUCTS_FILE,
    PROFILE_FILE,
    REGIONS_FILE,
)
from recommender.data.pii import pii_key_from_env
from recommender.data.readers import read_table
from recommender.data.reference import counties_by_province, load_products, load_regions
from recommender.decide.basis import RegionBasis, prepare
from recommender.decide.evidence import Evidence, load_evidence, trained_folder
from recommender.decide.profile import load_profile
from recommender.decide.recommend import KINDS, PLAN_WEEKS
from recommender.decide.whatif import WhatIf, advise_whatif, relevant
from recommender.errors import DataError
from recommender.present.labels import product_label, product_names, region_names, value_label
from recommender.present.outlook import (
    ahead_vs_last_year,
    channel_forecast,
    channels,
    festivals_between,
    weekly_history,
)

_STAMPED = (FORECAST_FILE, METRICS_FILE, MULTIPLIERS_FILE)

# ------------------------------------------------------------------------------ run outputs


def artifacts_dir() -> Path:
    """Where the latest run wrote its outputs."""
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
    """The latest run outputs, or None (saying why when they exist but do not verify)."""
    folder = artifacts_dir()
    settle(settings().home)  # finish a swap an interrupted run left, before reading
    try:
        return _outputs(str(folder), stamp(folder))
    except DataError as exc:
        st.error(tr("outputs_unverified", error=str(exc).splitlines()[0]))
        return None


def data_key() -> str:
    """The data folder the app reads, as a cache key.

    The folder the latest run trained on (so sales, tables and forecast always agree), else
    ``XINGNONG_DATA``, else the demo data.
    """
    found = outputs()
    trained = trained_folder(found.metrics) if found is not None else None
    return str(trained or settings().data_dir)


@st.cache_resource(max_entries=4, show_spinner=False)
def _evidence(folder: str, key: float | None, data: str) -> Evidence:
    return load_evidence(Path(data), Path(folder))


def evidence() -> Evidence:
    """The recommendations' evidence (shared, never mutated: what-ifs work on copies)."""
    folder = artifacts_dir()
    return _evidence(str(folder), stamp(folder), data_key())


@st.cache_data(max_entries=4, show_spinner=False)
def _decisions(path: str, key: float) -> pd.DataFrame:
    return pd.read_csv(path, encoding="utf-8-sig", dtype={REGION: str, PRODUCT: str})


def decisions() -> pd.DataFrame | None:
    """The latest run's decision backtest (``decisions.csv``), or None before one ran."""
    path = artifacts_dir() / DECISIONS_FILE
    if not path.exists():
        return None
    return _decisions(str(path), path.stat().st_mtime)


# ------------------------------------------------------------------------------ demand


@st.cache_data(max_entries=64, show_spinner=False)
def _ahead(folder: str, key: float | None, data: str, county: str, weeks: int) -> pd.DataFrame:
    ev = _evidence(folder, key, data)
    return ahead_vs_last_year(ev.forecast, ev.sales, county, weeks)


def ahead(county: str, weeks: int = PLAN_WEEKS) -> pd.DataFrame:
    """The county's demand in the weeks ahead beside the same weeks last year (cached)."""
    folder = artifacts_dir()
    return _ahead(str(folder), stamp(folder), data_key(), county, weeks)


@st.cache_data(max_entries=128, show_spinner=False)
def _outlook(
    folder: str, key: float | None, data: str, county: str, product: str, channel: str | None
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
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
    return _outlook(str(folder), stamp(folder), data_key(), county, product, channel)


@st.cache_data(max_entries=64, show_spinner=False)
def _channels(folder: str, key: float | None, data: str, county: str, product: str) -> list[str]:
    return channels(_evidence(folder, key, data).sales, county, product)


def sold_channels(county: str, product: str) -> list[str]:
    """The channels the county sold the product through, largest first (cached)."""
    folder = artifacts_dir()
    return _channels(str(folder), stamp(folder), data_key(), county, product)


# ------------------------------------------------------------------------------ regions, products


@st.cache_data(max_entries=4, show_spinner=False)
def region_table(data: str) -> pd.DataFrame:
    """The regions table of the data folder."""
    return load_regions(Path(data) / REGIONS_FILE)


@st.cache_data(max_entries=4, show_spinner=False)
def product_table(data: str) -> pd.DataFrame:
    """The products table of the data folder."""
    return load_products(Path(data) / PRODUCTS_FILE)


def products() -> dict[str, tuple[str, str]]:
    """Product code -> (Chinese name, English name), for showing products by name."""
    return product_names(product_table(data_key()))


def regions() -> dict[str, tuple[str, str]]:
    """Region code -> (Chinese name, English name)."""
    return region_names(region_table(data_key()))


def item_title(item: dict[str, Any], *fields: str) -> str:
    """A recommendation's product by name, then its coded fields (option, action...) by name."""
    parts = [product_label(item["product"], products(), lang())]
    return " · ".join([*parts, *(value_label(item[f], lang()) for f in fields)])


def provinces(counties: list[str]) -> dict[str, list[str]]:
    """The given counties grouped by their province (``""``: unknown)."""
    return counties_by_province(region_table(data_key()), counties)


def available_counties() -> list[str]:
    """Counties the pages can show: those with a forecast, else the table's counties."""
    found = outputs()
    if found is not None:
        return sorted(str(r) for r in found.forecast["region"].unique())
    table = region_table(data_key())
    return sorted(table.loc[table["level"] == "county", "region"].astype(str))


def default_county(counties: list[str]) -> str | None:
    """The cooperative's own county when it has a forecast, else the first."""
    data = data_key()
    try:
        own: str | None = (
            load_profile(Path(data) / PROFILE_FILE).resolved(region_table(data)).region
        )
    except DataError:
        own = None
    return own if own in counties else (counties[0] if counties else None)


# ------------------------------------------------------------------------------ advice


@st.cache_resource(max_entries=32, show_spinner=False)
def _basis(folder: str, key: float | None, data: str, county: str) -> RegionBasis:
    return prepare(_evidence(folder, key, data), county)


@st.cache_data(max_entries=256, show_spinner=False)
def _recommendations(
    folder: str,
    key: float | None,
    data: str,
    county: str,
    whatif: tuple[Any, ...],
    weeks: int,
    kinds: tuple[str, ...],
) -> dict[str, Any]:
    basis = _basis(folder, key, data, county)
    return advise_whatif(basis, WhatIf(*whatif), weeks=weeks, kinds=kinds)


def recommendations(
    county: str,
    whatif: WhatIf | None = None,
    weeks: int = PLAN_WEEKS,
    kinds: tuple[str, ...] = KINDS,
) -> dict[str, Any]:
    """The region's recommendations under the what-if (cached by region, run and what-if).

    The region's slow part is prepared once (:func:`recommender.decide.basis.prepare`); a new
    what-if only re-ranks from it, and only the lists asked for.

    Raises:
        DataError: Unknown region or one without sales.
    """
    folder = artifacts_dir()
    changes = dataclasses.astuple(relevant(whatif or WhatIf(), kinds))
    return _recommendations(str(folder), stamp(folder), data_key(), county, changes, weeks, kinds)


def recommendations_or_stop(
    county: str,
    whatif: WhatIf | None = None,
    weeks: int = PLAN_WEEKS,
    kinds: tuple[str, ...] = KINDS,
) -> dict[str, Any]:
    """The recommendations, or a message and a stop when they cannot be made."""
    try:
        return recommendations(county, whatif, weeks, kinds)
    except DataError as exc:
        st.warning(tr("no_recommendations", error=str(exc)))
        st.stop()
        raise  # unreachable: st.stop raises


# ------------------------------------------------------------------------------ data check


def check_upload(name: str, data: bytes) -> IngestResult:
    """Validate an uploaded sales file against the data folder's tables (nothing is trained).

    Personal columns are treated as ``xingnong run`` treats them: pseudonymised with
    ``XINGNONG_PII_KEY`` when it is set, else dropped.

    Raises:
        DataError: The file cannot be read or lacks a required column.
    """
    suffix = Path(name).suffix.lower() or ".csv"
    key = data_key()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"upload{suffix}"
        path.write_bytes(data)
        raw = read_table(path, what=f"file {Path(name).name}")
    return validate_sales(
        raw, regions=region_table(key), products=product_table(key), pii_key=pii_key_from_env()
    )
