"""Sales ingest by a real two-worker Dask cluster gives what one process gives."""

from datetime import date

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from distributed import Client

from recommender.data.aggregate import aggregate_panel
from recommender.data.distributed import ingest_on_cluster
from recommender.data.ingest import validate_sales
from recommender.data.readers import read_table
from recommender.errors import DataError
from tests.helpers import make_sales

TODAY = date(2025, 6, 30)
KEY = b"test-key-0123456789"


@pytest.fixture(scope="module")
def client(dask_cluster):
    with Client(dask_cluster) as client:
        yield client


def _messy() -> pd.DataFrame:
    """Clean seeded sales with an order id, a phone column, and trouble planted in later parts."""
    sales = make_sales(n_series=4, weeks=60).astype(str)
    sales["order_id"] = [f"o{i}" for i in range(len(sales))]
    sales["phone"] = "13800138000"
    bad = sales.iloc[[3, 10, 20, 30, 40, 50]].copy()
    bad.iloc[0, bad.columns.get_loc("date")] = "2024-13-45"  # bad date
    bad.iloc[1, bad.columns.get_loc("quantity")] = "-3"  # negative
    bad.iloc[2, bad.columns.get_loc("quantity")] = ""  # missing
    bad["order_id"] = ["x1", "x2", "x3", "o5", "", ""]  # o5 repeats an order of part one
    again = sales.iloc[[7, 8]].assign(order_id="")  # the same sale twice, no order id...
    sales.loc[sales.index[[7, 8]], "order_id"] = ""  # ...and its first writing has none
    frame = pd.concat([sales, bad, again, again], ignore_index=True)
    return frame


def _write_folder(frame: pd.DataFrame, folder):
    """Hive-partitioned by channel-like ``source``, several files, small row groups."""
    folder.mkdir(parents=True)
    thirds = [frame.iloc[:80], frame.iloc[80:170], frame.iloc[170:]]
    for i, part in enumerate(thirds):
        place = folder / f"source=s{i}"
        place.mkdir()
        table = pa.Table.from_pandas(part.drop(columns=[]), preserve_index=False)
        pq.write_table(table, place / "part.parquet", row_group_size=25)
    (folder / "_SUCCESS").write_text("")
    return folder


def test_ingest_on_the_cluster_equals_one_process(tmp_path, client):
    # given a partitioned Parquet folder with bad rows and duplicates across its parts
    folder = _write_folder(_messy(), tmp_path / "sales")
    # when the workers ingest it, and when this process does
    summed = ingest_on_cluster(client, folder, "W-SUN", ("region", "product"), today=TODAY,
                               pii_key=KEY)  # fmt: skip
    local = validate_sales(read_table(folder), today=TODAY, pii_key=KEY)
    # then every row is accounted for, the same way
    assert summed.rows_read == local.rows_read == len(_messy())
    assert summed.rows_accepted == local.rows_accepted
    pd.testing.assert_frame_equal(summed.quarantine, local.quarantine)
    reasons = set(summed.quarantine["reason"])
    assert {"bad_date", "negative_quantity", "missing_value", "duplicate"} <= reasons
    details = summed.quarantine.loc[summed.quarantine["reason"] == "duplicate", "detail"]
    assert details.str.contains("same order_id as data row").any()
    assert details.str.contains("identical to data row").any()
    # and the sums per series and week are the panel one process makes
    expected = aggregate_panel(local.sales, "W-SUN")
    pd.testing.assert_frame_equal(summed.panel, expected, rtol=1e-12)
    assert summed.pii_columns == local.pii_columns == ["phone"]
    assert summed.dropped_columns == local.dropped_columns


def test_a_single_parquet_file_is_read_by_row_groups(tmp_path, client):
    frame = make_sales(n_series=3, weeks=40).astype(str)
    path = tmp_path / "sales.parquet"
    pq.write_table(pa.Table.from_pandas(frame, preserve_index=False), path, row_group_size=30)
    summed = ingest_on_cluster(client, path, "MS", ("product",), today=TODAY)
    local = validate_sales(read_table(path), today=TODAY)
    assert summed.rows_accepted == local.rows_accepted == len(frame)
    pd.testing.assert_frame_equal(
        summed.panel, aggregate_panel(local.sales, "MS", ("product",)), rtol=1e-12
    )


def test_unusable_inputs_are_one_line_errors(tmp_path, client):
    with pytest.raises(DataError, match="does not exist"):
        ingest_on_cluster(client, tmp_path / "nope", "W-SUN", ("region", "product"))
    frame = make_sales(n_series=1, weeks=5).astype(str).drop(columns=["quantity"])
    path = tmp_path / "no_quantity.parquet"
    pq.write_table(pa.Table.from_pandas(frame, preserve_index=False), path)
    with pytest.raises(DataError) as remote:
        ingest_on_cluster(client, path, "W-SUN", ("region", "product"))
    with pytest.raises(DataError) as here:
        read_table(path, what=f"sales file {path}")
    assert str(remote.value) == str(here.value)
    empty = tmp_path / "empty.parquet"
    header_only = make_sales(n_series=1, weeks=5).astype(str).iloc[:0]
    pq.write_table(pa.Table.from_pandas(header_only, preserve_index=False), empty)
    with pytest.raises(DataError, match="no rows"):
        ingest_on_cluster(client, empty, "W-SUN", ("region", "product"))
