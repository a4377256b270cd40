"""Tests for matched price premiums and their week-block bootstrap intervals."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from recommender.decide.premium import (
    CONFIDENCE,
    PREMIUM_COLUMNS,
    gi_premium,
    matched_premiums,
    reference_priced,
    week_resamples,
)

DATES = pd.date_range("2024-01-07", periods=52, freq="W-SUN")


def _frame(rows: list[tuple]) -> pd.DataFrame:
    """Sales from (date, region, product, channel, form, quantity, price) tuples."""
    cols = ["date", "region", "product", "channel", "form", "quantity", "price"]
    return pd.DataFrame(rows, columns=cols)


def _noisy(seed: int, *, products: int, premium: float, sd: float) -> pd.DataFrame:
    """Regions a, b, c sell each product every week; a at ``1 + premium`` times, log-noise sd."""
    rng = np.random.default_rng(seed)
    grid = pd.MultiIndex.from_product(
        [DATES, list("abc"), [f"p{i}" for i in range(products)]],
        names=["date", "region", "product"],
    ).to_frame(index=False)
    level = np.where(grid["region"] == "a", 1 + premium, 1.0)
    price = 10.0 * level * np.exp(rng.normal(0.0, sd, len(grid)))
    return grid.assign(channel="taobao", form="fresh", quantity=100.0, price=price)


def _row(out: pd.DataFrame, region: str, product: str) -> pd.Series:
    hit = out[(out["region"] == region) & (out["product"] == product)]
    assert len(hit) == 1
    return hit.iloc[0]


def test_exact_premium_in_every_cell_is_recovered_with_a_tight_interval():
    # given a priced 25% over b in each of two channels, every week, with no noise
    rows = [
        (d, r, "kiwi", ch, "fresh", 10.0, base * (1.25 if r == "a" else 1.0))
        for d in DATES[:20]
        for r in "ab"
        for ch, base in (("taobao", 12.0), ("offline", 7.0))
    ]
    # when estimated
    out = matched_premiums(_frame(rows))
    # then the premium is exactly +25% (and b's is 1/1.25 - 1), on 20 matched weeks
    a, b = _row(out, "a", "kiwi"), _row(out, "b", "kiwi")
    assert a["price_premium"] == pytest.approx(0.25)
    assert a["premium_lo"] == pytest.approx(0.25) and a["premium_hi"] == pytest.approx(0.25)
    assert b["price_premium"] == pytest.approx(1 / 1.25 - 1)
    assert a["premium_weeks"] == 20
    assert list(out.columns) == list(PREMIUM_COLUMNS)


def test_channel_form_and_season_mix_do_not_pass_for_a_premium():
    # given a and b get the same price in every (week, channel, form), but a sells mostly gift
    # boxes on Douyin in the dear winter weeks and b mostly fresh offline in cheap weeks
    rows = []
    for i, d in enumerate(DATES[:26]):
        season = 1.5 if i < 13 else 1.0
        for ch, form, price in (("douyin_live", "gift_box", 30.0), ("offline", "fresh", 8.0)):
            dear = ch == "douyin_live"
            rows.append(
                (d, "a", "orange", ch, form, (90.0 if dear else 10.0) * season, price * season)
            )
            rows.append(
                (d, "b", "orange", ch, form, (10.0 if dear else 90.0) / season, price * season)
            )
    sales = _frame(rows)
    value = (sales["price"] * sales["quantity"]).groupby(sales["region"]).sum()
    unit = value / sales.groupby("region")["quantity"].sum()
    assert unit["a"] / unit["b"] > 2  # the unmatched comparison would see a large premium
    # when estimated
    row = _row(matched_premiums(sales), "a", "orange")
    # then the matched premium is zero
    assert row["price_premium"] == pytest.approx(0.0, abs=1e-12)
    assert row["premium_weeks"] == 26


def test_cells_are_weighted_by_the_regions_quantity():
    # given two cells a week: a 10% over b on 30 kg of taobao sales, 30% over on 10 kg offline
    rows = []
    for d in DATES[:12]:
        rows += [
            (d, "a", "tea", "taobao", "fresh", 30.0, 11.0),
            (d, "b", "tea", "taobao", "fresh", 5.0, 10.0),
        ]
        rows += [
            (d, "a", "tea", "offline", "fresh", 10.0, 13.0),
            (d, "b", "tea", "offline", "fresh", 50.0, 10.0),
        ]
    # when estimated
    row = _row(matched_premiums(_frame(rows)), "a", "tea")
    # then the log ratios are averaged with weights 3:1
    expected = math.exp((3 * math.log(1.1) + math.log(1.3)) / 4) - 1
    assert row["price_premium"] == pytest.approx(expected)


def test_pairs_without_a_shared_cell_or_a_price_get_no_row():
    # given a sells honey alone, b sells rice only in weeks a does not, c's tea is unpriced
    rows = [(d, "a", "honey", "taobao", "fresh", 5.0, 60.0) for d in DATES[:10]]
    rows += [(d, "a", "rice", "taobao", "fresh", 5.0, 4.0) for d in DATES[:5]]
    rows += [(d, "b", "rice", "taobao", "fresh", 5.0, 5.0) for d in DATES[5:10]]
    rows += [
        (d, r, "tea", "taobao", "fresh", 5.0, np.nan if r == "c" else 20.0)
        for d in DATES[:10]
        for r in "cd"
    ]
    # when estimated, then nothing can be compared
    out = matched_premiums(_frame(rows))
    assert out.empty and list(out.columns) == list(PREMIUM_COLUMNS)


def test_single_matched_week_has_no_interval():
    # given a and b share one week only
    rows = [(DATES[0], r, "tea", "taobao", "fresh", 5.0, p) for r, p in (("a", 22.0), ("b", 20.0))]
    row = _row(matched_premiums(_frame(rows)), "a", "tea")
    # then the point estimate stands but the interval is unknown
    assert row["price_premium"] == pytest.approx(0.1)
    assert row["premium_weeks"] == 1
    assert math.isnan(row["premium_lo"]) and math.isnan(row["premium_hi"])


def test_intervals_cover_the_planted_premium_about_as_often_as_promised():
    # given 20 seeded data sets of 10 products where a earns +10% under 5% weekly price noise
    covered, widths = [], []
    for seed in range(20):
        out = matched_premiums(_noisy(seed, products=10, premium=0.10, sd=0.05))
        a = out[out["region"] == "a"]
        covered += list((a["premium_lo"] <= 0.10) & (a["premium_hi"] >= 0.10))
        widths += list(a["premium_hi"] - a["premium_lo"])
    # then the 90% intervals cover +10% in roughly 90% of the 200 cases, and are not trivially wide
    assert CONFIDENCE == 0.90
    assert 0.84 <= np.mean(covered) <= 0.96
    assert 0.01 < np.mean(widths) < 0.06


def test_more_noise_gives_a_wider_interval():
    # given the same planted premium under 2% and 8% price noise
    quiet = _row(matched_premiums(_noisy(0, products=1, premium=0.1, sd=0.02)), "a", "p0")
    loud = _row(matched_premiums(_noisy(0, products=1, premium=0.1, sd=0.08)), "a", "p0")
    # then the noisier interval is wider, and both contain the estimate
    assert loud["premium_hi"] - loud["premium_lo"] > 2 * (quiet["premium_hi"] - quiet["premium_lo"])
    for row in (quiet, loud):
        assert row["premium_lo"] < row["price_premium"] < row["premium_hi"]


def test_estimates_are_deterministic():
    sales = _noisy(3, products=3, premium=0.05, sd=0.05)
    pd.testing.assert_frame_equal(matched_premiums(sales), matched_premiums(sales))


def test_week_resamples_draw_whole_circular_blocks():
    # given 10 weeks in blocks of 4
    counts = week_resamples(10, resamples=50, block_weeks=4, seed=1)
    # then each resample draws 3 blocks (12 weeks) ...
    assert counts.shape == (50, 10)
    assert (counts.sum(axis=1) == 12).all()
    # ... in whole blocks: a block as long as the calendar wraps round to draw every week once
    assert (week_resamples(10, resamples=5, block_weeks=10, seed=1) == 1).all()
    assert counts.max() <= 3
    # ... the same every time, and different for another seed
    assert (week_resamples(10, resamples=50, block_weeks=4, seed=1) == counts).all()
    assert not (week_resamples(10, resamples=50, block_weeks=4, seed=2) == counts).all()


def test_gi_premium_compares_registered_with_other_regions():
    # given a (registered) sells at 12 and b, c at 8 (twice b's volume for c)
    rows = [
        (d, r, "kiwi", "taobao", "fresh", q, p)
        for d in DATES[:4]
        for r, q, p in (("a", 10, 12.0), ("b", 10, 8.0), ("c", 20, 8.0))
    ]
    priced = reference_priced(_frame(rows))
    registered = pd.DataFrame({"region": ["a"], "product": ["kiwi"]})
    # then the GI premium is 12 / 8 - 1, and NaN without a registered region
    assert gi_premium(priced, registered)["kiwi"] == pytest.approx(0.5)
    assert math.isnan(gi_premium(priced, registered.iloc[:0])["kiwi"])
