"""Staging an upload's checked rows as a data folder."""

from __future__ import annotations

from datetime import datetime

import pandas as pd
import pytest

from pipelines.jobs.upload import stage_upload
from recommender.config import DEMO_DATA_DIR
from recommender.data.folder import read_data_folder
from recommender.data.ingest import validate_sales
from recommender.data.layout import REFERENCE_FILES
from recommender.data.reference import load_products, load_regions
from recommender.errors import XingnongError

NOW = datetime(2026, 3, 1, 9, 30, 0)


def _checked():
    """An upload with a customer's phone, a Chinese county name and one bad row, checked."""
    raw = pd.DataFrame(
        {
            "date": ["2024-03-03", "2024-03-10", "not a date"],
            "region": ["zhouzhi", "周至县", "zhouzhi"],
            "product": ["kiwifruit", "猕猴桃", "kiwifruit"],
            "quantity": ["10", "5", "7"],
            "price": ["12", "", "12"],
            "phone": ["13912345678", "13912345679", "13912345670"],
        }
    )
    return validate_sales(
        raw,
        regions=load_regions(DEMO_DATA_DIR / "regions.csv"),
        products=load_products(DEMO_DATA_DIR / "products.csv"),
    )


def test_an_upload_becomes_a_whole_data_folder_without_personal_data(tmp_path):
    # given a checked upload (2 accepted rows, 1 quarantined, a phone column)
    result = _checked()
    # when it is staged
    folder = stage_upload(result.sales, DEMO_DATA_DIR, tmp_path / "data", now=NOW)
    # then the folder has the reference tables and only the accepted rows, as codes
    assert folder.name == "upload-20260301-093000"
    for name in REFERENCE_FILES:
        assert (folder / name).read_bytes() == (DEMO_DATA_DIR / name).read_bytes(), name
    text = (folder / "sales.csv").read_text(encoding="utf-8")
    assert "13912345678" not in text and "phone" not in text and "source_row" not in text
    # and reading it back accepts every row, unchanged
    again = read_data_folder(folder).ingest
    assert again.rows_read == again.rows_accepted == 2
    assert list(again.sales["region"]) == ["zhouzhi", "zhouzhi"]
    assert list(again.sales["quantity"]) == [10.0, 5.0]
    # and no temporary folder is left behind
    assert [p.name for p in (tmp_path / "data").iterdir()] == [folder.name]


def test_a_second_upload_in_the_same_second_gets_its_own_folder(tmp_path):
    result = _checked()
    first = stage_upload(result.sales, DEMO_DATA_DIR, tmp_path, now=NOW)
    second = stage_upload(result.sales, DEMO_DATA_DIR, tmp_path, now=NOW)
    assert first != second and second.name == "upload-20260301-093000-2"
    assert (first / "sales.csv").exists() and (second / "sales.csv").exists()


def test_a_failed_staging_leaves_nothing_half_written(tmp_path):
    # given rows that cannot be written (no date column)
    broken = _checked().sales.drop(columns=["date"])
    with pytest.raises(XingnongError, match="cannot be written"):
        stage_upload(broken, DEMO_DATA_DIR, tmp_path, now=NOW)
    assert list(tmp_path.iterdir()) == []
