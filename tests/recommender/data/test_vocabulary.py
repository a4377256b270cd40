"""The codes of forms, channels, GI status, brand actions and reasons, with their names."""

from __future__ import annotations

import pytest

from recommender.data.contract import DEFAULT_CHANNEL, DEFAULT_FORM, Reason
from recommender.data.vocabulary import (
    BRAND_ACTIONS,
    CATEGORIES,
    CHANNELS,
    FORMS,
    GI_STATUSES,
    NAMES,
    PRICE_SOURCES,
    REASONS,
    name_of,
)


def test_every_code_has_a_chinese_and_an_english_name():
    for code, name in NAMES.items():
        assert name.zh and name.en, code
    assert set(REASONS) == set(Reason)
    assert all(name.zh and name.en for name in REASONS.values())


def test_the_contract_defaults_are_named_and_no_code_means_two_things():
    assert DEFAULT_FORM in FORMS and DEFAULT_CHANNEL in CHANNELS
    tables = (FORMS, CATEGORIES, CHANNELS, GI_STATUSES, BRAND_ACTIONS, PRICE_SOURCES)
    codes = [code for table in tables for code in table]
    assert len(codes) == len(set(codes)) == len(NAMES)


def test_processed_forms_say_what_they_need_and_fresh_needs_nothing():
    assert FORMS[DEFAULT_FORM].kit_en == ""
    assert all(form.kit_en for code, form in FORMS.items() if code != DEFAULT_FORM)
    assert FORMS["dried"].verb_en == "Drying" and FORMS["dried"].verb_zh == "烘干"


@pytest.mark.parametrize(
    ("code", "lang", "name"),
    [
        ("gift_box", "zh", "礼盒"),
        ("gift_box", "en", "gift box"),
        ("douyin_live", "zh", "抖音直播"),
        ("apply_for_gi", "en", "apply for a GI"),
        ("smoked", "zh", "smoked"),  # a cooperative's own code is shown as it is
        ("Organic Farm (北)", "en", "Organic Farm (北)"),
    ],
)
def test_name_of_gives_the_name_or_the_code_itself(code, lang, name):
    assert name_of(code, lang) == name
