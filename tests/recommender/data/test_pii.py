"""Tests of customer personal data handling: phone normalisation and keyed pseudonyms."""

from __future__ import annotations

import hashlib
import hmac

import pandas as pd
import pytest

from recommender.data.pii import (
    check_key,
    customer_keys,
    normalise_name,
    normalise_phone,
    pii_key_from_env,
)
from recommender.errors import XingnongError

KEY = b"test-key-0123456789"


def test_normalise_phone_drops_punctuation_and_country_code():
    # given the same mobile number written five ways, and a short local number
    phones = pd.Series(
        ["+86 138-0013-8000", "8613800138000", "0086 13800138000", "138 0013 8000", "", "86123"]
    )
    # when normalised
    result = normalise_phone(phones).tolist()
    # then the mobile numbers agree; blank stays blank; a short number keeps its 86
    assert result[:4] == ["13800138000"] * 4
    assert result[4] == ""
    assert result[5] == "86123"


def test_normalise_name_is_loose_about_spacing_and_case():
    assert normalise_name(pd.Series([" Li  Wei ", "li wei", "张三"])).tolist() == [
        "li wei",
        "li wei",
        "张三",
    ]


def test_customer_keys_prefer_phone_then_name():
    # given rows with a phone, with only a name, and with neither
    frame = pd.DataFrame(
        {
            "customer_name": ["张三", "李四", ""],
            "mobile": ["+86 138-0013-8000", "", ""],
        }
    )
    # when keyed
    keys = customer_keys(frame, KEY)
    # then the phone row is the HMAC of the normalised phone, the next of the name
    expected_phone = hmac.new(KEY, b"13800138000", hashlib.sha256).hexdigest()[:16]
    expected_name = hmac.new(KEY, "李四".encode(), hashlib.sha256).hexdigest()[:16]
    assert keys.tolist() == [expected_phone, expected_name, None]


def test_same_phone_in_any_format_gives_the_same_key_and_keys_depend_on_the_key():
    frame = pd.DataFrame({"phone": ["13800138000", "+86 138 0013 8000"]})
    keys = customer_keys(frame, KEY)
    other = customer_keys(frame, b"another-key-0123456789")
    assert keys[0] == keys[1]
    assert other[0] != keys[0]


def test_customer_keys_none_without_name_or_phone():
    assert customer_keys(pd.DataFrame({"address": ["北京"]}), KEY) is None


def test_short_keys_are_refused():
    with pytest.raises(XingnongError, match="at least 16 bytes"):
        check_key(b"short")


def test_key_from_env():
    assert pii_key_from_env({}) is None
    assert pii_key_from_env({"XINGNONG_PII_KEY": ""}) is None
    assert pii_key_from_env({"XINGNONG_PII_KEY": "k" * 20}) == b"k" * 20
    with pytest.raises(XingnongError):
        pii_key_from_env({"XINGNONG_PII_KEY": "short"})
