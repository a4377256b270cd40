"""Tests of the score parts behind the app's stacked bars (they add up to each score)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from recommender.decide.brand import BrandWeights, score_brands
from recommender.decide.processing import CAPEX_LIFE_YEARS
from recommender.present.parts import brand_components, grow_components, process_components

PROCESS = [
    {"product": "kiwifruit", "option": "juice", "annual_uplift": 9000.0, "capex": 20000.0},
    {"product": "kiwifruit", "option": "juice", "annual_uplift": 500.0, "capex": 0.0},
    {"product": "pear", "option": "dried", "annual_uplift": None, "capex": None},
]
PROCESS_SCORES = [4100.0, 420.5, -3.0]
GROW = [
    {"product": "kiwifruit", "profit_per_mu_horizon": 12000.0, "score": 13500.0},
    {"product": "kiwifruit", "profit_per_mu_horizon": 8000.0, "score": 6400.0},
    {"product": "jujube", "profit_per_mu_horizon": None, "score": 10.0},
]


def _brand_sales(seed: int = 0) -> pd.DataFrame:
    """Four weeks of fresh sales: region a specialises in kiwifruit at a premium (seeded noise)."""
    rng = np.random.default_rng(seed)
    plan = [
        ("a", "kiwifruit", 900.0, 12.0),
        ("b", "kiwifruit", 50.0, 8.0),
        ("c", "kiwifruit", 50.0, 8.0),
        ("a", "rice", 1000.0, 5.0),
        ("b", "rice", 2000.0, 5.0),
        ("c", "rice", 2000.0, 5.0),
    ]
    dates = pd.date_range("2024-01-07", periods=4, freq="W-SUN")
    rows = [
        {
            "date": d,
            "region": r,
            "product": p,
            "quantity": q * (1 + rng.normal(0, 0.05)),
            "price": price * (1 + rng.normal(0, 0.05)),
            "channel": "taobao",
            "form": "fresh",
        }
        for r, p, q, price in plan
        for d in dates
    ]
    return pd.DataFrame(rows)


def _brand_items(weights: BrandWeights | None = None) -> list[dict]:
    """Items scored by the real brand scorer (with a demand growth for two of them)."""
    sales = _brand_sales()
    keys = sales[["region", "product"]].drop_duplicates()
    signals = keys.assign(gi_status="none", gi_name_zh="", gi_name_en="", n_sellers=5)
    growth = pd.DataFrame(
        {"region": ["a", "b"], "product": ["kiwifruit", "rice"], "demand_growth": [0.15, -0.5]}
    )
    return score_brands(sales, signals, growth, weights=weights).to_dict("records")


def _with_scores(items: list[dict], scores: list[float]) -> list[dict]:
    return [{**item, "score": s} for item, s in zip(items, scores, strict=True)]


def test_process_parts_add_up_to_each_score():
    # given processing items, two with the same product and option, one without numbers
    items = _with_scores(PROCESS, PROCESS_SCORES)
    # when split into parts
    parts = process_components(items)
    # then the parts are uplift, capex per year and the risk remainder, adding up to the score
    assert list(parts.columns) == ["uplift", "capex_per_year", "risk"]
    assert parts["uplift"].tolist() == [9000.0, 500.0, 0.0]
    assert parts["capex_per_year"].tolist() == pytest.approx([-20000.0 / CAPEX_LIFE_YEARS, 0, 0])
    np.testing.assert_allclose(parts.sum(axis=1), PROCESS_SCORES, rtol=0, atol=1e-9)
    # and the items are ranked in the given order, which keeps the two juices apart
    assert list(parts.index) == [
        "1. kiwifruit · juice",
        "2. kiwifruit · juice",
        "3. pear · dried",
    ]


def test_process_parts_use_the_label_given():
    items = _with_scores(PROCESS, PROCESS_SCORES)
    parts = process_components(items, label=lambda item: item["option"].upper())
    assert list(parts.index) == ["1. JUICE", "2. JUICE", "3. DRIED"]


def test_grow_parts_add_up_to_each_score():
    # given crops to grow, two of them the same crop
    parts = grow_components(GROW)
    # then the parts are the horizon profit and the demand/risk adjustment, adding up to the score
    assert list(parts.columns) == ["profit", "demand_factor"]
    assert parts["profit"].tolist() == [12000.0, 8000.0, 0.0]
    np.testing.assert_allclose(parts.sum(axis=1), [i["score"] for i in GROW], rtol=0, atol=1e-9)
    assert list(parts.index) == ["1. kiwifruit", "2. kiwifruit", "3. jujube"]


def test_grow_parts_use_the_label_given():
    parts = grow_components(GROW, label=lambda item: f"<{item['product']}>")
    assert list(parts.index) == ["1. <kiwifruit>", "2. <kiwifruit>", "3. <jujube>"]


def test_no_items_give_empty_parts():
    assert process_components([]).empty
    assert grow_components([]).empty
    assert brand_components([]).empty


@pytest.mark.parametrize(
    "weights",
    [None, BrandWeights(specialisation=1.0, uniqueness=0.0, premium=2.0, growth=0.5)],
    ids=["default", "custom"],
)
def test_brand_parts_are_bounded_and_add_up_to_the_real_score(weights):
    # given items scored by the brand scorer
    items = _brand_items(weights)
    w = weights or BrandWeights()
    # when split into parts with the same weights
    parts = brand_components(items, w)
    # then each part lies within [0, 100 * weight / total weight]
    names = ["specialisation", "uniqueness", "premium", "growth", "dispersion"]
    assert list(parts.columns) == names
    total = sum(w._weights())
    for name, weight in zip(names, w._weights(), strict=True):
        assert parts[name].between(0.0, 100.0 * weight / total + 1e-9).all(), name
    # and they add up to the score (which the scorer rounds to 2 decimals)
    scores = [item["score"] for item in items]
    np.testing.assert_allclose(parts.sum(axis=1), scores, rtol=0, atol=0.005 + 1e-9)
    assert parts.index[0] == f"1. {items[0]['product']}"
    assert len(set(parts.index)) == len(items)


def test_brand_parts_are_clipped_at_both_ends():
    # given one item past every cap and one below every floor
    w = BrandWeights()
    high = {
        "product": "kiwifruit",
        "location_quotient": 50.0,
        "uniqueness": 1.0,
        "price_premium": 3.0,
        "demand_growth": 2.0,
        "price_dispersion": 5.0,
    }
    low = {
        "product": "rice",
        "location_quotient": 0.2,
        "uniqueness": 0.0,
        "price_premium": -0.9,
        "demand_growth": -0.9,
        "price_dispersion": None,
    }
    # when split into parts
    parts = brand_components([high, low], w, label=lambda item: item["product"].upper())
    # then the first takes every part's full weight (100 in all) and the second none
    total = sum(w._weights())
    assert parts.loc["1. KIWIFRUIT"].tolist() == pytest.approx(
        [100.0 * x / total for x in w._weights()]
    )
    assert parts.loc["1. KIWIFRUIT"].sum() == pytest.approx(100.0)
    assert parts.loc["2. RICE"].tolist() == [0.0] * 5
