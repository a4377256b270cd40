"""Tests of the processing-options, crop-economics and brand-signals tables."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from recommender.data.reference import load_products, load_regions
from recommender.data.tables import (
    load_brand_signals,
    load_crop_economics,
    load_processing_options,
    validate_brand_signals,
    validate_crop_economics,
    validate_processing_options,
)
from recommender.decide.pricing import options_for
from recommender.errors import DataError

DEMO = Path(__file__).resolve().parents[3] / "data" / "demo"


def _products() -> pd.DataFrame:
    return pd.DataFrame(
        {"product": ["apple", "kiwifruit"], "category": ["fruit", "fruit"]}, dtype=object
    )


def _options(**changes) -> pd.DataFrame:
    frame = pd.DataFrame(
        {
            "product": ["apple", "apple", ""],
            "category": ["", "", "fruit"],
            "option": ["fresh", "juice", "fresh"],
            "yield_ratio": ["1", "0.7", "1"],
            "processing_cost_per_kg": ["0", "1.2", "0"],
            "capex": ["0", "800000", "0"],
            "shelf_life_days": ["90", "365", "30"],
            "skill_level": ["1", "3", "1"],
            "price_multiplier": ["1", "0.432", "1"],
            "cold_chain_required": ["false", "false", "False"],
            "source": ["baseline", "USDA ERS 2022", "baseline"],
        }
    )
    for column, (row, value) in changes.items():
        frame.loc[row, column] = value
    return frame


def test_valid_options_are_typed():
    # given a small valid table, when validated
    options = validate_processing_options(_options(), _products())
    # then numbers, whole numbers and flags get their types and blanks become None
    assert options["yield_ratio"].tolist() == [1.0, 0.7, 1.0]
    assert options["skill_level"].dtype == "int64"
    assert options["cold_chain_required"].tolist() == [False, False, False]
    assert options["product"].tolist() == ["apple", "apple", None]


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"yield_ratio": (1, "1.2")}, "row 2: yield_ratio '1.2' must be above 0 and at most 1"),
        ({"option": (1, "")}, "row 2: option '' is blank"),
        ({"skill_level": (1, "4")}, "row 2: skill_level '4' is not one of 1, 2, 3"),
        ({"cold_chain_required": (1, "maybe")}, "row 2: cold_chain_required 'maybe' is not true"),
        ({"capex": (1, "-5")}, "row 2: capex '-5' must be 0 or more"),
        ({"product": (1, "mango")}, "row 2: product 'mango' is not in the products table"),
        ({"category": (1, "fruit")}, "row 2: give exactly one of product or category"),
        (
            {"option": (1, "fresh")},
            "row 2: product=apple, option=fresh is repeated (same as row 1)",
        ),
        ({"price_multiplier": (0, "1.1")}, "row 1: a fresh option needs yield_ratio 1"),
    ],
)
def test_bad_option_rows_are_refused_naming_table_and_row(changes, message):
    # given a table with one bad cell, when validated, then the error names table, row, problem
    with pytest.raises(DataError, match="^processing_options table: ") as caught:
        validate_processing_options(_options(**changes), _products())
    assert message in str(caught.value)


def test_any_option_code_is_accepted_as_written():
    # given options that name a processing the vocabulary does not know, for one product only
    raw = _options(option=(1, "Cold_Brew")).iloc[:2]
    # when validated against products that also hold kiwifruit (no rows of its own)
    options = validate_processing_options(raw, _products())
    # then the code is kept (as a code: the same spelling sales' forms get) and the uncovered
    # product is no error (defaults fill it later)
    assert options["option"].tolist() == ["fresh", "cold_brew"]


def test_product_rows_override_category_rows():
    # given a category fresh row and an apple fresh row with another shelf life
    options = validate_processing_options(_options(), _products())
    # when expanded per product
    expanded = options_for(_products(), options)
    # then apple keeps its own fresh row and kiwifruit inherits the category's
    fresh = expanded[expanded["option"] == "fresh"].set_index("product")["shelf_life_days"]
    assert fresh.to_dict() == {"apple": 90, "kiwifruit": 30}


def test_crop_economics_bad_rows_are_refused():
    # given a negative yield and an unknown climate zone
    raw = pd.DataFrame(
        {
            "product": ["apple", "apple"],
            "climate_zone": ["warm_temperate", "arctic"],
            "yield_per_mu_kg": ["-1", "2500"],
            "cost_per_mu_yuan": ["5000", "5000"],
            "months_to_first_harvest": ["48", "48"],
            "source": ["simulated default", "simulated default"],
        }
    )
    regions = pd.DataFrame({"region": ["luochuan"], "climate_zone": ["warm_temperate"]})
    # when validated, then both problems are named with their rows
    with pytest.raises(DataError) as caught:
        validate_crop_economics(raw, _products(), regions)
    text = str(caught.value)
    assert text.startswith("crop_economics table: row 1: yield_per_mu_kg '-1' must be above 0")
    assert "row 2: climate_zone 'arctic' is not in the regions (climate_zone) table" in text


def test_brand_signals_need_gi_names_when_registered():
    # given a registered GI without its English name
    raw = pd.DataFrame(
        {
            "region": ["luochuan"],
            "product": ["apple"],
            "gi_status": ["registered"],
            "gi_name_zh": ["洛川苹果"],
            "gi_name_en": [""],
            "production_tonnes": ["1000"],
            "n_sellers": ["20"],
            "source": ["x"],
        }
    )
    # when validated, then the row is refused
    with pytest.raises(DataError, match="row 1: gi_status registered needs gi_name_zh"):
        validate_brand_signals(raw)


def test_committed_demo_tables_validate_against_demo_reference_tables():
    # given the demo products and regions
    products = load_products(DEMO / "products.csv")
    regions = load_regions(DEMO / "regions.csv")
    # when the three demo tables are loaded against them
    options = load_processing_options(DEMO / "processing_options.csv", products)
    crops = load_crop_economics(DEMO / "crop_economics.csv", products, regions)
    brands = load_brand_signals(DEMO / "brand_signals.csv", products, regions)
    # then every product has a fresh option and every demo series has crop and brand rows
    expanded = options_for(products, options)
    assert set(expanded.loc[expanded["option"] == "fresh", "product"]) == set(products["product"])
    sales = pd.read_csv(DEMO / "sales.csv", usecols=["region", "product"]).drop_duplicates()
    series = set(zip(sales["region"], sales["product"], strict=True))
    assert set(zip(brands["region"], brands["product"], strict=True)) == series
    zone = dict(zip(regions["region"], regions["climate_zone"], strict=True))
    needed = {(p, zone[r]) for r, p in series}
    assert needed <= set(zip(crops["product"], crops["climate_zone"], strict=True))
    assert (
        brands.loc[
            (brands["region"] == "zhouzhi") & (brands["product"] == "kiwifruit"), "gi_name_zh"
        ]
        == "周至猕猴桃"
    ).all()
