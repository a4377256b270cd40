"""Tests of the display names of codes: coded values, product names and named tables."""

from __future__ import annotations

import numpy as np
import pandas as pd

from recommender.present.labels import (
    HEADERS,
    column,
    named,
    product_label,
    product_names,
    region_names,
    value_label,
)

NAMES = {
    "kiwifruit": ("猕猴桃", "Kiwifruit"),
    "pear": ("", "Pear"),
    "jujube": ("红枣", ""),
    "nameless": ("", ""),
}


def test_value_label_names_a_known_code_in_each_language():
    assert value_label("gift_box", "zh") == "礼盒"
    assert value_label("gift_box", "en") == "gift box"
    assert value_label("douyin_live", "en") == "Douyin live"
    assert value_label("taobao", None) == "淘宝"  # Chinese is the default language


def test_value_label_returns_an_unknown_code_unchanged():
    assert value_label("coop_shop", "zh") == "coop_shop"
    assert value_label("coop_shop", "en") == "coop_shop"
    assert value_label(7, "en") == "7"


def test_column_names_a_known_header_in_each_language_and_keeps_others():
    assert column("quantity_kg", "zh") == "上架量（公斤）"
    assert column("quantity_kg", "en") == "quantity (kg)"
    assert column("capex_per_year", None) == "年折旧"  # Chinese is the default language
    assert column("my_own_column", "en") == "my_own_column"


def test_product_names_reads_both_names_and_blanks_missing_ones():
    # given a products table with a missing Chinese name and a product without any name
    products = pd.DataFrame(
        {
            "product": ["kiwifruit", "pear", "odd"],
            "name_zh": ["猕猴桃", np.nan, None],
            "name_en": ["Kiwifruit", "Pear", np.nan],
            "shelf_life_days": [30, 60, 5],
        }
    )
    # when reading the names
    got = product_names(products)
    # then each code maps to (zh, en) with empty strings where the table has none
    assert got == {"kiwifruit": ("猕猴桃", "Kiwifruit"), "pear": ("", "Pear"), "odd": ("", "")}


def test_product_names_of_a_table_without_name_columns_are_blank():
    assert product_names(pd.DataFrame({"product": ["kiwifruit"]})) == {"kiwifruit": ("", "")}
    assert product_names(pd.DataFrame({"product": []})) == {}


def test_product_label_falls_back_to_the_other_language_then_the_code():
    assert product_label("kiwifruit", NAMES, "zh") == "猕猴桃"
    assert product_label("kiwifruit", NAMES, "en") == "Kiwifruit"
    assert product_label("pear", NAMES, "zh") == "Pear"  # no Chinese name: the English one
    assert product_label("jujube", NAMES, "en") == "红枣"  # no English name: the Chinese one
    assert product_label("nameless", NAMES, "en") == "nameless"  # no name at all: the code
    assert product_label("walnut", NAMES, "zh") == "walnut"  # not in the table: the code


def test_named_shows_products_and_coded_columns_by_name_and_leaves_the_rest():
    # given a table with products, coded columns (one value missing) and other columns
    table = pd.DataFrame(
        {
            "product": ["kiwifruit", "pear", "walnut"],
            "channel": ["taobao", np.nan, "coop_shop"],
            "form": ["gift_box", "fresh", "juice"],
            "quantity_kg": [1.5, 2.0, 3.0],
            "note": ["taobao", "fresh", "gift_box"],
        }
    )
    before = table.copy()
    # when naming it in English
    got = named(table, "en", NAMES)
    # then products and coded columns carry names, a missing value stays missing
    assert got["product"].tolist() == ["Kiwifruit", "Pear", "walnut"]
    assert got["channel"].iloc[0] == "Taobao" and got["channel"].iloc[2] == "coop_shop"
    assert pd.isna(got["channel"].iloc[1])
    assert got["form"].tolist() == ["gift box", "fresh", "juice"]
    # and other columns are left as they were, and the input is not changed
    pd.testing.assert_series_equal(got["quantity_kg"], before["quantity_kg"])
    pd.testing.assert_series_equal(got["note"], before["note"])
    pd.testing.assert_frame_equal(table, before)


def test_named_in_chinese_uses_the_chinese_names():
    table = pd.DataFrame({"product": ["kiwifruit"], "option": ["dried"], "action": ["not_yet"]})
    got = named(table, "zh", NAMES)
    assert got.iloc[0].tolist() == ["猕猴桃", "干制", "暂不"]


def test_every_header_has_both_languages():
    for key, (zh, en) in HEADERS.items():
        assert zh.strip() and en.strip(), key


def test_headers_are_translated_and_unknown_columns_show_themselves():
    assert column("quantity_kg", "zh") == "上架量（公斤）"
    assert column("quantity_kg", "en") == "quantity (kg)"
    assert column("not_a_column", "en") == "not_a_column"


def test_a_missing_product_stays_missing():
    out = named(pd.DataFrame({"product": ["a", np.nan]}), "en", {"a": ("甲", "A")})
    assert out["product"].iloc[0] == "A" and pd.isna(out["product"].iloc[1])


def test_every_quarantine_reason_has_words_in_both_languages():
    from recommender.data.contract import Reason
    from recommender.present.labels import reason_label

    for reason in Reason:
        zh, en = reason_label(reason.value, "zh"), reason_label(reason.value, "en")
        assert zh != reason.value and en != reason.value, reason
    assert reason_label("bad_date", "zh") == "日期无效"
    assert reason_label("something_new", "en") == "something_new"


def test_region_names_read_both_names_and_blank_missing_ones():
    table = pd.DataFrame(
        {"region": ["liuba", "x"], "name_zh": ["留坝县", None], "name_en": ["Liuba", None]}
    )
    assert region_names(table) == {"liuba": ("留坝县", "Liuba"), "x": ("", "")}
