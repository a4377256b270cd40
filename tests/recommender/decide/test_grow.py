"""Tests of the grow recommendation: price trends, ranking, accounting and monotonicity."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from recommender.decide.grow import price_trends, rank_crops

REGIONS = pd.DataFrame({"region": ["here"], "climate_zone": ["warm"]})


def _crops(**over: float) -> pd.DataFrame:
    base = {"yield_per_mu_kg": 1000.0, "cost_per_mu_yuan": 2000.0, "months_to_first_harvest": 12}
    rows = [{"product": p, "climate_zone": "warm", **base, **over.get(p, {})} for p in ("a", "b")]
    return pd.DataFrame(rows)


def _trends(trend_a: float = 0.0, price_a: float = 10.0) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "product": ["a", "b"],
            "price_per_kg": [price_a, 10.0],
            "price_trend": [trend_a, 0.0],
            "price_cv": [0.1, 0.1],
        }
    )


def test_price_trends_recovers_a_falling_price():
    # Given fresh weekly prices falling 20 % a year for three years
    weeks = pd.date_range("2022-01-02", periods=156, freq="W-SUN")
    years = np.arange(156) / 52.18
    sales = pd.DataFrame(
        {
            "date": weeks,
            "product": "a",
            "quantity": 1.0,
            "price": 10 * 0.8**years,
            "form": "fresh",
        }
    )
    # When trends are measured
    out = price_trends(sales).set_index("product")
    # Then the trend is about -20 %/yr and the current price is last year's level
    assert out.at["a", "price_trend"] == pytest.approx(-0.2, abs=0.01)
    assert out.at["a", "price_per_kg"] == pytest.approx(10 * 0.8**2.5, rel=0.05)


def test_collapsing_price_ranks_below_a_stable_one():
    # Given two crops with the same economics, one with prices falling 40 %/yr
    out = rank_crops("here", REGIONS, _crops(), _trends(trend_a=-0.4))
    # Then the collapsing crop ranks last and carries a risk note
    assert out["product"].tolist() == ["b", "a"]
    assert "falling" in out.set_index("product").at["a", "risk_note"]


def test_planted_high_margin_crop_ranks_top():
    # Given a crop grown here with a higher price than a climate-similar one
    growth = pd.DataFrame({"region": ["here"], "product": ["a"]})
    out = rank_crops("here", REGIONS, _crops(), _trends(price_a=20.0), growth)
    # Then it ranks first and is marked as grown here
    assert out.iloc[0]["product"] == "a"
    assert bool(out.iloc[0]["grown_here"]) and not bool(out.iloc[1]["grown_here"])


def test_profit_per_mu_year_is_yield_times_expected_price_minus_cost():
    out = rank_crops("here", REGIONS, _crops(), _trends(trend_a=0.1))
    expected = out["yield_per_mu_kg"] * out["expected_price_per_kg"] - out["cost_per_mu_yuan"]
    assert np.allclose(out["profit_per_mu_year"], expected)
    rising = out.set_index("product").loc["a"]
    assert rising["expected_price_per_kg"] > rising["price_per_kg"]


def test_raising_cost_never_raises_score():
    scores = [
        rank_crops("here", REGIONS, _crops(a={"cost_per_mu_yuan": c}), _trends())
        .set_index("product")
        .at["a", "score"]
        for c in (0, 2000, 10000, 50000)
    ]
    assert all(np.diff(scores) < 0)


def test_later_first_harvest_never_raises_horizon_profit():
    # Given a rising price (a later harvest sells dearer), When the first harvest comes later
    profits = [
        rank_crops("here", REGIONS, _crops(a={"months_to_first_harvest": m}), _trends(0.3))
        .set_index("product")
        .at["a", "profit_per_mu_horizon"]
        for m in (4, 12, 36, 60, 80)
    ]
    # Then the horizon profit never rises
    assert all(np.diff(profits) <= 0)
    assert profits[0] > profits[-1]


def test_reason_names_the_numbers():
    products = pd.DataFrame(
        {"product": ["a", "b"], "name_en": ["Kiwi", "B"], "name_zh": ["猕猴桃", "乙"]}
    )
    out = rank_crops("here", REGIONS, _crops(), _trends(), products=products)
    row = out.set_index("product").loc["a"]
    assert row["reason"].startswith("Kiwi earns about ¥8,000 per mu a year in this climate")
    assert "12 months" in row["reason"] and "猕猴桃" in row["reason_zh"]


def test_unknown_region_is_refused():
    with pytest.raises(ValueError, match="nowhere"):
        rank_crops("nowhere", REGIONS, _crops(), _trends())
