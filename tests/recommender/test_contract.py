"""Tests of the data contract: names, aliases, PII recognition, parsing rules and schemas."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pandera.pandas as pa
import pytest

from recommender import contract as c


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
    "header", ["phone", "Customer_Name", "姓名", "手机号", "收货地址", "email", "微信号", "id_card"]
)
def test_pii_columns_are_recognised(header):
    assert c.is_pii_column(header)


@pytest.mark.parametrize("header", ["date", "region", "order_id", "name_en", "备注"])
def test_non_personal_columns_are_not_pii(header):
    assert not c.is_pii_column(header)


def test_parse_sale_dates_accepts_unambiguous_forms_only():
    # given dates in several forms
    text = pd.Series(
        [
            "2024-03-05",
            "2024/3/5",
            "2024.03.05",
            "20240305",
            "2024年3月5日",
            "2024-03-05 14:22:01",
            "2024-03-05T08:00:00+08:00",
            "03/04/2024",
            "5 March 2024",
            "2024-02-30",
            "2024-03/05",
        ]
    )
    # when parsed
    parsed = c.parse_sale_dates(text)
    # then the first seven are 5 March 2024 at midnight and the rest are NaT
    assert (parsed.iloc[:7] == pd.Timestamp("2024-03-05")).all()
    assert parsed.iloc[7:].isna().all()
    assert parsed.dtype == "datetime64[ns]"


def test_date_problem_explains_ambiguity():
    problems = c.date_problem(pd.Series(["03/04/2024", "2024-02-30", "soon"]))
    assert "ambiguous" in problems[0]
    assert "calendar day" in problems[1]
    assert "not a date" in problems[2]


def test_parse_number_handles_separators_money_and_non_finite():
    # given numbers as text
    text = pd.Series(["1,204", "12.5", "abc", "NaN", "inf", "1,2", "-3"])
    # when parsed
    values = c.parse_number(text)
    # then thousands separators work, bad text is NaN, inf stays inf (caller checks finiteness)
    assert values[0] == 1204 and values[1] == 12.5 and values[6] == -3
    assert np.isnan(values[2]) and np.isnan(values[3]) and np.isnan(values[5])
    assert np.isinf(values[4])
    money = c.parse_number(pd.Series(["¥12.5", "8元"]), money=True)
    assert money.tolist() == [12.5, 8.0]


def test_as_text_writes_values_like_a_csv():
    # given typed columns, as Parquet would give them
    dates = pd.Series([pd.Timestamp("2024-03-05"), pd.NaT, pd.Timestamp("2024-03-06 10:30")])
    numbers = pd.Series([1.5, np.nan, 2.0])
    # when written as text / then blanks are "" and midnight dates have no time
    assert c.as_text(dates).tolist() == ["2024-03-05", "", "2024-03-06 10:30:00"]
    assert c.as_text(numbers).tolist() == ["1.5", "", "2.0"]


def _sales_frame(**overrides):
    frame = pd.DataFrame(
        {
            "date": pd.to_datetime(["2024-03-05"]),
            "region": ["liuba"],
            "product": ["apple"],
            "quantity": [3.0],
            "price": [np.nan],
            "channel": ["unknown"],
            "form": ["fresh"],
            "source_row": np.array([1], dtype="int64"),
        }
    )
    for name, value in overrides.items():
        frame[name] = value
    return frame


def test_sales_schema_accepts_a_clean_row():
    assert len(c.SALES_SCHEMA.validate(_sales_frame())) == 1


@pytest.mark.parametrize(
    "override",
    [
        {"quantity": [-1.0]},
        {"quantity": [np.inf]},
        {"price": [0.0]},
        {"region": ["Liuba"]},
        {"phone": ["13800138000"]},  # strict: a personal column can never pass
        {"customer_key": ["not-a-key"]},
    ],
)
def test_sales_schema_rejects_contract_violations(override):
    with pytest.raises((pa.errors.SchemaError, pa.errors.SchemaErrors)):
        c.SALES_SCHEMA.validate(_sales_frame(**override))
