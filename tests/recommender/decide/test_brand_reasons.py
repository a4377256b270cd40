"""Tests for the words of a brand recommendation: the reasons and the display names."""

from __future__ import annotations

import pandas as pd

from recommender.decide.brand import BrandWeights
from recommender.decide.brand_reasons import display_names, reasons


def _scored(**changes: object) -> pd.Series:
    """A scored row as the reasons read it: a kiwifruit specialist with a clear +30% premium."""
    row: dict[str, object] = {
        "region": "mei_county",
        "product": "kiwifruit",
        "gi_status": "none",
        "gi_name_zh": "",
        "gi_name_en": "",
        "location_quotient": 2.4,
        "competitors": 2,
        "competitors_source": "file",
        "n_sellers": pd.NA,
        "price_premium": 0.30,
        "premium_lo": 0.22,
        "premium_hi": 0.38,
        "premium_weeks": 26,
        "demand_growth": 0.05,
        "has_growth": True,
        "has_signal": True,
        "action": "apply_for_gi",
        "_why": "apply",
        "_crowded": False,
        "_r_en": "Mei County",
        "_r_zh": "眉县",
        "_p_en": "Kiwifruit",
        "_p_zh": "猕猴桃",
    }
    row.update(changes)
    return pd.Series(row)


def test_a_low_specialisation_not_yet_names_the_quotient_and_the_threshold_in_both_languages():
    # given a county selling 1.2x its share, below the 1.5x specialisation a brand needs
    row = _scored(location_quotient=1.2, action="not_yet", _why="low_lq")
    # when the reason is written
    en, zh = reasons(row, BrandWeights())
    # then both languages state the deciding figure, the threshold and the advice
    assert "Mei County sells 1.2× its share of Kiwifruit" in en
    assert "below the 1.5× specialisation that makes a brand credible" in en
    assert en.endswith(": not yet a brand candidate.")
    assert "眉县的猕猴桃销量是其份额的1.2倍" in zh
    assert "低于1.5倍的专业化门槛" in zh
    assert zh.endswith("：暂不建议打造品牌。")


def test_a_falling_demand_not_yet_names_the_fall_and_the_limit_in_both_languages():
    # given a clear premium but demand forecast to fall 25% a year, past the -15% limit
    row = _scored(demand_growth=-0.25, action="not_yet", _why="falling")
    # when the reason is written
    en, zh = reasons(row, BrandWeights())
    # then both languages name the fall, the limit and the forecast in the notes
    assert "demand is forecast to fall 25% year on year, past the -15% limit" in en
    assert "(demand growth -25%)" in en
    assert "预计需求同比下降25%，超过15%的警戒线" in zh
    assert "（需求增长-25%）" in zh


def test_too_few_matched_weeks_name_the_count_and_the_weeks_needed():
    # given a premium resting on 3 matched weeks, fewer than the 12 needed
    row = _scored(premium_weeks=3, action="not_yet", _why="few")
    # when the reason is written
    en, zh = reasons(row, BrandWeights())
    # then both languages say how many weeks there were and how many are needed
    assert "its +30% premium rests on only 3 matched weeks" in en
    assert "fewer than the 12 needed" in en
    assert "+30%的溢价仅来自3个可比周" in zh
    assert "少于所需的12周" in zh


def test_an_applied_gi_is_told_to_see_the_application_through_not_to_apply():
    # given a county whose GI application is pending and that passes every test
    row = _scored(gi_status="applied")
    # when the reason is written
    en, zh = reasons(row, BrandWeights())
    # then the advice is to follow the application, and no pending note is added
    assert en.endswith(", but its GI application is pending: see it through.")
    assert "apply for one" not in en and "GI application pending;" not in en
    assert zh.endswith("，但地理标志申请待批：建议跟进。")


def test_missing_inputs_are_said_in_the_notes():
    # given no growth forecast and no brand signal row
    row = _scored(has_growth=False, demand_growth=0.0, has_signal=False)
    # when the reason is written
    en, zh = reasons(row, BrandWeights())
    # then both languages say the growth was taken as 0 and the signal is missing
    assert "(no growth forecast, taken as +0%; no brand signal on file)" in en
    assert "（无需求预测，增长按+0%计；无品牌信息记录）" in zh


def test_display_names_come_from_the_table_else_from_the_spaced_code():
    # given two regions, only one named in the reference table (English only for the other)
    df = pd.DataFrame({"region": ["mei_county", "zhouzhi_county"]})
    table = pd.DataFrame({"region": ["mei_county"], "name_en": ["Mei County"], "name_zh": ["眉县"]})
    # when display names are added
    out = display_names(df, table, "region", "_r")
    # then the named region uses the table; the other its code, spaced and title-cased
    assert list(out["_r_en"]) == ["Mei County", "Zhouzhi County"]
    assert list(out["_r_zh"]) == ["眉县", "Zhouzhi County"]


def test_display_names_without_a_table_keep_a_product_code_lower_case():
    # given product codes and no reference table
    df = pd.DataFrame({"product": ["dried_kiwifruit"]})
    # when display names are added
    out = display_names(df, None, "product", "_p")
    # then the code is spaced but not title-cased (only regions are)
    assert out.loc[0, "_p_en"] == out.loc[0, "_p_zh"] == "dried kiwifruit"
    assert list(out.columns) == ["product", "_p_en", "_p_zh"]
