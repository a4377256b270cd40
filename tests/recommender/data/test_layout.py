"""Every file name of a data folder and an artifacts folder, and where files are found."""

from __future__ import annotations

import pytest

from recommender.config import DEMO_DATA_DIR
from recommender.data import layout


def test_the_demo_data_folder_has_every_file_the_layout_names():
    # given the embedded demo data (shipped inside the package)
    # then it holds the sales and every reference table, under the layout's names
    assert layout.sales_file(DEMO_DATA_DIR) == DEMO_DATA_DIR / layout.SALES_FILE
    for name in layout.REFERENCE_FILES:
        assert (DEMO_DATA_DIR / name).is_file(), name
    assert set(layout.DEFAULTED_FILES) <= set(layout.REFERENCE_FILES)


def test_sales_are_found_as_csv_first_then_parquet(tmp_path):
    # given an empty folder, then one with Parquet sales, then one with both
    assert layout.sales_file(tmp_path) is None
    (tmp_path / layout.SALES_PARQUET_FILE).write_bytes(b"")
    assert layout.sales_file(tmp_path) == tmp_path / layout.SALES_PARQUET_FILE
    (tmp_path / layout.SALES_FILE).write_text("date\n")
    assert layout.sales_file(tmp_path) == tmp_path / layout.SALES_FILE


def test_a_regions_recommendations_live_in_their_own_folder(tmp_path):
    path = layout.recommendations_file(tmp_path, "周至县")
    assert path == tmp_path / layout.RECOMMENDATIONS_DIR / "周至县.json"


def test_no_two_names_are_the_same():
    names = [v for k, v in vars(layout).items() if k.isupper() and isinstance(v, str)]
    assert len(names) == len(set(names))


@pytest.mark.parametrize(
    ("key", "stem"),
    [
        ("AGRA(UP)", "AGRA(UP)"),
        ("周至县 West", "周至县 West"),
        ("../escaped", "%2E.%2Fescaped"),
        ("/tmp/x", "%2Ftmp%2Fx"),
        ("a/b/c", "a%2Fb%2Fc"),
        ("100%", "100%25"),
        ("a\\b", "a%5Cb"),
        ("tab\there", "tab%09here"),
    ],
)
def test_a_key_becomes_a_file_name_that_stays_in_its_folder(tmp_path, key, stem):
    path = layout.recommendations_file(tmp_path, key)
    assert path.name == f"{stem}.json"
    assert path.parent == tmp_path / layout.RECOMMENDATIONS_DIR


def test_long_keys_are_cut_and_stay_distinct():
    a, b = "x" * 300 + "a", "x" * 300 + "b"
    assert layout.file_stem(a) != layout.file_stem(b)
    assert len(layout.file_stem(a).encode("utf-8")) <= 200
