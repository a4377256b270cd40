"""Tests of pointing MLflow at its tracking store."""

from __future__ import annotations

import mlflow
import pytest
from mlflow import MlflowClient

from recommender import config
from recommender.errors import XingnongError
from recommender.tracking import store


def test_configure_creates_the_folder_and_follows_settings_again(tmp_path):
    # Given a SQLite URI in a folder that does not exist
    uri = f"sqlite:///{tmp_path / 'elsewhere' / 'mlflow.db'}"
    # When configured explicitly, then back to the settings
    chosen = store.configure(uri)
    current = mlflow.get_tracking_uri()
    default = store.configure()
    # Then the folder exists, MLflow used the URI, and None follows the settings again
    assert chosen == uri
    assert current == uri
    assert (tmp_path / "elsewhere").is_dir()
    assert default == config.settings().tracking_uri
    assert mlflow.get_tracking_uri() == default


def test_plain_folder_store_is_refused(tmp_path, monkeypatch):
    # Given a plain folder URI (MLflow 3 refuses file stores)
    monkeypatch.delenv("MLFLOW_ALLOW_FILE_STORE", raising=False)
    # When / then
    with pytest.raises(XingnongError, match="sqlite:///"):
        store.configure(str(tmp_path / "mlruns"))
    store.configure()


def test_ensure_configured_follows_the_settings(tmp_path, monkeypatch):
    # Given MLflow pointed elsewhere than the settings
    mlflow.set_tracking_uri(f"sqlite:///{tmp_path / 'other' / 'mlflow.db'}")
    # When the package makes sure it is configured
    uri = store.ensure_configured()
    # Then it uses the settings' store again
    assert uri == config.settings().tracking_uri
    assert mlflow.get_tracking_uri() == uri


def test_experiments_keep_artifacts_next_to_the_database(tmp_path):
    # Given a SQLite store and an experiment name with characters unfit for a folder
    store.configure(f"sqlite:///{tmp_path / 'db' / 'mlflow.db'}")
    client = MlflowClient()
    try:
        # When the experiment is looked up, created, then looked up again
        missing = store.get_experiment_id(client, "销量 backtest", create=False)
        created = store.get_experiment_id(client, "销量 backtest", create=True)
        found = store.get_experiment_id(client, "销量 backtest", create=False)
        location = client.get_experiment(created).artifact_location
    finally:
        store.configure()
    # Then it is created once, under <db folder>/mlruns with a slug and a digest suffix
    assert missing is None
    assert found == created
    assert location.startswith((tmp_path / "db" / "mlruns").as_uri() + "/backtest-")


def test_a_deleted_experiment_is_restored_only_when_creating(tmp_path):
    # Given a deleted experiment
    client = MlflowClient()
    experiment_id = store.get_experiment_id(client, "old", create=True)
    client.delete_experiment(experiment_id)
    # When it is looked up without and with create
    missing = store.get_experiment_id(client, "old", create=False)
    restored = store.get_experiment_id(client, "old", create=True)
    # Then it is hidden, then restored under the same id
    assert missing is None
    assert restored == experiment_id
    assert client.get_experiment(experiment_id).lifecycle_stage == "active"
