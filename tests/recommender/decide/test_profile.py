"""Tests of the cooperative profile."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from recommender.data.reference import load_products, load_regions
from recommender.decide.profile import CoopProfile, load_profile
from recommender.errors import DataError

DEMO = Path(__file__).resolve().parents[3] / "data" / "demo"


def _data(**changes):
    data = {
        "region": "zhouzhi",
        "raw_volume_kg": {"kiwifruit": 1000.0},
        "capital_yuan": 50000,
        "skill_level": 2,
        "cold_chain": False,
        "transit_days": 3,
    }
    return {**data, **changes}


def test_round_trip_through_json(tmp_path):
    # given a profile written to JSON
    path = tmp_path / "profile.json"
    path.write_text(json.dumps(CoopProfile.from_dict(_data()).to_dict()), encoding="utf-8")
    # when read back, then it equals the original
    assert load_profile(path) == CoopProfile.from_dict(_data())


def test_what_if_replace_changes_one_field_and_keeps_the_original():
    # given a profile
    profile = CoopProfile.from_dict(_data())
    # when the cooperative asks "what if we had cold chain and more capital?"
    what_if = profile.replace(cold_chain=True, capital_yuan=2_000_000)
    # then the copy changes and the original does not
    assert (what_if.cold_chain, what_if.capital_yuan) == (True, 2_000_000.0)
    assert (profile.cold_chain, profile.capital_yuan) == (False, 50000.0)
    assert what_if.raw_volume_kg == profile.raw_volume_kg


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"colour": "red"}, "unknown key(s) colour"),
        ({"raw_volume_kg": {"kiwifruit": -1}}, "raw_volume_kg['kiwifruit'] -1 is negative"),
        ({"skill_level": 4}, "skill_level 4 is not 1, 2 or 3"),
        ({"transit_days": -1}, "transit_days -1 is negative"),
        ({"capital_yuan": "lots"}, "capital_yuan 'lots' is not a finite number"),
    ],
)
def test_bad_values_are_refused_in_one_line(changes, message):
    # given a profile with one bad value, when built, then one line names the problem
    with pytest.raises(DataError) as caught:
        CoopProfile.from_dict(_data(**changes))
    assert message in str(caught.value)
    assert "\n" not in str(caught.value)


def test_replace_revalidates():
    # given a valid profile, when a what-if sets a bad skill, then it is refused
    with pytest.raises(DataError, match="skill_level 0"):
        CoopProfile.from_dict(_data()).replace(skill_level=0)


def test_demo_profile_is_a_zhouzhi_kiwifruit_cooperative_with_known_codes():
    # given the committed demo profile, when loaded and checked against the demo tables
    profile = load_profile(DEMO / "coop_profile.json").resolved(
        load_regions(DEMO / "regions.csv"), load_products(DEMO / "products.csv")
    )
    # then it is the Zhouzhi kiwifruit cooperative
    assert profile.region == "zhouzhi"
    assert max(profile.raw_volume_kg, key=profile.raw_volume_kg.get) == "kiwifruit"


def test_a_profile_names_its_region_and_products_as_the_tables_write_them():
    # given a profile that writes the county and a product in its own case and by name
    data = _data(region=" ZhouZhi ", raw_volume_kg={"猕猴桃": 1000.0, "APPLE": 5.0})
    regions, products = load_regions(DEMO / "regions.csv"), load_products(DEMO / "products.csv")
    # when it is resolved against the tables
    profile = CoopProfile.from_dict(data).resolved(regions, products)
    # then it uses the tables' codes; without tables it stays as written
    assert profile.region == "zhouzhi"
    assert dict(profile.raw_volume_kg) == {"kiwifruit": 1000.0, "apple": 5.0}
    assert CoopProfile.from_dict(data).region == " ZhouZhi "


def test_a_profile_naming_an_unknown_county_is_a_one_line_error():
    regions = load_regions(DEMO / "regions.csv")
    with pytest.raises(DataError, match="region 'atlantis' is not in regions"):
        CoopProfile.from_dict(_data(region="atlantis")).resolved(regions)
