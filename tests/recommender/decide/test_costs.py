"""Tests of line prices and unit costs: tiers, crop economics, processing and the prior."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from recommender.decide.costs import (
    COST_CROPS,
    COST_DEFAULT,
    COST_PRIOR,
    line_prices,
    price_of_lines,
    raw_costs,
    unit_costs,
)

SALES = pd.DataFrame(
    {
        "date": pd.to_datetime(["2025-01-05", "2025-01-05", "2025-01-12", "2025-01-12"]),
        "region": ["r", "r", "r", "s"],
        "product": ["p", "p", "p", "p"],
        "channel": ["taobao", "offline", "taobao", "taobao"],
        "form": ["fresh", "fresh", "fresh", "dried"],
        "quantity": [10.0, 30.0, 30.0, 5.0],
        "price": [4.0, 2.0, 8.0, 40.0],
    }
)
REGIONS = pd.DataFrame({"region": ["r", "s"], "climate_zone": ["warm", "cold"]})
CROPS = pd.DataFrame(
    {
        "product": ["p", "p", "q"],
        "climate_zone": ["warm", "*", "*"],
        "yield_per_mu_kg": [1000.0, 500.0, 100.0],
        "cost_per_mu_yuan": [2000.0, 2000.0, 500.0],
        "assumed": [False, False, True],
        "default_for": ["", "", "fruit"],
    }
)
OPTIONS = pd.DataFrame(
    {
        "product": ["p"],
        "option": ["dried"],
        "yield_ratio": [0.2],
        "processing_cost_per_kg": [1.0],
    }
)


def test_line_prices_are_quantity_weighted_per_line():
    prices = line_prices(SALES).set_index(["region", "channel", "form"])["price_per_kg"]
    assert prices[("r", "taobao", "fresh")] == pytest.approx((10 * 4 + 30 * 8) / 40)
    assert prices[("r", "offline", "fresh")] == pytest.approx(2.0)


def test_a_line_without_its_own_price_takes_its_form_in_the_region_then_anywhere():
    # given lines sold nowhere on that channel, and a form sold only in another region
    lines = pd.DataFrame(
        {
            "region": ["r", "r", "r"],
            "product": ["p", "p", "p"],
            "channel": ["wechat", "taobao", "gift"],
            "form": ["fresh", "dried", "juice"],
        }
    )
    price = price_of_lines(lines, line_prices(SALES))
    # then the region's fresh price, the other region's dried price, and nothing for juice
    assert price[0] == pytest.approx((40 + 60 + 240) / 70)
    assert price[1] == pytest.approx(40.0) and np.isnan(price[2])


def test_raw_cost_takes_the_zone_row_then_the_any_zone_row():
    raw = raw_costs(CROPS, REGIONS).set_index(["region", "product"])
    assert raw.at[("r", "p"), "raw_cost"] == pytest.approx(2.0)  # warm zone
    assert raw.at[("s", "p"), "raw_cost"] == pytest.approx(4.0)  # any zone
    assert raw.at[("r", "p"), "cost_basis"] == COST_CROPS
    assert raw.at[("r", "q"), "cost_basis"] == COST_DEFAULT
    assert raw.at[("r", "q"), "default_for"] == "fruit"


def test_unit_cost_adds_processing_and_divides_by_the_yield_else_uses_the_prior():
    # given a dried line of p (known raw cost) and a fresh line of z (no crop economics)
    lines = pd.DataFrame(
        {"region": ["r", "r"], "product": ["p", "z"], "form": ["dried", "fresh"]}
    ).assign(price_per_kg=[40.0, 5.0])
    fresh = pd.DataFrame({"region": ["r"], "product": ["z"], "price_per_kg": [5.0]})
    # when costed
    out = unit_costs(lines, raw_costs(CROPS, REGIONS), OPTIONS, fresh, unit_cost_share=0.5)
    # then p: (2 + 1) / 0.2; z: half its fresh price, said to be the prior
    assert out.loc[0, "unit_cost"] == pytest.approx(15.0)
    assert out.loc[1, "unit_cost"] == pytest.approx(2.5)
    assert out["cost_basis"].tolist() == [COST_CROPS, COST_PRIOR]
