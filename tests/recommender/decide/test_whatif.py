"""Tests of the what-if changes applied to the evidence before recommending."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from recommender.decide.profile import CoopProfile
from recommender.decide.recommend import Evidence
from recommender.decide.whatif import WhatIf, apply_whatif

COUNTY = "zhouzhi"


def _sales() -> pd.DataFrame:
    """Priced sales of two counties (one price missing); zhouzhi sold 30 kg kiwi, 12 kg pear."""
    return pd.DataFrame(
        {
            "date": pd.to_datetime(["2025-03-02", "2025-03-09", "2025-03-09", "2025-03-16"]),
            "region": [COUNTY, COUNTY, COUNTY, "liuba"],
            "product": ["kiwifruit", "kiwifruit", "pear", "kiwifruit"],
            "quantity": [10.0, 20.0, 12.0, 50.0],
            "price": [8.0, 9.0, np.nan, 7.5],
        }
    )


def _options() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "product": ["kiwifruit", "kiwifruit"],
            "option": ["juice", "dried"],
            "processing_cost_per_kg": [2.0, 3.5],
            "capex": [10_000.0, 40_000.0],
            "skill_required": [1, 2],
        }
    )


PROFILE = CoopProfile(
    region=COUNTY,
    raw_volume_kg={"kiwifruit": 1000.0, "pear": 200.0},
    capital_yuan=500_000.0,
    skill_level=2,
    cold_chain=True,
    transit_days=2,
)


def _evidence(profile: CoopProfile | None = PROFILE) -> Evidence:
    empty = pd.DataFrame()
    return Evidence(
        sales=_sales(),
        regions=empty,
        products=empty,
        options=_options(),
        crops=empty,
        signals=empty,
        forecast=empty,
        profile=profile,
    )


def test_no_change_returns_the_very_same_evidence():
    ev = _evidence()
    assert apply_whatif(ev, COUNTY, WhatIf()) is ev


def test_a_price_change_scales_every_sales_price_and_leaves_the_original():
    # given the evidence
    ev = _evidence()
    # when every price goes up 10 %
    got = apply_whatif(ev, COUNTY, WhatIf(fresh_price=0.1))
    # then every price (of every county) is 1.1 times as high, a missing one stays missing
    np.testing.assert_allclose(got.sales["price"], _sales()["price"] * 1.1)
    assert got.sales["price"].isna().tolist() == [False, False, True, False]
    pd.testing.assert_frame_equal(got.sales.drop(columns="price"), _sales().drop(columns="price"))
    # and the original evidence's frames are untouched
    pd.testing.assert_frame_equal(ev.sales, _sales())
    pd.testing.assert_frame_equal(ev.options, _options())
    pd.testing.assert_frame_equal(got.options, _options())


def test_cost_and_capex_changes_scale_the_options_table():
    # given the evidence
    ev = _evidence()
    # when processing costs rise 50 % and capex falls 25 %
    got = apply_whatif(ev, COUNTY, WhatIf(processing_cost=0.5, capex=-0.25))
    # then both columns are scaled, the rest of the table is kept
    assert got.options["processing_cost_per_kg"].tolist() == pytest.approx([3.0, 5.25])
    assert got.options["capex"].tolist() == pytest.approx([7_500.0, 30_000.0])
    keep = ["product", "option", "skill_required"]
    pd.testing.assert_frame_equal(got.options[keep], _options()[keep])
    # and the original options and the sales are untouched
    pd.testing.assert_frame_equal(ev.options, _options())
    pd.testing.assert_frame_equal(got.sales, _sales())


def test_a_cost_change_alone_keeps_the_capex():
    got = apply_whatif(_evidence(), COUNTY, WhatIf(processing_cost=-0.5))
    assert got.options["processing_cost_per_kg"].tolist() == pytest.approx([1.0, 1.75])
    assert got.options["capex"].tolist() == [10_000.0, 40_000.0]


def test_raw_volume_change_scales_the_profile_volumes():
    # given the cooperative's own profile
    ev = _evidence()
    # when its harvest is 20 % larger
    got = apply_whatif(ev, COUNTY, WhatIf(raw_volume=0.2))
    # then every product's raw volume is scaled and nothing else of the profile changes
    assert dict(got.profile.raw_volume_kg) == pytest.approx({"kiwifruit": 1200.0, "pear": 240.0})
    assert got.profile.replace(raw_volume_kg=PROFILE.raw_volume_kg) == PROFILE
    assert ev.profile is PROFILE and dict(PROFILE.raw_volume_kg)["kiwifruit"] == 1000.0


def test_raw_volume_change_without_a_profile_scales_the_volumes_read_off_the_sales():
    # given no profile: the county's volumes come from its last year of sales (30 kg, 12 kg)
    ev = _evidence(profile=None)
    # when its harvest halves
    got = apply_whatif(ev, COUNTY, WhatIf(raw_volume=-0.5))
    # then the profile is the county's, with half the volumes it sold
    assert got.profile.region == COUNTY
    assert dict(got.profile.raw_volume_kg) == pytest.approx({"kiwifruit": 15.0, "pear": 6.0})
    assert ev.profile is None


def test_skill_cold_chain_and_transit_override_the_profile():
    # given a skilled cooperative with a cold chain, 2 days from its buyers
    ev = _evidence()
    # when trying basic skill, no cold chain and 5 days in transit
    change = WhatIf(skill_level=1, cold_chain=False, transit_days=5)
    got = apply_whatif(ev, COUNTY, change)
    # then exactly those fields change
    assert (got.profile.skill_level, got.profile.cold_chain, got.profile.transit_days) == (
        1,
        False,
        5,
    )
    assert dict(got.profile.raw_volume_kg) == dict(PROFILE.raw_volume_kg)
    assert got.profile.capital_yuan == PROFILE.capital_yuan
    assert ev.profile == PROFILE


def test_one_override_keeps_the_other_profile_fields():
    got = apply_whatif(_evidence(), COUNTY, WhatIf(cold_chain=False))
    assert got.profile == PROFILE.replace(cold_chain=False)
