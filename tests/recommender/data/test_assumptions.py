"""Tests of category defaults: completing options and crops, filling blanks, saying so."""

from __future__ import annotations

import pandas as pd
import pytest

from recommender.data.assumptions import (
    complete_crops,
    complete_options,
    complete_signals,
    default_note,
    summarise,
)
from recommender.data.layout import CROPS_FILE, OPTIONS_FILE, SIGNALS_FILE
from recommender.data.tables import validate_processing_options
from recommender.errors import DataError

PRODUCTS = pd.DataFrame(
    {
        "product": ["Kiwi Fruit", "魔芋", "rose"],
        "category": ["fruit", "vegetable", "flower"],
        "shelf_life_days": [30, 20, 5],
    }
)


def _own(**rows: list[str]) -> pd.DataFrame:
    base = {"product": ["Kiwi Fruit"], "option": ["dried"], "price_multiplier": ["6"]}
    return validate_processing_options(pd.DataFrame({**base, **rows}), PRODUCTS)


def test_without_a_table_every_product_gets_its_categorys_defaults():
    # given no processing table
    options, said = complete_options(None, PRODUCTS)
    # then each product has its category's options (an unknown category the catch-all's)
    by = options.groupby("product")["option"].apply(set)
    assert {"fresh", "dried", "juice", "gift_box"} <= by["Kiwi Fruit"]
    assert {"fresh", "frozen", "dried"} <= by["魔芋"]
    assert by["rose"] == {"fresh", "graded_packed", "gift_box"}
    assert options.loc[options["option"] != "fresh", "assumed"].all()
    assert set(options.loc[options["product"] == "rose", "default_for"]) == {"*"}
    # and one assumption per product is said, in both languages
    assert sorted(a.product for a in said) == sorted(PRODUCTS["product"])
    assert all(a.table == OPTIONS_FILE and a.zh for a in said)


def test_a_row_with_blank_parameters_takes_them_from_its_categorys_default():
    # given the cooperative's dried kiwifruit with only its price multiplier
    options, said = complete_options(_own(), PRODUCTS)
    dried = options[(options["product"] == "Kiwi Fruit") & (options["option"] == "dried")].iloc[0]
    # then its own multiplier stays and the rest are the fruit defaults, said to be so
    assert dried["price_multiplier"] == 6.0
    assert dried["yield_ratio"] == pytest.approx(0.2) and dried["shelf_life_days"] == 365
    assert dried["assumed"] and dried["default_for"] == "fruit"
    assert any("yield_ratio" in a.en and a.product == "Kiwi Fruit" for a in said)
    # and a covered product gets the fresh baseline, not the category's other options
    kiwi = options[options["product"] == "Kiwi Fruit"]
    assert set(kiwi["option"]) == {"dried", "fresh"}


def test_a_blank_parameter_without_any_default_is_refused():
    # given an option no category default knows, with its yield left blank
    own = _own(option=["sauce"])
    with pytest.raises(DataError, match="option 'sauce' leaves yield_ratio"):
        complete_options(own, PRODUCTS)


def test_a_fully_given_unknown_option_is_kept_as_it_is():
    own = _own(
        option=["sauce"],
        yield_ratio=["0.5"],
        processing_cost_per_kg=["2"],
        capex=["1000"],
        skill_level=["1"],
        cold_chain_required=["false"],
    )
    options, said = complete_options(own, PRODUCTS)
    sauce = options[options["option"] == "sauce"].iloc[0]
    assert not sauce["assumed"] and sauce["yield_ratio"] == 0.5
    assert not any(a.product == "Kiwi Fruit" for a in said)


def test_crops_are_completed_for_any_zone_and_a_category_without_a_default_is_left_out():
    crops, said = complete_crops(None, PRODUCTS)
    assert set(crops["product"]) == {"Kiwi Fruit", "魔芋"}  # no default for flowers
    assert set(crops["climate_zone"]) == {"*"} and crops["assumed"].all()
    assert {a.table for a in said} == {CROPS_FILE}


def test_missing_signals_are_an_empty_table_and_said():
    signals, said = complete_signals(None)
    assert signals.empty and "national_suppliers" in signals.columns
    assert [a.table for a in said] == [SIGNALS_FILE]


def test_the_summary_lists_products_sharing_an_assumption_together():
    _, said = complete_options(None, PRODUCTS.assign(category="fruit"))
    lines = summarise(said)
    assert len(lines) == 1 and "Kiwi Fruit, 魔芋, rose" in lines[0]
    assert "水果" in summarise(said, "zh")[0]


def test_the_default_note_names_the_category_in_each_language():
    assert default_note("fruit", "en") == "default for fruit, not your data"
    assert default_note("fruit", "zh") == "水果类默认值，非您的数据"
    assert default_note("orchid", "en") == "default for orchid, not your data"
