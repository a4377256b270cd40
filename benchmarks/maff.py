"""The Japan MAFF weekly wholesale panel (real vegetable volumes): loader and accuracy run."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from benchmarks import REPO_ROOT, document, load, print_bars, write_result
from benchmarks.accuracy import (
    accuracy_figures,
    backtest,
    config_dict,
    large_panel,
    naive_only,
    print_metrics,
    print_regret,
    real_panel_bars,
)
from recommender.data.contract import DS, UID
from recommender.data.ingest import IngestResult, validate_sales
from recommender.forecast.settings import BacktestConfig
from recommender.forecast.training import build_panel

MAFF_DIR = REPO_ROOT / "data" / "reference" / "japan_maff_wholesale"
MAFF_CSV = MAFF_DIR / "weekly.csv"
FREQ = "W-SUN"
TODAY = dt.date(2026, 9, 1)  # after the last week in the file (2026-08-16)
MAFF_CONFIG = BacktestConfig(freq=FREQ, horizon=8, folds=4)
MAFF_QUICK = BacktestConfig(freq=FREQ, horizon=8, folds=2, warmup=2)
MAFF_QUICK_SERIES = 8


@dataclass(frozen=True)
class MaffSales:
    """The MAFF weekly file after ingest.

    Attributes:
        ingest: Every row of the file through :func:`recommender.data.ingest.validate_sales`.
        sales: Accepted rows (one per vegetable and week; keys exactly as in the file, e.g.
            ``"キャベツ cabbage"``).
    """

    ingest: IngestResult
    sales: pd.DataFrame


def load_maff(path: str | Path = MAFF_CSV, *, max_series: int | None = None) -> MaffSales:
    """Read and ingest the MAFF weekly file (already in the contract's columns).

    Args:
        path: The ``weekly.csv`` file.
        max_series: Keep only the first this many vegetables (sorted by name), for quick runs.

    Returns:
        The ingest result and the accepted sales.
    """
    raw = pd.read_csv(path, dtype=str, keep_default_na=False)
    if max_series is not None:
        keep = sorted(raw["product"].unique())[:max_series]
        raw = raw[raw["product"].isin(keep)]
    result = validate_sales(raw.reset_index(drop=True), today=TODAY)
    return MaffSales(result, result.sales)


def run_accuracy_maff(quick: bool, results: Path) -> dict[str, Any]:
    """Backtest on the real Japan MAFF weekly wholesale volumes and check the bars.

    Args:
        quick: Fewer vegetables and folds (smoke check).
        results: Folder for the JSON result.

    Returns:
        The result document.
    """
    before = load()
    config = MAFF_QUICK if quick else MAFF_CONFIG
    maff = load_maff(max_series=MAFF_QUICK_SERIES if quick else None)
    panel = build_panel(maff.sales, config.freq)
    print(
        f"accuracy_maff: {panel.long[UID].nunique()} vegetables, {panel.long[DS].nunique()} "
        f"weeks; horizon {config.horizon}, {config.folds} folds "
        f"(+{config.warmup_windows(panel.long[DS].nunique())} warm-up)"
    )
    run, seconds = backtest(panel, config)
    figures = accuracy_figures(run, seconds)
    figures["naive_only"] = naive_only(panel, config)
    figures["large_panel"] = large_panel(panel, config)
    bars = real_panel_bars(figures)
    print_metrics(figures)
    print_regret(figures)
    print_bars(bars, enforced=not quick)
    ingest = maff.ingest
    settings = {
        "data": {
            "source": str(MAFF_CSV.relative_to(MAFF_CSV.parents[3])),
            "rows_read": ingest.rows_read,
            "rows_accepted": ingest.rows_accepted,
            "rows_quarantined": ingest.rows_quarantined,
            "target": "quantity (kg traded a week)",
        },
        "backtest": config_dict(config),
    }
    doc = document(
        "accuracy_maff",
        quick=quick,
        load_before=before,
        settings=settings,
        figures=figures,
        bars=bars,
    )
    print(f"wrote {write_result(doc, results)}")
    return doc
