"""Loader for the Maharashtra APMC monthly panel: real mandi arrivals in the sales contract."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from benchmarks import REPO_ROOT, document, load, print_bars, print_table, write_result
from benchmarks.accuracy import (
    accuracy_figures,
    backtest,
    config_dict,
    error_concentration,
    large_panel,
    naive_only,
    print_metrics,
    print_overall,
    print_regret,
    real_panel_bars,
    rounded,
)
from recommender.data.contract import DATE, DS, PRICE, PRODUCT, QUANTITY, REGION, UID
from recommender.data.ingest import IngestResult, validate_sales
from recommender.forecast.backtest import SCORED_MODELS, score
from recommender.forecast.settings import BacktestConfig
from recommender.forecast.training import DemandRun, build_panel

APMC_DIR = REPO_ROOT / "data" / "reference" / "maharashtra_apmc_monthly"
APMC_CSV = APMC_DIR / "Cleaned_APMC_monthly.csv"
FREQ = "MS"
MIN_MONTHS = 24
APMC_CONFIG = BacktestConfig(freq=FREQ, horizon=3, folds=3)
APMC_QUICK = BacktestConfig(freq=FREQ, horizon=3, folds=2)
APMC_QUICK_SERIES = 60
TODAY = dt.date(2017, 1, 1)  # after the last month in the file (2016-11)
SOURCE_COLUMNS: tuple[str, ...] = ("APMC", "Commodity", "date", "arrivals_in_qtl", "modal_price")
_MONTH = r"\d{4}-\d{1,2}"


@dataclass(frozen=True)
class ApmcSales:
    """The APMC file after ingest, cut to the series with enough months.

    Attributes:
        ingest: Every row of the file through :func:`recommender.data.ingest.validate_sales`.
        sales: Accepted rows of the kept series (one row per market, commodity and month).
        series_total: Market x commodity series among the accepted rows.
        series_kept: Series with at least ``min_months`` observed months (after ``max_series``).
        min_months: The threshold used.
    """

    ingest: IngestResult
    sales: pd.DataFrame
    series_total: int
    series_kept: int
    min_months: int


def slug(values: pd.Series) -> pd.Series:
    """Lower-case codes: every run of characters other than letters and digits becomes ``_``.

    Args:
        values: Names such as ``"KALAMB OS"``.

    Returns:
        Codes such as ``"kalamb_os"``.
    """
    text = values.astype(str).str.strip().str.lower()
    return text.str.replace(r"[^0-9a-z]+", "_", regex=True).str.strip("_")


def read_apmc(path: str | Path = APMC_CSV) -> pd.DataFrame:
    """Read the APMC CSV with every column as text.

    Args:
        path: The ``Cleaned_APMC_monthly.csv`` file.

    Returns:
        The raw table (text cells, blanks as ``""``).

    Raises:
        ValueError: A column the benchmark needs is missing.
    """
    raw = pd.read_csv(path, dtype=str, keep_default_na=False)
    missing = [c for c in SOURCE_COLUMNS if c not in raw.columns]
    if missing:
        raise ValueError(f"{path}: missing column(s) {', '.join(missing)}")
    return raw


def _codes(names: pd.Series, what: str) -> pd.Series:
    """Slugs of ``names``, refusing two different names that share one."""
    codes = slug(names)
    pairs = pd.DataFrame({"name": names.str.strip(), "code": codes}).drop_duplicates()
    clash = pairs[pairs["code"].duplicated(keep=False) & (pairs["code"] != "")]
    if not clash.empty:
        shown = ", ".join(sorted(clash["name"].unique())[:6])
        raise ValueError(f"{what} names that share a code: {shown}")
    return codes


def to_sales(raw: pd.DataFrame) -> pd.DataFrame:
    """Map the APMC columns to sales contract columns, as text (what a sales file holds).

    ``date`` is the month's first day (``"2015-04"`` -> ``"2015-04-01"``; anything else is
    passed on unchanged for ingest to reject), ``region`` the market's code, ``product`` the
    commodity's code, ``quantity`` the arrivals in quintals and ``price`` the modal price in
    rupees per quintal.

    Args:
        raw: Output of :func:`read_apmc`.

    Returns:
        Columns ``date, region, product, quantity, price`` (all text).
    """
    month = raw["date"].astype(str).str.strip()
    return pd.DataFrame(
        {
            DATE: month.where(~month.str.fullmatch(_MONTH), month + "-01"),
            REGION: _codes(raw["APMC"].astype(str), "APMC market"),
            PRODUCT: _codes(raw["Commodity"].astype(str), "commodity"),
            QUANTITY: raw["arrivals_in_qtl"].astype(str),
            PRICE: raw["modal_price"].astype(str),
        }
    )


def load_apmc(
    path: str | Path = APMC_CSV,
    *,
    min_months: int = MIN_MONTHS,
    today: dt.date = TODAY,
    max_series: int | None = None,
) -> ApmcSales:
    """Read, map and ingest the APMC file; keep series with ``min_months`` observed months.

    Args:
        path: The ``Cleaned_APMC_monthly.csv`` file.
        min_months: Fewest distinct observed months a (market, commodity) series needs.
        today: Ingest's "today" (must be after the data, or every row is a future date).
        max_series: Keep only the first this many qualifying series (sorted by code), for
            quick runs.

    Returns:
        The ingest result and the kept sales.
    """
    result = validate_sales(to_sales(read_apmc(path)), today=today)
    accepted = result.sales
    months = accepted.groupby([REGION, PRODUCT], sort=True)[DATE].nunique()
    keep = months.index[months >= min_months]
    if max_series is not None:
        keep = keep[:max_series]
    mask = pd.MultiIndex.from_frame(accepted[[REGION, PRODUCT]]).isin(keep)
    sales = accepted[mask].reset_index(drop=True)
    return ApmcSales(result, sales, int(len(months)), int(len(keep)), min_months)


def gap_report(sales: pd.DataFrame, end: pd.Timestamp | None = None) -> dict[str, Any]:
    """How unbalanced the monthly panel is, and whether a missing month looks like zero.

    The panel completion (:func:`recommender.forecast.features.complete_panel`) turns every month
    without a row, from a series' first month to the panel's last, into zero arrivals. An
    internal gap lies between a series' first and last observed month; a trailing gap after
    its last observed month. As evidence on what a gap means, each internal gap month's
    nearest observed neighbours (before and after) are compared with the series' median.

    Args:
        sales: Accepted monthly rows (``region``, ``product``, ``date`` at month start,
            ``quantity``).
        end: The panel's last month (default: the last month in ``sales``).

    Returns:
        JSON-ready counts and ratios.
    """
    frame = sales[[REGION, PRODUCT, DATE, QUANTITY]].copy()
    frame["month"] = frame[DATE].dt.year * 12 + frame[DATE].dt.month - 1
    last_month = frame["month"].max() if end is None else end.year * 12 + end.month - 1
    series, internal, trailing, ratios, gap_calendar = 0, [], [], [], np.zeros(12, dtype=int)
    for _, rows in frame.groupby([REGION, PRODUCT], sort=True):
        series += 1
        months = rows["month"].to_numpy()
        qty = rows["quantity"].to_numpy()
        order = np.argsort(months)
        months, qty = months[order], qty[order]
        span = np.arange(months[0], months[-1] + 1)
        gaps = np.setdiff1d(span, months)
        internal.append(len(gaps))
        trailing.append(int(last_month - months[-1]))
        median = float(np.median(qty))
        for gap in gaps:
            gap_calendar[gap % 12] += 1
            before = qty[np.searchsorted(months, gap) - 1]
            after = qty[np.searchsorted(months, gap)]
            if median > 0:
                ratios.append((before + after) / 2 / median)
    internal_arr, trailing_arr = np.asarray(internal), np.asarray(trailing)
    ratio = np.asarray(ratios)
    observed = len(frame)
    filled = int(internal_arr.sum() + trailing_arr.sum())
    names = [pd.Timestamp(2001, m, 1).strftime("%b").lower() for m in range(1, 13)]
    return {
        "series": series,
        "observed_months": observed,
        "reported_zero_rows": int((frame[QUANTITY] <= 0).sum()),
        "series_with_internal_gaps": int((internal_arr > 0).sum()),
        "internal_gap_months": int(internal_arr.sum()),
        "series_with_trailing_gaps": int((trailing_arr > 0).sum()),
        "trailing_gap_months": int(trailing_arr.sum()),
        "filled_zero_share": round(filled / (observed + filled), 4) if observed else 0.0,
        "gap_neighbour_to_median_ratio": {
            "median": round(float(np.median(ratio)), 3) if ratio.size else None,
            "share_at_least_half": round(float((ratio >= 0.5).mean()), 3) if ratio.size else None,
        },
        "internal_gaps_by_calendar_month": dict(zip(names, gap_calendar.tolist(), strict=True)),
    }


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
        "overall": rounded({m: score(rows, m) for m in SCORED_MODELS}),
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
        f"horizon {config.horizon}, {config.folds} folds "
        f"(+{config.warmup_windows(panel.long[DS].nunique())} warm-up)"
    )
    print(
        f"gaps: {gaps['series_with_internal_gaps']} series with internal gaps "
        f"({gaps['internal_gap_months']} months), {gaps['series_with_trailing_gaps']} with "
        f"trailing gaps ({gaps['trailing_gap_months']} months), all filled with 0; "
        f"{gaps['reported_zero_rows']} rows in the file report 0 arrivals"
    )
    run, seconds = backtest(panel, config)
    figures = accuracy_figures(run, seconds)
    figures["naive_only"] = naive_only(panel, config)
    figures["large_panel"] = large_panel(panel, config)
    figures["gaps"] = gaps
    figures["observed_months_only"] = _observed_only(run, apmc.sales)
    figures["largest_error_series"] = error_concentration(run)
    bars = real_panel_bars(figures)
    print_metrics(figures)
    print_regret(figures)
    seen = figures["observed_months_only"]["overall"]
    print("observed months only (gap months left out of the scoring)")
    print_overall(seen)
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
        "backtest": config_dict(config),
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
