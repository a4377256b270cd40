"""Accuracy benchmarks' shared parts: figures of a backtest, its bars and how they print."""

from __future__ import annotations

import time
from dataclasses import asdict, replace
from typing import Any

import pandas as pd

from benchmarks import Bar, peak_rss_mib, print_table
from recommender.data.contract import UID, Y
from recommender.forecast.backtest import CUTOFF, SCORED_MODELS
from recommender.forecast.ensemble import BLEND, METHOD
from recommender.forecast.global_model import LGB
from recommender.forecast.settings import BacktestConfig
from recommender.forecast.training import DemandRun, Panel, metrics_document, run_demand

COVERAGE_RANGE = (0.72, 0.88)
MAX_REGRET = 1.03  # on a real panel: at most 3% worse than the best member in hindsight


def rounded(metrics: dict[str, dict[str, float]]) -> dict[str, dict[str, float]]:
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


def error_concentration(run: DemandRun, top: int = 5) -> list[dict[str, Any]]:
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


def accuracy_figures(run: DemandRun, seconds: float) -> dict[str, Any]:
    """Overall and per-fold metrics per model, blend weights and run facts."""
    doc = metrics_document(run)
    return {
        "n_series": doc["n_series"],
        "n_periods": doc["n_periods"],
        "data_digest": doc["data_digest"],
        "overall": rounded(doc["overall"]),
        "folds": [{"cutoff": f["cutoff"], "metrics": rounded(f["metrics"])} for f in doc["folds"]],
        "volume_bias_per_fold": _volume_bias(run),
        "history_classes_per_fold": _history_classes(run),
        "regret": round(doc["regret"], 4),
        "regret_per_fold": {f["cutoff"]: round(f["regret"], 4) for f in doc["folds"]},
        "warmup": doc["warmup"],
        "fold_weights": doc["weights"],
        "final_weights": doc["final_weights"],
        "series_marks": {k: len(v) for k, v in doc["series_marks"].items()},
        "beats_baselines": doc["beats_baselines"],
        "backtest_seconds": round(seconds, 1),
        "timings_seconds": doc["timings_seconds"],
        "peak_rss_mib": peak_rss_mib(),
    }


def print_metrics(figures: dict[str, Any]) -> None:
    overall = figures["overall"]
    print("overall (all scored folds)")
    print_overall(overall)
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


def real_panel_bars(figures: dict[str, Any]) -> list[Bar]:
    """The bars every real panel must meet: beat the ETS-Theta mean, small regret, calibrated."""
    overall = figures["overall"]
    blend, reference = overall[BLEND]["wape"], overall["ets_theta"]["wape"]
    lo, hi = COVERAGE_RANGE
    bars = [
        Bar("blend WAPE no worse than the mean of ETS and Theta", blend, f"<= {reference:.3f}",
            blend <= reference),
        Bar("regret: blend WAPE / best member WAPE", figures["regret"], f"<= {MAX_REGRET}",
            figures["regret"] <= MAX_REGRET),
    ]  # fmt: skip
    for fold in figures["folds"]:
        cov = fold["metrics"][BLEND]["coverage"]
        bars.append(
            Bar(f"80% interval coverage, fold {fold['cutoff']}", cov, f"in [{lo}, {hi}]",
                lo <= cov <= hi)
        )  # fmt: skip
    return bars


def print_regret(figures: dict[str, Any]) -> None:
    per_fold = ", ".join(f"{c} {r:.3f}" for c, r in figures["regret_per_fold"].items())
    print(
        f"regret (blend WAPE / best member WAPE): {figures['regret']:.3f} overall; per fold "
        f"{per_fold}; {figures['warmup']} warm-up windows"
    )


def print_overall(overall: dict[str, dict[str, float]]) -> None:
    rows = [[m, *(overall[m][k] for k in ("wape", "mase", "coverage"))] for m in SCORED_MODELS]
    print_table(rows, ["model", "WAPE", "MASE", "coverage"])


def backtest(panel: Panel, config: BacktestConfig) -> tuple[DemandRun, float]:
    start = time.perf_counter()
    run = run_demand(panel, config, fit_final=False)
    return run, time.perf_counter() - start


def naive_only(panel: Panel, config: BacktestConfig) -> dict[str, Any]:
    """The accuracy cost of a large panel's statistical default: seasonal naive only.

    Args:
        panel: The benchmark's panel.
        config: Its backtest settings (``statistical`` is set to ``naive``).

    Returns:
        The served blend's overall WAPE, MASE and coverage, and the seconds it took.
    """
    return _blend_only(panel, replace(config, statistical="naive"))


def large_panel(panel: Panel, config: BacktestConfig) -> dict[str, Any]:
    """The accuracy cost of every large-panel default: seasonal naive only and the fast recipe.

    Args:
        panel: The benchmark's panel.
        config: Its backtest settings (``statistical`` set to ``naive``, ``booster`` to
            ``fast``).

    Returns:
        The served blend's and LightGBM's overall WAPE, MASE and coverage, LightGBM's seconds
        and the seconds it took.
    """
    return _blend_only(panel, replace(config, statistical="naive", booster="fast"))


def _blend_only(panel: Panel, config: BacktestConfig) -> dict[str, Any]:
    """The served blend's and LightGBM's overall figures of one backtest."""
    run, seconds = backtest(panel, config)
    doc = metrics_document(run)
    overall = rounded({m: doc["overall"][m] for m in (BLEND, LGB)})
    return {
        "overall": overall[BLEND],
        "lgb": overall[LGB],
        "lightgbm_seconds": round(doc["timings_seconds"].get("lightgbm", 0.0), 1),
        "seconds": round(seconds, 1),
    }


def config_dict(config: BacktestConfig) -> dict[str, Any]:
    out = asdict(config)
    out["params"] = asdict(config.params)
    return out
