"""Tests for regional-brand opportunity scoring."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from recommender.data.tables import BRAND_COLUMNS
from recommender.decide.brand import ACTIONS, OUTPUT_COLUMNS, BrandWeights, score_brands

WEEKS = 26


def _sales(
    rows: list[tuple[str, str, float, float]],
    *,
    weeks: int = WEEKS,
    seed: int = 0,
    noise: float = 0.001,
    channel: str = "taobao",
) -> pd.DataFrame:
    """Weekly fresh sales: (region, product, kg per week, yuan/kg) with seeded price noise."""
    rng = np.random.default_rng(seed)
    dates = pd.date_range("2024-01-07", periods=weeks, freq="W-SUN")
    out = [
        {
            "date": d,
            "region": r,
            "product": p,
            "quantity": q,
            "price": price * float(np.exp(rng.normal(0, noise))),
            "channel": channel,
            "form": "fresh",
        }
        for r, p, q, price in rows
        for d in dates
    ]
    return pd.DataFrame(out)


def _signals(
    sales: pd.DataFrame,
    registered: dict[tuple[str, str], str] | None = None,
    *,
    status: str = "registered",
    n_sellers: int | None = None,
    national: dict[tuple[str, str], int] | None = None,
) -> pd.DataFrame:
    """Signals for every pair: GI ``status`` for the named pairs, ``none`` for the others."""
    keys = sales[["region", "product"]].drop_duplicates().reset_index(drop=True)
    reg, nat = registered or {}, national or {}
    pairs = list(keys.itertuples(index=False, name=None))
    return keys.assign(
        gi_status=[status if k in reg else "none" for k in pairs],
        gi_name_zh=[reg.get(k, "") for k in pairs],
        gi_name_en=[reg.get(k, "") for k in pairs],
        production_tonnes=100.0,
        n_sellers=pd.array([n_sellers] * len(keys), dtype="Int64"),
        national_suppliers=pd.array([nat.get(k) for k in pairs], dtype="Int64"),
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


def _kiwi(premium: float, *, noise: float = 0.03, seed: int = 1, weeks: int = WEEKS):
    """SPECIALIST with region a's kiwifruit at ``8 * (1 + premium)`` and noisy prices."""
    rows = [
        (r, p, q, 8.0 * (1 + premium) if (r, p) == ("a", "kiwifruit") else x)
        for r, p, q, x in SPECIALIST
    ]
    return _sales(rows, noise=noise, seed=seed, weeks=weeks)


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
    assert top["premium_weeks"] == WEEKS
    assert "no GI" in top["reason"] and "尚无地理标志" in top["reason_zh"]
    assert list(out.columns) == list(OUTPUT_COLUMNS)
    assert out["score"].is_monotonic_decreasing


def test_noisy_planted_premium_is_covered_by_an_interval_that_excludes_zero():
    # given region a's kiwifruit priced +25% over the others in every week, with 5% noise
    sales = _kiwi(0.25, noise=0.05, weeks=52)
    # when scored
    row = _row(score_brands(sales, _signals(sales)), "a", "kiwifruit")
    # then the 90% interval covers +25%, lies above 0, and a applies for a GI saying so
    assert row["premium_lo"] < 0.25 < row["premium_hi"]
    assert row["premium_lo"] > 0.1
    assert row["price_premium"] == pytest.approx(0.25, abs=0.03)
    assert row["action"] == "apply_for_gi"
    lo, hi = f"{row['premium_lo']:+.0%}", f"{row['premium_hi']:+.0%}"
    assert f"90% range {lo} to {hi}" in row["reason"]
    assert f"90%置信区间{lo}至{hi}" in row["reason_zh"]


def test_specialist_below_look_alikes_is_not_yet_and_says_how_far_below():
    # given the user's case: a specialist among 2 supplying regions priced 9% below the other
    rows = [("a", "kiwifruit", 900.0, 8.0 * 0.91), ("b", "kiwifruit", 100.0, 8.0)]
    rows += [("a", "rice", 1000.0, 5.0), ("b", "rice", 3000.0, 5.0)]
    sales = _sales(rows, noise=0.03, seed=2)
    growth = pd.DataFrame({"region": ["a"], "product": ["kiwifruit"], "demand_growth": [-0.09]})
    # when scored
    row = _row(score_brands(sales, _signals(sales), growth), "a", "kiwifruit")
    # then it is a specialist with few suppliers, yet not_yet: the price is clearly below
    assert row["location_quotient"] >= 1.5 and row["competitors"] == 2
    assert row["premium_hi"] < 0
    assert row["action"] == "not_yet"
    gap = f"{-row['price_premium']:.0%}"
    assert gap in ("8%", "9%", "10%")
    assert f"its price is {gap} below look-alikes (90% range" in row["reason"]
    assert f"价格比同类产品低{gap}" in row["reason_zh"]


def test_specialist_at_the_look_alike_price_is_not_yet_not_distinguishable_from_zero():
    # given the same specialist priced like the other region (0 premium, 3% noise)
    rows = [("a", "kiwifruit", 900.0, 8.0), ("b", "kiwifruit", 100.0, 8.0)]
    rows += [("a", "rice", 1000.0, 5.0), ("b", "rice", 3000.0, 5.0)]
    sales = _sales(rows, noise=0.03, seed=2)
    # when scored
    row = _row(score_brands(sales, _signals(sales)), "a", "kiwifruit")
    # then the interval straddles 0 and the reason says the premium is indistinguishable
    assert row["premium_lo"] < 0 < row["premium_hi"]
    assert row["action"] == "not_yet"
    assert "premium is not distinguishable from zero (90% range" in row["reason"]
    assert "的溢价与零没有明显差别" in row["reason_zh"]


def test_a_clear_but_small_premium_is_not_enough_for_a_gi_or_to_protect():
    # given a specialist among 3 suppliers earning a clear but small +2% premium
    sales = _kiwi(0.02, noise=0.01)
    plain = _row(score_brands(sales, _signals(sales)), "a", "kiwifruit")
    gi = _row(
        score_brands(sales, _signals(sales, {("a", "kiwifruit"): "A Kiwi"})), "a", "kiwifruit"
    )
    # then the premium is significant, yet below the +5% a brand premium needs
    assert plain["premium_lo"] > 0 and plain["price_premium"] < 0.05
    assert plain["action"] == "not_yet"
    assert "is real yet below the +5% a brand premium needs" in plain["reason"]
    assert "仍低于品牌溢价所需的+5%" in plain["reason_zh"]
    assert gi["action"] == "build_brand_on_gi"


def test_premium_from_channel_mix_alone_is_not_a_premium():
    # given every region gets 10/kg on taobao and 6/kg offline, but a (the specialist) sells
    # 90% on taobao and b and c 90% offline
    parts = []
    for region, kg, online in (("a", 1000.0, 0.9), ("b", 100.0, 0.1), ("c", 100.0, 0.1)):
        parts.append(_sales([(region, "kiwifruit", kg * online, 10.0)], channel="taobao"))
        parts.append(_sales([(region, "kiwifruit", kg * (1 - online), 6.0)], channel="offline"))
    parts.append(_sales([(r, "rice", 2000.0, 5.0) for r in "abc"]))
    sales = pd.concat(parts, ignore_index=True)
    kiwi = sales[sales["product"] == "kiwifruit"].assign(value=lambda f: f["price"] * f["quantity"])
    sums = kiwi.groupby(kiwi["region"] == "a")[["value", "quantity"]].sum()
    naive = sums["value"] / sums["quantity"]
    assert naive[True] / naive[False] - 1 > 0.3  # the unmatched comparison would see +40%
    # when scored
    row = _row(score_brands(sales, _signals(sales)), "a", "kiwifruit")
    # then the matched premium is ~0 and it is not advised to apply
    assert row["location_quotient"] >= 1.5
    assert row["price_premium"] == pytest.approx(0.0, abs=0.01)
    assert row["action"] == "not_yet"


def test_many_national_suppliers_need_a_strong_premium_and_the_reason_says_so():
    # given a +6% specialist premium among 3 regions in the file
    sales = _kiwi(0.06, noise=0.01)
    pair = ("a", "kiwifruit")
    # when scored with 40 regions supplying look-alikes nationally, and without that count
    crowded = _row(score_brands(sales, _signals(sales, national={pair: 40})), *pair)
    local = _row(score_brands(sales, _signals(sales)), *pair)
    # then the national count is used: crowded, so +6% is too thin and it is not_yet ...
    assert crowded["supplier_regions"] == 3
    assert (crowded["competitors"], crowded["competitors_source"]) == (40, "national")
    assert 0 < crowded["premium_lo"] < 0.10
    assert crowded["action"] == "not_yet"
    assert "40 supplying regions nationally" in crowded["reason"]
    assert "falls short of the +10% a crowded market needs" in crowded["reason"]
    assert "全国共40个产区供应" in crowded["reason_zh"]
    # ... while among the file's 3 suppliers the same clear premium is enough to apply
    assert (local["competitors"], local["competitors_source"]) == (3, "file")
    assert local["action"] == "apply_for_gi"
    assert "3 supplying regions in the data" in local["reason"]
    assert crowded["uniqueness"] == pytest.approx(1 / 40)
    assert crowded["score"] < local["score"]


def test_strong_premium_applies_even_among_many_national_suppliers():
    # given a +30% specialist premium and 40 national suppliers
    sales = _kiwi(0.30, noise=0.01)
    row = _row(
        score_brands(sales, _signals(sales, national={("a", "kiwifruit"): 40})), "a", "kiwifruit"
    )
    # then the premium clears the crowded-market bar: apply, saying so
    assert row["premium_lo"] >= 0.10
    assert row["action"] == "apply_for_gi"
    assert "40 supplying regions nationally" in row["reason"]
    assert "clearing the +10% a crowded market needs" in row["reason"]


def test_many_online_sellers_crowd_a_thin_premium_and_few_leave_room():
    # given a +6% specialist premium among 3 regions in the file
    sales = _kiwi(0.06, noise=0.01)
    # when 5,000 online shops sell it, and when 20 do
    many = _row(score_brands(sales, _signals(sales, n_sellers=5000)), "a", "kiwifruit")
    few = _row(score_brands(sales, _signals(sales, n_sellers=20)), "a", "kiwifruit")
    # then many sellers make a thin premium a look-alike commodity; a few leave room to apply
    assert many["n_sellers"] == 5000 and many["action"] == "not_yet"
    assert "5,000 online shops" in many["reason"] and "网上5,000家店铺销售" in many["reason_zh"]
    assert few["action"] == "apply_for_gi"
    assert "20 online shops" in few["reason"]


def test_strongly_falling_demand_rules_out_applying():
    # given the planted +50% specialist with demand forecast to fall 30%, or 5%
    sales = _sales(SPECIALIST)

    def scored(growth: float) -> pd.Series:
        g = pd.DataFrame({"region": ["a"], "product": ["kiwifruit"], "demand_growth": [growth]})
        return _row(score_brands(sales, _signals(sales), g), "a", "kiwifruit")

    falling, easing = scored(-0.30), scored(-0.05)
    # then a 30% fall is past the -15% limit (not_yet, saying so); a 5% dip is not
    assert falling["action"] == "not_yet"
    assert "demand is forecast to fall 30% year on year, past the -15% limit" in falling["reason"]
    assert "预计需求同比下降30%，超过15%的警戒线" in falling["reason_zh"]
    assert easing["action"] == "apply_for_gi"


def test_few_matched_weeks_are_not_enough_to_apply():
    # given the planted +50% specialist but only 6 weeks of sales
    sales = _sales(SPECIALIST, weeks=6)
    row = _row(score_brands(sales, _signals(sales)), "a", "kiwifruit")
    # then the premium is measured but too thinly to act on
    assert row["premium_weeks"] == 6 and row["price_premium"] == pytest.approx(0.5, abs=0.01)
    assert row["action"] == "not_yet"
    assert "rests on only 6 matched weeks" in row["reason"]
    # and a single week gives no interval at all, which the reason leaves out
    one = _sales(SPECIALIST, weeks=1)
    single = _row(score_brands(one, _signals(one)), "a", "kiwifruit")
    assert math.isnan(single["premium_lo"]) and single["action"] == "not_yet"
    assert "rests on only 1 matched week, fewer than the 12 needed" in single["reason"]
    assert "nan" not in single["reason"] + single["reason_zh"]


def test_pending_gi_application_with_a_case_should_be_seen_through():
    # given the planted specialist whose GI application is pending
    sales = _sales(SPECIALIST)
    signals = _signals(sales, {("a", "kiwifruit"): "A Kiwi"}, status="applied")
    row = _row(score_brands(sales, signals), "a", "kiwifruit")
    # then the advice is to see it through
    assert row["action"] == "apply_for_gi"
    assert "see it through" in row["reason"] and "建议跟进" in row["reason_zh"]
    # but a pending application priced below look-alikes is not_yet, noting the application
    cheap = _kiwi(-0.2, noise=0.01)
    signals = _signals(cheap, {("a", "kiwifruit"): "A Kiwi"}, status="applied")
    row = _row(score_brands(cheap, signals), "a", "kiwifruit")
    assert row["action"] == "not_yet" and "GI application pending" in row["reason"]
    assert "20% below look-alikes" in row["reason"]


def test_empty_signals_table_scores_every_pair_as_without_signal():
    # given a brand-signals table with its columns but no rows
    sales = _sales(SPECIALIST)
    empty = pd.DataFrame({c: pd.Series(dtype=object) for c in BRAND_COLUMNS}).astype(
        {"n_sellers": "Int64", "national_suppliers": "Int64", "production_tonnes": float}
    )
    # when scored
    out = score_brands(sales, empty)
    # then every pair is scored from the sales alone and says it has no brand signal
    assert len(out) == len(SPECIALIST)
    assert out["reason"].str.contains("no brand signal on file").all()
    assert (out["competitors_source"] == "file").all() and out["n_sellers"].isna().all()
    assert _row(out, "a", "kiwifruit")["action"] == "apply_for_gi"


def test_registered_gi_without_premium_should_build_brand():
    # given region a holds a registered GI for kiwifruit but sells at everyone's price (noisy)
    sales = _kiwi(0.0, noise=0.03, seed=3)
    signals = _signals(sales, {("a", "kiwifruit"): "A Kiwi"})
    # when scored
    row = _row(score_brands(sales, signals), "a", "kiwifruit")
    # then the premium is indistinguishable from 0: build a brand on the GI
    assert row["premium_lo"] < 0 < row["premium_hi"]
    assert row["action"] == "build_brand_on_gi"
    assert row["premium_gi_vs_lookalike"] == pytest.approx(0.0, abs=0.03)
    assert "A Kiwi" in row["reason"] and "not distinguishable from zero" in row["reason"]


def test_registered_gi_with_premium_should_protect_it():
    # given region a holds a registered GI for kiwifruit and earns 50% over look-alikes
    sales = _sales(SPECIALIST)
    out = score_brands(sales, _signals(sales, {("a", "kiwifruit"): "A Kiwi"}))
    # then the advice is to protect the premium; every kiwifruit row shows the GI premium
    row = _row(out, "a", "kiwifruit")
    assert row["action"] == "protect_gi_premium" and row["premium_lo"] > 0
    assert "protect the premium" in row["reason"] and "建议保护溢价" in row["reason_zh"]
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


def test_more_national_suppliers_never_raise_the_score():
    # given the planted specialist with ever more regions supplying look-alikes nationally
    sales = _sales(SPECIALIST)
    scores = [
        _row(
            score_brands(sales, _signals(sales, national={("a", "kiwifruit"): n})), "a", "kiwifruit"
        )["score"]
        for n in (3, 5, 10, 40)
    ]
    # then the score never rises and ends lower
    assert all(later <= earlier for earlier, later in zip(scores, scores[1:], strict=False))
    assert scores[-1] < scores[0]


def test_every_reason_is_non_empty_and_carries_the_numbers():
    sales = _sales(SPECIALIST + [("d", "honey", 20.0, 60.0)])
    growth = pd.DataFrame({"region": ["a"], "product": ["kiwifruit"], "demand_growth": [0.12]})
    out = score_brands(sales, _signals(sales, {("b", "rice"): "B Rice"}), growth)
    assert set(out["action"]) <= set(ACTIONS)
    for _, row in out.iterrows():
        lq = f"{row['location_quotient']:.1f}"
        if row["premium_weeks"] == 0:
            figures = ["no look-alike price to compare", "没有可比的同类价格"]
        elif row["premium_hi"] < 0:
            figures = [f"{-row['price_premium']:.0%} below", f"低{-row['price_premium']:.0%}"]
        else:
            premium = row["price_premium"] if abs(row["price_premium"]) >= 0.005 else 0.0
            figures = [f"{premium:+.0%}"] * 2
        for text, figure in zip((row["reason"], row["reason_zh"]), figures, strict=True):
            assert text.strip() and lq in text and figure in text, text
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
    assert honey["premium_weeks"] == 0 and math.isnan(honey["premium_lo"])
    assert honey["action"] == "not_yet"  # a sole supplier cannot show a premium
    assert math.isnan(honey["premium_gi_vs_lookalike"])
    assert "no brand signal on file" in honey["reason"]


def test_two_calls_give_identical_output():
    # given noisy sales
    sales = _kiwi(0.1, noise=0.05)
    signals = _signals(sales, n_sellers=300)
    # when scored twice, then every column is identical (the bootstrap is seeded)
    pd.testing.assert_frame_equal(score_brands(sales, signals), score_brands(sales, signals))


def test_weights_must_not_be_negative():
    with pytest.raises(ValueError, match="weights"):
        BrandWeights(premium=-1.0)
