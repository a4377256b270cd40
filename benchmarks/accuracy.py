"""Accuracy benchmarks: backtest WAPE, MASE and coverage on the demo data and on real APMC data."""

from __future__ import annotations

import time
from dataclasses import asdict
from pathlib import Path
from typing import Any

import pandas as pd

from benchmarks import (
    Bar,
    document,
    load,
    peak_rss_mib,
    print_bars,
    print_table,
    write_result,
)
from benchmarks.apmc import APMC_CSV, FREQ, TODAY, gap_report, load_apmc
from recommender.config import DEMO_DATA_DIR
from recommender.data.contract import DATE, DS, PRODUCT, REGION, UID, Y
from recommender.data.ingest import load_sales, validate_sales
from recommender.data.reference import (
    load_products,
    load_regions,
    validate_products,
    validate_regions,
)
from recommender.demo.simulate import simulate_demo
from recommender.forecast.backtest import CUTOFF, SCORED_MODELS, score
from recommender.forecast.ensemble import BLEND, METHOD
from recommender.forecast.settings import BacktestConfig
from recommender.forecast.training import (
    DemandRun,
    Panel,
    build_panel,
    metrics_document,
    run_demand,
)

DEMO_CONFIG = BacktestConfig(freq="W-SUN", horizon=8, folds=4)
DEMO_QUICK = BacktestConfig(freq="W-SUN", horizon=8, folds=2)
DEMO_QUICK_WEEKS = 120
APMC_CONFIG = BacktestConfig(freq=FREQ, horizon=3, folds=3)
APMC_QUICK = BacktestConfig(freq=FREQ, horizon=3, folds=2)
APMC_QUICK_SERIES = 60
COVERAGE_RANGE = (0.72, 0.88)
DEMO_MIN_GAIN = 0.20  # the blend's WAPE must be at least 20% below seasonal naive's


def _rounded(metrics: dict[str, dict[str, float]]) -> dict[str, dict[str, float]]:
    return {m: {k: round(v, 4) for k, v in vals.items()} for m, vals in metrics.items()}


def _volume_bias(run: DemandRun) -> dict[str, dict[str, float]]:
    """Per fold and model: total forecast over total actual, minus one (+0.25: 25% too high)."""
    fc = run.result.forecasts
    out = {}
    for cutoff, rows in fc.groupby(CUTOFF, sort=True):
        total = rows[Y].sum()
        out[str(pd.Timestamp(cutoff).date())] = {
            m: round(float(rows[m].sum() / total - 1), 4) if total > 0 else float("nan")
            for m in SCORED_MODELS
        }
    return out


def _history_classes(run: DemandRun) -> dict[str, dict[str, int]]:
    """Per fold: series by history class (``short_history`` series get non-seasonal models)."""
    fc = run.result.forecasts.drop_duplicates([CUTOFF, UID])
    counts = fc.groupby(CUTOFF, sort=True)[METHOD].value_counts()
    out: dict[str, dict[str, int]] = {}
    for (cutoff, method), n in counts.items():
        out.setdefault(str(pd.Timestamp(cutoff).date()), {})[str(method)] = int(n)
    return out


def _error_concentration(run: DemandRun, top: int = 5) -> list[dict[str, Any]]:
    """The series with the largest blend absolute error, with their shares of error and volume."""
    fc = run.result.forecasts
    err = (fc[Y] - fc[BLEND]).abs()
    per = pd.DataFrame({"err": err, "y": fc[Y], UID: fc[UID]}).groupby(UID).sum()
    per = per.sort_values("err", ascending=False).head(top)
    total_err, total_y = float(err.sum()), float(fc[Y].sum())
    return [
        {
            "series": str(uid),
            "share_of_blend_abs_error": round(float(r["err"]) / total_err, 4),
            "share_of_actuals": round(float(r["y"]) / total_y, 4),
        }
        for uid, r in per.iterrows()
    ]


def _accuracy_figures(run: DemandRun, seconds: float) -> dict[str, Any]:
    """Overall and per-fold metrics per model, blend weights and run facts."""
    doc = metrics_document(run)
    return {
        "n_series": doc["n_series"],
        "n_periods": doc["n_periods"],
        "data_digest": doc["data_digest"],
        "overall": _rounded(doc["overall"]),
        "folds": [{"cutoff": f["cutoff"], "metrics": _rounded(f["metrics"])} for f in doc["folds"]],
        "volume_bias_per_fold": _volume_bias(run),
        "history_classes_per_fold": _history_classes(run),
        "fold_weights": doc["weights"],
        "final_weights": doc["final_weights"],
        "series_marks": {k: len(v) for k, v in doc["series_marks"].items()},
        "beats_baselines": doc["beats_baselines"],
        "backtest_seconds": round(seconds, 1),
        "timings_seconds": doc["timings_seconds"],
        "peak_rss_mib": peak_rss_mib(),
    }


def _print_metrics(figures: dict[str, Any]) -> None:
    overall = figures["overall"]
    print("overall (all scored folds)")
    _print_overall(overall)
    print("per fold: WAPE / MASE / coverage")
    header = ["model", *(f["cutoff"] for f in figures["folds"])]
    rows = []
    for m in SCORED_MODELS:
        cells = [
            "{wape:.3f} / {mase:.3f} / {coverage:.2f}".format(**f["metrics"][m])
            for f in figures["folds"]
        ]
        rows.append([m, *cells])
    print_table(rows, header)
    print("per fold: volume bias (total forecast / total actual - 1)")
    bias = figures["volume_bias_per_fold"]
    print_table([[m, *(f"{b[m]:+.2f}" for b in bias.values())] for m in SCORED_MODELS], header)


def _print_overall(overall: dict[str, dict[str, float]]) -> None:
    rows = [[m, *(overall[m][k] for k in ("wape", "mase", "coverage"))] for m in SCORED_MODELS]
    print_table(rows, ["model", "WAPE", "MASE", "coverage"])


def _backtest(panel: Panel, config: BacktestConfig) -> tuple[DemandRun, float]:
    start = time.perf_counter()
    run = run_demand(panel, config, fit_final=False)
    return run, time.perf_counter() - start


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
        f"(+{config.warmup} warm-up)"
    )
    run, seconds = _backtest(panel, config)
    figures = _accuracy_figures(run, seconds)
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
    _print_metrics(figures)
    print(f"blend WAPE {figures['blend_gain_over_seasonal_naive']:.1%} below seasonal naive")
    print_bars(bars, enforced=not quick)
    settings = {"data": data, "backtest": _config_dict(config)}
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


def _config_dict(config: BacktestConfig) -> dict[str, Any]:
    out = asdict(config)
    out["params"] = asdict(config.params)
    return out


def _observed_only(run: DemandRun, sales: pd.DataFrame) -> dict[str, Any]:
    """Metrics of every model on the backtest rows whose month has a row in the file."""
    fc = run.result.forecasts
    series = run.panel.series.reset_index()
    seen = sales[[REGION, PRODUCT, DATE]].merge(series, on=[REGION, PRODUCT])
    keys = pd.MultiIndex.from_arrays([seen[UID], seen[DATE]])
    mask = pd.MultiIndex.from_arrays([fc[UID], fc[DS]]).isin(keys)
    rows = fc[mask]
    return {
        "rows_scored": int(mask.sum()),
        "rows_all": len(fc),
        "overall": _rounded({m: score(rows, m) for m in SCORED_MODELS}),
    }


def run_accuracy_apmc(quick: bool, results: Path) -> dict[str, Any]:
    """Backtest on the real Maharashtra APMC monthly arrivals and check the bar.

    Args:
        quick: Fewer series and folds (smoke check).
        results: Folder for the JSON result.

    Returns:
        The result document.
    """
    before = load()
    config = APMC_QUICK if quick else APMC_CONFIG
    apmc = load_apmc(max_series=APMC_QUICK_SERIES if quick else None)
    panel = build_panel(apmc.sales, config.freq)
    gaps = gap_report(apmc.sales)
    print(
        f"accuracy_apmc: {apmc.series_kept} of {apmc.series_total} market x commodity series "
        f"with {apmc.min_months}+ months, {panel.long[DS].nunique()} months; "
        f"horizon {config.horizon}, {config.folds} folds (+{config.warmup} warm-up)"
    )
    print(
        f"gaps: {gaps['series_with_internal_gaps']} series with internal gaps "
        f"({gaps['internal_gap_months']} months), {gaps['series_with_trailing_gaps']} with "
        f"trailing gaps ({gaps['trailing_gap_months']} months), all filled with 0; "
        f"{gaps['reported_zero_rows']} rows in the file report 0 arrivals"
    )
    run, seconds = _backtest(panel, config)
    figures = _accuracy_figures(run, seconds)
    figures["gaps"] = gaps
    figures["observed_months_only"] = _observed_only(run, apmc.sales)
    figures["largest_error_series"] = _error_concentration(run)
    overall = figures["overall"]
    blend = overall[BLEND]["wape"]
    best_name = min(("seasonal_naive", "ets"), key=lambda m: overall[m]["wape"])
    best = overall[best_name]["wape"]
    bars = [
        Bar(f"blend WAPE no worse than the better baseline ({best_name})", blend, f"<= {best:.3f}",
            blend <= best),
    ]  # fmt: skip
    _print_metrics(figures)
    seen = figures["observed_months_only"]["overall"]
    print("observed months only (gap months left out of the scoring)")
    _print_overall(seen)
    print("largest blend errors")
    print_table(
        [
            [e["series"], e["share_of_blend_abs_error"], e["share_of_actuals"]]
            for e in figures["largest_error_series"]
        ],
        ["series", "share of error", "share of actuals"],
    )
    print_bars(bars, enforced=not quick)
    ingest = apmc.ingest
    settings = {
        "data": {
            "source": str(APMC_CSV.relative_to(APMC_CSV.parents[3])),
            "rows_read": ingest.rows_read,
            "rows_accepted": ingest.rows_accepted,
            "rows_quarantined": ingest.rows_quarantined,
            "quarantine_reasons": ingest.reason_counts(),
            "series_total": apmc.series_total,
            "series_kept": apmc.series_kept,
            "min_months": apmc.min_months,
            "today": TODAY.isoformat(),
            "target": "arrivals_in_qtl",
            "price": "modal_price",
        },
        "backtest": _config_dict(config),
    }
    doc = document(
        "accuracy_apmc",
        quick=quick,
        load_before=before,
        settings=settings,
        figures=figures,
        bars=bars,
    )
    print(f"wrote {write_result(doc, results)}")
    return doc
