"""Accuracy on the demo data: the served blend and every baseline, with the demo's bars."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from benchmarks import Bar, document, load, print_bars, write_result
from benchmarks.accuracy import (
    COVERAGE_RANGE,
    accuracy_figures,
    backtest,
    config_dict,
    large_panel,
    naive_only,
    print_metrics,
    print_regret,
)
from recommender.config import DEMO_DATA_DIR
from recommender.data.contract import DS, UID
from recommender.data.ingest import load_sales, validate_sales
from recommender.data.reference import (
    load_products,
    load_regions,
    validate_products,
    validate_regions,
)
from recommender.demo.simulate import simulate_demo
from recommender.forecast.ensemble import BLEND
from recommender.forecast.settings import BacktestConfig
from recommender.forecast.training import Panel, build_panel

DEMO_CONFIG = BacktestConfig(freq="W-SUN", horizon=8, folds=4)
DEMO_QUICK = BacktestConfig(freq="W-SUN", horizon=8, folds=2, warmup=2)
DEMO_QUICK_WEEKS = 120
DEMO_MIN_GAIN = 0.20  # the blend's WAPE must be at least 20% below seasonal naive's


def _demo_panel(quick: bool) -> tuple[Panel, dict[str, Any]]:
    """The demo panel: ``data/demo/sales.csv`` when present, else :func:`simulate_demo`."""
    csv = DEMO_DATA_DIR / "sales.csv"
    if csv.exists() and not quick:
        regions_path, products_path = DEMO_DATA_DIR / "regions.csv", DEMO_DATA_DIR / "products.csv"
        regions_file = regions_path if regions_path.exists() else None
        products_file = products_path if products_path.exists() else None
        result = load_sales(csv, regions_file, products_file)
        regions = load_regions(regions_file) if regions_file else None
        products = load_products(products_file) if products_file else None
        source = str(csv.relative_to(DEMO_DATA_DIR.parent.parent))
    else:
        weeks = DEMO_QUICK_WEEKS if quick else 204
        demo = simulate_demo(weeks=weeks)
        regions, products = validate_regions(demo.regions), validate_products(demo.products)
        result = validate_sales(demo.sales, regions=regions, products=products)
        source = f"recommender.demo.simulate.simulate_demo(seed=7, weeks={weeks})"
    panel = build_panel(result.sales, DEMO_CONFIG.freq, regions=regions, products=products)
    facts = {
        "source": source,
        "rows_read": result.rows_read,
        "rows_accepted": result.rows_accepted,
        "rows_quarantined": result.rows_quarantined,
    }
    return panel, facts


def run_accuracy_demo(quick: bool, results: Path) -> dict[str, Any]:
    """Backtest the served blend and every baseline on the demo data, and check the bars.

    Args:
        quick: Fewer weeks and folds (smoke check).
        results: Folder for the JSON result.

    Returns:
        The result document.
    """
    before = load()
    config = DEMO_QUICK if quick else DEMO_CONFIG
    panel, data = _demo_panel(quick)
    print(
        f"accuracy_demo: {data['source']}, {panel.long[UID].nunique()} series, "
        f"{panel.long[DS].nunique()} weeks; horizon {config.horizon}, {config.folds} folds "
        f"(+{config.warmup_windows(panel.long[DS].nunique())} warm-up)"
    )
    run, seconds = backtest(panel, config)
    figures = accuracy_figures(run, seconds)
    figures["naive_only"] = naive_only(panel, config)
    figures["large_panel"] = large_panel(panel, config)
    overall = figures["overall"]
    blend, naive, ets = (overall[m]["wape"] for m in (BLEND, "seasonal_naive", "ets"))
    coverage = overall[BLEND]["coverage"]
    lo, hi = COVERAGE_RANGE
    limit = (1 - DEMO_MIN_GAIN) * naive
    bars = [
        Bar("blend WAPE >= 20% below seasonal naive", blend, f"<= {limit:.3f}", blend <= limit),
        Bar("blend WAPE no worse than ETS", blend, f"<= {ets:.3f}", blend <= ets),
        Bar("blend 80% interval coverage", coverage, f"in [{lo}, {hi}]", lo <= coverage <= hi),
    ]
    figures["blend_gain_over_seasonal_naive"] = round(1 - blend / naive, 4)
    print_metrics(figures)
    print_regret(figures)
    print(f"blend WAPE {figures['blend_gain_over_seasonal_naive']:.1%} below seasonal naive")
    print_bars(bars, enforced=not quick)
    settings = {"data": data, "backtest": config_dict(config)}
    doc = document(
        "accuracy_demo",
        quick=quick,
        load_before=before,
        settings=settings,
        figures=figures,
        bars=bars,
    )
    print(f"wrote {write_result(doc, results)}")
    return doc
