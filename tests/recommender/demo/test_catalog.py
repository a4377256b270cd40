"""The demo world's facts: real counties in their provinces, real products, their seasons."""

from __future__ import annotations

from recommender.data.reference import validate_products, validate_regions
from recommender.demo import catalog


def test_region_hierarchy_is_valid():
    # given the regions table
    regions = catalog.regions_frame().set_index("region")
    # then every county sits in a city, every city in a province, provinces at the top
    parent_level = regions["parent"].map(regions["level"])
    assert (parent_level[regions["level"] == "county"] == "city").all()
    assert (parent_level[regions["level"] == "city"] == "province").all()
    assert (regions.loc[regions["level"] == "province", "parent"] == "").all()
    assert tuple(regions.loc["liuba", ["parent", "name_zh"]]) == ("hanzhong", "留坝县")
    assert tuple(regions.loc["yuanling", ["parent", "name_zh"]]) == ("huaihua", "沅陵县")
    levels = regions["level"].value_counts()
    assert levels["county"] >= 12 and levels["province"] >= 3


def test_products_table_and_county_products():
    # given the products table and what each county grows
    products = catalog.products_frame()
    # then at least ten products in kg with positive shelf lives, and 3-6 per county
    assert len(products) >= 10 and set(products["unit"]) == {"kg"}
    assert (products["shelf_life_days"] > 0).all()
    assert all(3 <= len(p) <= 6 for p in catalog.COUNTY_PRODUCTS.values())
    assert set(catalog.COUNTY_PRODUCTS) <= set(catalog.regions_frame()["region"])


def test_the_tables_pass_the_data_contract():
    # given the demo's regions and products tables as text, as a file would give them
    regions = catalog.regions_frame().astype(str)
    products = catalog.products_frame().astype(str)
    # then they validate like any cooperative's tables
    assert len(validate_regions(regions)) == len(regions)
    assert len(validate_products(products)) == len(products)


def test_a_form_has_its_own_season_or_the_products():
    product = next(iter(catalog.COUNTY_PRODUCTS["zhouzhi"]))
    assert catalog.season_of(product, "fresh") == catalog.SEASONS[product]
