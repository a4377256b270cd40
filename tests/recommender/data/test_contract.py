"""Tests of the data contract: names, reason order, header aliases and PII recognition."""

from __future__ import annotations

import pytest

from recommender.data import contract as c


def test_contract_names_are_stable():
    # given/when/then: the names other modules rely on keep their values
    assert (c.DATE, c.REGION, c.PRODUCT, c.QUANTITY) == c.REQUIRED_SALES_COLUMNS
    assert c.OPTIONAL_SALES_COLUMNS == ("price", "channel", "form")
    assert c.DEFAULT_FORM == "fresh"
    assert (c.UID, c.DS, c.Y) == ("unique_id", "ds", "y")


def test_reason_codes_in_rule_order():
    # given/when: the declared order of reasons
    codes = [str(r) for r in c.REASON_ORDER]
    # then: it is the documented rule order
    assert codes == [
        "missing_value",
        "bad_date",
        "future_date",
        "bad_quantity",
        "negative_quantity",
        "bad_price",
        "formula_text",
        "unknown_region",
        "unknown_product",
        "duplicate",
    ]
    assert c.Reason.BAD_DATE == "bad_date"


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("日期", "date"),
        ("地区", "region"),
        ("区域", "region"),
        ("产品", "product"),
        ("商品", "product"),
        ("数量", "quantity"),
        ("销量", "quantity"),
        ("价格", "price"),
        ("单价", "price"),
        ("渠道", "channel"),
        ("形态", "form"),
        ("加工形式", "form"),
        ("订单号", "order_id"),
        ("收货人", "customer_name"),
        ("手机", "mobile"),
        ("电话", "phone"),
        ("地址", "address"),
        (" Order-ID ", "order_id"),
        ("ＤＡＴＥ", "date"),  # full-width letters
        ("Region", "region"),
    ],
)
def test_canonical_column_maps_aliases(header, expected):
    # given a header as found in a file / when mapped / then the contract name comes out
    assert c.canonical_column(header) == expected


@pytest.mark.parametrize(
    "header",
    [
        "phone",
        "Customer_Name",
        "姓名",
        "手机号",
        "收货地址",
        "email",
        "微信号",
        "id_card",
        "收件人",
        "receiver_phone",
        "备注",
        "remark",
    ],  # fmt: skip
)
def test_pii_columns_are_recognised(header):
    assert c.is_pii_column(header)


@pytest.mark.parametrize("header", ["date", "region", "order_id", "name_en", "等级"])
def test_non_personal_columns_are_not_pii(header):
    assert not c.is_pii_column(header)
