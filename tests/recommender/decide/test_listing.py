"""Tests of the listing plan: channel/form shares, critical ratio and newsvendor quantities."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from recommender.data.calendar import calendar_features
from recommender.decide.costs import raw_costs
from recommender.decide.listing import (
    HOLDING_COST_SHARE,
    critical_ratio,
    listing_plan,
)
from recommender.decide.profile import CoopProfile
from recommender.decide.shares import channel_form_shares

MID_AUTUMN_2026 = pd.Timestamp("2026-09-27")  # the week to Sunday 27 Sep holds 25 Sep 2026
NORMAL_2026 = pd.Timestamp("2026-08-16")


def _sales() -> pd.DataFrame:
    """A year of weekly sales: gift boxes take 80 % in festival weeks, 10 % otherwise."""
    weeks = pd.date_range("2025-01-05", "2025-12-28", freq="W-SUN")
    fest = calendar_features(weeks, "W-SUN")["fest_any"].to_numpy().astype(bool)
    rows = []
    for week, is_fest in zip(weeks, fest, strict=True):
        gift = 80.0 if is_fest else 10.0
        rows.append({"date": week, "form": "gift_box", "channel": "taobao", "quantity": gift})
        rows.append({"date": week, "form": "fresh", "channel": "offline", "quantity": 100 - gift})
    return pd.DataFrame(rows).assign(region="r", product="p")


def _forecast(weeks: list[pd.Timestamp]) -> pd.DataFrame:
    return pd.DataFrame(
        {"region": "r", "product": "p", "date": weeks, "forecast": 100.0, "lo": 70.0, "hi": 130.0}
    )


PRODUCTS = pd.DataFrame(
    {"product": ["p"], "name_en": ["Pear"], "name_zh": ["梨"], "shelf_life_days": [30]}
)
PRICES = pd.DataFrame({"product": ["p"], "price_per_kg": [10.0]})


def _plan(weeks=(NORMAL_2026,), products=PRODUCTS, **kw) -> pd.DataFrame:
    shares = channel_form_shares(_sales())
    return listing_plan(
        _forecast(list(weeks)), shares, products, PRICES, region="r", weeks=len(weeks), **kw
    )


def test_critical_ratio_is_vectorised_and_half_when_both_costs_are_zero():
    assert critical_ratio(3.0, 1.0) == 0.75
    assert critical_ratio(np.array([0.0, 1.0]), np.array([0.0, 3.0])).tolist() == [0.5, 0.25]


def test_gift_box_share_rises_in_a_mid_autumn_week():
    # Given history where gift boxes sell in festival weeks
    plan = _plan(weeks=(NORMAL_2026, MID_AUTUMN_2026))
    gift = plan[plan["form"] == "gift_box"].set_index("week")["forecast_kg"]
    # Then the Mid-Autumn week lists more gift boxes, and names the festival
    assert gift[MID_AUTUMN_2026] == pytest.approx(80.0)
    assert gift[NORMAL_2026] == pytest.approx(10.0)
    festival = plan.set_index("week")["festival"]
    assert "Mid-Autumn Festival / 中秋节" in festival[MID_AUTUMN_2026].iloc[0]
    assert (festival[NORMAL_2026] == "").all()


def test_weeks_are_limited_to_n():
    weeks = list(pd.date_range("2026-03-01", periods=6, freq="W-SUN"))
    shares = channel_form_shares(_sales())
    plan = listing_plan(_forecast(weeks), shares, PRODUCTS, PRICES, region="r", weeks=2)
    assert sorted(plan["week"].unique()) == weeks[:2]


def test_quantity_equals_forecast_at_critical_ratio_one_half():
    # Given a shelf life of 0 (all unsold goods spoil), cu = co when 1 - u = u * (1 + holding)
    products = PRODUCTS.assign(shelf_life_days=0)
    plan = _plan(products=products, unit_cost_share=1 / (2 + HOLDING_COST_SHARE))
    assert np.allclose(plan["critical_ratio"], 0.5)
    assert np.allclose(plan["quantity_kg"], plan["forecast_kg"])


def test_raising_overage_cost_never_raises_a_quantity():
    # Given a higher unit cost (more lost per unsold kg, less per missed sale)
    plans = [_plan(unit_cost_share=u) for u in (0.2, 0.5, 0.8, 0.95)]
    quantities = np.array([p["quantity_kg"].to_numpy() for p in plans])
    assert np.all(np.diff(quantities, axis=0) <= 0) and quantities[0, 0] > quantities[-1, 0]
    # And a longer transit (more spoilage) never raises a quantity either
    slow = _plan(profile=CoopProfile("r", {}, 0.0, 1, False, 20))
    assert np.all(slow["quantity_kg"].to_numpy() < plans[1]["quantity_kg"].to_numpy())


def test_shorter_shelf_life_never_raises_a_quantity():
    plans = [_plan(products=PRODUCTS.assign(shelf_life_days=d)) for d in (365, 30, 7, 1)]
    quantities = np.array([p["quantity_kg"].to_numpy() for p in plans])
    assert np.all(np.diff(quantities, axis=0) <= 0) and quantities[0, 0] > quantities[-1, 0]


def test_reason_carries_the_numbers():
    row = _plan().iloc[0]
    assert f"List {row['quantity_kg']:,.0f} kg of pear" in row["reason"]
    assert "梨" in row["reason_zh"] and f"{row['critical_ratio']:.0%}" in row["reason"]


OPTIONS = pd.DataFrame(
    {
        "product": ["p", "p"],
        "option": ["fresh", "gift_box"],
        "yield_ratio": [1.0, 0.9],
        "processing_cost_per_kg": [0.0, 0.5],
        "shelf_life_days": [np.nan, 365.0],
    }
)


def test_each_form_keeps_for_its_own_shelf_life():
    # given gift boxes that keep a year while the fresh product keeps 3 days
    products = PRODUCTS.assign(shelf_life_days=3)
    plan = _plan(products=products, options=OPTIONS).set_index("form")
    # then the gift box spoils less, so it is stocked to a higher service level than fresh
    assert plan.at["gift_box", "shelf_life_days"] == 365
    assert plan.at["fresh", "shelf_life_days"] == 3
    assert plan.at["gift_box", "critical_ratio"] > 0.8 > plan.at["fresh", "critical_ratio"]
    assert "365-day shelf life" in plan.at["gift_box", "reason"]
    # and without the option's shelf life both get the product's
    same = _plan(products=products).set_index("form")
    assert same.at["gift_box", "critical_ratio"] == pytest.approx(
        same.at["fresh", "critical_ratio"]
    )


def test_a_line_sold_below_its_cost_is_not_listed_and_says_why():
    # given crop economics putting the raw cost at 12 yuan/kg against a 10 yuan price
    crops = pd.DataFrame(
        {"product": ["p"], "climate_zone": ["*"], "yield_per_mu_kg": [100.0],
         "cost_per_mu_yuan": [1200.0]}
    )  # fmt: skip
    raw = raw_costs(crops, pd.DataFrame({"region": ["r"], "climate_zone": ["warm"]}))
    plan = _plan(raw=raw)
    # then nothing is listed, and the reason gives both figures and where the cost comes from
    assert (plan["quantity_kg"] == 0).all() and not plan["listed"].any()
    reason = plan["reason"].iloc[0]
    assert reason.startswith("Do not list") and "¥12.00/kg" in reason and "crop economics" in reason
    assert "不建议" in plan["reason_zh"].iloc[0]
    # and at a raw cost of 4 yuan/kg the same lines are listed, costed from the crops
    cheap = _plan(raw=raw.assign(raw_cost=4.0))
    assert cheap["listed"].all() and (cheap["quantity_kg"] > 0).all()
    assert (cheap["cost_basis"] == "crops").all()
    fresh = cheap[cheap["form"] == "fresh"]
    assert fresh["unit_cost"].iloc[0] == pytest.approx(4.0)


def test_without_crop_economics_the_cost_is_the_prior_and_said_so():
    plan = _plan(unit_cost_share=0.5)
    assert (plan["cost_basis"] == "prior").all()
    assert plan["unit_cost"].iloc[0] == pytest.approx(5.0)
    assert "assumed at 50% of the fresh price" in plan["reason"].iloc[0]


def test_a_double_11_week_uses_the_mix_of_past_double_11_weeks():
    # given history where gift boxes are 35 % of Double 11 weeks and 10 % of other festivals
    weeks = pd.date_range("2024-01-07", "2025-12-28", freq="W-SUN")
    feats = calendar_features(weeks, "W-SUN")
    rows = []
    for i, week in enumerate(weeks):
        gift = (
            35.0 if feats["fest_double_11"].iloc[i] else 10.0 if feats["fest_any"].iloc[i] else 5.0
        )
        rows.append({"date": week, "form": "gift_box", "channel": "taobao", "quantity": gift})
        rows.append({"date": week, "form": "fresh", "channel": "taobao", "quantity": 100 - gift})
    shares = channel_form_shares(pd.DataFrame(rows).assign(region="r", product="p"))
    double_11, mid_autumn = pd.Timestamp("2026-11-08"), MID_AUTUMN_2026
    # when the plan covers a Double 11 week and a Mid-Autumn week
    plan = listing_plan(
        _forecast([mid_autumn, double_11]), shares, PRODUCTS, PRICES, region="r", weeks=2
    )
    gift = plan[plan["form"] == "gift_box"].set_index("week")
    # then each festival gets its own gift-box share, and the reason says so
    assert gift.at[double_11, "forecast_kg"] == pytest.approx(35.0)
    assert gift.at[mid_autumn, "forecast_kg"] == pytest.approx(10.0)
    assert "mix of past Double 11 (Singles' Day) weeks" in gift.at[double_11, "reason"]
