"""What every page shares: language, region, cached artifacts and what-if recommendations.

Pages only read artifacts (never train): the forecast via ``read_outputs`` and the
recommendations via ``recommend(load_evidence(...), region)``, cached by the artifacts'
modification time so a new ``xingnong run`` shows at once.
"""

from __future__ import annotations

import dataclasses
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import streamlit as st

from pipelines.recommend import load_evidence
from recommender.brand import BrandWeights
from recommender.config import DEMO_DATA_DIR, settings
from recommender.errors import DataError
from recommender.i18n import lang_or_default, t
from recommender.ingest import IngestResult, load_products, load_regions, validate_sales
from recommender.outputs import RunOutputs, outputs_stamp, read_outputs
from recommender.processing import CAPEX_LIFE_YEARS
from recommender.readers import read_table
from recommender.recommend import Evidence, profile_for, recommend

DATA_FOLDER: Path | None = None
"""The data folder recommendations read (None: the embedded demo data, as ``xingnong run``)."""
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
        st.stop()
    return found


@st.cache_resource(max_entries=4, show_spinner=False)
def _evidence(folder: str, key: float | None, data: str | None) -> Evidence:
    return load_evidence(Path(data) if data else None, Path(folder))


def evidence() -> Evidence:
    """The recommendations' evidence (shared, never mutated: what-ifs work on copies)."""
    folder = artifacts_dir()
    return _evidence(str(folder), stamp(folder), str(DATA_FOLDER) if DATA_FOLDER else None)


# ------------------------------------------------------------------------------ regions


@st.cache_data(max_entries=4, show_spinner=False)
def region_table(data: str | None) -> pd.DataFrame:
    """The regions table of the data folder."""
    return load_regions((Path(data) if data else DEMO_DATA_DIR) / "regions.csv")


@st.cache_data(max_entries=4, show_spinner=False)
def product_table(data: str | None) -> pd.DataFrame:
    """The products table of the data folder."""
    return load_products((Path(data) if data else DEMO_DATA_DIR) / "products.csv")


def region_names() -> dict[str, tuple[str, str]]:
    """Region code -> (Chinese name, English name)."""
    table = region_table(str(DATA_FOLDER) if DATA_FOLDER else None)
    return {
        str(r.region): (str(r.name_zh or ""), str(r.name_en or ""))
        for r in table.itertuples(index=False)
    }


def counties_by_province(counties: list[str]) -> dict[str, list[str]]:
    """The given counties grouped by their province in the regions table (``""``: unknown)."""
    table = region_table(str(DATA_FOLDER) if DATA_FOLDER else None)
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
    table = region_table(str(DATA_FOLDER) if DATA_FOLDER else None)
    return sorted(table.loc[table["level"] == "county", "region"].astype(str))


def default_county(counties: list[str]) -> str | None:
    """The cooperative's own county when it has a forecast, else the first."""
    root = DATA_FOLDER or DEMO_DATA_DIR
    try:
        from recommender.profile import load_profile

        own = load_profile(root / "coop_profile.json").region
    except DataError:
        own = None
    return own if own in counties else (counties[0] if counties else None)


def region() -> str | None:
    """The county picked in the sidebar."""
    return st.session_state.get("region")


# ------------------------------------------------------------------------------ what-if


@dataclass(frozen=True)
class WhatIf:
    """Changes to try before recommending (nothing is retrained).

    Attributes:
        fresh_price: Change of every sales price, fraction (0.1 = +10 %).
        processing_cost: Change of every option's processing cost per kg, fraction.
        capex: Change of every option's capex, fraction.
        raw_volume: Change of the cooperative's raw volume, fraction.
        skill_level: Staff skill 1-3 (None: the profile's).
        cold_chain: Cold chain (None: the profile's).
        transit_days: Days to the buyer (None: the profile's).
    """

    fresh_price: float = 0.0
    processing_cost: float = 0.0
    capex: float = 0.0
    raw_volume: float = 0.0
    skill_level: int | None = None
    cold_chain: bool | None = None
    transit_days: int | None = None


def apply_whatif(ev: Evidence, county: str, whatif: WhatIf) -> Evidence:
    """A copy of the evidence with the what-if changes applied (the original is untouched).

    Args:
        ev: The evidence.
        county: The region the profile is for.
        whatif: The changes.

    Returns:
        The changed evidence.
    """
    if whatif == WhatIf():
        return ev
    sales, options = ev.sales, ev.options
    if whatif.fresh_price:
        sales = sales.assign(price=sales["price"] * (1.0 + whatif.fresh_price))
    if whatif.processing_cost or whatif.capex:
        options = options.assign(
            processing_cost_per_kg=options["processing_cost_per_kg"]
            * (1.0 + whatif.processing_cost),
            capex=options["capex"] * (1.0 + whatif.capex),
        )
    profile = profile_for(county, ev.sales, ev.profile)
    changes: dict[str, Any] = {}
    if whatif.raw_volume:
        changes["raw_volume_kg"] = {
            p: kg * (1.0 + whatif.raw_volume) for p, kg in profile.raw_volume_kg.items()
        }
    for name in ("skill_level", "cold_chain", "transit_days"):
        value = getattr(whatif, name)
        if value is not None:
            changes[name] = value
    profile = profile.replace(**changes) if changes else profile
    return dataclasses.replace(ev, sales=sales, options=options, profile=profile)


@st.cache_data(max_entries=64, show_spinner=False)
def _recommendations(
    folder: str, key: float | None, data: str | None, county: str, whatif: tuple, weeks: int
) -> dict[str, Any]:
    ev = _evidence(folder, key, data)
    return recommend(apply_whatif(ev, county, WhatIf(*whatif)), county, weeks=weeks)


def recommendations(county: str, whatif: WhatIf | None = None, weeks: int = 8) -> dict[str, Any]:
    """The region's recommendations under the what-if (cached by region, run and what-if).

    Raises:
        DataError: Unknown region or one without sales.
    """
    folder = artifacts_dir()
    data = str(DATA_FOLDER) if DATA_FOLDER else None
    return _recommendations(
        str(folder), stamp(folder), data, county, dataclasses.astuple(whatif or WhatIf()), weeks
    )


def recommendations_or_stop(county: str, whatif: WhatIf | None = None, weeks: int = 8) -> dict:
    """The recommendations, or a message and a stop when they cannot be made."""
    try:
        return recommendations(county, whatif, weeks)
    except DataError as exc:
        st.warning(tr("no_recommendations", error=str(exc)))
        st.stop()
        raise  # unreachable: st.stop raises


# ------------------------------------------------------------------------------ score parts


def process_components(items: list[dict[str, Any]]) -> pd.DataFrame:
    """Parts of each processing score: annual uplift, capex per year, risk discount (sum=score)."""
    rows = []
    for item in items:
        uplift = float(item.get("annual_uplift") or 0.0)
        capex = float(item.get("capex") or 0.0) / CAPEX_LIFE_YEARS
        score = float(item.get("score") or 0.0)
        rows.append(
            {
                "item": f"{item['product']} · {item['option']}",
                "uplift": uplift,
                "capex_per_year": -capex,
                "risk": score - (uplift - capex),
            }
        )
    return pd.DataFrame(rows).set_index("item") if rows else pd.DataFrame()


def grow_components(items: list[dict[str, Any]]) -> pd.DataFrame:
    """Parts of each grow score: horizon profit per mu and the demand/risk adjustment."""
    rows = []
    for item in items:
        profit = float(item.get("profit_per_mu_horizon") or 0.0)
        score = float(item.get("score") or 0.0)
        rows.append({"item": item["product"], "profit": profit, "demand_factor": score - profit})
    return pd.DataFrame(rows).set_index("item") if rows else pd.DataFrame()


def brand_components(items: list[dict[str, Any]], w: BrandWeights | None = None) -> pd.DataFrame:
    """The weighted 0-100 parts of each brand score (they add up to the score)."""
    import numpy as np

    w = w or BrandWeights()
    total = sum(w._weights())
    rows = []

    def num(item: dict[str, Any], name: str) -> float:
        value = item.get(name)
        return float(value) if value is not None else 0.0

    for item in items:
        lq, premium = num(item, "location_quotient"), num(item, "price_premium")
        growth = num(item, "demand_growth")
        parts = {
            "specialisation": np.log(max(lq, 1.0)) / np.log(w.lq_saturation),
            "uniqueness": num(item, "uniqueness"),
            "premium": (premium - w.premium_floor) / (w.premium_cap - w.premium_floor),
            "growth": (growth - w.growth_floor) / (w.growth_cap - w.growth_floor),
            "dispersion": num(item, "price_dispersion") / w.dispersion_cap,
        }
        row = {"item": item["product"]}
        for (name, value), weight in zip(parts.items(), w._weights(), strict=True):
            row[name] = 100.0 * weight * min(max(float(value), 0.0), 1.0) / total
        rows.append(row)
    return pd.DataFrame(rows).set_index("item") if rows else pd.DataFrame()


# ------------------------------------------------------------------------------ data check


def check_upload(name: str, data: bytes) -> IngestResult:
    """Validate an uploaded sales file against the data folder's tables (nothing is trained).

    Raises:
        DataError: The file cannot be read or lacks a required column.
    """
    suffix = Path(name).suffix.lower() or ".csv"
    key = str(DATA_FOLDER) if DATA_FOLDER else None
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"upload{suffix}"
        path.write_bytes(data)
        raw = read_table(path, what=f"file {Path(name).name}")
    return validate_sales(raw, regions=region_table(key), products=product_table(key))
