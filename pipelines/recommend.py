"""The ``recommend`` sub-command: grow / process / brand / list advice for one region."""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import pandas as pd

from pipelines.common import SALES_FILE, data_folder_inputs, log
from recommender.config import DEMO_DATA_DIR, settings
from recommender.data.artifacts import read_outputs
from recommender.data.tables import (
    load_brand_signals,
    load_crop_economics,
    load_processing_options,
)
from recommender.decide.profile import load_profile
from recommender.decide.recommend import Evidence, as_table, recommend
from recommender.errors import DataError

OPTIONS_FILE = "processing_options.csv"
CROPS_FILE = "crop_economics.csv"
SIGNALS_FILE = "brand_signals.csv"
PROFILE_FILE = "coop_profile.json"

_EXAMPLES = """examples:
  xingnong recommend --region zhouzhi
  xingnong recommend --region liuba --weeks 12 --format json > liuba.json
  xingnong recommend --region yuanling --lang zh

Reads the data folder (default: the demo data) and the forecast that 'xingnong run' wrote to
artifacts/. The JSON document (schema_version 1) has the keys schema_version, region,
generated_at, data_digest, profile, grow, process, brand and list; every item carries its
numbers and a reason sentence (reason, reason_zh).
"""


def add_parser(sub: argparse._SubParsersAction) -> None:
    """Register the sub-command."""
    parser = sub.add_parser(
        "recommend",
        help="what to grow, process, brand and list for a region",
        description="Recommend what to grow, process, brand and list for one region, with "
        "the numbers and the reasons, from the trained forecast.",
        epilog=_EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--region", required=True, help="region code, e.g. zhouzhi")
    parser.add_argument("--weeks", type=int, default=8, help="weeks of listing plan (default 8)")
    parser.add_argument("--format", choices=["json", "table"], default="table")
    parser.add_argument("--lang", choices=["en", "zh"], default="en", help="table language")
    parser.add_argument(
        "--data", type=Path, help="data folder (default: $XINGNONG_DATA, else the demo data)"
    )
    parser.set_defaults(handler=run)


def _table(folder: Path, name: str) -> Path:
    path = folder / name
    if path.exists():
        return path
    demo = DEMO_DATA_DIR / name
    log.info("%s not in %s: using the demo default", name, folder)
    return demo


def trained_folder(metrics: dict) -> Path | None:
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
    return folder if any((folder / f).exists() for f in (SALES_FILE, "sales.parquet")) else None


def load_evidence(folder: Path | None, artifacts: Path) -> Evidence:
    """Read everything the recommendations need from a data folder and the run outputs.

    Args:
        folder: Data folder (default: the folder the latest run trained on, else
            ``XINGNONG_DATA``, else the demo data); reference tables it lacks come from the
            demo defaults.
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
    inputs = data_folder_inputs(root)
    if inputs.regions is None or inputs.products is None:
        raise DataError(f"{root} needs regions.csv and products.csv for recommendations")
    products = inputs.products
    profile_path = root / PROFILE_FILE
    return Evidence(
        sales=inputs.ingest.sales,
        regions=inputs.regions,
        products=products,
        options=load_processing_options(_table(root, OPTIONS_FILE), products),
        crops=load_crop_economics(_table(root, CROPS_FILE), products, inputs.regions),
        signals=load_brand_signals(_table(root, SIGNALS_FILE), products, inputs.regions),
        forecast=outputs.forecast.assign(date=pd.to_datetime(outputs.forecast["date"])),
        profile=load_profile(profile_path) if profile_path.exists() else None,
        data_digest=str(outputs.metrics.get("data_digest", "")),
        multipliers=_trained_multipliers(artifacts),
    )


def _trained_multipliers(artifacts: Path) -> pd.DataFrame | None:
    """Form multipliers saved by 'xingnong train processing' (None before it has run)."""
    path = artifacts / "form_multipliers.csv"
    return pd.read_csv(path) if path.exists() else None


def run(args: argparse.Namespace) -> int:
    """Print the recommendations for one region."""
    start = time.perf_counter()
    evidence = load_evidence(args.data, settings().artifacts_dir)
    doc = recommend(evidence, args.region, weeks=args.weeks)
    if args.format == "json":
        print(json.dumps(doc, ensure_ascii=False, indent=2, default=str))
    else:
        print(as_table(doc, args.lang))
    log.info("answered in %.2f s", time.perf_counter() - start)
    return 0
