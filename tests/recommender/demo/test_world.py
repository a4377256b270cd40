"""Tests of the second demo world: its frames, its folder and each planted truth on and off."""

from __future__ import annotations

import json
import re

import numpy as np
import pandas as pd
import pytest

from pipelines.cli.main import main
from recommender.data.calendar import calendar_features
from recommender.data.folder import read_data_folder
from recommender.data.periods import WEEKLY
from recommender.data.reference import load_products, load_regions
from recommender.data.tables import load_brand_signals, load_crop_economics
from recommender.decide.profile import load_profile
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
from recommender.demo.world import HELD_OUT_SEED, OPTIONAL_TABLES, World, simulate_world
from recommender.demo.worldsales import SALES_COLUMNS

TARGETS = SOUTHWEST.targets
KEYS = ["date", "region", "product", "channel", "form"]


@pytest.fixture(scope="module")
def planted() -> World:
    """The default draw with every plant on."""
    return simulate_world()


@pytest.fixture(scope="module")
def bare() -> World:
    """The same draw with every plant off."""
    return simulate_world(plants=())


def _rows(sales: pd.DataFrame, region: str | None, product: str, form: str) -> pd.DataFrame:
    mine = (sales["product"] == product) & (sales["form"] == form)
    if region is not None:
        mine &= sales["region"] == region
    return sales[mine]


def _ratio_to_same_form_elsewhere(sales: pd.DataFrame, region: str, product: str) -> float:
    """Median price of a county's product over other counties' mean, same week, channel, form."""
    rows = sales[sales["product"] == product]
    own = rows[rows["region"] == region]
    others = rows[rows["region"] != region].groupby(["date", "channel", "form"])["price"].mean()
    matched = own.join(others.rename("other"), on=["date", "channel", "form"], how="inner")
    assert len(matched) >= 100
    return float((matched["price"] / matched["other"]).median())


def _form_ratio(sales: pd.DataFrame, region: str, product: str, form: str, base: str) -> float:
    """Median price of one form over another of a county's product, same week and channel."""
    on = ["date", "channel"]
    top = _rows(sales, region, product, form)[[*on, "price"]]
    bottom = _rows(sales, region, product, base)[[*on, "price"]]
    matched = top.merge(bottom, on=on, suffixes=("", "_base"))
    assert len(matched) >= 100
    return float((matched["price"] / matched["price_base"]).median())


def _yearly_log_slope(sales: pd.DataFrame, product: str) -> float:
    """Slope a year of the log quantity-weighted weekly price of a product's main form."""
    rows = _rows(sales, None, product, SOUTHWEST.product(product).forms[0].form)
    value = (rows["quantity"] * rows["price"]).groupby(rows["date"]).sum()
    price = value / rows.groupby("date")["quantity"].sum()
    years = (price.index - price.index[0]).days / 365.2425
    return float(np.polyfit(years, np.log(price.to_numpy()), 1)[0])


def _gift_shares(sales: pd.DataFrame, product: str) -> dict[str, float]:
    """Gift-box share of a product's online kg in Double 11, other festival and ordinary weeks."""
    rows = sales[(sales["product"] == product) & (sales["channel"] != "offline")]
    weeks = pd.DatetimeIndex(sorted(rows["date"].unique()))
    flags = calendar_features(weeks, WEEKLY).set_index(weeks)
    kind = np.where(
        rows["date"].map(flags["fest_double_11"]) == 1,
        "double_11",
        np.where(rows["date"].map(flags["fest_any"]) == 1, "festival", "ordinary"),
    )
    total = rows.groupby(kind)["quantity"].sum()
    gift = rows[rows["form"] == "gift_box"].groupby(kind[rows["form"] == "gift_box"])["quantity"]
    return (gift.sum() / total).to_dict()


def test_same_seed_gives_identical_frames_and_another_seed_differs():
    # given two draws with one seed and one with the held-out seed
    first, again = simulate_world(seed=5, weeks=40), simulate_world(seed=5, weeks=40)
    other = simulate_world(seed=HELD_OUT_SEED, weeks=40)
    # then the seed reproduces every frame and the truth; the held-out seed draws other sales
    pd.testing.assert_frame_equal(first.sales, again.sales)
    pd.testing.assert_frame_equal(first.brand_signals, again.brand_signals)
    assert first.truth == again.truth
    assert not first.sales.equals(other.sales)
    # ... of the same world: the same series, regions and products
    series = ["region", "product", "channel", "form"]
    same = first.sales[series].drop_duplicates().merge(other.sales[series].drop_duplicates())
    assert len(same) >= 0.9 * len(first.sales[series].drop_duplicates())
    pd.testing.assert_frame_equal(first.regions, other.regions)


def test_unknown_plant_or_table_is_refused(planted, tmp_path):
    # when asking for a plant or an optional table the world does not have
    # then each is refused naming it
    with pytest.raises(ValueError, match="gi_premium"):
        simulate_world(plants=["gi_premium"])
    with pytest.raises(ValueError, match="processing_options"):
        planted.write(tmp_path, tables=("processing_options",))


def test_sales_follow_the_contract(planted):
    # given the planted world's sales
    sales = planted.sales
    # then columns, week-ending Sundays, signs and keys are as documented
    assert tuple(sales.columns) == SALES_COLUMNS
    assert sales["date"].min() == pd.Timestamp("2023-01-01")
    assert sales["date"].nunique() == 156
    assert (sales["date"].dt.dayofweek == 6).all()
    assert (sales["quantity"] > 0).all() and (sales["price"] > 0).all()
    assert not sales.duplicated(KEYS).any()
    assert {"sauce", "roasted", "dried", "gift_box", "graded_packed", "fresh"} <= set(sales["form"])
    assert set(sales["channel"]) == {"offline", "taobao", "pinduoduo", "douyin_live", "wechat"}
    # ... and a few series are sparse (sold in under two weeks of three)
    weeks_sold = sales.groupby(["region", "product", "channel", "form"])["date"].nunique()
    assert 1 <= (weeks_sold < 104).sum() <= 15


def test_identifiers_come_out_exactly_as_given(planted, tmp_path):
    # given the world written to a folder and read back by the project
    planted.write(tmp_path)
    inputs = read_data_folder(tmp_path)
    written = pd.read_csv(tmp_path / "sales.csv", dtype=str)
    # then regions and products keep their capitals, spaces and Chinese characters everywhere
    regions = {"丘北县", "威宁县", "Renhe District", "Simao"}
    products = {"Coffee Arabica", "Edible Rose", "魔芋", "花椒", "Walnut"}
    for frame in (planted.sales, written, inputs.ingest.sales):
        assert regions <= set(frame["region"])
        assert products <= set(frame["product"])
    assert set(inputs.ingest.sales["region"]) == set(planted.sales["region"])
    assert inputs.regions is not None
    assert {"贵州", "Pu'er", "Wenshan Prefecture"} <= set(inputs.regions["region"])
    assert json.loads((tmp_path / "coop_profile.json").read_text("utf-8"))["region"] == "Yangbi"


def test_folder_has_the_files_and_optional_tables_only_when_asked(planted, tmp_path):
    # when writing the world without and with the optional tables
    plain, full = tmp_path / "plain", tmp_path / "full"
    planted.write(plain)
    written = planted.write(full, tables=OPTIONAL_TABLES)
    # then the four files are always there and the optional ones only when asked
    always = {"sales.csv", "regions.csv", "products.csv", "coop_profile.json"}
    assert {p.name for p in plain.iterdir()} == always
    assert {p.name for p in full.iterdir()} == always | {f"{t}.csv" for t in OPTIONAL_TABLES}
    assert {p.name for p in written} == {p.name for p in full.iterdir()}
    # ... every region's parent is in the table, counties carry a climate zone
    regions = pd.read_csv(plain / "regions.csv", dtype=str, keep_default_na=False)
    assert set(regions["level"]) == {"province", "city", "county"}
    parents = regions.loc[regions["level"] != "province", "parent"]
    assert set(parents) <= set(regions["region"])
    assert (regions.loc[regions["level"] == "county", "climate_zone"] != "").all()
    # ... and the sales columns read back with their types
    sales = pd.read_csv(plain / "sales.csv", parse_dates=["date"])
    assert tuple(sales.columns) == SALES_COLUMNS
    assert pd.api.types.is_datetime64_any_dtype(sales["date"])
    assert sales["quantity"].dtype == float and sales["price"].dtype == float


def test_the_project_validates_the_folder(planted, tmp_path, capsys):
    # given the world written with every table
    planted.write(tmp_path, tables=OPTIONAL_TABLES)
    # when the command line validates the sales against the reference tables
    code = main(
        ["validate", "--sales", str(tmp_path / "sales.csv"), "--regions",
         str(tmp_path / "regions.csv"), "--products", str(tmp_path / "products.csv")]
    )  # fmt: skip
    report = capsys.readouterr().out
    # then every row is accepted and none is quarantined
    assert code == 0
    assert re.search(r"rows quarantined:\s+0\n", report)
    assert re.search(rf"rows accepted:\s+{len(planted.sales):,}\n", report)
    # ... and the optional tables and the profile pass the project's loaders
    regions, products = (
        load_regions(tmp_path / "regions.csv"),
        load_products(tmp_path / "products.csv"),
    )
    crops = load_crop_economics(tmp_path / "crop_economics.csv", products, regions)
    signals = load_brand_signals(tmp_path / "brand_signals.csv", products, regions)
    profile = load_profile(tmp_path / "coop_profile.json").resolved(regions, products)
    assert 0 < crops["product"].nunique() < len(products)  # a partial table
    assert signals["n_sellers"].isna().any() and signals["n_sellers"].notna().any()
    named = signals["gi_name_zh"].notna() & signals["gi_name_en"].notna()
    assert (named == (signals["gi_status"] != "none")).all()
    assert profile.raw_volume_kg["Walnut"] > 0


def test_each_plant_changes_only_its_own_series(planted):
    # given the world with one plant switched off at a time
    scope = {
        RISING_CROP: (None, TARGETS.rising_crop),
        COLLAPSING_PRICE: (None, TARGETS.collapsing_price[1]),
        BRAND_PREMIUM: TARGETS.brand_premium,
        ROASTED_VALUE: TARGETS.roasted_value,
        LONG_SHELF_FORM: TARGETS.long_shelf_form,
        BELOW_COST_LINE: TARGETS.below_cost_line,
        FESTIVAL_MIX: (None, TARGETS.festival_mix),
        UNSOLD_FORM: (None, TARGETS.unsold_form[1]),
    }
    assert set(scope) == set(ALL_PLANTS)
    for plant, (region, product) in scope.items():
        without = simulate_world(plants=[p for p in ALL_PLANTS if p != plant])

        def outside(sales: pd.DataFrame, region=region, product=product) -> pd.DataFrame:
            mine = sales["product"] == product
            if region is not None:
                mine &= sales["region"] == region
            return sales[~mine].reset_index(drop=True)

        # then the other series are identical and the planted ones differ
        pd.testing.assert_frame_equal(outside(planted.sales), outside(without.sales))
        assert not planted.sales.equals(without.sales), plant
        assert plant in planted.truth and plant not in without.truth


def test_rising_crop_rises_only_when_planted(planted, bare):
    # given the rising crop's and the other products' price slopes
    truth = planted.truth[RISING_CROP]
    rising = truth.product
    others = [p.code for p in SOUTHWEST.products if p.code not in (rising, "mango")]
    # then it rises about 25% a year with the plant and is flat without; others stay flat
    assert _yearly_log_slope(planted.sales, rising) == pytest.approx(np.log(1.25), abs=0.06)
    assert abs(_yearly_log_slope(bare.sales, rising)) < 0.06
    assert max(abs(_yearly_log_slope(planted.sales, p)) for p in others) < 0.08
    assert truth.values["annual_price_change"] == 0.25


def test_collapsing_price_in_a_specialised_county(planted, bare):
    # given the collapse's county and product
    truth = planted.truth[COLLAPSING_PRICE]
    region, product = truth.region, truth.product
    # then the price falls ~35% a year and the county sells ~9% below the others
    assert _yearly_log_slope(planted.sales, product) == pytest.approx(np.log(0.65), abs=0.08)
    ratio = _ratio_to_same_form_elsewhere(planted.sales, region, product)
    assert ratio == pytest.approx(0.91, abs=0.03)
    assert truth.values["volume_share"] > 0.8 and truth.values["gi_status"] == "none"
    # ... and without the plant the price is flat and the county sells at the others' price
    assert abs(_yearly_log_slope(bare.sales, product)) < 0.08
    assert _ratio_to_same_form_elsewhere(bare.sales, region, product) == pytest.approx(
        1.0, abs=0.04
    )


def test_brand_premium_of_a_specialised_county(planted, bare):
    # given the premium county's product in the same weeks, channels and forms as others'
    truth = planted.truth[BRAND_PREMIUM]
    # then it sells ~25% dearer with the plant and at the same price without
    on = _ratio_to_same_form_elsewhere(planted.sales, truth.region, truth.product)
    off = _ratio_to_same_form_elsewhere(bare.sales, truth.region, truth.product)
    assert on == pytest.approx(1.25, abs=0.04)
    assert off == pytest.approx(1.0, abs=0.04)
    assert truth.values["location_quotient"] >= 2


def test_roasted_value_against_green_beans(planted, bare):
    # given the coffee county's roasted and fresh (green) prices in matched weeks and channels
    truth = planted.truth[ROASTED_VALUE]
    region, product = truth.region, truth.product
    # then roasted sells at ~2.6x green with the plant and ~1.15x without
    on = _form_ratio(planted.sales, region, product, "roasted", "fresh")
    off = _form_ratio(bare.sales, region, product, "roasted", "fresh")
    assert on == pytest.approx(truth.values["price_ratio"], rel=0.03)
    assert off == pytest.approx(truth.values["price_ratio_without"], rel=0.03)


def test_long_shelf_form_is_a_steady_dried_series(planted, bare):
    # given dried chili with and without the plant
    truth = planted.truth[LONG_SHELF_FORM]
    dried = _rows(planted.sales, truth.region, truth.product, "dried")
    weekly = dried.groupby("date")["quantity"].sum()
    # then it sells nearly every week in steady volume and keeps a year, unlike fresh chili
    assert weekly.size >= 150
    assert weekly.mean() == pytest.approx(truth.values["planted_kg_a_week"], rel=0.25)
    assert weekly.quantile(0.1) > 0.3 * weekly.median()
    shelf = planted.products.set_index("product").loc[truth.product, "shelf_life_days"]
    assert truth.values["shelf_life_days"] == 365 and shelf == 10
    # ... and without the plant nobody sells dried chili
    assert _rows(bare.sales, None, truth.product, "dried").empty


def test_below_cost_line_against_crop_economics(planted, bare):
    # given the county's fresh konjac and the world's growing cost of konjac
    truth = planted.truth[BELOW_COST_LINE]
    zone = planted.regions.set_index("region").loc[truth.region, "climate_zone"]
    crops = planted.crop_economics.set_index(["product", "climate_zone"])
    crop = crops.loc[(truth.product, zone)]
    cost = crop["cost_per_mu_yuan"] / crop["yield_per_mu_kg"]

    def mean_price(sales: pd.DataFrame) -> float:
        rows = _rows(sales, truth.region, truth.product, "fresh")
        return float((rows["quantity"] * rows["price"]).sum() / rows["quantity"].sum())

    # then it sells at ~1.3 yuan/kg, below the ~2.4 yuan/kg cost; without the plant at ~3.5
    assert cost == pytest.approx(truth.values["cost_per_kg"]) == pytest.approx(2.4)
    assert mean_price(planted.sales) == pytest.approx(1.3, rel=0.1)
    assert mean_price(planted.sales) < 0.6 * cost
    assert mean_price(bare.sales) == pytest.approx(3.5, rel=0.1)


def test_festival_mix_peaks_in_double_11(planted, bare):
    # given the gift-box share of the product's online volume by kind of week
    truth = planted.truth[FESTIVAL_MIX]
    on, off = _gift_shares(planted.sales, truth.product), _gift_shares(bare.sales, truth.product)
    # then Double 11 weeks hold ~35% gift boxes with the plant, other festivals ~10%, else ~5%
    assert on["double_11"] == pytest.approx(truth.values["share_double_11"], abs=0.03)
    assert on["festival"] == pytest.approx(truth.values["share_other_festivals"], abs=0.015)
    assert on["ordinary"] == pytest.approx(truth.values["share_ordinary"], abs=0.01)
    # ... and without it Double 11 is like any festival
    assert off["double_11"] == pytest.approx(0.10, abs=0.015)
    assert off["festival"] == pytest.approx(0.10, abs=0.015)


def test_unsold_form_in_the_profile_county(planted, bare):
    # given the profile county's product and the other counties selling it
    truth = planted.truth[UNSOLD_FORM]
    rows = planted.sales[planted.sales["product"] == truth.product]
    sellers = rows[rows["region"] != truth.region]
    gift_channels = sellers[sellers["form"] == "gift_box"][["region", "channel"]].drop_duplicates()
    carried = sellers.merge(gift_channels)
    share = carried.loc[carried["form"] == "gift_box", "quantity"].sum() / carried["quantity"].sum()
    # then the profile county, with a large raw volume, never sells gift boxes of it
    assert planted.profile["region"] == truth.region
    assert planted.profile["raw_volume_kg"][truth.product] >= 1_000_000
    assert _rows(planted.sales, truth.region, truth.product, "gift_box").empty
    # ... while the others sell gift boxes at the recorded share
    assert set(truth.values["sold_by"]) == set(sellers["region"]) and len(gift_channels) >= 3
    assert share == pytest.approx(truth.values["share"], abs=0.015)
    # ... and without the plant no county sells gift boxes of it
    assert _rows(bare.sales, None, truth.product, "gift_box").empty
