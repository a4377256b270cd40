"""Speed and memory benchmark: backtest and final fit of a 100-series, 3-year weekly panel."""

from __future__ import annotations

import datetime as dt
import functools
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import lightgbm

import recommender.forecast.backtest
import recommender.forecast.forecaster
import recommender.forecast.global_model
import recommender.forecast.training
from benchmarks import Bar, document, load, peak_rss_mib, print_bars, print_table, write_result
from recommender.data.contract import DS, UID
from recommender.data.ingest import validate_sales
from recommender.demo.simulate import simulate_panel
from recommender.forecast.settings import BacktestConfig
from recommender.forecast.training import build_panel, run_demand

SEED = 7
FULL = {"n_series": 100, "weeks": 156, "folds": 4}
QUICK = {"n_series": 20, "weeks": 104, "folds": 2}
HORIZON = 8
BAR_SECONDS = 120.0


@dataclass
class Stopwatch:
    """Seconds per (phase, step), filled by the wrappers that :func:`instrument` installs.

    Attributes:
        phase: The phase the next timed call belongs to (``backtest`` or ``final_fit``).
        seconds: Accumulated seconds per phase and step.
        calls: Calls per phase and step.
    """

    phase: str = "backtest"
    seconds: dict[str, dict[str, float]] = field(default_factory=dict)
    calls: dict[str, dict[str, int]] = field(default_factory=dict)

    def add(self, step: str, seconds: float) -> None:
        """Book ``seconds`` of ``step`` to the current phase.

        Args:
            step: Step name.
            seconds: Seconds spent.
        """
        per_phase = self.seconds.setdefault(self.phase, {})
        per_phase[step] = per_phase.get(step, 0.0) + seconds
        counts = self.calls.setdefault(self.phase, {})
        counts[step] = counts.get(step, 0) + 1

    def get(self, phase: str, step: str) -> float:
        """Seconds of one step in one phase (0 when it never ran)."""
        return self.seconds.get(phase, {}).get(step, 0.0)


def _timed(watch: Stopwatch, step: str, func: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        start = time.perf_counter()
        try:
            return func(*args, **kwargs)
        finally:
            watch.add(step, time.perf_counter() - start)

    return wrapper


def _phase(watch: Stopwatch, phase: str, func: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        previous, watch.phase = watch.phase, phase
        start = time.perf_counter()
        try:
            return func(*args, **kwargs)
        finally:
            watch.add("wall", time.perf_counter() - start)
            watch.phase = previous

    return wrapper


def _swap(stack: ExitStack, owner: object, name: str, new: Callable[..., Any]) -> None:
    """Replace ``owner.name`` with ``new`` until ``stack`` closes."""
    old = getattr(owner, name)  # AttributeError if the library renamed it: fail loudly
    setattr(owner, name, new)
    stack.callback(setattr, owner, name, old)


@contextmanager
def instrument(watch: Stopwatch) -> Iterator[Stopwatch]:
    """Time the feature functions, LightGBM and the final fit inside the library's own calls.

    The library's functions are wrapped (not copied), so the timed run is the real run.
    Wrapped: ``origin_features`` (as the backtest, the forecaster and the global model call it)
    and ``horizon_rows``,
    ``lightgbm.train`` (includes building the LightGBM Dataset from the frame),
    ``lightgbm.Booster.predict``, ``evaluate`` and ``DemandForecaster.fit`` (calls inside it
    are booked to the ``final_fit`` phase).

    Args:
        watch: Where the seconds go.

    Yields:
        ``watch``.
    """
    fc, tr = recommender.forecast.global_model, recommender.forecast.training
    bt, fo = recommender.forecast.backtest, recommender.forecast.forecaster
    with ExitStack() as stack:
        for module in (fc, bt, fo):  # computed once per backtest, and once for the final fit
            timed = _timed(watch, "origin_features", module.origin_features)
            _swap(stack, module, "origin_features", timed)
        _swap(stack, fc, "horizon_rows", _timed(watch, "horizon_rows", fc.horizon_rows))
        _swap(stack, lightgbm, "train", _timed(watch, "lgb_train", lightgbm.train))
        _swap(
            stack,
            lightgbm.Booster,
            "predict",
            _timed(watch, "lgb_predict", lightgbm.Booster.predict),
        )
        _swap(stack, tr, "evaluate", _timed(watch, "evaluate", tr.evaluate))
        forecaster = tr.DemandForecaster
        _swap(stack, forecaster, "fit", _phase(watch, "final_fit", forecaster.fit))
        yield watch


def run_speed(quick: bool, results: Path) -> dict[str, Any]:
    """Time ingest, panel, backtest (split by step) and the final fit and predict.

    Args:
        quick: Fewer series, weeks and folds (smoke check).
        results: Folder for the JSON result.

    Returns:
        The result document.
    """
    before = load()
    size = QUICK if quick else FULL
    config = BacktestConfig(freq="W-SUN", horizon=HORIZON, folds=size["folds"])
    rss_start = peak_rss_mib()
    clock = time.perf_counter

    t0 = clock()
    sales = simulate_panel(size["n_series"], size["weeks"], SEED)
    t_simulate = clock() - t0
    t0 = clock()
    accepted = validate_sales(sales, today=dt.date.today()).sales
    t_ingest = clock() - t0
    t0 = clock()
    panel = build_panel(accepted, config.freq)
    t_panel = clock() - t0
    n_series, n_weeks = panel.long[UID].nunique(), panel.long[DS].nunique()
    print(
        f"speed: {n_series} series x {n_weeks} weeks ({len(panel.long)} panel rows), horizon "
        f"{config.horizon}, {config.folds} folds + {config.warmup_windows(n_weeks)} warm-up windows"
    )

    watch = Stopwatch()
    with instrument(watch):
        t0 = clock()
        run = run_demand(panel, config, fit_final=True)
        t_run = clock() - t0
    assert run.forecaster is not None
    t0 = clock()
    forecast = run.forecaster.predict()
    t_predict = clock() - t0
    rss_peak = peak_rss_mib()

    final_fit = watch.get("final_fit", "wall")
    backtest = t_run - final_fit
    tm = run.timings
    features = {s: watch.get("backtest", s) for s in ("origin_features", "horizon_rows")}
    lgb_train, lgb_predict = (watch.get("backtest", s) for s in ("lgb_train", "lgb_predict"))
    lgb_rest = tm["lightgbm"] - sum(features.values()) - lgb_train - lgb_predict
    stats = {m: tm.get(m, 0.0) for m in ("seasonal_naive", "ets", "theta")}
    evaluate_s = watch.get("backtest", "evaluate")
    other = backtest - tm["lightgbm"] - sum(stats.values()) - evaluate_s
    split = {
        "features_origin_features": features["origin_features"],
        "features_horizon_rows": features["horizon_rows"],
        "lightgbm_train": lgb_train,
        "lightgbm_predict": lgb_predict,
        "lightgbm_other": lgb_rest,
        **{f"stat_{m}": s for m, s in stats.items()},
        "evaluate": evaluate_s,
        "other": other,
    }
    figures: dict[str, Any] = {
        "n_series": int(n_series),
        "n_weeks": int(n_weeks),
        "panel_rows": len(panel.long),
        "sales_rows": len(sales),
        "data_digest": panel.digest,
        "seconds": {
            "simulate": round(t_simulate, 2),
            "ingest": round(t_ingest, 2),
            "build_panel": round(t_panel, 2),
            "backtest": round(backtest, 2),
            "final_fit": round(final_fit, 2),
            "final_predict": round(t_predict, 2),
        },
        "backtest_split_seconds": {k: round(v, 2) for k, v in split.items()},
        "backtest_timings_dict": {k: round(v, 2) for k, v in tm.items()},
        "final_fit_split_seconds": {
            k: round(v, 2) for k, v in watch.seconds.get("final_fit", {}).items() if k != "wall"
        },
        "calls": watch.calls,
        "memory_mib": {"rss_after_imports": rss_start, "peak_rss": rss_peak},
        "forecast_rows": len(forecast),
    }
    rows = [[k, round(v, 2), f"{v / backtest:.0%}"] for k, v in split.items()]
    rows.append(["backtest total", round(backtest, 2), "100%"])
    print_table(rows, ["backtest step", "seconds", "share"])
    print_table(
        [[k, v] for k, v in figures["seconds"].items()]
        + [["peak RSS (MiB)", rss_peak], ["RSS after imports (MiB)", rss_start]],
        ["step", "seconds"],
    )
    bars = [
        Bar(
            "backtest wall time, seconds",
            round(backtest, 2),
            f"< {BAR_SECONDS:.0f}",
            backtest < BAR_SECONDS,
        )
    ]
    print_bars(bars, enforced=not quick)
    settings = {
        "data": f"recommender.demo.simulate.simulate_panel({size['n_series']}, {size['weeks']}, "
        f"seed={SEED})",
        "backtest": {**asdict(config), "params": asdict(config.params)},
    }
    doc = document(
        "speed", quick=quick, load_before=before, settings=settings, figures=figures, bars=bars
    )
    print(f"wrote {write_result(doc, results)}")
    return doc
