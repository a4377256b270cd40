"""The differentiation jobs: processing and brand scores and the advice, written and logged."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from pipelines.jobs.differentiation import train_brand, train_processing, write_recommendations
from recommender import tracking
from recommender.config import BRAND_EXPERIMENT, PROCESSING_EXPERIMENT, RECOMMEND_EXPERIMENT
from recommender.data.layout import (
    BRAND_FILE,
    ELASTICITY_FILE,
    MULTIPLIERS_FILE,
    PROCESSING_FILE,
    recommendations_file,
)
from recommender.data.vocabulary import BRAND_ACTIONS
from tests.helpers import COOP_REGIONS, hand_evidence


@pytest.fixture(scope="module")
def evidence(tmp_path_factory):
    return hand_evidence(tmp_path_factory.mktemp("differentiation"))


def test_processing_scores_and_form_prices_are_written(evidence, tmp_path):
    # when the cooperative's processing options are scored without MLflow
    scored, multipliers = train_processing(evidence, tmp_path, track=False)
    # then the scores, the form multipliers and the elasticities are files
    written = pd.read_csv(tmp_path / PROCESSING_FILE, encoding="utf-8-sig")
    assert len(written) == len(scored) > 0
    assert set(written["region"]) == {evidence.profile.region}
    assert len(pd.read_csv(tmp_path / MULTIPLIERS_FILE)) == len(multipliers)
    assert (tmp_path / ELASTICITY_FILE).exists()
    assert tracking.runs_table(PROCESSING_EXPERIMENT).empty


def test_brand_scores_cover_every_region_and_product_sold(evidence, tmp_path):
    scored = train_brand(evidence, tmp_path, track=False)
    sold = evidence.sales[["region", "product"]].drop_duplicates()
    assert len(scored) == len(sold)
    assert set(scored["action"]) <= set(BRAND_ACTIONS)
    assert len(pd.read_csv(tmp_path / BRAND_FILE, encoding="utf-8-sig")) == len(scored)


def test_every_region_gets_its_document_and_each_step_logs_a_run(evidence, tmp_path):
    # when every job runs with MLflow (a SQLite store of its own, see conftest)
    train_processing(evidence, tmp_path, track=True)
    train_brand(evidence, tmp_path, track=True)
    paths = write_recommendations(evidence, tmp_path, weeks=2, track=True)
    # then each region that sold has its document
    assert paths == [recommendations_file(tmp_path, r) for r in sorted(COOP_REGIONS)]
    doc = json.loads(paths[0].read_text(encoding="utf-8"))
    assert doc["region"] == sorted(COOP_REGIONS)[0] and doc["data_digest"] == "test"
    # and each job left one finished run in its experiment
    for experiment in (PROCESSING_EXPERIMENT, BRAND_EXPERIMENT, RECOMMEND_EXPERIMENT):
        runs = tracking.runs_table(experiment)
        assert list(runs["status"]) == ["FINISHED"], experiment
        assert runs.iloc[0]["params.data_digest"] == "test"
