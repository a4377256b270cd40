"""Tests of channel and form shares: ordinary weeks, each festival, and the fallbacks."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from recommender.decide.shares import (
    ANY_FESTIVAL,
    ORDINARY,
    channel_form_shares,
    festival_keys,
    shares_for,
)

DOUBLE_11_2025 = pd.Timestamp("2025-11-09")
MID_AUTUMN_2025 = pd.Timestamp("2025-10-05")


def _sales(double_11: float = 35.0, other: float = 10.0, ordinary: float = 5.0) -> pd.DataFrame:
    """Two years of weekly sales with a gift-box share set per kind of week."""
    weeks = pd.date_range("2024-01-07", "2025-12-28", freq="W-SUN")
    keys = festival_keys(weeks)
    rows = []
    for week, key in zip(weeks, keys, strict=True):
        gift = double_11 if key == "double_11" else other if key else ordinary
        rows.append({"date": week, "channel": "taobao", "form": "gift_box", "quantity": gift})
        rows.append({"date": week, "channel": "taobao", "form": "fresh", "quantity": 100 - gift})
    return pd.DataFrame(rows).assign(region="r", product="p")


def _gift(shares: pd.DataFrame, festival: str) -> float:
    rows = shares[(shares["festival"] == festival) & (shares["form"] == "gift_box")]
    return float(rows["share"].sum())


def test_festival_keys_name_the_festival_of_each_week():
    # given a Double 11 week, a Mid-Autumn week and an ordinary week
    keys = festival_keys(pd.DatetimeIndex([DOUBLE_11_2025, MID_AUTUMN_2025, "2025-08-17"]))
    # then each gets its festival's key, the ordinary week none
    assert keys.tolist() == ["double_11", "mid_autumn", ORDINARY]


def test_each_festival_keeps_its_own_mix():
    # given gift boxes at 35 % in Double 11 weeks, 10 % in other festivals, 5 % otherwise
    shares = channel_form_shares(_sales())
    # then the shares are learned per festival, pooled and ordinary
    assert _gift(shares, "double_11") == pytest_approx(0.35)
    assert _gift(shares, "mid_autumn") == pytest_approx(0.10)
    assert _gift(shares, ORDINARY) == pytest_approx(0.05)
    assert 0.10 < _gift(shares, ANY_FESTIVAL) < 0.35
    sums = shares.groupby(["region", "product", "festival"])["share"].sum()
    assert np.allclose(sums, 1.0)


def test_without_the_double_11_difference_its_mix_is_the_other_festivals():
    # given the same history with Double 11 like every other festival
    shares = channel_form_shares(_sales(double_11=10.0))
    # then Double 11 shows no special gift-box share
    assert _gift(shares, "double_11") == pytest_approx(0.10)


def test_a_period_takes_its_festival_then_any_festival_then_ordinary_shares():
    # given shares of ordinary weeks and Double 11 only
    sales = _sales()
    keys = festival_keys(sales["date"])
    shares = channel_form_shares(sales[np.isin(keys, ["double_11", ORDINARY])])
    festivals = ["double_11", "qingming", "", ""]
    rows = pd.DataFrame({"region": "r", "product": ["p", "p", "p", "q"], "festival": festivals})
    # when split
    split = shares_for(rows, shares)
    used = split.drop_duplicates(["product", "festival"]).set_index("festival")["share_festival"]
    # then Double 11 uses its own, Qingming the pooled festival mix, ordinary its own
    assert used["double_11"] == "double_11" and used["qingming"] == ANY_FESTIVAL
    ordinary = split[(split["product"] == "p") & (split["festival"] == "")]
    assert ordinary["share_festival"].iloc[0] == ""
    # and a product without any shares goes wholly to unknown / fresh
    q = split[split["product"] == "q"]
    assert q[["channel", "form", "share"]].values.tolist() == [["unknown", "fresh", 1.0]]


def pytest_approx(value: float) -> object:
    return pytest.approx(value, abs=1e-9)
