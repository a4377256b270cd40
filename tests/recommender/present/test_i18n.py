import re
from datetime import date, datetime

import pytest

from recommender.present.i18n import (
    DEFAULT_LANG,
    MESSAGES,
    fmt_date,
    fmt_money,
    fmt_number,
    fmt_percent,
    reason_key,
    region_label,
    t,
)

FIELD = re.compile(r"\{(\w+)\}")


def test_chinese_is_the_default_and_english_is_one_argument_away():
    assert DEFAULT_LANG == "zh"
    assert t("page_overview") == "概览"
    assert t("page_overview", "en") == "Overview"
    assert t("page_overview", "fr") == "概览"  # unknown language: the default


def test_every_message_has_both_languages_with_the_same_fields():
    for key, (zh, en) in MESSAGES.items():
        assert zh.strip() and en.strip(), key
        assert set(FIELD.findall(zh)) == set(FIELD.findall(en)), key


def test_fields_are_filled_and_unknown_keys_show_themselves():
    assert t("too_big", "en", mb=20) == "The file is larger than 20 MB."
    assert "20 MB" in t("too_big", "zh", mb=20)
    assert t("no_such_key", "en") == "no_such_key"


def test_the_missing_artifacts_message_names_the_commands_in_both_languages():
    for lang in ("zh", "en"):
        text = t("no_artifacts", lang)
        assert "xingnong run" in text and "make demo" in text


@pytest.mark.parametrize(
    ("value", "lang", "text"),
    [
        (1234567, "en", "1,234,567"),
        (1234567, "zh", "123.46万"),
        (250_000_000, "zh", "2.50亿"),
        (999, "zh", "999"),
        (-12345, "zh", "-1.23万"),
        (float("nan"), "en", "–"),
        (None, "zh", "–"),
        (True, "en", "–"),
    ],
)
def test_numbers_are_written_the_way_each_language_reads_them(value, lang, text):
    assert fmt_number(value, lang) == text


def test_money_percent_and_dates():
    assert fmt_money(12345, "en") == "¥12,345"
    assert fmt_money(-12345, "en") == "-¥12,345"
    assert fmt_money(12345, "zh") == "¥1.23万"
    assert fmt_percent(0.1234, "en", 1) == "12.3%"
    assert fmt_percent(0.12, "zh", sign=True) == "+12%"
    assert fmt_percent(float("inf"), "zh") == "–"
    assert fmt_date(date(2025, 11, 30), "zh") == "2025年11月30日"
    assert fmt_date(date(2025, 11, 30), "en") == "30 Nov 2025"
    assert fmt_date(datetime(2025, 11, 30, 8, 5), "en", with_time=True) == "30 Nov 2025 08:05"
    assert fmt_date("2025-11-30", "zh") == "2025年11月30日"
    assert fmt_date("soon", "zh") == "soon"


def test_reasons_and_region_labels():
    assert reason_key("zh") == "reason_zh" and reason_key("en") == "reason"
    names = {"zhouzhi": ("周至县", "Zhouzhi County")}
    assert region_label("zhouzhi", names) == "周至县 Zhouzhi County (zhouzhi)"
    assert region_label("unknown", names) == "unknown"


def test_no_streamlit_in_the_library():
    from pathlib import Path

    import recommender.present.i18n as module

    assert "import streamlit" not in Path(module.__file__).read_text(encoding="utf-8")
