"""Tests of the spec tables that drive the simulated demo and benchmark series."""

from __future__ import annotations

import pandas as pd

from recommender.demo.simspec import demo_specs, panel_specs


def test_demo_has_50_to_80_region_product_series():
    # given the spec table of the default demo
    specs = demo_specs(seed=7)
    # when counted per region x product
    pairs = specs.groupby(["region", "product"]).ngroups
    # then there are 50-80 such series, split over channels and forms
    assert 50 <= pairs <= 80
    assert len(specs) > pairs


def test_panel_specs_cycle_over_county_products_with_demo_columns():
    # given the spec table of a panel with more series than real county products
    specs = panel_specs(n_series=70, seed=1)
    # then there is one single-channel series each, synthetic copies and the demo's columns
    assert len(specs) == 70
    assert specs.groupby(["region", "product"]).ngroups == 70
    assert any(region.endswith("_001") for region in specs["region"])
    assert list(specs.columns) == list(demo_specs(seed=7).columns)
    pd.testing.assert_frame_equal(specs, panel_specs(n_series=70, seed=1))
