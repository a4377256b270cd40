"""Tests of processing-option scoring: accounting, monotonicity, feasibility, ranking."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pytest

from recommender.decide.market import NEW_FORM_SHARE
from recommender.decide.processing import score_options


@dataclass(frozen=True)
class Profile:
    region: str = "meixian"
    raw_volume_kg: dict[str, float] = field(
        default_factory=lambda: {"kiwifruit": 60_000.0, "apple": 40_000.0}
    )
    capital_yuan: float = 200_000.0
    skill_level: int = 2
    cold_chain: bool = False
    transit_days: float = 3.0


COLS = [
    "product",
    "option",
    "yield_ratio",
    "processing_cost_per_kg",
    "capex",
    "shelf_life_days",
    "skill_level",
    "price_multiplier",
    "cold_chain_required",
]
OPTIONS = pd.DataFrame(
    [
        ("kiwifruit", "fresh", 1.0, 0.0, 0.0, 30, 1, 1.0, False),
        ("kiwifruit", "dried", 0.2, 3.0, 60_000.0, 365, 2, 4.0, False),
        ("kiwifruit", "juice", 0.6, 2.0, 80_000.0, 180, 2, 2.0, False),
        ("kiwifruit", "gift_box", 0.95, 1.5, 10_000.0, 30, 1, 1.8, False),
        ("kiwifruit", "frozen", 0.9, 4.0, 150_000.0, 365, 2, 1.1, True),
        ("apple", "fresh", 1.0, 0.0, 0.0, 90, 1, 1.0, False),
        ("apple", "graded_packed", 0.95, 0.8, 190_000.0, 90, 1, 1.05, False),
        ("apple", "puree", 0.7, 2.0, 300_000.0, 365, 3, 2.0, False),
    ],
    columns=COLS,
)
PRICES = pd.DataFrame(
    {
        "region": ["meixian", "meixian", "zhouzhi"],
        "product": ["kiwifruit", "apple", "kiwifruit"],
        "price_per_kg": [12.0, 8.0, 99.0],
    }
)
MULTS = pd.DataFrame(
    {
        "product": ["kiwifruit"],
        "option": ["dried"],
        "price_multiplier": [6.5],
        "source": ["learned"],
    }
)
DEMAND = pd.DataFrame(
    {
        "region": ["meixian"] * 2,
        "product": ["kiwifruit"] * 2,
        "form": ["dried", "juice"],
        "forecast": [2_400.0, 30_000.0],
        "lo": [2_000.0, 10_000.0],
        "hi": [2_800.0, 50_000.0],
    }
)
SHELF = {"kiwifruit": 30, "apple": 90}


def _score(options=OPTIONS, profile=None, **kw) -> pd.DataFrame:
    return score_options(
        options,
        PRICES,
        MULTS,
        DEMAND,
        profile or Profile(),
        fresh_shelf_life=kw.pop("shelf", SHELF),
        **kw,
    )


def _row(out: pd.DataFrame, product: str, option: str) -> pd.Series:
    return out.set_index(["product", "option"]).loc[(product, option)]


def _with(product: str, option: str, **values) -> pd.DataFrame:
    out = OPTIONS.copy()
    mask = (out["product"] == product) & (out["option"] == option)
    for col, value in values.items():
        out.loc[mask, col] = value
    return out


def test_accounting_reconciles_to_the_yuan():
    out = _score()
    assert len(out) == len(OPTIONS) and set(out["region"]) == {"meixian"}
    np.testing.assert_allclose(out["output_price"], out["fresh_price"] * out["price_multiplier"])
    rev = out["yield_ratio"] * out["output_price"] * (1 - out["spoilage"])
    np.testing.assert_allclose(out["revenue_per_kg_raw"], rev)
    assert (
        out["net_per_kg_raw"] - (out["revenue_per_kg_raw"] - out["processing_cost_per_kg"])
    ).abs().max() < 0.005
    assert (out["annual_uplift"] == (out["uplift_per_kg_raw"] * out["volume_kg_raw"]).round()).all()
    fresh = _row(out, "kiwifruit", "fresh")
    assert fresh["uplift_per_kg_raw"] == 0 and fresh["payback_years"] == np.inf


def test_planted_opportunity_ranks_top_and_bad_option_does_not():
    out = _score()
    dried = _row(out, "kiwifruit", "dried")
    # dried: learned x6.5, demand 2.4 t output = 12 t raw caps 60 t raw
    assert dried["multiplier_source"] == "learned" and dried["feasible"]
    assert dried["volume_kg_raw"] == pytest.approx(12_000)
    assert dried["risk"] == pytest.approx(800 / 2_400)
    top3 = list(zip(out["product"], out["option"], strict=True))[:3]
    assert ("kiwifruit", "dried") in top3
    assert ("apple", "graded_packed") not in top3
    assert _row(out, "apple", "graded_packed")["score"] < 0
    assert "Drying kiwifruit earns" in dried["reason"] and "learned from sales" in dried["reason"]
    assert "dryer" in dried["reason"] and "猕猴桃" not in dried["reason"]
    assert dried["reason_zh"].startswith("kiwifruit烘干")


def test_a_form_without_demand_gets_an_assumed_market_and_says_so():
    # given no demand row for kiwifruit gift boxes, when scored
    gift = _row(_score(), "kiwifruit", "gift_box")
    # then the volume is capped at the general new-form share of the raw volume, not 60 t
    assert gift["demand_basis"] == "prior"
    assert gift["volume_kg_raw"] == pytest.approx(60_000 * NEW_FORM_SHARE)
    assert gift["risk"] == pytest.approx(1.0)
    assert "assumed market" in gift["reason"] and "假设市场" in gift["reason_zh"]


def test_an_option_market_share_sets_the_assumed_market():
    # given the cooperative's own market share for gift boxes (20 % of its kiwifruit)
    options = _with("kiwifruit", "gift_box", market_share=0.2)
    # when scored without demand for the form
    gift = _row(_score(options), "kiwifruit", "gift_box")
    # then the cap follows it
    assert gift["volume_kg_raw"] == pytest.approx(60_000 * 0.2)


@pytest.mark.parametrize("col", ["processing_cost_per_kg", "capex"])
@pytest.mark.parametrize("option", ["dried", "juice", "gift_box"])
def test_raising_cost_or_capex_never_raises_score(col, option):
    base = _row(_score(), "kiwifruit", option)
    for factor in (1.5, 3.0, 10.0):
        options = _with("kiwifruit", option, **{col: base[col] * factor + 1})
        assert _row(_score(options), "kiwifruit", option)["score"] <= base["score"]


def test_shorter_shelf_life_never_raises_fresh_value():
    outs = [_score(shelf={"kiwifruit": d, "apple": 90}) for d in (60, 30, 10, 3)]
    nets = [_row(out, "kiwifruit", "fresh")["net_per_kg_raw"] for out in outs]
    assert all(a >= b for a, b in zip(nets, nets[1:], strict=False))


def test_cold_chain_never_lowers_net():
    warm = _score().set_index(["product", "option"])
    cold = _score(profile=Profile(cold_chain=True)).set_index(["product", "option"])
    assert (cold["net_per_kg_raw"] >= warm.loc[cold.index, "net_per_kg_raw"]).all()
    assert not warm.loc[("kiwifruit", "frozen"), "feasible"]
    assert cold.loc[("kiwifruit", "frozen"), "feasible"]


def test_infeasible_when_skill_or_capital_too_low():
    poor = _score(profile=Profile(capital_yuan=50_000.0, skill_level=1))
    dried = _row(poor, "kiwifruit", "dried")
    assert not dried["feasible"] and dried["score"] == -np.inf
    assert "skill level 2 (you have 1)" in dried["reason"] and "capital" in dried["reason"]
    assert _row(poor, "kiwifruit", "gift_box")["feasible"]
    assert poor["feasible"].iloc[0] and not poor["feasible"].iloc[-1]
    assert not _row(_score(), "apple", "puree")["feasible"]  # skill 3 > 2


def test_missing_fresh_row_and_multiplier_fall_back():
    options = OPTIONS[OPTIONS["option"] != "fresh"]
    out = _score(options)
    fresh = _row(out, "apple", "fresh")
    assert fresh["price_multiplier"] == 1 and fresh["processing_cost_per_kg"] == 0
    juice = _row(out, "kiwifruit", "juice")
    assert juice["multiplier_source"] == "prior" and juice["price_multiplier"] == 2.0


def test_profile_with_fewer_products_scores_only_those():
    profile = dataclasses.replace(Profile(), raw_volume_kg={"apple": 1_000.0})
    assert set(_score(profile=profile)["product"]) == {"apple"}


def test_reasons_use_display_names_when_given():
    options = OPTIONS.assign(name_en="Kiwifruit", name_zh="猕猴桃")
    dried = _row(_score(options), "kiwifruit", "dried")
    assert dried["reason"].startswith("Drying kiwifruit earns ¥")
    assert dried["reason_zh"].startswith("猕猴桃烘干后每公斤原料比鲜销多赚¥")
