"""What recommendations stand on: a data folder and a run's outputs, read together."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from recommender.config import settings
from recommender.data.artifacts import read_outputs
from recommender.data.assumptions import Assumption
from recommender.data.folder import read_data_folder, read_knowledge
from recommender.data.ingest import IngestResult
from recommender.data.layout import (
    MULTIPLIERS_FILE,
    PRODUCTS_FILE,
    PROFILE_FILE,
    REGIONS_FILE,
    sales_file,
)
from recommender.decide.profile import CoopProfile, load_profile
from recommender.errors import DataError


@dataclass(frozen=True)
class Evidence:
    """Everything the recommendations are computed from (read by the caller).

    Attributes:
        sales: Accepted sales rows.
        regions: Regions table.
        products: Products table.
        options: Processing options, completed by category defaults (``assumed`` rows).
        crops: Crop economics, completed by category defaults (``assumed`` rows).
        signals: Brand signals (empty without a table).
        forecast: Served weekly forecast (``region, product, date, forecast, lo, hi``).
        profile: The cooperative's profile (its region gets it; others get a default).
        data_digest: Identity of the training data behind the forecast.
        multipliers: Form price multipliers trained by ``xingnong train processing`` (learned
            on the spot from the sales when absent).
    """

    sales: pd.DataFrame
    regions: pd.DataFrame
    products: pd.DataFrame
    options: pd.DataFrame
    crops: pd.DataFrame
    signals: pd.DataFrame
    forecast: pd.DataFrame
    profile: CoopProfile | None = None
    data_digest: str = ""
    multipliers: pd.DataFrame | None = None
    assumptions: tuple[Assumption, ...] = ()
    market_factor: float = 1.0


def trained_folder(metrics: dict[str, Any]) -> Path | None:
    """The data folder a run trained on (recorded in its ``metrics.json``), if it still exists.

    Args:
        metrics: The run's metrics document.

    Returns:
        The folder, or None when none is recorded or it is gone.
    """
    recorded = metrics.get("data_folder")
    if not recorded:
        return None
    folder = Path(recorded)
    return folder if sales_file(folder) is not None else None


def load_evidence(folder: Path | None, artifacts: Path) -> Evidence:
    """Read everything the recommendations need from a data folder and the run outputs.

    Args:
        folder: Data folder (default: the folder the latest run trained on, else
            ``XINGNONG_DATA``, else the demo data); optional tables it lacks, or products they
            do not cover, get the category defaults shipped with the package.
        artifacts: The folder 'xingnong run' wrote its outputs to.

    Returns:
        The evidence.

    Raises:
        DataError: When no forecast has been made yet, or an input is invalid.
    """
    outputs = read_outputs(artifacts)
    if outputs is None:
        raise DataError(f"no forecast in {artifacts}: run 'xingnong run' first")
    root = folder or trained_folder(outputs.metrics) or settings().data_dir
    inputs = read_data_folder(root)
    if inputs.regions is None or inputs.products is None:
        raise DataError(f"{root} needs {REGIONS_FILE} and {PRODUCTS_FILE} for recommendations")
    products, regions = inputs.products, inputs.regions
    profile_path = root / PROFILE_FILE
    knowledge = read_knowledge(root, products, regions)
    ingest = inputs.ingest
    if not isinstance(ingest, IngestResult):  # a data folder is read here, row by row
        raise TypeError("recommendations need the sales rows, not their sums")
    return Evidence(
        sales=ingest.sales,
        regions=regions,
        products=products,
        options=knowledge.options,
        crops=knowledge.crops,
        signals=knowledge.signals,
        forecast=outputs.forecast.assign(date=pd.to_datetime(outputs.forecast["date"])),
        profile=(
            load_profile(profile_path).resolved(regions, products)
            if profile_path.exists()
            else None
        ),
        data_digest=str(outputs.metrics.get("data_digest", "")),
        multipliers=_trained_multipliers(artifacts),
        assumptions=knowledge.assumptions,
    )


def _trained_multipliers(artifacts: Path) -> pd.DataFrame | None:
    """Form multipliers saved by 'xingnong train processing' (None before it has run)."""
    path = artifacts / MULTIPLIERS_FILE
    return pd.read_csv(path) if path.exists() else None
