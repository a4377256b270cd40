"""Tests of the MLflow layer on a real SQLite store: runs, artifacts and the model registry."""

from __future__ import annotations

import math
import shutil
import textwrap
from pathlib import Path

import lightgbm
import matplotlib
import mlflow
import numpy as np
import pandas as pd
import pytest
from mlflow import MlflowClient

from recommender import config
from recommender.bundle.folder import Bundle, bundle_digest, save_bundle
from recommender.errors import BundleError, XingnongError
from recommender.tracking import mlflow_tracking as tracking

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

FEATURES = ["f0", "f1", "f2"]

SERVING_MODEL = textwrap.dedent(
    '''
    """A minimal serving model: predicts with the bundle's point booster."""

    import mlflow
    import numpy as np
    import pandas as pd
    from mlflow.pyfunc import PythonModel

    from recommender.bundle.folder import load_bundle


    class DemandModel(PythonModel):
        def load_context(self, context):
            self.bundle = load_bundle(context.artifacts["bundle"])

        def predict(self, context, model_input: pd.DataFrame, params=None) -> np.ndarray:
            features = self.bundle.metadata["features"]
            return self.bundle.boosters["point"].predict(model_input[features])


    mlflow.models.set_model(DemandModel())
    '''
)


@pytest.fixture(scope="module")
def store(tmp_path_factory) -> Path:
    """One SQLite store for the module (creating one costs seconds)."""
    return tmp_path_factory.mktemp("store")


@pytest.fixture(autouse=True)
def _use_store(store, monkeypatch):
    # Runs after the conftest's per-test store: point every test at the shared one.
    monkeypatch.setenv("MLFLOW_TRACKING_URI", f"sqlite:///{store / 'mlflow.db'}")
    config.settings.cache_clear()
    yield
    config.settings.cache_clear()


@pytest.fixture(scope="module")
def frame() -> pd.DataFrame:
    rng = np.random.default_rng(11)
    data = pd.DataFrame(rng.normal(size=(200, 3)), columns=FEATURES)
    data["y"] = data["f0"] * 3 + rng.normal(scale=0.1, size=200)
    return data


@pytest.fixture(scope="module")
def bundle_path(tmp_path_factory, frame) -> Path:
    params = {
        "objective": "regression",
        "seed": 3,
        "deterministic": True,
        "force_row_wise": True,
        "num_threads": 1,
        "verbosity": -1,
    }
    booster = lightgbm.train(params, lightgbm.Dataset(frame[FEATURES], frame["y"]), 10)
    dest = tmp_path_factory.mktemp("bundles") / "demand"
    return save_bundle(dest, boosters={"point": booster}, metadata={"features": FEATURES})


@pytest.fixture(scope="module")
def serving_model(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("serving") / "serving_model.py"
    path.write_text(SERVING_MODEL, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def registry(store, bundle_path, serving_model, frame) -> dict:
    """Register version 1 (not champion) then version 2 (champion) of the same bundle."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("MLFLOW_TRACKING_URI", f"sqlite:///{store / 'mlflow.db'}")
        config.settings.cache_clear()
        with tracking.start_run("registry", run_name="first"):
            v1 = tracking.log_bundle_model(bundle_path, champion=False, python_model=serving_model)
        after_v1 = tracking.champion_version()
        with tracking.start_run("registry", run_name="second") as run_id:
            v2 = tracking.log_bundle_model(
                bundle_path,
                champion=True,
                python_model=serving_model,
                input_example=frame[FEATURES].head(3),
            )
        config.settings.cache_clear()
    return {"v1": v1, "v2": v2, "after_v1": after_v1, "run_id": run_id}


def test_configure_creates_the_folder_and_follows_settings_again(tmp_path):
    # Given a SQLite URI in a folder that does not exist
    uri = f"sqlite:///{tmp_path / 'elsewhere' / 'mlflow.db'}"
    # When configured explicitly, then back to the settings
    chosen = tracking.configure(uri)
    current = mlflow.get_tracking_uri()
    default = tracking.configure()
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
        tracking.configure(str(tmp_path / "mlruns"))
    tracking.configure()


def test_run_logs_everything_and_runs_table_shows_it(store, tmp_path):
    # Given a folder of extra files and a figure
    extra = tmp_path / "extra"
    extra.mkdir()
    (extra / "notes.txt").write_text("兴农", encoding="utf-8")
    fig, ax = plt.subplots()
    ax.plot([1, 2, 3])
    # When a run logs params, metrics, tags and artifacts
    with tracking.start_run("backtest", run_name="run-1", tags={"cooperative": "c01"}) as run_id:
        tracking.log_params({"learning_rate": 0.05, "lags": [1, 2, 52]})
        logged = tracking.log_metrics({"wape": 0.21, "mae": float("nan"), "rmse": math.inf})
        tracking.log_metrics({"wape": 0.25}, step=1)
        tracking.set_tags({"data_digest": "abc123"})
        tracking.log_table(pd.DataFrame({"sku": ["苹果", "梨"], "y": [1.0, 2.0]}), "fc/f.csv")
        tracking.log_table(pd.DataFrame({"y": [1.0]}), "fc/f.parquet")
        tracking.log_figure(fig, "plots/line.png")
        tracking.log_dict({"horizon": 8}, "config.json")
        tracking.log_artifacts(extra, "extra")
    plt.close(fig)
    # Then the runs table shows the run with its params, metrics and tags
    table = tracking.runs_table("backtest")
    row = table.set_index("run_id").loc[run_id]
    assert list(table.columns[:5]) == ["run_id", "run_name", "start_time", "end_time", "status"]
    assert row["run_name"] == "run-1"
    assert row["status"] == "FINISHED"
    assert row["params.learning_rate"] == "0.05"
    assert row["params.lags"] == "[1, 2, 52]"
    assert row["metrics.wape"] == pytest.approx(0.25)
    assert row["tags.cooperative"] == "c01"
    assert row["tags.data_digest"] == "abc123"
    assert not any(c.startswith("tags.mlflow.") for c in table.columns)
    # And non-finite metrics were skipped, not logged
    assert logged == {"wape": 0.21}
    assert "metrics.mae" not in table.columns and "metrics.rmse" not in table.columns
    # And the artifacts are there, next to the database rather than in the working directory
    client = MlflowClient()
    names = {a.path for a in client.list_artifacts(run_id)}
    assert {"fc", "plots", "config.json", "extra"} <= names
    assert {a.path for a in client.list_artifacts(run_id, "fc")} == {"fc/f.csv", "fc/f.parquet"}
    assert client.get_run(run_id).info.artifact_uri.startswith((store / "mlruns").as_uri())
    history = client.get_metric_history(run_id, "wape")
    assert sorted(m.step for m in history) == [0, 1]


def test_metric_names_are_sanitised():
    # Given names MLflow would reject
    with tracking.start_run("names") as run_id:
        # When they are logged
        logged = tracking.log_metrics({"mape%": 1.0, "../up": 2.0, "a//b": 3.0, "销量 mae": 4.0})
    # Then they are renamed to valid names and stored
    assert logged == {"mape_": 1.0, "up": 2.0, "a/b": 3.0, "销量 mae": 4.0}
    assert MlflowClient().get_run(run_id).data.metrics == logged


def test_non_numeric_metric_is_a_type_error():
    # Given a run / When a metric is a string / Then a clear error
    with tracking.start_run("names"), pytest.raises(TypeError, match="not a number"):
        tracking.log_metrics({"wape": "0.2"})


def test_failing_block_marks_the_run_failed():
    # Given a run whose block raises
    with pytest.raises(ValueError, match="boom"), tracking.start_run("failing") as run_id:
        raise ValueError("boom")
    # Then the exception propagated and the run is FAILED, and no run remains active
    assert MlflowClient().get_run(run_id).info.status == "FAILED"
    assert tracking.runs_table("failing")["status"].tolist() == ["FAILED"]
    assert mlflow.active_run() is None


def test_logging_outside_a_run_is_refused():
    # Given no active run / When / Then
    with pytest.raises(RuntimeError, match="no active MLflow run"):
        tracking.log_metrics({"wape": 0.1})


def test_runs_table_of_unknown_experiment_is_empty():
    # Given no such experiment / When / Then
    table = tracking.runs_table("does-not-exist")
    assert table.empty
    assert list(table.columns) == ["run_id", "run_name", "start_time", "end_time", "status"]


def test_versions_and_champion_alias(registry, bundle_path):
    # Given version 1 logged without and version 2 with champion=True
    # When the champion is looked up
    champion = tracking.champion_version()
    # Then version 1 had no alias and version 2 is the champion, tagged with the bundle digest
    assert (registry["v1"], registry["v2"]) == ("1", "2")
    assert registry["after_v1"] is None
    assert champion["version"] == "2"
    assert champion["run_id"] == registry["run_id"]
    assert champion["bundle_digest"] == bundle_digest(bundle_path)
    assert champion["created_at"].tzinfo is not None


def test_promote_moves_the_alias(registry):
    # Given version 2 is champion
    # When version 1 is promoted, then version 2 again
    tracking.promote("1")
    moved = tracking.champion_version()["version"]
    tracking.promote(2)
    # Then the alias followed
    assert moved == "1"
    assert tracking.champion_version()["version"] == "2"
    with pytest.raises(BundleError, match="no version 99"):
        tracking.promote(99)


def test_load_registered_bundle_is_verified_and_predicts_identically(
    registry, bundle_path, frame, tmp_path
):
    # Given the champion registered from a bundle
    # When its bundle is loaded from the registry, in place and into a folder
    loaded = tracking.load_registered_bundle()
    copied = tracking.load_registered_bundle(dst=tmp_path / "download")
    # Then it is the same bundle and predicts identically
    expected = lightgbm.Booster(model_file=str(bundle_path / "model_point.txt"))
    for bundle in (loaded, copied):
        assert isinstance(bundle, Bundle)
        assert bundle.digest == bundle_digest(bundle_path)
        np.testing.assert_array_equal(
            bundle.boosters["point"].predict(frame[FEATURES]), expected.predict(frame[FEATURES])
        )
    assert copied.path.is_relative_to(tmp_path / "download")


def test_pyfunc_champion_loads_and_predicts(registry, bundle_path, frame):
    # Given the champion / When MLflow loads it as a pyfunc model
    model = mlflow.pyfunc.load_model(f"models:/{config.REGISTERED_DEMAND_MODEL}@champion")
    predictions = model.predict(frame[FEATURES])
    # Then it predicts like the bundle's booster
    expected = lightgbm.Booster(model_file=str(bundle_path / "model_point.txt"))
    np.testing.assert_allclose(np.asarray(predictions), expected.predict(frame[FEATURES]))


def test_missing_model_or_alias_is_a_bundle_error(registry):
    # Given a registry with xingnong-demand@champion only / When / Then
    with pytest.raises(BundleError, match="no registered model named 'nope'"):
        tracking.load_registered_bundle("nope")
    with pytest.raises(BundleError, match="no version with alias @staging"):
        tracking.load_registered_bundle(alias="staging")
    assert tracking.champion_version("nope") is None
    assert tracking.champion_version(alias="staging") is None


def test_tampered_bundle_is_not_logged(bundle_path, serving_model, tmp_path):
    # Given a copy of the bundle with a changed model file
    copy = tmp_path / "demand"
    shutil.copytree(bundle_path, copy)
    with (copy / "model_point.txt").open("a", encoding="utf-8") as handle:
        handle.write("\n")
    query = f"name='{config.REGISTERED_DEMAND_MODEL}'"
    before = len(MlflowClient().search_model_versions(query))
    # When it is logged / Then it is refused before anything is registered
    with tracking.start_run("registry", run_name="tampered"), pytest.raises(BundleError):
        tracking.log_bundle_model(copy, champion=True, python_model=serving_model)
    assert len(MlflowClient().search_model_versions(query)) == before


def test_python_model_must_be_a_code_file(bundle_path):
    # Given a run / When python_model is missing / Then a clear error
    with tracking.start_run("registry", run_name="no-code"), pytest.raises(ValueError):
        tracking.log_bundle_model(bundle_path, champion=False)
