"""Tests of the reference tables: validation, code lookup and the region hierarchy."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from recommender.data.reference import (
    code_lookup,
    counties_by_province,
    region_hierarchy,
    validate_products,
    validate_regions,
)
from recommender.errors import DataError


def _regions(**changes):
    frame = pd.DataFrame(
        {
            "region": ["shaanxi", "hanzhong", "liuba", "foping", "xian"],
            "name_en": ["Shaanxi", "Hanzhong", "Liuba", "Foping", "Xi'an"],
            "name_zh": ["陕西省", "汉中市", "留坝县", "佛坪县", "西安市"],
            "level": ["province", "city", "county", "county", "city"],
            "parent": ["", "shaanxi", "hanzhong", "hanzhong", "shaanxi"],
            "climate_zone": ["", "", "warm_temperate", "", ""],
        }
    )
    for column, (row, value) in changes.items():
        frame.loc[row, column] = value
    return frame


def _products(**changes):
    frame = pd.DataFrame(
        {
            "product": ["apple", "kiwi"],
            "name_en": ["Fuji apple", "Kiwifruit"],
            "name_zh": ["富士苹果", "猕猴桃"],
            "category": ["Fruit", "fruit"],
            "shelf_life_days": ["30", "14"],
            "unit": ["kg", "kg"],
        }
    )
    for column, (row, value) in changes.items():
        frame.loc[row, column] = value
    return frame


def test_valid_regions_keep_their_codes_and_clean_the_rest():
    # given a region code in its own case and a parent and level written loosely
    raw = _regions(region=(2, "Liuba (County)"), parent=(3, " HANZHONG "), level=(3, "County "))
    # when validated
    table = validate_regions(raw)
    # then the code is kept as written, the parent is written as its region's code, the level
    # is a clean code, province parents are missing, extra columns kept
    assert table["region"].tolist()[2] == "Liuba (County)"
    assert table.loc[3, "parent"] == "hanzhong" and table.loc[3, "level"] == "county"
    assert pd.isna(table.loc[0, "parent"])
    assert "climate_zone" in table.columns


def test_codes_that_differ_only_in_case_or_spacing_are_refused():
    with pytest.raises(DataError, match=r"row 4: region 'Liuba ' differs from row 3's 'liuba'"):
        validate_regions(_regions(region=(3, "Liuba ")))


@pytest.mark.parametrize(
    ("changes", "words"),
    [
        ({"region": (3, "liuba")}, "row 4: region 'liuba' is not unique (same as row 3)"),
        ({"level": (2, "town")}, "row 3: level 'town' must be one of"),
        ({"parent": (2, "nowhere")}, "row 3: region 'liuba' has parent 'nowhere', not in"),
        ({"parent": (2, "shaanxi")}, "its parent 'shaanxi' is a province, not a city"),
        ({"parent": (0, "hanzhong")}, "row 1: region 'shaanxi' is a province but has parent"),
        ({"parent": (1, "")}, "row 2: region 'hanzhong' is a city but its parent is blank"),
        ({"name_zh": (4, " ")}, "row 5: name_zh ' ' is blank"),
    ],
)
def test_bad_regions_are_fatal_and_name_row_and_problem(changes, words):
    # given a regions table with one problem / when validated / then DataError says where
    with pytest.raises(DataError) as info:
        validate_regions(_regions(**changes), source="regions.csv")
    assert "regions (regions.csv) table" in str(info.value)
    assert words in str(info.value)


def test_missing_region_column_is_fatal():
    with pytest.raises(DataError, match="missing column.*level"):
        validate_regions(_regions().drop(columns=["level"]))


def test_region_hierarchy_maps_each_region_to_its_ancestors():
    # given a validated table
    table = validate_regions(_regions())
    # when the hierarchy is built
    hierarchy = region_hierarchy(table).set_index("region")
    # then a county names its city and province, a city has no county, a province neither
    assert list(hierarchy.columns) == ["county", "city", "province"]
    assert hierarchy.loc["liuba"].tolist() == ["liuba", "hanzhong", "shaanxi"]
    assert np.isnan(hierarchy.loc["xian", "county"])
    assert hierarchy.loc["xian", "province"] == "shaanxi"
    assert hierarchy.loc["shaanxi"].isna().tolist() == [True, True, False]


def test_valid_products_have_integer_shelf_life_and_codes():
    table = validate_products(_products())
    assert table["shelf_life_days"].dtype == "int64"
    assert table["category"].tolist() == ["fruit", "fruit"]


@pytest.mark.parametrize("value", ["0", "-3", "2.5", "abc", ""])
def test_bad_shelf_life_is_fatal(value):
    with pytest.raises(DataError, match=r"products table: row 2: shelf_life_days .* whole number"):
        validate_products(_products(shelf_life_days=(1, value)))


def test_duplicate_product_is_fatal():
    with pytest.raises(
        DataError, match=r"products table: row 2: product 'apple' is not unique \(same as row 1\)$"
    ):
        validate_products(_products(product=(1, "apple")))


def test_code_lookup_maps_codes_and_unique_names():
    # given two counties that share a Chinese name
    raw = _regions(name_zh=(3, "留坝县"))
    # when the lookup is built
    lookup = code_lookup(validate_regions(raw), "region")
    # then codes and unique names, compared ignoring case, map to codes; a shared name to none
    assert lookup["liuba"] == "liuba"
    assert lookup["汉中市"] == "hanzhong"
    assert lookup["xi'an"] == "xian"
    assert "留坝县" not in lookup


def test_counties_are_grouped_by_the_province_above_their_city():
    regions = validate_regions(_regions())
    groups = counties_by_province(regions, ["liuba", "foping", "atlantis"])
    assert groups == {"shaanxi": ["foping", "liuba"], "": ["atlantis"]}


def test_codes_that_start_like_formulas_are_refused():
    with pytest.raises(DataError, match="row 4: region '=cmd' starts like a spreadsheet formula"):
        validate_regions(_regions(region=(3, "=cmd")))
    with pytest.raises(DataError, match="row 2: product '@x' starts like a spreadsheet formula"):
        validate_products(_products(product=(1, "@x")))
