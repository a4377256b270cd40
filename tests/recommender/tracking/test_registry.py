"""Tests of the model registry on a real SQLite store: versions, aliases, bundles, pyfunc."""

from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

import lightgbm
import mlflow
import numpy as np
import pandas as pd
import pytest
from mlflow import MlflowClient

from recommender import config
from recommender.bundle import Bundle, bundle_digest
from recommender.errors import BundleError
from recommender.tracking import registry
from recommender.tracking.runs import start_run

pytestmark = pytest.mark.usefixtures("shared_store")

FEATURES = ["f0", "f1", "f2"]

SERVING_MODEL = textwrap.dedent(
    '''
    """A minimal serving model: predicts with the bundle's point booster."""

    import mlflow
    import numpy as np
    import pandas as pd
    from mlflow.pyfunc import PythonModel

    from recommender.bundle import load_bundle


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
def serving_model(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("serving") / "serving_model.py"
    path.write_text(SERVING_MODEL, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def registered(store, demand_bundle, serving_model, frame) -> dict:
    """Register version 1 (not champion) then version 2 (champion) of the same bundle."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("MLFLOW_TRACKING_URI", f"sqlite:///{store / 'mlflow.db'}")
        config.settings.cache_clear()
        with start_run("registry", run_name="first"):
            v1 = registry.log_bundle_model(
                demand_bundle, champion=False, python_model=serving_model
            )
        after_v1 = registry.champion_version()
        with start_run("registry", run_name="second") as run_id:
            v2 = registry.log_bundle_model(
                demand_bundle,
                champion=True,
                python_model=serving_model,
                input_example=frame[FEATURES].head(3),
            )
        config.settings.cache_clear()
    return {"v1": v1, "v2": v2, "after_v1": after_v1, "run_id": run_id}


def test_versions_and_champion_alias(registered, demand_bundle):
    # Given version 1 logged without and version 2 with champion=True
    # When the champion is looked up
    champion = registry.champion_version()
    # Then version 1 had no alias and version 2 is the champion, tagged with the bundle digest
    assert (registered["v1"], registered["v2"]) == ("1", "2")
    assert registered["after_v1"] is None
    assert champion["version"] == "2"
    assert champion["run_id"] == registered["run_id"]
    assert champion["bundle_digest"] == bundle_digest(demand_bundle)
    assert champion["created_at"].tzinfo is not None
    assert champion["model_uri"] == f"models:/{config.REGISTERED_DEMAND_MODEL}@champion"


def test_promote_moves_the_alias(registered):
    # Given version 2 is champion
    # When version 1 is promoted, then version 2 again
    registry.promote("1")
    moved = registry.champion_version()["version"]
    registry.promote(2)
    # Then the alias followed
    assert moved == "1"
    assert registry.champion_version()["version"] == "2"
    with pytest.raises(BundleError, match="no version 99"):
        registry.promote(99)


def test_load_registered_bundle_is_verified_and_predicts_identically(
    registered, demand_bundle, frame, tmp_path
):
    # Given the champion registered from a bundle
    # When its bundle is loaded from the registry, in place and into a folder
    loaded = registry.load_registered_bundle()
    copied = registry.load_registered_bundle(dst=tmp_path / "download")
    # Then it is the same bundle and predicts identically
    expected = lightgbm.Booster(model_file=str(demand_bundle / "model_point.txt"))
    for bundle in (loaded, copied):
        assert isinstance(bundle, Bundle)
        assert bundle.digest == bundle_digest(demand_bundle)
        np.testing.assert_array_equal(
            bundle.boosters["point"].predict(frame[FEATURES]), expected.predict(frame[FEATURES])
        )
    assert copied.path.is_relative_to(tmp_path / "download")


def test_pyfunc_champion_loads_and_predicts(registered, demand_bundle, frame):
    # Given the champion / When MLflow loads it as a pyfunc model
    model = mlflow.pyfunc.load_model(f"models:/{config.REGISTERED_DEMAND_MODEL}@champion")
    predictions = model.predict(frame[FEATURES])
    # Then it predicts like the bundle's booster
    expected = lightgbm.Booster(model_file=str(demand_bundle / "model_point.txt"))
    np.testing.assert_allclose(np.asarray(predictions), expected.predict(frame[FEATURES]))


def test_missing_model_or_alias_is_a_bundle_error(registered):
    # Given a registry with xingnong-demand@champion only / When / Then
    with pytest.raises(BundleError, match="no registered model named 'nope'"):
        registry.load_registered_bundle("nope")
    with pytest.raises(BundleError, match="no version with alias @staging"):
        registry.load_registered_bundle(alias="staging")
    assert registry.champion_version("nope") is None
    assert registry.champion_version(alias="staging") is None


def test_tampered_bundle_is_not_logged(demand_bundle, serving_model, tmp_path):
    # Given a copy of the bundle with a changed model file
    copy = tmp_path / "demand"
    shutil.copytree(demand_bundle, copy)
    with (copy / "model_point.txt").open("a", encoding="utf-8") as handle:
        handle.write("\n")
    query = f"name='{config.REGISTERED_DEMAND_MODEL}'"
    before = len(MlflowClient().search_model_versions(query))
    # When it is logged / Then it is refused before anything is registered
    with start_run("registry", run_name="tampered"), pytest.raises(BundleError):
        registry.log_bundle_model(copy, champion=True, python_model=serving_model)
    assert len(MlflowClient().search_model_versions(query)) == before


def test_python_model_must_be_a_code_file(demand_bundle, tmp_path):
    # Given a run / When python_model is not an existing .py file / Then a clear error
    with start_run("registry", run_name="no-code"), pytest.raises(ValueError, match=".py file"):
        registry.log_bundle_model(demand_bundle, champion=False, python_model=tmp_path / "no.py")


def test_logging_a_model_outside_a_run_is_refused(demand_bundle):
    # Given no active run / When / Then
    with pytest.raises(RuntimeError, match="no active MLflow run"):
        registry.log_bundle_model(demand_bundle, champion=False)


def test_the_entry_file_ships_inside_the_package():
    # Given the package / When its models-from-code file is looked up / Then it is there
    assert registry.PYFUNC_FILE.is_file()
    assert registry.PYFUNC_FILE.parent == Path(registry.__file__).parent


def test_default_model_is_the_package_entry_and_serves_the_forecast(demand_bundle):
    # Given a demand bundle logged without python_model, under its own registered name
    name = "xingnong-demand-default"
    with start_run("registry", run_name="default-entry"):
        version = registry.log_bundle_model(demand_bundle, registered_name=name, champion=True)
    # When MLflow loads the champion as a pyfunc model and asks for one county
    model = mlflow.pyfunc.load_model(f"models:/{name}@champion")
    served = model.predict(pd.DataFrame({"region": ["洛川"]}))
    # Then it was registered, and serves that county's forecast through DemandPyfunc
    assert version == "1"
    assert registry.champion_version(name)["bundle_digest"] == bundle_digest(demand_bundle)
    assert served["region"].tolist() == ["洛川", "洛川"]
    assert served["date"].tolist() == ["2024-06-02", "2024-06-09"]
    assert served["forecast"].tolist() == [20.0, 21.0]


def test_a_changed_serving_file_is_refused_before_mlflow_runs_it(demand_bundle, tmp_path):
    # given a demand bundle logged with the package's own serving file
    name = "xingnong-demand-guarded"
    with start_run("registry", run_name="guarded"):
        registry.log_bundle_model(demand_bundle, registered_name=name, champion=True)
    # when it is loaded through the verifying loader / then it serves
    model = registry.load_registered_model(name, dst=tmp_path / "ok")
    assert model.predict(pd.DataFrame({"region": ["洛川"]}))["forecast"].tolist() == [20.0, 21.0]
    # given its logged serving file edited in the store (code that would run on load)
    version = MlflowClient().get_model_version_by_alias(name, "champion")
    stored = Path(mlflow.artifacts.download_artifacts(f"models:/{name}/{version.version}"))
    marker = tmp_path / "ran"
    code = stored / "pyfunc_model.py"
    code.write_text(code.read_text() + f"\nopen({str(marker)!r}, 'w').close()\n")
    # when it is loaded again / then it is refused and the edited code never ran
    with pytest.raises(BundleError, match="serving file pyfunc_model.py differs"):
        registry.load_registered_model(name)
    assert not marker.exists()
