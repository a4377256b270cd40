"""Writing the demo data set as CSV files."""

from __future__ import annotations

import pandas as pd

from pipelines.jobs.demo_data import csv_bytes, write_demo
from recommender.data.layout import PRODUCTS_FILE, REGIONS_FILE, SALES_FILE
from recommender.demo import simulate_demo


def test_csv_bytes_are_utf8_with_iso_dates_and_unix_line_ends():
    frame = pd.DataFrame({"date": pd.to_datetime(["2024-03-05"]), "name_zh": ["留坝县"]})
    assert csv_bytes(frame) == "date,name_zh\n2024-03-05,留坝县\n".encode()


def test_the_three_tables_are_written_with_their_row_counts(tmp_path):
    data = simulate_demo(weeks=3)
    written = write_demo(data, tmp_path / "new")
    assert {p.name: n for p, n in written.items()} == {
        SALES_FILE: len(data.sales),
        REGIONS_FILE: len(data.regions),
        PRODUCTS_FILE: len(data.products),
    }
    assert sorted(p.name for p in (tmp_path / "new").iterdir()) == sorted(
        [SALES_FILE, REGIONS_FILE, PRODUCTS_FILE]
    )
