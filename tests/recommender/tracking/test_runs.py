"""Tests of runs and what they log, on a real SQLite store."""

from __future__ import annotations

import math

import matplotlib
import mlflow
import pandas as pd
import pytest
from mlflow import MlflowClient

from recommender.tracking import runs

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

pytestmark = pytest.mark.usefixtures("shared_store")


def test_run_logs_everything_and_runs_table_shows_it(store, tmp_path):
    # Given a folder of extra files and a figure
    extra = tmp_path / "extra"
    extra.mkdir()
    (extra / "notes.txt").write_text("兴农", encoding="utf-8")
    fig, ax = plt.subplots()
    ax.plot([1, 2, 3])
    # When a run logs params, metrics, tags and artifacts
    with runs.start_run("backtest", run_name="run-1", tags={"cooperative": "c01"}) as run_id:
        runs.log_params({"learning_rate": 0.05, "lags": [1, 2, 52]})
        logged = runs.log_metrics({"wape": 0.21, "mae": float("nan"), "rmse": math.inf})
        runs.log_metrics({"wape": 0.25}, step=1)
        runs.set_tags({"data_digest": "abc123"})
        runs.log_table(pd.DataFrame({"sku": ["苹果", "梨"], "y": [1.0, 2.0]}), "fc/f.csv")
        runs.log_table(pd.DataFrame({"y": [1.0]}), "fc/f.parquet")
        runs.log_figure(fig, "plots/line.png")
        runs.log_dict({"horizon": 8}, "config.json")
        runs.log_artifacts(extra, "extra")
    plt.close(fig)
    # Then the runs table shows the run with its params, metrics and tags
    table = runs.runs_table("backtest")
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
    with runs.start_run("names") as run_id:
        # When they are logged
        logged = runs.log_metrics({"mape%": 1.0, "../up": 2.0, "a//b": 3.0, "销量 mae": 4.0})
    # Then they are renamed to valid names and stored
    assert logged == {"mape_": 1.0, "up": 2.0, "a/b": 3.0, "销量 mae": 4.0}
    assert MlflowClient().get_run(run_id).data.metrics == logged


def test_long_params_are_cut_and_param_names_sanitised():
    # Given a value longer than MLflow's limit and a name MLflow would reject
    with runs.start_run("names") as run_id:
        # When they are logged
        runs.log_params({"notes?": "x" * 7000})
    # Then the name is sanitised and the value cut, ending with "..."
    params = MlflowClient().get_run(run_id).data.params
    assert list(params) == ["notes_"]
    assert len(params["notes_"]) == 6000
    assert params["notes_"].endswith("x...")


def test_non_numeric_metric_is_a_type_error():
    # Given a run / When a metric is a string / Then a clear error
    with runs.start_run("names"), pytest.raises(TypeError, match="not a number"):
        runs.log_metrics({"wape": "0.2"})


def test_table_artifact_must_be_csv_or_parquet():
    # Given a run / When a table is logged as .xlsx / Then a clear error
    with runs.start_run("names"), pytest.raises(ValueError, match=r"\.csv or \.parquet"):
        runs.log_table(pd.DataFrame({"y": [1.0]}), "fc/f.xlsx")


def test_failing_block_marks_the_run_failed():
    # Given a run whose block raises
    with pytest.raises(ValueError, match="boom"), runs.start_run("failing") as run_id:
        raise ValueError("boom")
    # Then the exception propagated and the run is FAILED, and no run remains active
    assert MlflowClient().get_run(run_id).info.status == "FAILED"
    assert runs.runs_table("failing")["status"].tolist() == ["FAILED"]
    assert mlflow.active_run() is None


def test_a_run_inside_a_run_is_nested():
    # Given an active run / When another starts inside it
    with runs.start_run("nesting") as parent, runs.start_run("nesting") as child:
        pass
    # Then the inner run is the outer one's child
    tags = MlflowClient().get_run(child).data.tags
    assert tags["mlflow.parentRunId"] == parent


def test_logging_outside_a_run_is_refused():
    # Given no active run / When / Then
    with pytest.raises(RuntimeError, match="no active MLflow run"):
        runs.log_metrics({"wape": 0.1})


def test_runs_table_of_unknown_experiment_is_empty():
    # Given no such experiment / When / Then
    table = runs.runs_table("does-not-exist")
    assert table.empty
    assert list(table.columns) == ["run_id", "run_name", "start_time", "end_time", "status"]


def test_an_exclusive_run_marks_runs_left_running_as_failed():
    # given a run of the experiment a killed process left RUNNING, and one of another experiment
    client = MlflowClient()
    with runs.start_run("left-running"):
        pass
    left = client.create_run(client.get_experiment_by_name("left-running").experiment_id)
    with runs.start_run("elsewhere"):
        pass
    other = client.create_run(client.get_experiment_by_name("elsewhere").experiment_id)
    # when a run starts without the lock / then it leaves it alone
    with runs.start_run("left-running"):
        pass
    assert client.get_run(left.info.run_id).info.status == "RUNNING"
    # when a run starts under the project's lock (exclusive)
    with runs.start_run("left-running", exclusive=True):
        pass
    # then the stale run is FAILED and tagged, and the other experiment's run untouched
    stale = client.get_run(left.info.run_id)
    assert stale.info.status == "FAILED"
    assert stale.data.tags[runs.INTERRUPTED_TAG] == "true"
    assert client.get_run(other.info.run_id).info.status == "RUNNING"
