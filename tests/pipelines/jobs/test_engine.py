"""Opening the job's engine, and reading the sales where it runs."""

import logging

import pytest

from pipelines.jobs.engine import open_engine, read_sales
from pipelines.jobs.settings import JobSettings
from recommender.data.aggregate import SummedIngest
from recommender.data.ingest import IngestResult
from recommender.errors import EngineError
from recommender.forecast.engine import LocalEngine


def test_the_local_engine_reads_the_sales_here(tiny_sales_csv):
    job = JobSettings()
    with open_engine(job) as engine:
        assert isinstance(engine, LocalEngine)
        inputs = read_sales(tiny_sales_csv, None, None, job, engine)
    assert isinstance(inputs.ingest, IngestResult)
    assert inputs.ingest.rows_accepted == inputs.ingest.rows_read > 0


def test_on_a_cluster_parquet_is_read_by_the_workers_and_csv_here(
    tmp_path, tiny_sales_csv, tiny_sales, dask_cluster, caplog
):
    # given the same sales as CSV and as Parquet, and a job on a running scheduler
    parquet = tmp_path / "sales.parquet"
    tiny_sales.astype(str).to_parquet(parquet)
    job = JobSettings(engine="dask", scheduler=dask_cluster.scheduler_address)
    caplog.set_level(logging.INFO)
    with open_engine(job) as engine:
        from_parquet = read_sales(parquet, None, None, job, engine)
        from_csv = read_sales(tiny_sales_csv, None, None, job, engine)
    # then the Parquet comes back summed to the job's periods and series, the CSV as rows
    assert isinstance(from_parquet.ingest, SummedIngest)
    assert from_parquet.ingest.freq == job.backtest.freq and from_parquet.ingest.by == job.keys
    assert isinstance(from_csv.ingest, IngestResult)
    assert from_parquet.ingest.rows_accepted == from_csv.ingest.rows_accepted
    assert "a CSV is read in this process" in caplog.text


def test_without_the_dask_extra_the_engine_says_what_to_install(monkeypatch):
    monkeypatch.setitem(__import__("sys").modules, "recommender.forecast.distributed", None)
    with (
        pytest.raises(EngineError, match=r"xingnong\[dask\]"),
        open_engine(JobSettings(engine="dask")),
    ):
        pass
