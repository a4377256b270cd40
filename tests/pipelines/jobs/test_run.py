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


def test_a_run_that_fails_late_changes_nothing(tmp_path, tiny_sales, monkeypatch):
    # given a first run's outputs and bundle
    folder = tmp_path / "coop"
    folder.mkdir()
    tiny_sales.to_csv(folder / "sales.csv", index=False)
    out = tmp_path / "out"
    first = run_all(folder, out, SMALL, track=False)
    bundle = first.bundle
    before = {p: p.read_bytes() for p in [*out.rglob("*"), *bundle.rglob("*")] if p.is_file()}
    # when a second run on changed data fails after training (as MLflow failing would)
    tiny_sales.assign(quantity=tiny_sales["quantity"] * 2).to_csv(folder / "sales.csv", index=False)

    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr("pipelines.jobs.run.write_csv", broken)
    try:
        run_all(folder, out, SMALL, track=False)
    except Exception as exc:  # noqa: BLE001 - any failure will do
        assert "disk full" in str(exc)
    else:
        raise AssertionError("the second run should have failed")
    # then the first run's outputs and bundle are exactly as they were, and nothing is left over
    after = {p: p.read_bytes() for p in [*out.rglob("*"), *bundle.rglob("*")] if p.is_file()}
    assert after == before
    names = [p.name for p in [*tmp_path.iterdir(), *bundle.parent.iterdir()]]
    assert not [n for n in names if n.startswith((".tmp-", ".old-"))]
