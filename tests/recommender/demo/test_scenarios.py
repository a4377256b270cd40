"""Tests that planted demo scenarios surface in the processing and brand rankings."""

from __future__ import annotations

import pandas as pd
import pytest

from recommender import config
from recommender.data.tables import load_brand_signals, load_processing_options
from recommender.decide.brand import score_brands
from recommender.decide.pricing import fresh_price, learn_form_multipliers, options_for
from recommender.decide.processing import score_options
from recommender.decide.profile import load_profile
from recommender.demo.scenarios import (
    BAD_OPTION,
    SCENARIOS,
    plant,
    plant_options,
    simulate_scenario,
)
from recommender.demo.simspec import demo_specs
from recommender.demo.simulate import simulate_demo

WEEKS = 110
DEMO = config.DEMO_DATA_DIR
KIWI_REGIONS, KIWI_PRODUCTS = ["zhouzhi", "meixian"], ["kiwifruit", "walnut", "honey"]
BRAND_REGIONS = ["luochuan", "fuping", "meixian", "zhouzhi", "nanfeng", "zhashui"]


def _ranking(names: tuple[str, ...]) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Zhouzhi's processing ranking on (planted) sales, with the multipliers and the sales."""
    data = simulate_scenario(names, weeks=WEEKS, regions=KIWI_REGIONS, products=KIWI_PRODUCTS)
    raw = load_processing_options(DEMO / "processing_options.csv", data.products)
    raw = plant_options(raw, names)
    options = options_for(data.products, raw)
    multipliers = learn_form_multipliers(data.sales, options)
    prices = fresh_price(data.sales, implied_from=options)
    recent = data.sales[data.sales["date"] > data.sales["date"].max() - pd.Timedelta(weeks=52)]
    demand = recent.groupby(["region", "product", "form"], as_index=False)["quantity"].sum()
    demand = demand.rename(columns={"quantity": "forecast"})
    demand = demand.assign(lo=demand["forecast"] * 0.8, hi=demand["forecast"] * 1.2)
    profile = load_profile(DEMO / "coop_profile.json")
    ranked = score_options(
        options, prices, multipliers, demand, profile, fresh_shelf_life=data.products
    )
    return ranked, multipliers, data.sales


def _brands(names: tuple[str, ...]) -> pd.DataFrame:
    """Brand scores of a few counties on (planted) sales with the demo brand signals."""
    data = simulate_scenario(names, weeks=WEEKS, regions=BRAND_REGIONS)
    signals = load_brand_signals(DEMO / "brand_signals.csv", data.products, data.regions)
    return score_brands(data.sales, signals)


def _weekly_price(sales: pd.DataFrame, product: str) -> pd.Series:
    """Quantity-weighted fresh price of a product per week."""
    rows = sales[(sales["product"] == product) & (sales["form"] == "fresh")]
    value = (rows["quantity"] * rows["price"]).groupby(rows["date"]).sum()
    return value / rows.groupby("date")["quantity"].sum()


def _top(ranked: pd.DataFrame, n: int = 3) -> list[tuple[str, str]]:
    return list(ranked[["product", "option"]].head(n).itertuples(index=False, name=None))


@pytest.fixture(scope="module")
def kiwi_planted():
    return _ranking(("dried_kiwifruit",))


@pytest.fixture(scope="module")
def kiwi_plain():
    return _ranking(())


def test_dried_kiwifruit_tops_zhouzhi_processing_only_when_planted(kiwi_planted, kiwi_plain):
    # given Zhouzhi's ranking on sales with and without the dried-kiwifruit plant
    planted, plain = kiwi_planted[0], kiwi_plain[0]
    # then planted, dried kiwifruit is in the top 3 (here first), ahead of every other option
    assert ("kiwifruit", "dried") in _top(planted)
    assert _top(planted, 1) == [("kiwifruit", "dried")]
    # and without the plant it is not first
    assert _top(plain, 1) != [("kiwifruit", "dried")]


def test_planted_bad_option_is_feasible_but_stays_out_of_the_top(kiwi_planted):
    # given the planted ranking, which includes the dear, under-priced frozen line
    ranked = kiwi_planted[0]
    bad = (BAD_OPTION["product"], BAD_OPTION["option"])
    row = ranked[(ranked["product"] == bad[0]) & (ranked["option"] == bad[1])]
    # then it was scored as a feasible option (so only its numbers keep it down) ...
    assert len(row) == 1 and bool(row["feasible"].iloc[0])
    # ... and it is not in the top 3
    assert bad not in _top(ranked)


def test_dried_multiplier_is_learned_high_and_volume_grows_only_when_planted(
    kiwi_planted, kiwi_plain
):
    # given the multipliers and sales with and without the plant
    def dried(mults: pd.DataFrame) -> pd.Series:
        return mults[(mults["product"] == "kiwifruit") & (mults["option"] == "dried")].iloc[0]

    planted, plain = dried(kiwi_planted[1]), dried(kiwi_plain[1])
    sales = kiwi_planted[2]
    kg = sales[(sales["form"] == "dried") & (sales["region"] == "meixian")]
    weekly = kg.groupby("date")["quantity"].sum()
    # then the planted multiplier is learned from sales and high, the unplanted one lower
    assert planted["source"] == "learned"
    assert planted["price_multiplier"] > 8.0
    assert plain["price_multiplier"] < 8.0
    # and planted dried volume in the last 52 weeks is over 1.5x the first 52 weeks
    assert weekly.iloc[-52:].sum() > 1.5 * weekly.iloc[:52].sum()


def test_gi_premium_puts_luochuan_apple_in_the_top_3_protecting_its_premium():
    # given brand scores with and without the GI-premium plant
    planted, plain = _brands(("gi_premium",)), _brands(())

    def luochuan(scores: pd.DataFrame) -> pd.Series:
        hit = (scores["region"] == "luochuan") & (scores["product"] == "apple")
        return scores[hit].iloc[0]

    # then planted, Luochuan apple carries a premium of about +60 % and ranks in the top 3
    row = luochuan(planted)
    assert row["gi_status"] == "registered"
    assert 0.5 < row["price_premium"] < 0.7
    assert row["action"] == "protect_gi_premium"
    assert row.name < 3
    # and without the plant its premium is small and it is not in the top 3
    assert luochuan(plain)["price_premium"] < 0.3
    assert luochuan(plain).name >= 3


def test_collapsing_price_really_falls_only_when_planted():
    # given potato sales with and without the collapsing-price plant
    products, regions = ["potato"], ["luochuan"]
    kw = {"weeks": WEEKS, "regions": regions, "products": products}
    planted = _weekly_price(simulate_scenario(("collapsing_price",), **kw).sales, "potato")
    plain = _weekly_price(simulate_scenario((), **kw).sales, "potato")
    # when the last 13 weeks' mean fresh price is compared with the first 13 weeks'
    ratio_planted = planted.iloc[-13:].mean() / planted.iloc[:13].mean()
    ratio_plain = plain.iloc[-13:].mean() / plain.iloc[:13].mean()
    # then the planted price fell below 60 % of where it started, and the plain one did not
    assert ratio_planted < 0.6
    assert ratio_plain >= 0.6


def test_plant_leaves_its_input_and_the_default_demo_untouched():
    # given the demo spec table
    specs = demo_specs(7)
    before = specs.copy()
    # when every scenario is planted into it
    for name in SCENARIOS:
        planted = plant(specs, name, seed=7, weeks=WEEKS)
        # then the planted table differs but the input does not
        assert not planted.equals(before)
    pd.testing.assert_frame_equal(specs, before)
    # and planting nothing gives exactly the default demo sales
    plain = simulate_scenario((), weeks=12)
    pd.testing.assert_frame_equal(plain.sales, simulate_demo(seed=7, weeks=12).sales)


def test_unknown_scenario_is_refused():
    # when an unknown scenario is asked for, then it is a clear error
    with pytest.raises(ValueError, match="unknown scenario"):
        plant(demo_specs(7), "no_such_thing")


def _grow_ranking(names: tuple[str, ...]) -> pd.DataFrame:
    from recommender.data.reference import load_regions
    from recommender.data.tables import load_crop_economics
    from recommender.decide.grow import price_trends, rank_crops

    regions = ["luochuan", "zhouzhi", "meixian", "fuping"]
    products = ["apple", "walnut", "potato", "kiwifruit", "cherry", "persimmon"]
    data = simulate_scenario(names, weeks=WEEKS, regions=regions, products=products)
    region_table = load_regions(DEMO / "regions.csv")
    crops = load_crop_economics(DEMO / "crop_economics.csv", data.products, region_table)
    pairs = data.sales[["region", "product"]].drop_duplicates().assign(demand_growth=0.0)
    return rank_crops("luochuan", region_table, crops, price_trends(data.sales), pairs)


def test_collapsing_price_drops_the_crop_out_of_the_grow_top_3():
    # given Luochuan's grow ranking with and without potato's price collapse
    planted = _grow_ranking(("collapsing_price",)).reset_index(drop=True)
    plain = _grow_ranking(()).reset_index(drop=True)
    rank_planted = planted.index[planted["product"] == "potato"][0]
    rank_plain = plain.index[plain["product"] == "potato"][0]
    # then the collapsing crop is not recommended among the top 3, and ranks lower than before
    assert rank_planted >= 3
    assert rank_planted > rank_plain
    # and its risk note says why
    note = planted.loc[planted["product"] == "potato", "risk_note"].iloc[0]
    assert "falling" in note
