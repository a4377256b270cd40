"""The differentiation jobs: score processing options and regional brands, write advice."""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np
import pandas as pd

from pipelines.jobs.outputs import write_csv, write_json
from recommender import tracking
from recommender.config import BRAND_EXPERIMENT, PROCESSING_EXPERIMENT, RECOMMEND_EXPERIMENT
from recommender.data.contract import REGION
from recommender.data.layout import (
    BRAND_FILE,
    ELASTICITY_FILE,
    MULTIPLIERS_FILE,
    PROCESSING_FILE,
    RECOMMENDATIONS_DIR,
    recommendations_file,
)
from recommender.data.vocabulary import PRICE_PRIOR
from recommender.decide.basis import profile_for
from recommender.decide.brand import score_brands
from recommender.decide.evidence import Evidence
from recommender.decide.market import demand_by_form, demand_growth
from recommender.decide.pricing import (
    fresh_price,
    learn_form_multipliers,
    options_for,
    prefer_model,
)
from recommender.decide.processing import score_options
from recommender.decide.recommend import recommend
from recommender.decide.response import fit_price_response, volume_elasticity

log = logging.getLogger(__name__)


def _parquet(name: str) -> str:
    """The MLflow artifact name of a table written as CSV to the artifacts folder."""
    return str(Path(name).with_suffix(".parquet"))


def _region(evidence: Evidence) -> str:
    if evidence.profile is not None:
        return evidence.profile.region
    return str(evidence.sales[REGION].value_counts().idxmax())


def train_processing(
    evidence: Evidence, out: Path, *, track: bool
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Learn form prices, score the cooperative's processing options; write and log both.

    Form price multipliers come from the price-response model (product x form, region,
    channel, season, GI flag) where it has enough rows, else the matched region-week ratio,
    else the prior; volume elasticities by form are written alongside.

    Args:
        evidence: Sales, tables, forecast and profile.
        out: Output folder (``processing.csv``, ``form_multipliers.csv``,
            ``volume_elasticity.csv``).
        track: Log to MLflow.

    Returns:
        The scored options and the form multipliers.
    """
    region = _region(evidence)
    profile = profile_for(region, evidence.sales, evidence.profile)
    resolved = options_for(evidence.products, evidence.options)
    prices = fresh_price(evidence.sales, implied_from=resolved)
    response = fit_price_response(evidence.sales, evidence.signals)
    multipliers = prefer_model(
        learn_form_multipliers(evidence.sales, resolved), response.form_multipliers()
    )
    elasticity = volume_elasticity(evidence.sales)
    scored = score_options(
        resolved,
        prices,
        multipliers,
        demand_by_form(evidence.forecast, evidence.sales, resolved),
        profile,
        fresh_shelf_life=evidence.products,
    )
    write_csv(scored, out / PROCESSING_FILE, excel_bom=True)
    write_csv(multipliers, out / MULTIPLIERS_FILE)
    write_csv(elasticity, out / ELASTICITY_FILE)
    learned = int((multipliers["source"] != PRICE_PRIOR).sum())
    log.info(
        "processing: %d options scored for %s (%d multipliers learned from sales, %d priors)",
        len(scored),
        region,
        learned,
        len(multipliers) - learned,
    )
    if track:
        tracking.configure()
        with tracking.start_run(
            PROCESSING_EXPERIMENT, run_name=f"processing-{region}", exclusive=True
        ):
            tracking.log_params({**profile.to_dict(), "data_digest": evidence.data_digest})
            feasible = scored[np.isfinite(scored["score"])]
            tracking.log_metrics(
                {
                    "options": float(len(scored)),
                    "feasible_options": float(len(feasible)),
                    "multipliers_learned": float(learned),
                    "gi_premium_learned": response.gi_premium(),
                    "best_annual_uplift": float(feasible["annual_uplift"].max())
                    if len(feasible)
                    else 0.0,
                }
            )
            tracking.log_table(scored, _parquet(PROCESSING_FILE))
            tracking.log_table(multipliers, MULTIPLIERS_FILE)
            tracking.log_table(elasticity, ELASTICITY_FILE)
    return scored, multipliers


def train_brand(evidence: Evidence, out: Path, *, track: bool) -> pd.DataFrame:
    """Score every (region, product) as a regional-brand opportunity; write and log the table.

    Args:
        evidence: Sales, tables and forecast.
        out: Output folder (``brand.csv``).
        track: Log to MLflow.

    Returns:
        The brand scores.
    """
    growth = demand_growth(evidence.forecast, evidence.sales)
    scored = score_brands(
        evidence.sales,
        evidence.signals,
        growth,
        regions=evidence.regions,
        products=evidence.products,
    )
    write_csv(scored, out / BRAND_FILE, excel_bom=True)
    counts = scored["action"].value_counts().to_dict()
    log.info(
        "brand: %d region x product pairs scored (%s)",
        len(scored),
        ", ".join(f"{k} {v}" for k, v in counts.items()),
    )
    if track:
        tracking.configure()
        with tracking.start_run(BRAND_EXPERIMENT, run_name="brand", exclusive=True):
            tracking.log_params({"data_digest": evidence.data_digest})
            tracking.log_metrics({f"action_{k}": float(v) for k, v in counts.items()})
            tracking.log_table(scored, _parquet(BRAND_FILE))
    return scored


def write_recommendations(evidence: Evidence, out: Path, *, weeks: int, track: bool) -> list[Path]:
    """Write the four recommendation lists of every region with sales, and log them.

    Args:
        evidence: Sales, tables, forecast and profile.
        out: Output folder (``recommendations/<region>.json``).
        weeks: Weeks of listing plan.
        track: Log to MLflow.

    Returns:
        The files written.
    """
    paths = []
    for region in sorted(evidence.sales[REGION].unique()):
        doc = recommend(evidence, str(region), weeks=weeks)
        paths.append(write_json(doc, recommendations_file(out, str(region))))
    folder = out / RECOMMENDATIONS_DIR
    log.info("recommendations: %d regions written to %s", len(paths), folder)
    if track:
        tracking.configure()
        with tracking.start_run(RECOMMEND_EXPERIMENT, run_name="recommendations", exclusive=True):
            tracking.log_params({"data_digest": evidence.data_digest, "weeks": weeks})
            tracking.log_artifacts(folder, RECOMMENDATIONS_DIR)
    return paths
