"""The recommendations document of one region (schema version 1)."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from recommender.decide.recommend import ITEM_FIELDS, KINDS, SCHEMA_VERSION, as_table, recommend
from recommender.errors import DataError
from tests.helpers import hand_evidence

REGION = "zhouzhi"


@pytest.fixture(scope="module")
def evidence(tmp_path_factory):
    return hand_evidence(tmp_path_factory.mktemp("recommend"))


@pytest.fixture(scope="module")
def doc(evidence):
    return recommend(evidence, REGION, weeks=3)


def test_the_document_has_its_identity_and_the_four_lists(doc):
    assert doc["schema_version"] == SCHEMA_VERSION == 1
    assert doc["region"] == REGION and doc["data_digest"] == "test"
    assert doc["profile"]["region"] == REGION
    assert set(KINDS) <= set(doc) and all(isinstance(doc[k], list) for k in KINDS)
    assert json.loads(json.dumps(doc, default=str))["region"] == REGION


def test_every_item_carries_its_fields_and_reasons_in_both_languages(doc):
    for kind in KINDS:
        for item in doc[kind]:
            assert set(ITEM_FIELDS[kind]) <= set(item), kind
            assert item["reason"] and item["reason_zh"], kind
    assert all(item["option"] != "fresh" for item in doc["process"])


def test_the_listing_plan_covers_the_weeks_asked_for(doc):
    weeks = pd.to_datetime([item["week"] for item in doc["list"]]).unique()
    assert 1 <= len(weeks) <= 3


def test_an_unknown_region_is_a_one_line_error(evidence):
    with pytest.raises(DataError, match="atlantis"):
        recommend(evidence, "atlantis")


@pytest.mark.parametrize(("language", "key"), [("en", "reason"), ("zh", "reason_zh")])
def test_the_table_prints_each_list_with_the_reasons_in_its_language(doc, language, key):
    text = as_table(doc, language)
    assert text.splitlines()[0].startswith(f"Xingnong recommendations for {REGION}")
    assert "GROW 种什么" in text and "LIST 上架计划" in text
    for kind in KINDS:
        if doc[kind]:
            assert doc[kind][0][key] in text
