"""Tests of the pyfunc model that serves a demand bundle's forecast."""

from __future__ import annotations

import shutil
from types import SimpleNamespace

import mlflow
import pandas as pd
import pytest

from recommender.errors import BundleError
from recommender.tracking import serving


@pytest.fixture(scope="module")
def model(demand_bundle) -> serving.DemandPyfunc:
    loaded = serving.DemandPyfunc()
    loaded.load_context(SimpleNamespace(artifacts={"bundle": str(demand_bundle)}))
    return loaded


def test_the_loader_module_entry_serves_the_same_rows(model, demand_bundle):
    # Given the bundle loaded as MLflow's loader module does, and as a models-from-code model
    loaded = serving._load_pyfunc(str(demand_bundle))
    request = pd.DataFrame({"region": ["兴平", "洛川"]})
    # When both answer one request / Then the rows are the same
    assert isinstance(loaded, serving.DemandForecasts)
    pd.testing.assert_frame_equal(loaded.predict(request), model.predict(None, request))


def test_rows_naming_a_series_get_its_forecast(model):
    # Given a request for one county
    request = pd.DataFrame({"region": ["兴平"]})
    # When the model predicts
    served = model.predict(None, request)
    # Then that county's forecast comes back, series columns first, dates as ISO strings
    assert list(served.columns) == ["region", "product", *serving.SERVED_COLUMNS]
    assert served["region"].tolist() == ["兴平", "兴平"]
    assert served["date"].tolist() == ["2024-06-02", "2024-06-09"]
    assert served["h"].tolist() == [1, 2]
    assert served["forecast"].tolist() == [10.0, 11.0]
    assert served[["lo", "hi"]].to_numpy().tolist() == [[8.0, 12.0], [9.0, 13.0]]


def test_rows_match_on_every_key_given_and_duplicates_count_once(model):
    # Given a request naming both series by region and product, one of them twice
    request = pd.DataFrame({"region": ["洛川", "兴平", "洛川"], "product": "苹果"})
    # When / Then both series, each once
    served = model.predict(None, request)
    assert served["region"].tolist() == ["洛川", "洛川", "兴平", "兴平"]


def test_no_key_column_returns_every_series_and_unknown_series_nothing(model):
    # Given a request without series columns, and one for an unknown county
    everything = model.predict(None, pd.DataFrame({"other": [1]}))
    nothing = model.predict(None, pd.DataFrame({"region": ["西安"]}))
    # Then all four rows, then none
    assert len(everything) == 4
    assert nothing.empty
    assert list(nothing.columns) == list(everything.columns)


def test_a_tampered_bundle_is_not_served(demand_bundle, tmp_path):
    # Given a copy of the bundle with a changed table
    copy = tmp_path / "bundle"
    shutil.copytree(demand_bundle, copy)
    with (copy / "table_forecast.parquet").open("ab") as handle:
        handle.write(b"\0")
    # When / Then loading refuses it, by either entry
    with pytest.raises(BundleError):
        serving.DemandPyfunc().load_context(SimpleNamespace(artifacts={"bundle": str(copy)}))
    with pytest.raises(BundleError):
        serving._load_pyfunc(str(copy))


def test_set_demand_model_declares_the_demand_pyfunc(monkeypatch):
    # Given MLflow's set_model recorded
    declared = []
    monkeypatch.setattr(mlflow.models, "set_model", declared.append)
    # When the demand model is declared
    serving.set_demand_model()
    # Then it is one DemandPyfunc
    assert len(declared) == 1
    assert isinstance(declared[0], serving.DemandPyfunc)
