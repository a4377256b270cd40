"""Tests of the spoilage model: bounds, zero transit, monotonicity, vectorisation."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from recommender.decide.spoilage import COLD_CHAIN_FACTOR, LOSS_RATE, spoilage_share


def test_no_transit_loses_nothing():
    # Given any shelf life, When nothing travels, Then nothing is lost
    assert spoilage_share(7, 0, False) == 0.0
    assert spoilage_share(0, 0, True) == 0.0


def test_documented_formula():
    # Given 30 days shelf life, 3 days transit, cold chain
    # Then loss = 1 - exp(-k * 3 / (30 * factor))
    expected = 1 - math.exp(-LOSS_RATE * 3 / (30 * COLD_CHAIN_FACTOR))
    assert spoilage_share(30, 3, True) == pytest.approx(expected)


def test_bounds_and_edge_cases():
    loss = spoilage_share(np.array([0.0, 1.0, np.inf]), 5, False)
    assert loss.tolist() == pytest.approx([1.0, 1 - math.exp(-LOSS_RATE * 5), 0.0])
    assert np.all((loss >= 0) & (loss <= 1))


@pytest.mark.parametrize("cold", [False, True])
def test_shorter_shelf_life_never_lowers_loss(cold):
    shelf = np.array([365, 90, 30, 7, 1, 0], dtype=float)
    loss = spoilage_share(shelf, 4, cold)
    assert np.all(np.diff(loss) >= 0)


def test_longer_transit_never_lowers_loss_and_cold_chain_never_raises_it():
    transit = np.arange(0, 20)
    warm, cold = spoilage_share(15, transit, False), spoilage_share(15, transit, True)
    assert np.all(np.diff(warm) >= 0) and np.all(np.diff(cold) >= 0)
    assert np.all(cold <= warm)


def test_series_in_series_out_and_negative_rejected():
    shelf = pd.Series([30.0, 7.0], index=["kiwi", "cherry"])
    out = spoilage_share(shelf, pd.Series([2, 2], index=shelf.index), False)
    assert isinstance(out, pd.Series) and list(out.index) == ["kiwi", "cherry"]
    assert out["cherry"] > out["kiwi"]
    with pytest.raises(ValueError):
        spoilage_share(-1, 2, False)
