"""A region's prepared basis: the quick what-if path gives what recomputing everything gives."""

from __future__ import annotations

import math
from typing import Any

import pandas as pd
import pytest

from recommender.decide.basis import prepare
from recommender.decide.recommend import recommend
from recommender.decide.whatif import WhatIf, advise_whatif, apply_whatif
from recommender.errors import DataError
from tests.helpers import hand_evidence

REGION = "zhouzhi"


@pytest.fixture(scope="module")
def evidence(tmp_path_factory):
    """Three demo counties and a forecast made by hand: each series' same weeks last year."""
    return hand_evidence(tmp_path_factory.mktemp("basis"))


def _same(fast: Any, slow: Any, path: str = "") -> None:
    """Equal documents, numbers to 1e-9 (prices scaled before or after a sum differ by ulps)."""
    if isinstance(fast, dict):
        assert set(fast) == set(slow), path
        for key in fast:
            if key != "generated_at":
                _same(fast[key], slow[key], f"{path}.{key}")
    elif isinstance(fast, list):
        assert len(fast) == len(slow), path
        for i, (a, b) in enumerate(zip(fast, slow, strict=True)):
            _same(a, b, f"{path}[{i}]")
    elif isinstance(fast, float) and isinstance(slow, float):
        assert math.isclose(fast, slow, rel_tol=1e-9, abs_tol=1e-9), path
    else:
        assert fast == slow, path


@pytest.mark.parametrize(
    "whatif",
    [
        WhatIf(),
        WhatIf(fresh_price=0.3),
        WhatIf(fresh_price=-0.5, processing_cost=0.5),
        WhatIf(processing_cost=2.0, capex=-0.5),
        WhatIf(raw_volume=-0.8, skill_level=1, cold_chain=False, transit_days=9),
        WhatIf(fresh_price=0.1, raw_volume=1.0, skill_level=3, cold_chain=True, transit_days=0),
    ],
)
def test_the_quick_what_if_path_gives_what_recomputing_everything_gives(evidence, whatif):
    # given a region prepared once
    basis = prepare(evidence, REGION)
    # when a what-if is answered from it, and by changing the evidence and recomputing
    fast = advise_whatif(basis, whatif, weeks=4)
    slow = recommend(apply_whatif(evidence, REGION, whatif), REGION, weeks=4)
    # then every list, number and reason is the same
    assert fast["process"] and fast["list"]
    _same(fast, slow)


def test_a_what_if_changes_the_advice_it_should(evidence):
    basis = prepare(evidence, REGION)
    base = advise_whatif(basis, WhatIf())
    dearer = advise_whatif(basis, WhatIf(processing_cost=3.0))
    # processing dearer: each option earns less; grow and brand do not move
    uplift = {(i["product"], i["option"]): i["annual_uplift"] for i in base["process"]}
    for item in dearer["process"]:
        key = (item["product"], item["option"])
        if key in uplift:
            assert item["annual_uplift"] < uplift[key]
    assert dearer["grow"] == base["grow"] and dearer["brand"] == base["brand"]


def test_preparing_an_unknown_region_is_a_one_line_error(evidence):
    with pytest.raises(DataError, match="unknown region"):
        prepare(evidence, "atlantis")


def test_a_prepared_basis_is_not_changed_by_what_ifs(evidence):
    basis = prepare(evidence, REGION)
    prices = basis.prices.copy()
    options = basis.options.copy()
    advise_whatif(basis, WhatIf(fresh_price=0.5, processing_cost=1.0, capex=1.0))
    pd.testing.assert_frame_equal(basis.prices, prices)
    pd.testing.assert_frame_equal(basis.options, options)


def test_asking_for_some_lists_gives_just_those_unchanged(evidence):
    basis = prepare(evidence, REGION)
    whatif = WhatIf(fresh_price=0.2, transit_days=6)
    full = advise_whatif(basis, whatif, weeks=4)
    for kind in ("grow", "process", "brand", "list"):
        part = advise_whatif(basis, whatif, weeks=4, kinds=(kind,))
        assert set(part) - {"schema_version", "region", "generated_at", "data_digest"} == {
            "profile",
            kind,
        }
        _same(part[kind], full[kind])


def test_each_list_depends_only_on_the_changes_relevant_says(evidence):
    from recommender.decide.whatif import relevant

    basis = prepare(evidence, REGION)
    everything = WhatIf(
        fresh_price=0.2,
        processing_cost=1.0,
        capex=0.5,
        raw_volume=-0.5,
        skill_level=1,
        cold_chain=False,
        transit_days=7,
    )
    for kind in ("grow", "process", "brand", "list"):
        full = advise_whatif(basis, everything, weeks=4, kinds=(kind,))
        reduced = relevant(everything, (kind,))
        assert reduced == relevant(reduced, (kind,))  # idempotent
        part = advise_whatif(basis, reduced, weeks=4, kinds=(kind,))
        _same(part[kind], full[kind])
    # and what they leave out is really left out
    assert relevant(everything, ("brand",)) == WhatIf()
    assert relevant(everything, ("grow",)) == WhatIf(fresh_price=0.2)
