"""The demand jobs: a backtest alone, and training that saves a bundle (MLflow apart)."""

from __future__ import annotations

import pytest

from pipelines.jobs.demand import backtest_demand, train_demand
from pipelines.jobs.settings import JobSettings
from recommender import load_bundle
from recommender.data.folder import read_inputs
from recommender.forecast.settings import BacktestConfig
from tests.helpers import make_sales

SMALL = JobSettings(BacktestConfig(horizon=4, folds=2))


@pytest.fixture(scope="module")
def inputs(tmp_path_factory):
    path = tmp_path_factory.mktemp("sales") / "sales.csv"
    make_sales().to_csv(path, index=False)
    return read_inputs(path)


def test_a_backtest_alone_scores_every_model_and_saves_nothing(inputs, tmp_path):
    # when the demand forecast is backtested
    table, doc = backtest_demand(inputs, SMALL)
    # then every window's forecasts are in contract columns and every model is scored
    assert list(table.columns[:4]) == ["region", "product", "cutoff", "date"]
    assert table["cutoff"].nunique() == SMALL.backtest.folds
    assert {"forecast", "lgb", "seasonal_naive", "ets"} <= set(doc["overall"])
    assert not (tmp_path / "home").exists()


def test_training_saves_a_bundle_and_reports_each_window(inputs, tmp_path):
    # given a place for the bundle and listeners for the plan and the progress lines
    lines: list[str] = []
    planned: list[int] = []
    # when the model is trained without MLflow
    outcome = train_demand(
        inputs,
        SMALL,
        bundle=tmp_path / "b",
        track=False,
        report=lines.append,
        plan=planned.append,
    )
    # then the bundle loads, the forecast covers every series, and no version is registered
    bundle = load_bundle(outcome.bundle)
    assert bundle.metadata["rows"]["accepted"] == inputs.ingest.rows_accepted
    assert outcome.forecast.groupby(["region", "product"]).size().eq(4).all()
    assert outcome.version is None
    # and it announced one line per window (a year's warm-up as the history allows, the
    # scored folds) and the final fit, then told each
    warmup = SMALL.backtest.warmup_windows(inputs.ingest.sales["date"].nunique())
    assert planned == [len(lines)] == [warmup + SMALL.backtest.folds + 1]
    assert outcome.metrics["warmup"] == warmup
