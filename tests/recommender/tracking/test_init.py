"""Tests of the package's public names."""

from __future__ import annotations

import importlib

import recommender.tracking
from recommender.tracking import serving


def test_set_demand_model_is_importable_from_the_package():
    # Given models registered earlier, whose code does this very import
    # When it is imported / Then it is the serving module's function
    from recommender.tracking import set_demand_model

    assert set_demand_model is serving.set_demand_model
    assert importlib.import_module("recommender.tracking").set_demand_model is set_demand_model
    assert recommender.tracking.set_demand_model is set_demand_model


def test_plots_is_still_a_submodule():
    # Given the package / When plots is imported from it / Then its figures are there
    from recommender.tracking import plots

    assert callable(plots.forecast_figure)
