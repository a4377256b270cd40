"""Tests of the model registry on a real SQLite store: versions, aliases, bundles, pyfunc."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import lightgbm
import mlflow
import numpy as np
import pandas as pd
import pytest
from mlflow import MlflowClient
from mlflow.models import Model

from recommender import config
from recommender.bundle import Bundle, bundle_digest
from recommender.errors import BundleError
from recommender.tracking import registry
from recommender.tracking.runs import start_run

pytestmark = pytest.mark.usefixtures("shared_store")

FEATURES = ["f0", "f1", "f2"]

REQUEST = pd.DataFrame({"region": ["洛川"]})


@pytest.fixture(scope="module")
def registered(store, demand_bundle) -> dict:
    """Register version 1 (not champion) then version 2 (champion) of the same bundle."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("MLFLOW_TRACKING_URI", f"sqlite:///{store / 'mlflow.db'}")
        config.settings.cache_clear()
        with start_run("registry", run_name="first"):
            v1 = registry.log_bundle_model(demand_bundle, champion=False)
        after_v1 = registry.champion_version()
        with start_run("registry", run_name="second") as run_id:
            v2 = registry.log_bundle_model(demand_bundle, champion=True, input_example=REQUEST)
        config.settings.cache_clear()
    return {"v1": v1, "v2": v2, "after_v1": after_v1, "run_id": run_id}


def _stored(name: str, alias: str = "champion") -> Path:
    """The registry's own folder of ``name@alias`` (a local store is read in place)."""
    version = MlflowClient().get_model_version_by_alias(name, alias)
    return Path(mlflow.artifacts.download_artifacts(f"models:/{name}/{version.version}"))


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


def test_pyfunc_champion_loads_and_predicts(registered):
    # Given the champion / When MLflow loads it as a pyfunc model and asks for one county
    model = mlflow.pyfunc.load_model(f"models:/{config.REGISTERED_DEMAND_MODEL}@champion")
    served = model.predict(REQUEST)
    # Then it serves that county's forecast, through this package's loader and no logged code
    assert served["forecast"].tolist() == [20.0, 21.0]
    flavor = Model.load(str(_stored(config.REGISTERED_DEMAND_MODEL))).flavors["python_function"]
    assert flavor["loader_module"] == registry.LOADER_MODULE
    assert not flavor.get("code") and "model_code_path" not in flavor
    assert not list(_stored(config.REGISTERED_DEMAND_MODEL).rglob("*.py"))


def test_missing_model_or_alias_is_a_bundle_error(registered):
    # Given a registry with xingnong-demand@champion only / When / Then
    with pytest.raises(BundleError, match="no registered model named 'nope'"):
        registry.load_registered_bundle("nope")
    with pytest.raises(BundleError, match="no version with alias @staging"):
        registry.load_registered_bundle(alias="staging")
    assert registry.champion_version("nope") is None
    assert registry.champion_version(alias="staging") is None


def test_tampered_bundle_is_not_logged(demand_bundle, tmp_path):
    # Given a copy of the bundle with a changed model file
    copy = tmp_path / "demand"
    shutil.copytree(demand_bundle, copy)
    with (copy / "model_point.txt").open("a", encoding="utf-8") as handle:
        handle.write("\n")
    query = f"name='{config.REGISTERED_DEMAND_MODEL}'"
    before = len(MlflowClient().search_model_versions(query))
    # When it is logged / Then it is refused before anything is registered
    with start_run("registry", run_name="tampered"), pytest.raises(BundleError):
        registry.log_bundle_model(copy, champion=True)
    assert len(MlflowClient().search_model_versions(query)) == before


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


def test_a_bundle_changed_in_the_store_is_refused_by_every_loader(demand_bundle, tmp_path):
    # given a demand bundle registered, then one byte of its forecast changed in the store
    name = "xingnong-demand-changed"
    with start_run("registry", run_name="changed"):
        registry.log_bundle_model(demand_bundle, registered_name=name, champion=True)
    stored = _stored(name)
    with next(stored.rglob("table_forecast.parquet")).open("ab") as handle:
        handle.write(b"\0")
    # when MLflow loads it (as `mlflow models serve` does), or the verifying loader does
    # then both refuse it before serving anything
    with pytest.raises(BundleError, match="table_forecast.parquet"):
        mlflow.pyfunc.load_model(f"models:/{name}@champion")
    with pytest.raises(BundleError, match="table_forecast.parquet"):
        registry.load_registered_model(name)


def test_an_mlmodel_naming_other_code_is_refused(demand_bundle, tmp_path):
    # given a registered version whose MLmodel was edited to load through another module
    name = "xingnong-demand-other-loader"
    with start_run("registry", run_name="other-loader"):
        registry.log_bundle_model(demand_bundle, registered_name=name, champion=True)
    mlmodel = _stored(name) / "MLmodel"
    mlmodel.write_text(mlmodel.read_text().replace(registry.LOADER_MODULE, "mlflow.sklearn"))
    # when the verifying loader loads it / then it is refused in one line
    with pytest.raises(BundleError, match="names code other than this package's loader"):
        registry.load_registered_model(name, dst=tmp_path / "dl")


def _log_from_code(bundle: Path, name: str) -> None:
    """Register ``bundle`` as earlier releases did: a models-from-code file and an artifact."""
    with start_run("registry", run_name=f"{name}-from-code"):
        mlflow.pyfunc.log_model(
            name=registry.MODEL_NAME,
            python_model=str(registry.PYFUNC_FILE),
            artifacts={registry.BUNDLE_ARTIFACT: str(bundle)},
            registered_model_name=name,
        )
    (version,) = MlflowClient().search_model_versions(f"name='{name}'")
    MlflowClient().set_registered_model_alias(name, "champion", version.version)


def test_a_version_logged_from_code_loads_while_its_file_is_unchanged(demand_bundle, tmp_path):
    # given a demand bundle registered by an earlier release, with the serving file
    name = "xingnong-demand-guarded"
    _log_from_code(demand_bundle, name)
    # when it is loaded through the verifying loader / then it serves
    model = registry.load_registered_model(name, dst=tmp_path / "ok")
    assert model.predict(REQUEST)["forecast"].tolist() == [20.0, 21.0]
    assert registry.load_registered_bundle(name).digest == bundle_digest(demand_bundle)
    # given its logged serving file edited in the store (code that would run on load)
    marker = tmp_path / "ran"
    code = _stored(name) / "pyfunc_model.py"
    code.write_text(code.read_text() + f"\nopen({str(marker)!r}, 'w').close()\n")
    # when it is loaded again / then it is refused and the edited code never ran
    with pytest.raises(BundleError, match="serving file pyfunc_model.py differs"):
        registry.load_registered_model(name)
    assert not marker.exists()


def _serve(name: str, store: Path) -> tuple[subprocess.Popen, int]:
    """Start `mlflow models serve` on ``name@champion`` on a free port of 127.0.0.1."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    bin_dir = Path(sys.executable).parent  # as after `. .venv/bin/activate` (uvicorn is here)
    env = dict(
        os.environ,
        MLFLOW_TRACKING_URI=f"sqlite:///{store / 'mlflow.db'}",
        PATH=f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}",
    )
    cmd = [str(bin_dir / "mlflow"), "models", "serve", "-m",
           f"models:/{name}@champion", "--env-manager", "local", "-h", "127.0.0.1",
           "-p", str(port)]  # fmt: skip
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    return proc, port


def _invoke(port: int, proc: subprocess.Popen) -> list[dict] | None:
    """POST one county to the server once it answers (None when the server exits first)."""
    body = json.dumps({"dataframe_records": [{"region": "洛川"}]}).encode()
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline and proc.poll() is None:
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}/invocations",
            data=body,
            headers={"Content-Type": "application/json"},
        )
        try:
            with urllib.request.urlopen(request, timeout=5) as answer:
                return json.loads(answer.read())["predictions"]
        except OSError:
            time.sleep(0.5)
    return None


@pytest.mark.timeout(240)
def test_mlflow_models_serve_serves_a_verified_bundle_and_refuses_a_changed_one(
    store, demand_bundle
):
    # given a demand bundle registered as champion
    name = "xingnong-demand-served"
    with start_run("registry", run_name="served"):
        registry.log_bundle_model(demand_bundle, registered_name=name, champion=True)
    # when `mlflow models serve` runs it and a county is asked for
    proc, port = _serve(name, store)
    try:
        answer = _invoke(port, proc)
    finally:
        proc.terminate()
        said = proc.communicate(timeout=30)[0].decode("utf-8", "replace")
    # then that county's forecast is served
    assert answer is not None, said[-2000:]
    assert [row["forecast"] for row in answer] == [20.0, 21.0]
    # given one byte of its bundle changed in the store
    with next(_stored(name).rglob("table_forecast.parquet")).open("ab") as handle:
        handle.write(b"\0")
    # when it is served again / then the server refuses to start, naming the changed file
    proc, port = _serve(name, store)
    try:
        assert _invoke(port, proc) is None
        output = proc.communicate(timeout=60)[0].decode("utf-8", "replace")
    finally:
        proc.kill()
    assert proc.returncode != 0
    assert "table_forecast.parquet" in output
