"""Reading a cooperative's data folder: its sales and reference tables, validated."""

from __future__ import annotations

import pandas as pd
import pytest

from recommender.data.folder import read_data_folder, read_inputs, read_knowledge
from recommender.data.layout import (
    CROPS_FILE,
    OPTIONS_FILE,
    PROFILE_FILE,
    SALES_PARQUET_FILE,
    SIGNALS_FILE,
)
from recommender.errors import DataError
from tests.helpers import COOP_REGIONS, write_coop


def test_a_full_folder_gives_sales_and_both_tables(tmp_path):
    inputs = read_data_folder(write_coop(tmp_path / "coop"))
    assert set(inputs.ingest.sales["region"]) == set(COOP_REGIONS)
    assert inputs.regions is not None and inputs.products is not None
    assert inputs.source.endswith("sales.csv")


def test_parquet_sales_and_no_tables_are_enough(tmp_path, tiny_sales):
    # given a folder holding only Parquet sales
    tiny_sales.to_parquet(tmp_path / SALES_PARQUET_FILE, index=False)
    # when it is read, then its rows are accepted and the tables are absent
    inputs = read_data_folder(tmp_path)
    assert inputs.ingest.rows_accepted == len(tiny_sales)
    assert inputs.regions is None and inputs.products is None


def test_customer_columns_are_pseudonymised_with_the_key_and_dropped_without(
    tmp_path, tiny_sales, monkeypatch
):
    path = tmp_path / "sales.csv"
    tiny_sales.assign(phone="13912345678").to_csv(path, index=False)
    assert "customer_key" not in read_inputs(path).ingest.sales.columns
    monkeypatch.setenv("XINGNONG_PII_KEY", "a-long-enough-secret-key-for-tests")
    sales = read_inputs(path).ingest.sales
    assert sales["customer_key"].nunique() == 1
    assert "13912345678" not in sales.to_csv()


def test_a_folder_without_sales_or_usable_rows_is_a_one_line_error(tmp_path):
    with pytest.raises(DataError, match="has no sales.csv"):
        read_data_folder(tmp_path)
    pd.DataFrame({"date": ["bad"], "region": ["r"], "product": ["p"], "quantity": ["1"]}).to_csv(
        tmp_path / "sales.csv", index=False
    )
    with pytest.raises(DataError, match="no usable sales rows"):
        read_data_folder(tmp_path)


def test_missing_optional_tables_are_completed_by_defaults_not_the_demo(tmp_path):
    # given a cooperative folder without its processing options, crops, signals or profile
    folder = write_coop(tmp_path / "coop")
    for name in (OPTIONS_FILE, CROPS_FILE, SIGNALS_FILE, PROFILE_FILE):
        (folder / name).unlink(missing_ok=True)
    inputs = read_data_folder(folder)
    assert inputs.products is not None and inputs.regions is not None
    # when its knowledge is read
    knowledge = read_knowledge(folder, inputs.products, inputs.regions)
    # then every product has default options (all marked assumed, none the demo's rows)
    options = knowledge.options
    assert set(options["product"]) == set(inputs.products["product"])
    assert options.loc[options["option"] != "fresh", "assumed"].all()
    assert not options["source"].str.contains("simulated").any()
    # and each missing table is said once in the assumptions
    said = {a.table for a in knowledge.assumptions}
    assert {OPTIONS_FILE, SIGNALS_FILE, PROFILE_FILE} <= said
    assert knowledge.signals.empty


def test_a_present_table_is_kept_and_only_its_gaps_are_assumed(tmp_path):
    # given a folder whose options cover its products
    folder = write_coop(tmp_path / "coop")
    inputs = read_data_folder(folder)
    assert inputs.products is not None and inputs.regions is not None
    # when its knowledge is read
    knowledge = read_knowledge(folder, inputs.products, inputs.regions)
    # then nothing about the options is assumed
    assert not any(a.table == OPTIONS_FILE for a in knowledge.assumptions)
    assert not knowledge.options["assumed"].any()
