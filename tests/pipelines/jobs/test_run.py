"""The main job called from Python (what the app's train button does)."""

from __future__ import annotations

import json

import pandas as pd

from pipelines.jobs import STEPS, JobSettings, RunReport, run_all
from recommender import config
from recommender.data.layout import FORECAST_FILE, METRICS_FILE, QUARANTINE_FILE
from recommender.forecast.settings import BacktestConfig

SMALL = JobSettings(BacktestConfig(horizon=4, folds=2))


def test_run_all_reports_progress_in_order_and_honours_xingnong_data(
    tmp_path, tiny_sales, monkeypatch
):
    # given a data folder named by XINGNONG_DATA (no folder passed)
    folder = tmp_path / "coop"
    folder.mkdir()
    tiny_sales.to_csv(folder / "sales.csv", index=False)
    monkeypatch.setenv("XINGNONG_DATA", str(folder))
    config.settings.cache_clear()
    seen: list[tuple[str, float]] = []
    # when the main job runs from Python with a progress callback
    report = run_all(
        settings=SMALL, track=False, progress=lambda step, done: seen.append((step, done))
    )
    # then it trained on that folder and says so in its report and in metrics.json
    assert isinstance(report, RunReport)
    assert report.data == folder.resolve() and report.out == config.settings().artifacts_dir
    assert report.rows_read == report.rows_accepted == len(tiny_sales)
    assert report.model_version is None and not report.advised  # no MLflow, no tables
    forecast = pd.read_csv(report.out / FORECAST_FILE)
    assert set(forecast["region"]) == set(tiny_sales["region"])
    metrics = json.loads((report.out / METRICS_FILE).read_text())
    assert metrics["data_folder"] == str(folder.resolve())  # what the app then reads
    assert metrics["model_version"] is None
    assert report.metrics["overall"] == metrics["overall"]
    # and it told every step, never going backwards, ending at 1
    fractions = [done for _, done in seen]
    assert fractions == sorted(fractions) and fractions[0] == 0.0 and seen[-1] == ("done", 1.0)
    steps = [step for step, _ in seen]
    assert steps[:2] == ["validate", "demand"] and "forecast" in steps
    # the demand step moves on once per backtest window (warm-up and folds) and the final fit
    windows = report.metrics["warmup"] + SMALL.backtest.folds
    assert steps.count("demand") == 1 + windows + 1
    assert [done for step, done in seen if step == "demand"][-1] == STEPS[2][1]
    assert {s for s, _ in STEPS} >= {"validate", "demand", "forecast"}


def test_run_all_lists_every_file_it_wrote(tmp_path, tiny_sales):
    # given a folder with one bad row, and an output folder of its own
    folder = tmp_path / "coop"
    folder.mkdir()
    bad = tiny_sales.iloc[:1].assign(quantity="lots")
    pd.concat([tiny_sales, bad]).to_csv(folder / "sales.csv", index=False)
    out = tmp_path / "out"
    # when the job runs
    report = run_all(folder, out, SMALL, track=False)
    # then the report names every file it wrote, and each exists there
    names = [p.name for p in report.written]
    assert names[0] == QUARANTINE_FILE and report.rows_quarantined == 1
    assert {FORECAST_FILE, METRICS_FILE} <= set(names)
    assert all(p.parent == out and p.exists() for p in report.written)
