"""Where a demand job runs (this process or a Dask cluster), and how it reads its sales there."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from pipelines.jobs.settings import JobSettings
from recommender.data.folder import Inputs, check_accounting, read_inputs
from recommender.data.pii import pii_key_from_env
from recommender.data.readers import CSV_SUFFIXES
from recommender.data.reference import load_products, load_regions
from recommender.errors import EngineError
from recommender.forecast.engine import Engine, LocalEngine
from recommender.forecast.settings import LOCAL

log = logging.getLogger(__name__)

_DASK_EXTRA = "the Dask engine needs the dask extra: pip install 'xingnong[dask]'"


@contextmanager
def open_engine(job: JobSettings) -> Iterator[Engine]:
    """The engine the job asked for, open for the length of the ``with`` block.

    Args:
        job: The job settings (``engine``, ``scheduler``).

    Yields:
        The local engine, or a Dask engine on the scheduler (or on a local cluster started
        here and stopped on exit).

    Raises:
        EngineError: The dask extra is not installed, or the scheduler cannot be reached.
    """
    if job.engine == LOCAL:
        yield LocalEngine()
        return
    try:
        from recommender.forecast.distributed import dask_engine
    except ImportError:
        raise EngineError(_DASK_EXTRA) from None
    with dask_engine(job.scheduler) as engine:
        where = job.scheduler or "a local cluster"
        log.info("engine: Dask, %d workers at %s", engine.workers, where)
        yield engine


def read_sales(
    sales: Path,
    regions: Path | None,
    products: Path | None,
    job: JobSettings,
    engine: Engine,
) -> Inputs:
    """Read and validate the sales where the engine runs.

    On a Dask engine a Parquet file or folder is read, validated and summed to the job's
    periods by the workers (only the sums and the quarantine come back); a CSV, and everything
    on the local engine, is read here (see :func:`recommender.data.folder.read_inputs`).

    Args:
        sales: Sales CSV or Parquet file, or a folder of Parquet parts.
        regions: Regions table.
        products: Products table.
        job: The job settings (periods and series keys).
        engine: The open engine.

    Returns:
        The validated inputs.

    Raises:
        DataError: No usable sales row, or an unreadable input.
    """
    client = getattr(engine, "client", None)
    if client is None or sales.suffix.lower() in CSV_SUFFIXES:
        if client is not None:
            log.info("sales: a CSV is read in this process (the workers read Parquet)")
        return read_inputs(sales, regions, products)
    from recommender.data.distributed import ingest_on_cluster

    region_table = load_regions(regions) if regions else None
    product_table = load_products(products) if products else None
    summed = ingest_on_cluster(
        client,
        sales,
        job.backtest.freq,
        job.keys,
        regions=region_table,
        products=product_table,
        pii_key=pii_key_from_env(),
    )
    check_accounting(summed, sales, "(by the workers)")
    return Inputs(summed, region_table, product_table, str(sales))


__all__ = ["open_engine", "read_sales"]
