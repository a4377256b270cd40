"""Tests for regional-brand opportunity scoring."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from recommender.decide.brand import ACTIONS, OUTPUT_COLUMNS, BrandWeights, score_brands


def _sales(rows: list[tuple[str, str, float, float]], *, weeks: int = 4, seed: int = 0):
    """Weekly fresh sales: (region, product, kg per week, yuan/kg) with tiny seeded noise."""
    rng = np.random.default_rng(seed)
    dates = pd.date_range("2024-01-07", periods=weeks, freq="W-SUN")
    out = [
        {
            "date": d,
            "region": r,
            "product": p,
            "quantity": q,
            "price": price * (1 + rng.normal(0, 0.001)),
            "channel": "taobao",
            "form": "fresh",
        }
        for r, p, q, price in rows
        for d in dates
    ]
    return pd.DataFrame(out)


def _signals(sales: pd.DataFrame, registered: dict[tuple[str, str], str] | None = None):
    keys = sales[["region", "product"]].drop_duplicates().reset_index(drop=True)
    reg = registered or {}
    status = ["registered" if (r, p) in reg else "none" for r, p in keys.itertuples(index=False)]
    names = [reg.get((r, p), "") for r, p in keys.itertuples(index=False)]
    return keys.assign(
        gi_status=status,
        gi_name_zh=names,
        gi_name_en=names,
        production_tonnes=100.0,
        n_sellers=5,
        source="test",
    )


def _row(out: pd.DataFrame, region: str, product: str) -> pd.Series:
    hit = out[(out["region"] == region) & (out["product"] == product)]
    assert len(hit) == 1
    return hit.iloc[0]


SPECIALIST = [
    ("a", "kiwifruit", 900.0, 12.0),
    ("b", "kiwifruit", 50.0, 8.0),
    ("c", "kiwifruit", 50.0, 8.0),
    ("a", "rice", 1000.0, 5.0),
    ("b", "rice", 2000.0, 5.0),
    ("c", "rice", 2000.0, 5.0),
    ("d", "rice", 2000.0, 5.0),
]


def test_planted_specialist_ranks_first_and_should_apply_for_gi():
    # given region a sells 90% of the kiwifruit at a 50% premium and has no GI
    sales = _sales(SPECIALIST)
    # when scored
    out = score_brands(sales, _signals(sales))
    # then it ranks first, gets apply_for_gi, and the premium is learned from the prices
    top = out.iloc[0]
    assert (top["region"], top["product"]) == ("a", "kiwifruit")
    assert top["action"] == "apply_for_gi"
    assert top["price_premium"] == pytest.approx(0.5, abs=0.01)
    assert "no GI" in top["reason"] and "尚无地理标志" in top["reason_zh"]
    assert list(out.columns) == list(OUTPUT_COLUMNS)
    assert out["score"].is_monotonic_decreasing


def test_registered_gi_without_premium_should_build_brand():
    # given region a holds a registered GI for kiwifruit but sells at everyone's price
    rows = [(r, p, q, 8.0 if p == "kiwifruit" else price) for r, p, q, price in SPECIALIST]
    sales = _sales(rows)
    signals = _signals(sales, {("a", "kiwifruit"): "A Kiwi"})
    # when scored
    row = _row(score_brands(sales, signals), "a", "kiwifruit")
    # then the advice is to build a brand on the GI, and the GI-vs-look-alike premium is ~0
    assert row["action"] == "build_brand_on_gi"
    assert row["premium_gi_vs_lookalike"] == pytest.approx(0.0, abs=0.01)
    assert "A Kiwi" in row["reason"]


def test_registered_gi_with_premium_should_protect_it():
    # given region a holds a registered GI for kiwifruit and earns 50% over look-alikes
    sales = _sales(SPECIALIST)
    out = score_brands(sales, _signals(sales, {("a", "kiwifruit"): "A Kiwi"}))
    # then the advice is to protect the premium; every kiwifruit row shows the GI premium
    assert _row(out, "a", "kiwifruit")["action"] == "protect_gi_premium"
    kiwi = out[out["product"] == "kiwifruit"]["premium_gi_vs_lookalike"]
    assert kiwi.to_numpy() == pytest.approx([0.5] * 3, abs=0.01)


def test_product_sold_everywhere_at_one_price_is_not_yet():
    # given five regions that each sell potato and rice in equal amounts at equal prices
    regions = "abcde"
    sales = _sales([(r, p, 100.0, 3.0) for r in regions for p in ("potato", "rice")])
    # when scored
    out = score_brands(sales, _signals(sales))
    # then no one is a specialist: everything is not_yet, with no premium and no dispersion
    assert set(out["action"]) == {"not_yet"}
    assert out["location_quotient"].to_numpy() == pytest.approx(1.0)
    assert out["price_dispersion"].to_numpy() == pytest.approx(0.0, abs=0.01)
    assert out["reason"].str.contains("1.5×").all()


def test_location_quotient_is_exact_on_two_regions():
    # given a: apple 30, rice 10; b: apple 10, rice 50 (total 100, apple 40)
    sales = _sales([("a", "apple", 30, 5), ("a", "rice", 10, 3), ("b", "apple", 10, 5)])
    sales = pd.concat([sales, _sales([("b", "rice", 50, 3)])], ignore_index=True)
    out = score_brands(sales, _signals(sales))
    # then LQ(a, apple) = (30/40) / (40/100) = 1.875 and LQ(b, rice) = (50/60) / (60/100)
    assert _row(out, "a", "apple")["location_quotient"] == pytest.approx(1.875)
    assert _row(out, "b", "rice")["location_quotient"] == pytest.approx((50 / 60) / 0.6)
    assert _row(out, "a", "apple")["supplier_regions"] == 2
    assert _row(out, "a", "apple")["uniqueness"] == pytest.approx(0.5)


def test_raising_a_regions_price_never_lowers_its_score():
    # given the specialist example with region a's kiwifruit price raised step by step from parity
    scores, premiums = [], []
    for price in (8.0, 8.5, 9.0, 10.0, 12.0, 16.0, 24.0, 40.0):
        rows = [
            (r, p, q, price if (r, p) == ("a", "kiwifruit") else x) for r, p, q, x in SPECIALIST
        ]
        sales = _sales(rows)
        row = _row(score_brands(sales, _signals(sales)), "a", "kiwifruit")
        scores.append(row["score"])
        premiums.append(row["price_premium"])
    # then the learned premium rises and the score never falls
    assert premiums == sorted(premiums)
    assert all(later >= earlier for earlier, later in zip(scores, scores[1:], strict=False))
    assert scores[-1] > scores[0]


def test_every_reason_is_non_empty_and_carries_the_numbers():
    sales = _sales(SPECIALIST)
    growth = pd.DataFrame({"region": ["a"], "product": ["kiwifruit"], "demand_growth": [0.12]})
    out = score_brands(sales, _signals(sales, {("b", "rice"): "B Rice"}), growth)
    assert set(out["action"]) <= set(ACTIONS)
    for _, row in out.iterrows():
        premium = row["price_premium"] if abs(row["price_premium"]) >= 0.005 else 0.0  # no "-0%"
        lq, prem = f"{row['location_quotient']:.1f}", f"{premium:+.0%}"
        for text in (row["reason"], row["reason_zh"]):
            assert text.strip() and lq in text and prem in text
    a_kiwi = _row(out, "a", "kiwifruit")
    assert a_kiwi["demand_growth"] == pytest.approx(0.12)
    assert "+12%" in a_kiwi["reason"] and "+12%" in a_kiwi["reason_zh"]
    # pairs without a growth forecast get 0 and say so
    b_rice = _row(out, "b", "rice")
    assert b_rice["demand_growth"] == 0.0 and "no growth forecast" in b_rice["reason"]


def test_no_nan_in_score_even_without_prices_or_signals():
    # given a product sold by one region only and rows without prices or brand signals
    sales = _sales(SPECIALIST + [("d", "honey", 20.0, 60.0)])
    sales.loc[sales["region"] == "c", "price"] = np.nan
    out = score_brands(sales, _signals(sales).iloc[:2])
    assert out["score"].notna().all()
    assert out["score"].between(0, 100).all()
    honey = _row(out, "d", "honey")
    assert honey["price_premium"] == 0.0 and "no look-alike price" in honey["reason"]
    assert math.isnan(honey["premium_gi_vs_lookalike"])
    assert "no brand signal on file" in honey["reason"]


def test_weights_must_not_be_negative():
    with pytest.raises(ValueError, match="weights"):
        BrandWeights(premium=-1.0)
