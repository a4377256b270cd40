"""Processing-option and regional-brand scoring runs: score, write, log to MLflow."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from pipelines.common import log
from pipelines.io import write_csv, write_json
from recommender.data.contract import REGION
from recommender.decide.brand import score_brands
from recommender.decide.pricing import (
    fresh_price,
    learn_form_multipliers,
    options_for,
    prefer_model,
)
from recommender.decide.processing import score_options
from recommender.decide.recommend import (
    Evidence,
    demand_by_form,
    demand_growth,
    profile_for,
    recommend,
)
from recommender.decide.response import fit_price_response, volume_elasticity
from recommender.tracking import mlflow_tracking as tracking

PROCESSING_EXPERIMENT = "xingnong-processing"
BRAND_EXPERIMENT = "xingnong-brand"
RECOMMEND_EXPERIMENT = "xingnong-recommendations"
MULTIPLIERS_FILE = "form_multipliers.csv"


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
        demand_by_form(evidence.forecast, evidence.sales),
        profile,
        fresh_shelf_life=evidence.products,
    )
    write_csv(scored, out / "processing.csv", excel_bom=True)
    write_csv(multipliers, out / MULTIPLIERS_FILE)
    write_csv(elasticity, out / "volume_elasticity.csv")
    learned = int((multipliers["source"] != "prior").sum())
    log.info(
        "processing: %d options scored for %s (%d multipliers learned from sales, %d priors)",
        len(scored),
        region,
        learned,
        len(multipliers) - learned,
    )
    if track:
        tracking.configure()
        with tracking.start_run(PROCESSING_EXPERIMENT, run_name=f"processing-{region}"):
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
            tracking.log_table(scored, "processing.parquet")
            tracking.log_table(multipliers, MULTIPLIERS_FILE)
            tracking.log_table(elasticity, "volume_elasticity.csv")
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
    write_csv(scored, out / "brand.csv", excel_bom=True)
    counts = scored["action"].value_counts().to_dict()
    log.info(
        "brand: %d region x product pairs scored (%s)",
        len(scored),
        ", ".join(f"{k} {v}" for k, v in counts.items()),
    )
    if track:
        tracking.configure()
        with tracking.start_run(BRAND_EXPERIMENT, run_name="brand"):
            tracking.log_params({"data_digest": evidence.data_digest})
            tracking.log_metrics({f"action_{k}": float(v) for k, v in counts.items()})
            tracking.log_table(scored, "brand.parquet")
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
    folder = out / "recommendations"
    paths = []
    for region in sorted(evidence.sales[REGION].unique()):
        doc = recommend(evidence, str(region), weeks=weeks)
        paths.append(write_json(doc, folder / f"{region}.json"))
    log.info("recommendations: %d regions written to %s", len(paths), folder)
    if track:
        tracking.configure()
        with tracking.start_run(RECOMMEND_EXPERIMENT, run_name="recommendations"):
            tracking.log_params({"data_digest": evidence.data_digest, "weeks": weeks})
            tracking.log_artifacts(folder, "recommendations")
    return paths
