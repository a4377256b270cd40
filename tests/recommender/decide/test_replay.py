"""Tests of the decision backtest: stock arithmetic, policies, no look-ahead, the summary."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from recommender.decide.replay import (
    LAST_YEAR,
    MEDIAN,
    PERFECT,
    PLAN,
    Logistics,
    _simulate,
    replay_decisions,
    summarise_decisions,
)

PRODUCTS = pd.DataFrame(
    {"product": ["p"], "name_en": ["Pear"], "name_zh": ["梨"], "category": ["fruit"],
     "shelf_life_days": [14]}
)  # fmt: skip
OPTIONS = pd.DataFrame(
    {
        "product": ["p"],
        "option": ["fresh"],
        "yield_ratio": [1.0],
        "processing_cost_per_kg": [0.0],
        "shelf_life_days": [np.nan],
        "price_multiplier": [1.0],
    }
)
CROPS = pd.DataFrame(
    {"product": ["p"], "climate_zone": ["*"], "yield_per_mu_kg": [1000.0],
     "cost_per_mu_yuan": [4000.0]}
)  # fmt: skip
REGIONS = pd.DataFrame({"region": ["r"], "climate_zone": ["warm"]})


def _sales(weeks: int = 120, seed: int = 1, price: float = 10.0) -> pd.DataFrame:
    """Weekly sales of one line with noise around 100 kg."""
    rng = np.random.default_rng(seed)
    dates = pd.date_range("2023-01-01", periods=weeks, freq="W-SUN")
    return pd.DataFrame(
        {
            "date": dates,
            "region": "r",
            "product": "p",
            "channel": "taobao",
            "form": "fresh",
            "quantity": rng.poisson(100, weeks).astype(float),
            "price": price,
        }
    )


def _backtest(sales: pd.DataFrame, cutoffs: list[pd.Timestamp], horizon: int = 4) -> pd.DataFrame:
    """A backtest that forecast 100 kg a week with an 80 % range of 80-120 kg."""
    rows = []
    for cut in cutoffs:
        for h in range(1, horizon + 1):
            rows.append(
                {"region": "r", "product": "p", "cutoff": cut, "date": cut + pd.Timedelta(weeks=h),
                 "forecast": 100.0, "lo": 80.0, "hi": 120.0}
            )  # fmt: skip
    return pd.DataFrame(rows)


def _replay(sales: pd.DataFrame, cutoffs: list[pd.Timestamp]) -> pd.DataFrame:
    return replay_decisions(
        sales, _backtest(sales, cutoffs), PRODUCTS, OPTIONS, CROPS, REGIONS, logistics=Logistics()
    )


def test_stock_carries_over_less_spoilage_and_short_demand_is_counted():
    # given one line listed 10 kg a week for two weeks, demand 4 then 20, half of leftovers spoil
    sim = _simulate(np.array([[10.0, 10.0]]), np.array([[4.0, 20.0]]), np.array([0.5]))
    # then week 1 sells 4, wastes 3, holds 3; week 2 buys 7, sells 10 and misses 10
    assert sim["bought"][0] == pytest.approx(17.0)
    assert sim["sold"][0] == pytest.approx(14.0)
    assert sim["waste"][0] == pytest.approx(3.0)
    assert sim["short"][0] == pytest.approx(10.0)
    assert sim["held_end"][0] == pytest.approx(0.0)


def test_every_policy_is_scored_and_perfect_foresight_earns_the_most():
    # given two years of sales and two backtest windows
    sales = _sales()
    cutoffs = [sales["date"].iloc[-12], sales["date"].iloc[-6]]
    # when the listing decisions are replayed
    results = _replay(sales, cutoffs)
    summary = summarise_decisions(results)
    # then every policy has a margin, perfect foresight the highest, and waste is accounted
    assert set(summary) == {PLAN, LAST_YEAR, MEDIAN, PERFECT}
    best = summary[PERFECT]["margin"]
    assert all(row["margin"] <= best + 1e-6 for row in summary.values())
    assert summary[PERFECT]["waste_kg"] == 0.0 and summary[PERFECT]["share_of_perfect"] == 1.0
    assert summary[PLAN]["demand_kg"] == pytest.approx(
        sales[sales["date"] > cutoffs[0]]["quantity"].sum(), rel=0.5
    )
    assert set(results["cutoff"]) == set(cutoffs)


def test_the_plan_never_looks_past_its_cutoff():
    # given the same sales, and a copy whose weeks after the cutoff sell at ten times the price
    sales = _sales()
    cut = sales["date"].iloc[-6]
    later = sales["date"] > cut
    dearer = sales.assign(price=sales["price"].where(~later, 100.0))
    # when both are replayed
    a = _replay(sales, [cut]).set_index("policy")
    b = _replay(dearer, [cut]).set_index("policy")
    # then the plan lists exactly the same kilos (its prices and costs came from the past) ...
    assert a.at[PLAN, "listed_kg"] == pytest.approx(b.at[PLAN, "listed_kg"])
    # ... while what it earned changed with the prices that happened
    assert b.at[PLAN, "revenue"] > 5 * a.at[PLAN, "revenue"]


def test_a_line_sold_below_cost_is_not_listed_by_the_plan_nor_perfect_foresight():
    # given a pear that sells at 3 yuan/kg while it costs 4 to grow
    sales = _sales(price=3.0)
    results = _replay(sales, [sales["date"].iloc[-6]]).set_index("policy")
    # then the plan and perfect foresight list nothing and lose nothing; the naive ones lose
    assert results.at[PLAN, "listed_kg"] == 0.0 and results.at[PLAN, "margin"] == 0.0
    assert results.at[PERFECT, "margin"] == 0.0
    assert results.at[LAST_YEAR, "margin"] < 0 and results.at[MEDIAN, "margin"] < 0
