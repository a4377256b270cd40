"""Reading what recommendations stand on: a data folder and a run's outputs."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from recommender.config import DEMO_DATA_DIR
from recommender.data.artifacts import write_outputs_manifest
from recommender.data.layout import (
    CROPS_FILE,
    FORECAST_FILE,
    METRICS_FILE,
    MULTIPLIERS_FILE,
    PRODUCTS_FILE,
    REGIONS_FILE,
)
from recommender.decide.evidence import load_evidence, trained_folder
from recommender.errors import DataError
from tests.helpers import COOP_REGIONS, write_coop


def _artifacts(root, data_folder=None):
    """A run's outputs written by hand: a one-row forecast and its metrics."""
    artifacts = root / "artifacts"
    artifacts.mkdir()
    pd.DataFrame(
        {
            "region": ["zhouzhi"],
            "product": ["kiwifruit"],
            "date": ["2025-12-07"],
            "forecast": [10.0],
            "lo": [5.0],
            "hi": [15.0],
        }
    ).to_csv(artifacts / FORECAST_FILE, index=False)
    metrics = {"data_digest": "abc"} | ({"data_folder": str(data_folder)} if data_folder else {})
    (artifacts / METRICS_FILE).write_text(json.dumps(metrics))
    write_outputs_manifest(artifacts)
    return artifacts


def test_without_a_folder_the_evidence_is_the_folder_the_run_trained_on(tmp_path):
    # given a cooperative's folder recorded by the latest run
    folder = write_coop(tmp_path / "coop")
    artifacts = _artifacts(tmp_path, data_folder=folder)
    # when the evidence is read without naming a folder
    evidence = load_evidence(None, artifacts)
    # then it is that folder's sales with the run's forecast and digest
    assert set(evidence.sales["region"]) == set(COOP_REGIONS)
    assert evidence.data_digest == "abc"
    assert evidence.forecast["date"].dtype.kind == "M"
    assert evidence.profile is not None and evidence.multipliers is None


def test_a_folder_without_optional_tables_gets_category_defaults_said_aloud(tmp_path):
    # given a folder with sales, regions and products but no crop economics
    folder = write_coop(tmp_path / "coop")
    (folder / CROPS_FILE).unlink()
    # when the evidence is read
    evidence = load_evidence(folder, _artifacts(tmp_path))
    # then every product of a category with defaults has assumed economics, not the demo's rows
    demo = pd.read_csv(DEMO_DATA_DIR / CROPS_FILE)
    assert evidence.crops["assumed"].all()
    assert not set(evidence.crops["source"]) & set(demo["source"])
    assert set(evidence.crops["climate_zone"]) == {"*"}
    # and the evidence lists one assumption per product so covered
    said = [a for a in evidence.assumptions if a.table == CROPS_FILE]
    assert sorted(a.product for a in said) == sorted(evidence.crops["product"])


def test_trained_multipliers_are_read_when_a_run_saved_them(tmp_path):
    folder = write_coop(tmp_path / "coop")
    artifacts = _artifacts(tmp_path)
    pd.DataFrame({"product": ["kiwifruit"], "option": ["dried"], "price_multiplier": [6.0]}).to_csv(
        artifacts / MULTIPLIERS_FILE, index=False
    )
    evidence = load_evidence(folder, artifacts)
    assert evidence.multipliers is not None
    assert evidence.multipliers["price_multiplier"].tolist() == [6.0]


def test_no_forecast_yet_is_a_one_line_error_naming_the_command(tmp_path):
    with pytest.raises(DataError, match="run 'xingnong run' first"):
        load_evidence(write_coop(tmp_path / "coop"), tmp_path / "empty")


@pytest.mark.parametrize("missing", [REGIONS_FILE, PRODUCTS_FILE])
def test_recommendations_need_the_regions_and_products_tables(tmp_path, missing):
    folder = write_coop(tmp_path / "coop")
    (folder / missing).unlink()
    with pytest.raises(DataError, match="needs regions.csv and products.csv"):
        load_evidence(folder, _artifacts(tmp_path))


def test_the_trained_folder_is_forgotten_when_it_is_gone_or_unrecorded(tmp_path):
    folder = write_coop(tmp_path / "coop")
    assert trained_folder({"data_folder": str(folder)}) == folder
    assert trained_folder({"data_folder": str(tmp_path / "gone")}) is None
    assert trained_folder({}) is None
