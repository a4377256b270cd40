import errno
import json

import mlflow
import pandas as pd
import pytest
from mlflow.store.artifact.local_artifact_repo import LocalArtifactRepository
from mlflow.tracking._tracking_service.client import TrackingServiceClient

from pipelines.cli import main
from recommender import load_bundle
from recommender.config import settings
from recommender.errors import BundleError
from recommender.forecast.forecaster import DemandForecaster
from recommender.tracking import champion_version, runs_table
from recommender.tracking.runs import INTERRUPTED_TAG
from tests.helpers import sales_with_user_keys

SMALL = ["--freq", "W-SUN", "--horizon", "4", "--folds", "2"]


@pytest.fixture
def trained(tmp_path, tiny_sales_csv):
    bundle = tmp_path / "models" / "demand"
    code = main(
        ["train", "demand", "--sales", str(tiny_sales_csv), "--bundle", str(bundle), *SMALL]
    )
    return code, bundle


def test_train_saves_a_verified_bundle_that_reproduces_its_forecast(trained):
    code, bundle = trained
    assert code == 0
    # when another service loads the bundle with one call
    loaded = load_bundle(bundle)
    meta = loaded.metadata
    # then the metadata documents the model
    assert meta["schema_version"] == 1
    assert len(meta["data_digest"]) == 64
    assert meta["forecaster"]["feature_names"] == loaded.boosters["point"].feature_name()
    assert "lightgbm" in meta["library_versions"]
    assert meta["metrics"]["overall"]["forecast"]["wape"] > 0
    # and recomputing the forecast from the bundle gives the saved forecast
    again = DemandForecaster.from_bundle(loaded).predict()
    saved = loaded.tables["forecast"]
    pd.testing.assert_frame_equal(again.reset_index(drop=True), saved, check_dtype=False)
    assert (again["hi"] >= again["forecast"]).all() and (again["lo"] >= 0).all()


def test_a_changed_bundle_file_is_refused(trained):
    _, bundle = trained
    meta = bundle / "metadata.json"
    data = json.loads(meta.read_text())
    data["forecaster"]["weights"] = {"lgb": 1.0, "ets": 0.0, "theta": 0.0}
    meta.write_text(json.dumps(data))
    with pytest.raises(BundleError, match="metadata.json"):
        load_bundle(bundle)


def test_train_logs_the_run_and_registers_the_model(trained):
    code, bundle = trained
    assert code == 0
    # then MLflow has one finished run with per-fold and overall metrics and the digest
    runs = runs_table("xingnong-demand")
    assert len(runs) == 1
    run = runs.iloc[0]
    assert run["status"] == "FINISHED"
    assert run["metrics.forecast_wape"] > 0 and run["metrics.ets_wape"] > 0
    assert len(run["tags.data_digest"]) == 64
    assert run["tags.version.lightgbm"] and run["tags.version.pandas"]
    client = mlflow.MlflowClient()
    # the run's headline value is the overall one; the folds are a separate, stepped metric
    overall = load_bundle(bundle).metadata["metrics"]["overall"]
    assert run["metrics.forecast_wape"] == pytest.approx(overall["forecast"]["wape"])
    history = client.get_metric_history(run["run_id"], "forecast_wape")
    assert [m.step for m in history] == [0]
    folds = client.get_metric_history(run["run_id"], "fold_forecast_wape")
    assert sorted(m.step for m in folds) == [1, 2]
    # and the blend's regret, overall and per fold, with the warm-up it had
    assert run["metrics.regret"] == pytest.approx(
        overall["forecast"]["wape"]
        / min(overall[m]["wape"] for m in ("lgb", "ets", "theta", "seasonal_naive"))
    )
    assert len(client.get_metric_history(run["run_id"], "fold_regret")) == 2
    assert int(run["params.warmup_windows"]) >= 2
    artifacts = {a.path for a in client.list_artifacts(run["run_id"])}
    assert {"metrics.json", "backtest.csv", "forecast.png", "feature_importance.png"} <= artifacts
    # and the model is registered; @champion only if the backtest beat the baselines
    versions = client.search_model_versions("name='xingnong-demand'")
    assert len(versions) == 1
    beats = run["tags.beats_baselines"] == "True"
    champion = champion_version()
    assert (champion is not None) == beats


def test_the_registered_model_serves_forecasts_through_pyfunc(trained):
    # when the registered version is loaded the way MLflow serving loads it
    model = mlflow.pyfunc.load_model("models:/xingnong-demand/1")
    out = model.predict(pd.DataFrame({"region": ["county0"], "product": ["prod0"]}))
    # then it answers with that series' forecast rows
    assert list(out.columns) == ["region", "product", "date", "h", "forecast", "lo", "hi", "method"]
    assert len(out) == 4
    assert set(out["region"]) == {"county0"} and set(out["product"]) == {"prod0"}
    assert (out["forecast"] >= 0).all()


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_mlflow_models_serve_answers_with_forecasts(trained, tmp_path):
    import json as _json
    import os
    import subprocess
    import sys
    import time
    import urllib.request
    from pathlib import Path

    # given the registered model served by MLflow's own server on loopback
    port = _free_port()
    env = dict(os.environ, PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}")
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "mlflow",
            "models",
            "serve",
            "-m",
            "models:/xingnong-demand/1",
            "--env-manager",
            "local",
            "-h",
            "127.0.0.1",
            "-p",
            str(port),
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/ping", timeout=2)
                break
            except OSError:
                assert server.poll() is None, "the server exited"
                time.sleep(0.5)
        # when a service asks for one series
        body = _json.dumps({"dataframe_records": [{"region": "county1", "product": "prod0"}]})
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}/invocations",
            data=body.encode(),
            headers={"Content-Type": "application/json"},
        )
        answer = _json.loads(urllib.request.urlopen(request, timeout=30).read())
    finally:
        server.terminate()
        server.wait(timeout=30)
    # then it gets that series' four forecast weeks
    rows = answer["predictions"]
    assert len(rows) == 4
    assert {r["region"] for r in rows} == {"county1"}
    assert all(r["lo"] <= r["forecast"] <= r["hi"] for r in rows)


def test_keys_as_given_reach_mlflow_and_the_served_model(tmp_path):
    # given sales whose keys have case, brackets, spaces, CJK and a "|"
    sales = sales_with_user_keys()
    path = tmp_path / "sales.csv"
    sales.to_csv(path, index=False)
    # when the demand model is trained and logged
    args = ["train", "demand", "--sales", str(path), "--bundle", str(tmp_path / "b")]
    assert main([*args, *SMALL, "--warmup", "2"]) == 0
    # then the backtest logged to MLflow names every series exactly as the input did
    run = runs_table("xingnong-demand").iloc[0]
    local = mlflow.artifacts.download_artifacts(run_id=run["run_id"], artifact_path="backtest.csv")
    logged = pd.read_csv(local, dtype=str, keep_default_na=False)
    given = set(zip(sales["region"], sales["product"], strict=True))
    assert set(zip(logged["region"], logged["product"], strict=True)) == given
    # and the registered model answers for a key written that way
    model = mlflow.pyfunc.load_model("models:/xingnong-demand/1")
    out = model.predict(pd.DataFrame({"region": ["AGRA(UP)"], "product": ["Kiwi|Gold"]}))
    assert len(out) == 4 and set(out["product"]) == {"Kiwi|Gold"}


def test_train_on_a_dask_scheduler_logs_and_registers_like_the_local_engine(
    tmp_path, tiny_sales_csv, dask_cluster
):
    # given a running Dask scheduler (a real two-worker LocalCluster)
    bundle = tmp_path / "models" / "demand"
    args = ["train", "demand", "--sales", str(tiny_sales_csv), "--bundle", str(bundle), *SMALL]
    # when the model is trained on it
    code = main([*args, "--engine", "dask", "--scheduler", dask_cluster.scheduler_address])
    # then the same verified bundle is saved, and it says which engine trained it
    assert code == 0
    loaded = load_bundle(bundle)
    assert loaded.metadata["engine"] == "dask"
    again = DemandForecaster.from_bundle(loaded).predict()
    pd.testing.assert_frame_equal(
        again.reset_index(drop=True), loaded.tables["forecast"], check_dtype=False
    )
    # and MLflow has the run, with the engine among its parameters, and the registered model
    runs = runs_table("xingnong-demand")
    assert len(runs) == 1 and runs.iloc[0]["params.engine"] == "dask"
    model = mlflow.pyfunc.load_model("models:/xingnong-demand/1")
    out = model.predict(pd.DataFrame({"region": ["county0"], "product": ["prod0"]}))
    assert len(out) == 4 and (out["forecast"] >= 0).all()


def test_engine_options_are_checked(tmp_path, tiny_sales_csv, capsys, monkeypatch):
    args = ["train", "demand", "--sales", str(tiny_sales_csv), "--no-mlflow", *SMALL]
    # a scheduler without the Dask engine is a one-line error
    assert main([*args, "--scheduler", "tcp://127.0.0.1:8786"]) == 1
    assert "needs the Dask engine" in capsys.readouterr().err
    # an unknown engine is a usage error
    assert main([*args, "--engine", "spark"]) == 2
    # without the dask extra installed, the Dask engine says what to install
    monkeypatch.setitem(__import__("sys").modules, "recommender.forecast.distributed", None)
    assert main([*args, "--engine", "dask"]) == 1
    err = capsys.readouterr().err
    assert "xingnong[dask]" in err and "Traceback" not in err


def test_a_broken_mlflow_store_keeps_the_previous_bundle(
    tmp_path, tiny_sales_csv, capsys, monkeypatch
):
    # given a bundle trained without MLflow
    bundle = tmp_path / "models" / "demand"
    args = ["train", "demand", "--sales", str(tiny_sales_csv), "--bundle", str(bundle), *SMALL]
    assert main([*args, "--no-mlflow"]) == 0
    before = {p.name: p.read_bytes() for p in bundle.iterdir()}
    capsys.readouterr()
    # when training again with an MLflow store that is not a database
    store = tmp_path / "broken.db"
    store.write_bytes(b"\x00garbage" * 500)
    monkeypatch.setenv("MLFLOW_TRACKING_URI", f"sqlite:///{store}")
    settings.cache_clear()
    code = main(args)
    # then it fails in one line and the previous bundle is exactly as it was
    err = [line for line in capsys.readouterr().err.splitlines() if line.startswith("error:")]
    assert code == 1 and len(err) == 1 and "MLflow logging failed" in err[0]
    assert {p.name: p.read_bytes() for p in bundle.iterdir()} == before
    assert not [p for p in bundle.parent.iterdir() if p.name.startswith(".tmp-")]


def _full_disk(*_args, **_kwargs):
    raise OSError(errno.ENOSPC, "No space left on device")


def test_a_disk_filling_while_mlflow_logs_fails_in_one_line_and_the_run_is_not_left_running(
    tmp_path, tiny_sales_csv, capsys, monkeypatch
):
    # given a bundle trained and logged
    bundle = tmp_path / "models" / "demand"
    args = ["train", "demand", "--sales", str(tiny_sales_csv), "--bundle", str(bundle), *SMALL]
    assert main(args) == 0
    before = {p.name: p.read_bytes() for p in bundle.iterdir()}
    capsys.readouterr()
    # when the disk fills while the next run logs its artifacts, and the store cannot even
    # record that the run ended
    with monkeypatch.context() as full:
        full.setattr(LocalArtifactRepository, "log_artifact", _full_disk)
        full.setattr(LocalArtifactRepository, "log_artifacts", _full_disk)
        full.setattr(TrackingServiceClient, "set_terminated", _full_disk)
        code = main(args)
    # then it fails in one line, without a traceback, keeping the previous bundle
    err = capsys.readouterr().err
    assert code == 1 and "Traceback" not in err
    said = [line for line in err.splitlines() if line.startswith("error:")]
    assert len(said) == 1 and "No space left on device" in said[0]
    assert {p.name: p.read_bytes() for p in bundle.iterdir()} == before
    assert mlflow.active_run() is None
    left = runs_table("xingnong-demand")
    assert sorted(left["status"]) == ["FINISHED", "RUNNING"]
    # when the next run trains with room on the disk
    assert main(args) == 0
    # then the run left RUNNING is marked FAILED and tagged as interrupted
    runs = mlflow.search_runs(experiment_names=["xingnong-demand"])
    assert sorted(runs["status"]) == ["FAILED", "FINISHED", "FINISHED"]
    failed = runs[runs["status"] == "FAILED"]
    assert failed[f"tags.{INTERRUPTED_TAG}"].tolist() == ["true"]
