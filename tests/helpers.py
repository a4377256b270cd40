"""Helpers shared by test modules (fixtures live in conftest.py)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pandas as pd

from recommender.config import DEMO_DATA_DIR
from recommender.data.artifacts import write_outputs_manifest
from recommender.data.layout import FORECAST_FILE, METRICS_FILE, REFERENCE_FILES, SALES_FILE
from recommender.decide.evidence import Evidence, load_evidence

REPO = Path(__file__).resolve().parents[1]
"""The source checkout (app.py, the data folder's reference data sets)."""
COOP_REGIONS = ("zhouzhi", "luochuan", "liuba")


def write_coop(folder: Path) -> Path:
    """A small cooperative data folder: three demo counties' sales since August 2023.

    Args:
        folder: Where to write (created if missing).

    Returns:
        The folder, laid out like ``data/demo``.
    """
    folder.mkdir(parents=True, exist_ok=True)
    for name in REFERENCE_FILES:
        shutil.copy(DEMO_DATA_DIR / name, folder / name)
    sales = pd.read_csv(DEMO_DATA_DIR / SALES_FILE)
    sales = sales[sales["region"].isin(COOP_REGIONS)]
    sales = sales[pd.to_datetime(sales["date"]) > pd.Timestamp("2023-08-01")]
    sales.to_csv(folder / SALES_FILE, index=False)
    return folder


def hand_forecast(folder: Path, artifacts: Path) -> Path:
    """A run's outputs made by hand: each series' same 8 weeks last year, as its forecast.

    Args:
        folder: A data folder (see :func:`write_coop`).
        artifacts: Where to write ``forecast.csv`` and ``metrics.json`` (created).

    Returns:
        The artifacts folder.
    """
    sales = pd.read_csv(folder / SALES_FILE, parse_dates=["date"])
    weekly = (
        sales.assign(date=sales["date"].dt.to_period("W-SUN").dt.end_time.dt.normalize())
        .groupby(["region", "product", "date"], as_index=False)["quantity"]
        .sum()
    )
    last = weekly["date"].max()
    ahead = weekly[weekly["date"] > last - pd.Timedelta(weeks=52)].copy()
    ahead = ahead[ahead["date"] <= last - pd.Timedelta(weeks=44)]
    ahead["date"] = ahead["date"] + pd.Timedelta(weeks=52)
    forecast = ahead.rename(columns={"quantity": "forecast"}).assign(
        lo=lambda f: f["forecast"] * 0.7, hi=lambda f: f["forecast"] * 1.3, method="full"
    )
    artifacts.mkdir(parents=True, exist_ok=True)
    forecast.to_csv(artifacts / FORECAST_FILE, index=False)
    (artifacts / METRICS_FILE).write_text(json.dumps({"data_digest": "test"}))
    write_outputs_manifest(artifacts)
    return artifacts


def hand_evidence(root: Path) -> Evidence:
    """Three demo counties (:func:`write_coop`) with a forecast made by hand."""
    folder = write_coop(root / "coop")
    return load_evidence(folder, hand_forecast(folder, root / "artifacts"))


def make_sales(n_series: int = 6, weeks: int = 110, seed: int = 3) -> pd.DataFrame:
    """Tiny seeded weekly sales in contract columns: seasonal, trending, one short series."""
    rng = np.random.default_rng(seed)
    dates = pd.date_range("2023-01-01", periods=weeks, freq="W-SUN")
    rows = []
    for i in range(n_series):
        region, product = f"county{i % 3}", f"prod{i // 3}"
        level = 20 + 15 * i
        t = np.arange(weeks)
        mean = level * (1 + 0.5 * np.sin(2 * np.pi * t / 52 + i)) * (1 + 0.002 * t)
        qty = rng.poisson(np.maximum(mean, 0.5))
        start = weeks - 5 if i == n_series - 1 else 0  # the last series is too short to model
        for d, q in zip(dates[start:], qty[start:], strict=True):
            rows.append(
                {
                    "date": d.strftime("%Y-%m-%d"),
                    "region": region,
                    "product": product,
                    "quantity": float(q),
                    "price": round(10 + rng.normal(0, 0.5), 2),
                }
            )
    return pd.DataFrame(rows)


KEYS = {
    "county0": "Albany",
    "county1": "AGRA(UP)",
    "county2": " 周至县 West ",
    "prod0": "キャベツ cabbage",
    "prod1": "Kiwi|Gold",
}
"""The tiny sales' keys renamed the way users write theirs: case, brackets, spaces, CJK, ``|``."""


def sales_with_user_keys() -> pd.DataFrame:
    """:func:`make_sales` with the region and product keys of :data:`KEYS`."""
    sales = make_sales()
    return sales.assign(region=sales["region"].map(KEYS), product=sales["product"].map(KEYS))


RENAMED = {"zhouzhi": "Zhouzhi (周至)", "luochuan": "LUO/chuan", "kiwifruit": "Kiwi Fruit"}
"""Demo codes renamed the way a cooperative might write its own (see :func:`write_renamed_coop`)."""


def write_renamed_coop(folder: Path) -> Path:
    """:func:`write_coop` with some region and product codes renamed as in :data:`RENAMED`.

    The tables write the new codes; the sales and the profile write them in other cases (or
    by name), as users do, so reading the folder must match them to the tables' codes.
    """
    write_coop(folder)
    columns = {
        "regions.csv": ("region",),
        "products.csv": ("product",),
        "processing_options.csv": ("product",),
        "crop_economics.csv": ("product",),
        "brand_signals.csv": ("region", "product"),
        SALES_FILE: ("region", "product"),
    }
    for name, cols in columns.items():
        table = pd.read_csv(folder / name, dtype=str, keep_default_na=False)
        for col in cols:
            renamed = table[col].map(lambda v: RENAMED.get(v, v))
            table[col] = renamed.str.lower() if name == SALES_FILE else renamed
        table.to_csv(folder / name, index=False)
    profile = json.loads((folder / "coop_profile.json").read_text(encoding="utf-8"))
    profile["region"] = RENAMED["zhouzhi"].upper()
    profile["raw_volume_kg"] = {RENAMED.get(p, p): kg for p, kg in profile["raw_volume_kg"].items()}
    (folder / "coop_profile.json").write_text(json.dumps(profile, ensure_ascii=False))
    return folder


def two_weekly_series(n: int = 80, seed: int = 0) -> pd.DataFrame:
    """A small model-layer panel: series ``a`` (about 5 a week) and ``b`` (about 50), priced."""
    rng = np.random.default_rng(seed)
    ds = pd.date_range("2023-01-01", periods=n, freq="W-SUN")
    frames = [
        pd.DataFrame(
            {
                "unique_id": uid,
                "ds": ds,
                "y": rng.poisson(lam, n).astype(float),
                "price": 10 + rng.normal(0, 1, n),
            }
        )
        for uid, lam in (("a", 5), ("b", 50))
    ]
    return pd.concat(frames, ignore_index=True)


def load_bundle_in_child(bundle: Path, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """Load a bundle in a child process, so a crash shows as a signal rather than killing tests.

    Args:
        bundle: The bundle folder.
        timeout: Seconds before the child counts as hung.

    Returns:
        The finished child; its stdout says ``REFUSED <message>`` when a BundleError was raised.
    """
    code = textwrap.dedent(
        f"""
        from recommender.bundle.folder import load_bundle
        from recommender.errors import BundleError
        try:
            load_bundle({str(bundle)!r})
        except BundleError as exc:
            print("REFUSED", exc)
        """
    )
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=timeout
    )
