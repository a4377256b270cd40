"""The decision-backtest job: replay the listing plan over the backtest windows; write and log."""

from __future__ import annotations

import logging
from pathlib import Path

import pandas as pd

from pipelines.jobs.outputs import write_csv
from recommender import tracking
from recommender.config import DECISIONS_EXPERIMENT
from recommender.data.layout import DECISIONS_FILE
from recommender.decide.evidence import Evidence
from recommender.decide.pricing import options_for
from recommender.decide.replay import (
    PLAN,
    Logistics,
    replay_decisions,
    summarise_decisions,
)

log = logging.getLogger(__name__)


def backtest_decisions(
    evidence: Evidence, backtest: pd.DataFrame, out: Path, *, track: bool
) -> dict[str, dict[str, float]]:
    """Replay the listing plan over the backtest windows against the sales that happened.

    Args:
        evidence: Sales, tables and profile (its transit days and cold chain, else defaults).
        backtest: The demand backtest's forecasts (``region, product, cutoff, date, forecast,
            lo, hi``).
        out: Output folder (``decisions.csv``).
        track: Log to MLflow.

    Returns:
        Totals per policy (see :func:`recommender.decide.replay.summarise_decisions`).
    """
    profile = evidence.profile
    logistics = Logistics(profile.transit_days, profile.cold_chain) if profile else Logistics()
    results = replay_decisions(
        evidence.sales,
        backtest,
        evidence.products,
        options_for(evidence.products, evidence.options),
        evidence.crops,
        evidence.regions,
        logistics=logistics,
    )
    write_csv(results, out / DECISIONS_FILE, excel_bom=True)
    summary = summarise_decisions(results)
    plan = summary.get(PLAN, {})
    log.info(
        "decisions: the plan replayed over %d window(s) earned %.0f%% of perfect foresight (%s)",
        results["cutoff"].nunique() if len(results) else 0,
        100 * plan.get("share_of_perfect", float("nan")),
        ", ".join(f"{p} {v['share_of_perfect']:.0%}" for p, v in summary.items() if p != PLAN),
    )
    if track:
        tracking.configure()
        with tracking.start_run(DECISIONS_EXPERIMENT, run_name="decision-backtest", exclusive=True):
            tracking.log_params({"data_digest": evidence.data_digest, **logistics.__dict__})
            tracking.log_metrics(
                {
                    f"{name}_{policy}": value
                    for policy, row in summary.items()
                    for name, value in row.items()
                }
            )
            tracking.log_table(results, str(Path(DECISIONS_FILE).with_suffix(".parquet")))
    return summary
