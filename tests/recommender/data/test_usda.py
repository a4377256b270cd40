"""Tests of the USDA ERS form price ratios."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from recommender.data.usda import PINT_LB, base_item, form_price_ratios, load_usda_ratios
from recommender.errors import DataError

USDA = Path(__file__).resolve().parents[3] / "data" / "reference" / "usda_ers_prices"


def _apples(**changes) -> pd.DataFrame:
    frame = pd.DataFrame(
        {
            "Fruit": ["Apples", "Apples, applesauce", "Apples, ready-to-drink"],
            "Form": ["Fresh", "Canned", "Juice"],
            "RetailPrice": [2.0, 1.5, 1.0],
            "RetailPriceUnit": ["per pound", "per pound", "per pint"],
        }
    )
    for column, (row, value) in changes.items():
        frame.loc[row, column] = value
    return frame


def test_ratio_per_pound_with_juice_converted_from_pints():
    # given fresh apples at $2/lb, applesauce at $1.5/lb and juice at $1/pint
    ratios = form_price_ratios(_apples(), pint_lb=1.0 / 0.9).set_index("name")["ratio"]
    # then canned is 0.75 of fresh and juice (0.9 $/lb) is 0.45
    assert ratios["Apples, applesauce"] == pytest.approx(0.75)
    assert ratios["Apples, ready-to-drink"] == pytest.approx(0.45)
    assert len(ratios) == 2


def test_an_unknown_unit_is_refused():
    # given a price per each, when computed, then the row and unit are named
    with pytest.raises(DataError, match="row 3: RetailPriceUnit 'each'"):
        form_price_ratios(_apples(RetailPriceUnit=(2, "each")))


def test_base_item_drops_qualifiers():
    assert base_item("Plum (prunes)") == "Plum"
    assert base_item("Oranges, frozen concentrate") == "Oranges"


def test_committed_2022_apple_juice_ratio():
    # given the committed USDA files, when ratios are derived
    ratios = load_usda_ratios(USDA)
    row = ratios[(ratios["year"] == 2022) & (ratios["name"] == "Apples, ready-to-drink")]
    # then apple juice is 0.8699 $/pint over 1.8541 $/lb fresh, as written in the demo options
    assert row["ratio"].item() == pytest.approx(0.8699 / PINT_LB / 1.8541)
    assert round(row["ratio"].item(), 3) == 0.432
