"""Tests of the "models from code" entry file that versions registered by earlier releases carry."""

from __future__ import annotations

import hashlib
import runpy

import mlflow

from recommender.tracking.registry import PYFUNC_FILE
from recommender.tracking.serving import DemandPyfunc

CONTRACT = "from recommender.tracking import set_demand_model"


def test_the_entry_file_keeps_the_import_registered_models_rely_on():
    # Given the entry file / When read / Then it imports set_demand_model from the package
    lines = PYFUNC_FILE.read_text(encoding="utf-8").splitlines()
    assert CONTRACT in lines
    assert "set_demand_model()" in lines


def test_running_the_entry_file_declares_the_demand_pyfunc(monkeypatch):
    # Given MLflow's set_model recorded
    declared = []
    monkeypatch.setattr(mlflow.models, "set_model", declared.append)
    # When MLflow would run the file
    runpy.run_path(str(PYFUNC_FILE))
    # Then it declared one DemandPyfunc
    assert [type(model) for model in declared] == [DemandPyfunc]


def test_the_entry_file_never_changes_a_byte():
    # Given versions registered by earlier releases, each with a copy of this file
    # When the file is hashed / Then it is the bytes they carry (a change would lock them out)
    digest = hashlib.sha256(PYFUNC_FILE.read_bytes()).hexdigest()
    assert digest == "6380322665044330607229ab95192be8c972d199ba20f70c66a12f85f123162b"
