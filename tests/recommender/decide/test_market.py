"""Tests of demand by form: sold forms, estimated markets of new forms, the what-if factor."""

from __future__ import annotations

import pandas as pd
import pytest

from recommender.decide.market import FROM_MARKET, FROM_PRIOR, FROM_SALES, demand_by_form

WEEKS = pd.date_range("2025-01-05", periods=52, freq="W-SUN")


def _sales(rows: list[tuple[str, str, str, float]]) -> pd.DataFrame:
    """Weekly sales of (region, product, form, kg a week) over a year."""
    return pd.DataFrame(
        [
            {"date": w, "region": r, "product": p, "form": f, "quantity": kg}
            for r, p, f, kg in rows
            for w in WEEKS
        ]
    )


def _forecast(region: str, product: str, kg: float) -> pd.DataFrame:
    dates = pd.date_range("2026-01-04", periods=8, freq="W-SUN")
    return pd.DataFrame(
        {"region": region, "product": product, "date": dates, "forecast": kg, "lo": kg * 0.8,
         "hi": kg * 1.2}
    )  # fmt: skip


OPTIONS = pd.DataFrame(
    {
        "product": ["walnut", "walnut", "walnut"],
        "option": ["fresh", "gift_box", "dried"],
        "yield_ratio": [1.0, 0.9, 0.5],
        "market_share": [None, None, 0.1],
    }
)


def test_a_sold_form_takes_its_share_of_the_regions_forecast():
    sales = _sales([("a", "walnut", "fresh", 80.0), ("a", "walnut", "gift_box", 20.0)])
    out = demand_by_form(_forecast("a", "walnut", 100.0), sales).set_index("form")
    assert out.at["gift_box", "forecast"] == pytest.approx(100.0 * 52 * 0.2)
    assert out.at["gift_box", "demand_basis"] == FROM_SALES


def test_a_form_others_sell_gets_their_share_where_they_sell_it():
    # given region a sells only fresh walnuts; b sells 15 % gift boxes; c sells none
    sales = _sales(
        [
            ("a", "walnut", "fresh", 1000.0),
            ("b", "walnut", "fresh", 85.0),
            ("b", "walnut", "gift_box", 15.0),
            ("c", "walnut", "fresh", 500.0),
        ]
    )
    # when a's demand by form is estimated with its options
    out = demand_by_form(_forecast("a", "walnut", 100.0), sales, OPTIONS).set_index("form")
    # then a's gift-box market is 15 % of its walnut demand (c's sales do not dilute it)
    gift = out.loc["gift_box"]
    assert gift["demand_basis"] == FROM_MARKET
    assert gift["form_share"] == pytest.approx(0.15)
    assert gift["forecast"] == pytest.approx(100.0 * 52 * 0.15)
    assert gift["lo"] < gift["forecast"] < gift["hi"]
    # and a form nobody sells takes its option's share of the raw produce, times its yield
    dried = out.loc["dried"]
    assert dried["demand_basis"] == FROM_PRIOR
    assert dried["form_share"] == pytest.approx(0.1 * 0.5)


def test_the_what_if_factor_scales_only_the_estimates():
    sales = _sales([("a", "walnut", "fresh", 90.0), ("b", "walnut", "gift_box", 10.0)])
    base = demand_by_form(_forecast("a", "walnut", 100.0), sales, OPTIONS).set_index("form")
    more = demand_by_form(
        _forecast("a", "walnut", 100.0), sales, OPTIONS, market_factor=2.0
    ).set_index("form")
    assert more.at["gift_box", "forecast"] == pytest.approx(2 * base.at["gift_box", "forecast"])
    assert more.at["fresh", "forecast"] == pytest.approx(base.at["fresh", "forecast"])
