"""The advice finds each truth planted in the second world, and does not find it unplanted.

Every world variant (all plants on, or all but one) is simulated, written with its optional
tables, given a forecast made by hand (each series' same weeks last year) and read as evidence
once; each county's basis is prepared once per variant and shared by the tests.
"""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from pipelines.cli.main import main
from recommender.data.periods import WEEKS_PER_YEAR
from recommender.data.vocabulary import APPLY_FOR_GI
from recommender.decide.basis import RegionBasis, prepare
from recommender.decide.evidence import Evidence, load_evidence
from recommender.decide.grow import FALLING_TREND
from recommender.decide.recommend import KINDS, advise, recommend
from recommender.demo.plants import (
    ALL_PLANTS,
    BELOW_COST_LINE,
    BRAND_PREMIUM,
    COLLAPSING_PRICE,
    FESTIVAL_MIX,
    LONG_SHELF_FORM,
    RISING_CROP,
    ROASTED_VALUE,
    UNSOLD_FORM,
)
from recommender.demo.southwest import SOUTHWEST
from recommender.demo.world import OPTIONAL_TABLES, World, simulate_world
from tests.helpers import hand_forecast

TARGETS = SOUTHWEST.targets
EVERY_PLANT = ""
"""The variant with every plant on (otherwise a variant is named by the plant it leaves out)."""


class Worlds:
    """World variants and county bases, each made once on first use."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._worlds: dict[str, World] = {}
        self._evidence: dict[str, Evidence] = {}
        self._bases: dict[tuple[str, str], RegionBasis] = {}

    def world(self, without: str = EVERY_PLANT) -> World:
        """The default draw with every plant but ``without`` on."""
        if without not in self._worlds:
            plants = [p for p in ALL_PLANTS if p != without]
            self._worlds[without] = simulate_world(SOUTHWEST, plants=plants)
        return self._worlds[without]

    def evidence(self, without: str = EVERY_PLANT) -> Evidence:
        """The variant written with its optional tables, with a forecast made by hand."""
        if without not in self._evidence:
            folder = self.root / (without or "every_plant")
            self.world(without).write(folder / "data", tables=OPTIONAL_TABLES)
            artifacts = hand_forecast(folder / "data", folder / "artifacts")
            self._evidence[without] = load_evidence(folder / "data", artifacts)
        return self._evidence[without]

    def basis(self, region: str, without: str = EVERY_PLANT) -> RegionBasis:
        """A county's prepared basis in the variant."""
        if (region, without) not in self._bases:
            self._bases[region, without] = prepare(self.evidence(without), region)
        return self._bases[region, without]

    def advice(self, kind: str, region: str, without: str = EVERY_PLANT) -> pd.DataFrame:
        """One list of a county's advice (every item, not just the top five) as a frame."""
        doc = advise(self.basis(region, without), kinds=(kind,), top=100)
        return pd.DataFrame(doc[kind])


@pytest.fixture(scope="module")
def worlds(tmp_path_factory) -> Worlds:
    return Worlds(tmp_path_factory.mktemp("world_advice"))


def _item(items: pd.DataFrame, **keys: Any) -> pd.Series:
    """The one item matching every key."""
    hit = items[np.logical_and.reduce([items[k] == v for k, v in keys.items()])]
    assert len(hit) == 1, keys
    return hit.iloc[0]


def _zone_counties(world: World, product: str) -> list[str]:
    """Counties in a climate zone the crop economics give the product a row for."""
    crops = world.crop_economics
    zones = set(crops.loc[crops["product"] == product, "climate_zone"])
    counties = world.regions[world.regions["level"] == "county"]
    return sorted(counties.loc[counties["climate_zone"].isin(zones), "region"])


# --- rising_crop: a product whose price rises 25 % a year ------------------------------------


def _grow_ranks(worlds: Worlds, product: str, without: str) -> dict[str, pd.Series]:
    """Per county of the product's climate zones, its grow item with its 1-based ``rank``."""
    out = {}
    for county in _zone_counties(worlds.world(without), product):
        grow = worlds.advice("grow", county, without)
        ranks = pd.Series(np.arange(1, len(grow) + 1), index=grow["product"])
        out[county] = _item(grow, product=product).copy()
        out[county]["rank"] = int(ranks[product])
    return out


def test_rising_crop_ranks_in_the_top_two_where_it_can_grow(worlds):
    # given the rising crop and the counties of the climate zones its economics cover
    truth = worlds.world().truth[RISING_CROP]
    # when each of them is advised what to grow
    items = _grow_ranks(worlds, truth.product, EVERY_PLANT)
    # then it ranks first or second in at least one, on the planted trend, which every county
    # reads the same and carries into the price expected at first harvest
    assert len(items) >= 3
    assert min(item["rank"] for item in items.values()) <= 2
    for item in items.values():
        assert item["price_trend"] == pytest.approx(truth.values["annual_price_change"], abs=0.04)
        assert item["expected_price_per_kg"] > 1.3 * item["price_per_kg"]
        assert "+25%/yr" in item["reason"] and item["risk_note"] == ""


def test_rising_crop_is_not_ranked_high_without_the_plant(worlds):
    # given the same world with the crop's price flat
    items = _grow_ranks(worlds, TARGETS.rising_crop, RISING_CROP)
    # then it is first or second nowhere, and its trend is about 0
    assert len(items) >= 3
    assert min(item["rank"] for item in items.values()) > 2
    for item in items.values():
        assert abs(item["price_trend"]) < 0.04


# --- collapsing_price: a specialised county sells 9 % below others as prices fall 35 % a year -


def test_collapsing_price_is_no_brand_and_a_falling_price_risk(worlds):
    # given the county specialised in the collapsing product
    truth = worlds.world().truth[COLLAPSING_PRICE]
    region, product = truth.region, truth.product
    # when it is advised on brands and on what to grow
    brand = _item(worlds.advice("brand", region), product=product)
    grow = _item(worlds.advice("grow", region), product=product)
    # then no GI is advised: its price is below look-alikes, and the reason gives the figure
    assert brand["action"] != APPLY_FOR_GI
    assert brand["price_premium"] == pytest.approx(truth.values["price_vs_other_regions"], abs=0.03)
    assert brand["premium_hi"] < 0
    assert f"{abs(brand['price_premium']):.0%} below look-alikes" in brand["reason"]
    # ... and growing it carries the falling-price risk note, with the fall in numbers
    assert grow["price_trend"] == pytest.approx(truth.values["annual_price_change"], abs=0.05)
    assert grow["risk_note"] == f"prices are falling {-grow['price_trend']:.0%} a year"
    assert grow["risk_note"] in grow["reason"] and "价格每年下跌" in grow["reason_zh"]


def test_a_flat_price_is_still_no_brand_yet_no_risk(worlds):
    # given the same county selling at the others' price, with the product's price flat
    region, product = TARGETS.collapsing_price
    brand = _item(worlds.advice("brand", region, COLLAPSING_PRICE), product=product)
    grow = _item(worlds.advice("grow", region, COLLAPSING_PRICE), product=product)
    # then no GI is advised, for want of a premium distinguishable from zero
    assert brand["action"] != APPLY_FOR_GI
    assert abs(brand["price_premium"]) < 0.03 and brand["premium_lo"] < 0 < brand["premium_hi"]
    assert "not distinguishable from zero" in brand["reason"]
    assert "below look-alikes" not in brand["reason"]
    # ... and growing it carries no risk note
    assert grow["price_trend"] > FALLING_TREND
    assert grow["risk_note"] == "" and "falling" not in grow["reason"]


# --- brand_premium: a specialised county without a GI sells 25 % above the others ------------


def test_brand_premium_without_a_gi_is_to_apply_for_one(worlds):
    # given the premium county's product, with no GI in the brand signals
    truth = worlds.world().truth[BRAND_PREMIUM]
    brand = _item(worlds.advice("brand", truth.region), product=truth.product)
    # then it is advised to apply for a GI on a premium whose interval excludes 0 and holds 25 %
    assert truth.values["gi_status"] == "none" and brand["gi_status"] == "none"
    assert brand["action"] == APPLY_FOR_GI
    assert 0 < brand["premium_lo"] <= truth.values["premium"] <= brand["premium_hi"]
    assert brand["price_premium"] == pytest.approx(truth.values["premium"], abs=0.02)
    assert "+25% premium" in brand["reason"] and "apply for one" in brand["reason"]


def test_no_premium_no_gi_advice(worlds):
    # given the same county selling at the others' price
    region, product = TARGETS.brand_premium
    brand = _item(worlds.advice("brand", region, BRAND_PREMIUM), product=product)
    # then it is not advised to apply for a GI: there is no premium to protect
    assert brand["action"] != APPLY_FOR_GI
    assert abs(brand["price_premium"]) < 0.02 and not brand["premium_lo"] > 0
    assert "not distinguishable from zero" in brand["reason"]


# --- roasted_value: the county's roasted coffee sells at 2.6x green beans ---------------------


def test_roasting_is_recommended_at_the_learned_multiplier(worlds):
    # given the county selling the product roasted beside fresh
    truth = worlds.world().truth[ROASTED_VALUE]
    process = worlds.advice("process", truth.region)
    # then roasting is in its process list, on a multiplier learned from sales near 2.6
    roasted = _item(process, product=truth.product, option=truth.form)
    assert roasted["multiplier_source"] == "learned"
    assert roasted["price_multiplier"] == pytest.approx(truth.values["price_ratio"], rel=0.04)
    assert roasted["uplift_per_kg_raw"] > 0 and roasted["annual_uplift"] > 0
    assert roasted["demand_basis"] == "sales" and roasted["feasible"]
    assert "learned from sales" in roasted["reason"]


def test_roasting_at_a_small_markup_is_not_recommended(worlds):
    # given the same county's roasted beans at 1.15x green
    region, product = TARGETS.roasted_value
    basis = worlds.basis(region, ROASTED_VALUE)
    process = worlds.advice("process", region, ROASTED_VALUE)
    # then roasting is not in its process list, though the smaller multiplier was learned
    learned = _item(basis.multipliers, product=product, option="roasted")
    assert learned["source"] == "learned"
    assert learned["price_multiplier"] == pytest.approx(1.15, rel=0.04)
    assert not ((process["product"] == product) & (process["option"] == "roasted")).any()


# --- long_shelf_form: the county's dried chili keeps a year, fresh chili 10 days -------------


def _lines(worlds: Worlds, region: str, product: str, without: str) -> pd.DataFrame:
    plan = worlds.advice("list", region, without)
    return plan[plan["product"] == product]


def test_long_shelf_form_is_stocked_above_its_forecast(worlds):
    # given the county's listing plan for the planted product
    truth = worlds.world().truth[LONG_SHELF_FORM]
    lines = _lines(worlds, truth.region, truth.product, EVERY_PLANT)
    dried, fresh = lines[lines["form"] == "dried"], lines[lines["form"] == "fresh"]
    # then its dried lines keep a year and fresh lines their 10 days
    assert len(dried) >= 8 and len(fresh) >= 8
    assert (dried["shelf_life_days"] == truth.values["shelf_life_days"]).all()
    assert (fresh["shelf_life_days"] == truth.values["fresh_shelf_life_days"]).all()
    # ... so each dried line is listed at or above its forecast
    assert dried["listed"].all()
    assert (dried["quantity_kg"] >= dried["forecast_kg"]).all()
    # ... at a critical ratio well above fresh's in the same week and channel
    both = dried.merge(fresh, on=["week", "channel"], suffixes=("_dried", "_fresh"))
    assert len(both) == len(dried)
    gap = both["critical_ratio_dried"] - both["critical_ratio_fresh"]
    assert (gap > 0).all() and gap.mean() >= 0.05
    assert both["critical_ratio_dried"].min() >= 0.8


def test_without_the_dried_form_there_are_no_dried_lines(worlds):
    # given the county without dried chili sales
    region, product = TARGETS.long_shelf_form
    lines = _lines(worlds, region, product, LONG_SHELF_FORM)
    # then its plan lists fresh chili only
    assert len(lines) >= 8
    assert set(lines["form"]) == {"fresh"}


# --- below_cost_line: the county's fresh konjac sells at ~1.3 yuan/kg, grown at 2.4 ---------


def test_a_line_below_its_growing_cost_is_not_listed(worlds):
    # given the county's fresh lines of the product, with crop economics written
    truth = worlds.world().truth[BELOW_COST_LINE]
    lines = _lines(worlds, truth.region, truth.product, EVERY_PLANT)
    fresh = lines[lines["form"] == truth.form]
    # then none is listed: each sells below the cost from the crop economics, and says so
    assert len(fresh) >= 8
    assert (~fresh["listed"]).all() and (fresh["quantity_kg"] == 0).all()
    assert (fresh["cost_basis"] == "crops").all()
    assert fresh["unit_cost"].to_numpy() == pytest.approx(truth.values["cost_per_kg"])
    assert fresh["price_per_kg"].mean() == pytest.approx(truth.values["price"], rel=0.15)
    assert (fresh["price_per_kg"] < fresh["unit_cost"]).all()
    assert fresh["reason"].str.startswith("Do not list").all()
    assert fresh["reason_zh"].str.contains("不建议").all()


def test_a_line_above_its_growing_cost_is_listed(worlds):
    # given the same lines selling at ~3.5 yuan/kg
    region, product = TARGETS.below_cost_line
    lines = _lines(worlds, region, product, BELOW_COST_LINE)
    fresh = lines[lines["form"] == "fresh"]
    # then every one is listed with stock
    assert len(fresh) >= 8
    assert fresh["listed"].all() and (fresh["quantity_kg"] > 0).all()
    assert fresh["price_per_kg"].mean() == pytest.approx(3.5, rel=0.1)
    assert (fresh["price_per_kg"] > fresh["unit_cost"]).all()
    assert fresh["reason"].str.startswith("List ").all()


# --- festival_mix: tea gift boxes are 35 % of Double 11 weeks, 10 % of other festivals -------

DOUBLE_11, NATIONAL_DAY, ORDINARY = "2026-11-08", "2026-10-04", "2026-11-22"
"""A Double 11 week, a National Day week and an ordinary week of the year after the data."""


def _gift_shares(worlds: Worlds, without: str) -> dict[str, pd.Series]:
    """Per county selling the product, the gift-box share of each week's planned kg.

    The forecast is replaced by 1,000 kg a week in three weeks of the following autumn.
    """
    product = TARGETS.festival_mix
    sales = worlds.world(without).sales
    out = {}
    for county in sorted(set(sales.loc[sales["product"] == product, "region"])):
        basis = worlds.basis(county, without)
        weeks = pd.to_datetime([NATIONAL_DAY, DOUBLE_11, ORDINARY])
        forecast = pd.DataFrame(
            {"region": county, "product": product, "date": weeks, "forecast": 1000.0}
        ).assign(lo=700.0, hi=1300.0)
        ahead = dataclasses.replace(basis.evidence, forecast=forecast)
        plan = pd.DataFrame(
            advise(dataclasses.replace(basis, evidence=ahead), kinds=("list",), weeks=3)["list"]
        )
        assert set(plan["week"]) == {NATIONAL_DAY, DOUBLE_11, ORDINARY}
        assert plan["listed"].all()
        kg = plan.groupby(["week", "form"])["forecast_kg"].sum().unstack(fill_value=0.0)
        out[county] = kg["gift_box"] / kg.sum(axis=1)
        double_11 = plan[plan["week"] == DOUBLE_11]
        assert double_11["reason"].str.contains("mix of past Double 11").all()
    return out


def test_festival_mix_gives_gift_boxes_a_third_of_double_11(worlds):
    # given a plan for a Double 11, a National Day and an ordinary week, in every tea county
    truth = worlds.world().truth[FESTIVAL_MIX]
    shares = _gift_shares(worlds, EVERY_PLANT)
    # then gift boxes take ~35 % of the Double 11 week, ~10 % of the other festival, ~5 % else
    assert len(shares) >= 2
    for share in shares.values():
        assert share[DOUBLE_11] == pytest.approx(truth.values["share_double_11"], abs=0.04)
        assert share[NATIONAL_DAY] == pytest.approx(truth.values["share_other_festivals"], abs=0.03)
        assert share[ORDINARY] == pytest.approx(truth.values["share_ordinary"], abs=0.02)


def test_without_the_mix_double_11_is_like_any_festival(worlds):
    # given the same plans where Double 11 sold like any festival
    shares = _gift_shares(worlds, FESTIVAL_MIX)
    # then gift boxes take ~10 % of the Double 11 week too
    assert len(shares) >= 2
    for share in shares.values():
        assert share[DOUBLE_11] == pytest.approx(0.10, abs=0.03)
        assert share[DOUBLE_11] == pytest.approx(share[NATIONAL_DAY], abs=0.04)


# --- unsold_form: the profile county never sells walnut gift boxes; others sell 15 % ---------


def _yearly_forecast(evidence: Evidence, region: str, product: str) -> float:
    fc = evidence.forecast
    mine = fc[(fc["region"] == region) & (fc["product"] == product)]
    return float(mine["forecast"].sum() * WEEKS_PER_YEAR / mine["date"].nunique())


def test_an_unsold_form_is_capped_by_its_share_where_others_sell_it(worlds):
    # given the profile county, which never sold the form others sell at 15 %
    truth = worlds.world().truth[UNSOLD_FORM]
    basis = worlds.basis(truth.region)
    gift = _item(worlds.advice("process", truth.region), product=truth.product, option=truth.form)
    demand = _item(basis.demand, product=truth.product, form=truth.form)
    # then its market is estimated from the others' sales, at their share of the product
    assert basis.profile.region == truth.region
    assert gift["demand_basis"] == demand["demand_basis"] == "market"
    assert demand["form_share"] == pytest.approx(truth.values["share"], abs=0.02)
    # ... so its volume is capped near 15 % of the county's demand, not the raw volume
    yearly = _yearly_forecast(basis.evidence, truth.region, truth.product)
    yield_ratio = _item(basis.options, product=truth.product, option=truth.form)["yield_ratio"]
    expected = truth.values["share"] * yearly / yield_ratio
    assert gift["volume_kg_raw"] == pytest.approx(expected, rel=0.15)
    assert gift["volume_kg_raw"] < 0.05 * truth.values["raw_volume_kg"]
    # ... and the reason says the market is an estimate
    assert "estimated market" in gift["reason"]
    assert "an assumption, not your sales" in gift["reason"]
    assert f"{demand['form_share']:.0%} of walnut" in gift["reason"]
    assert "为估计值" in gift["reason_zh"]


def test_a_form_nobody_sells_gets_the_small_assumed_share(worlds):
    # given the same county where no county sells the form
    region, product = TARGETS.unsold_form
    basis = worlds.basis(region, UNSOLD_FORM)
    gift = _item(worlds.advice("process", region, UNSOLD_FORM), product=product, option="gift_box")
    demand = _item(basis.demand, product=product, form="gift_box")
    option = _item(basis.options, product=product, option="gift_box")
    # then its market is the option's assumed share of the demand, and the reason says so
    assert gift["demand_basis"] == demand["demand_basis"] == "prior"
    assert demand["form_share"] == pytest.approx(option["market_share"] * option["yield_ratio"])
    assert demand["form_share"] < 0.1
    assert "assumed market" in gift["reason"] and "nobody in your data sells it" in gift["reason"]


# --- a folder with only sales, regions, products and the profile -----------------------------


@pytest.fixture(scope="module")
def bare_folder(worlds) -> Path:
    folder = worlds.root / "bare" / "data"
    worlds.world().write(folder)
    return folder


def _from_defaults(kind: str, item: dict[str, Any]) -> bool:
    """Whether an item's figures rest on a category default."""
    return bool(item.get("default_for")) or (kind == "list" and item["cost_basis"] == "default")


def test_advice_without_optional_tables_rests_on_defaults_said_aloud(worlds, bare_folder):
    # given a folder with sales, regions, products and the profile only
    assert {p.name for p in bare_folder.iterdir()} == {
        "sales.csv", "regions.csv", "products.csv", "coop_profile.json",
    }  # fmt: skip
    evidence = load_evidence(bare_folder, hand_forecast(bare_folder, bare_folder.parent / "run"))
    # when the profile county is advised
    doc = recommend(evidence, str(worlds.world().profile["region"]))
    # then every list has advice
    for kind in KINDS:
        assert doc[kind], kind
    # ... and every item built on a category default says it is not the cooperative's data
    for kind in ("grow", "process", "list"):
        assumed = [item for item in doc[kind] if _from_defaults(kind, item)]
        assert assumed, kind
        for item in assumed:
            assert "not your data" in item["reason"], item["reason"]
            assert "非您的数据" in item["reason_zh"], item["reason_zh"]
    # ... and no brand signal is claimed: each brand reason says none is on file
    for item in doc["brand"]:
        assert item["gi_status"] == "none" and "no brand signal on file" in item["reason"]


def test_validate_lists_what_the_folder_assumes(bare_folder, capsys):
    # when the command line validates the folder
    code = main(["validate", "--data", str(bare_folder)])
    report = capsys.readouterr().out
    # then it passes and prints what is assumed, table by table
    assert code == 0
    assert re.search(r"^assumed \(.*not your data\):$", report, re.MULTILINE)
    listed = re.findall(r"^  - (\S+?\.csv|no \S+\.csv)", report, re.MULTILINE)
    assert {"processing_options.csv", "crop_economics.csv", "no brand_signals.csv"} <= set(listed)
