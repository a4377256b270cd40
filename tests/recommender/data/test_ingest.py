"""Tests of sales ingest: reading files, validating rows, quarantine, PII and the panel."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest

from recommender.data.aggregate import aggregate_panel
from recommender.data.ingest import IngestResult, load_sales, validate_sales
from recommender.errors import DataError

TODAY = date(2024, 12, 31)
KEY = b"test-key-0123456789"
PLANTED_NAME = "欧阳震华测试"
PLANTED_PHONE = "13912345678"
PLANTED_ADDRESS = "幸福路8号院"

GBK_CSV = (
    "日期,地区,商品,销量,单价,渠道,收货人,手机,收货地址\n"
    "2024-03-05,留坝县,富士苹果,12,6.5,淘宝,张三,13800138000,陕西省汉中市\n"
    "2024/03/06,留坝县,富士苹果,3,,拼多多,李四,13900139000,陕西省汉中市\n"
)


def _sales(rows: list[list[str]], columns=("date", "region", "product", "quantity")):
    return pd.DataFrame(rows, columns=list(columns))


# ---------------------------------------------------------------- validating rows

MESSY_ROWS = [
    # date, region, product, quantity, price, channel, form, order_id
    ["2024-03-05", " Liuba ", "Apple", "10", "6.5", "Taobao", "", "A1"],  # 1 ok
    ["2024年3月6日", "liuba", "apple", "1,200", "¥7", "", "Dried", "A2"],  # 2 ok
    ["", "liuba", "apple", "5", "", "", "", "A3"],  # 3 missing_value
    ["03/04/2024", "liuba", "apple", "5", "", "", "", "A4"],  # 4 bad_date
    ["2025-01-02", "liuba", "apple", "5", "", "", "", "A5"],  # 5 future_date
    ["2024-03-05", "liuba", "apple", "many", "", "", "", "A6"],  # 6 bad_quantity
    ["2024-03-05", "liuba", "apple", "inf", "", "", "", "A7"],  # 7 bad_quantity
    ["2024-03-05", "liuba", "apple", "-2", "", "", "", "A8"],  # 8 negative_quantity
    ["2024-03-05", "liuba", "apple", "2", "0", "", "", "A9"],  # 9 bad_price
    ["2024-03-05", "liuba", "apple", "2", "cheap", "", "", "A10"],  # 10 bad_price
    ["2024-03-05", "liuba", "apple", "2", "", "", "", "A1"],  # 11 duplicate of row 1
    ["2024-02-30", "liuba", "apple", "-2", "0", "", "", "A12"],  # 12 bad_date (first rule)
    ["20240307", "liuba", "apple", "0", "", "", "", "A4"],  # 13 ok: row 4 was quarantined
    ["2024-03-08", "liuba", "apple", "3", "", "", "", ""],  # 14 ok (blank id)
    ["2024-03-08", "liuba", "apple", "3", "", "", "", ""],  # 15 duplicate of 14 (identical)
]
MESSY_COLUMNS = ("date", "region", "product", "quantity", "price", "channel", "form", "order_id")


@pytest.fixture
def messy() -> IngestResult:
    return validate_sales(_sales(MESSY_ROWS, MESSY_COLUMNS), today=TODAY)


def test_every_row_is_accounted_for(messy):
    # given messy input / when validated / then nothing is lost or invented
    assert messy.rows_read == len(MESSY_ROWS)
    assert messy.rows_read == messy.rows_accepted + messy.rows_quarantined
    assert messy.rows_accepted == 4


def test_each_bad_row_gets_the_first_failing_rule(messy):
    reasons = dict(zip(messy.quarantine["source_row"], messy.quarantine["reason"], strict=True))
    assert reasons == {
        3: "missing_value",
        4: "bad_date",
        5: "future_date",
        6: "bad_quantity",
        7: "bad_quantity",
        8: "negative_quantity",
        9: "bad_price",
        10: "bad_price",
        11: "duplicate",
        12: "bad_date",
        15: "duplicate",
    }
    assert messy.reason_counts() == {
        "missing_value": 1,
        "bad_date": 2,
        "future_date": 1,
        "bad_quantity": 2,
        "negative_quantity": 1,
        "bad_price": 2,
        "duplicate": 2,
    }


def test_quarantine_keeps_original_text_and_explains(messy):
    q = messy.quarantine.set_index("source_row")
    assert q.loc[4, "date"] == "03/04/2024"
    assert "ambiguous" in q.loc[4, "detail"]
    assert q.loc[3, "detail"] == "blank date"
    assert q.loc[11, "detail"] == "same order_id as data row 1"
    assert q.loc[15, "detail"] == "identical to data row 14"
    assert list(q.columns[:2]) == ["reason", "detail"]


def test_accepted_rows_are_normalised(messy):
    sales = messy.sales.set_index("source_row")
    # keys as written, codes trimmed and lower case, defaults filled, numbers parsed, dates
    # normalised
    assert sales.loc[1, "region"] == " Liuba " and sales.loc[1, "product"] == "Apple"
    assert sales.loc[2, "region"] == "liuba" and sales.loc[2, "product"] == "apple"
    assert sales.loc[1, "channel"] == "taobao" and sales.loc[1, "form"] == "fresh"
    assert sales.loc[2, "channel"] == "unknown" and sales.loc[2, "form"] == "dried"
    assert sales.loc[2, "quantity"] == 1200.0 and sales.loc[2, "price"] == 7.0
    assert sales.loc[2, "date"] == pd.Timestamp("2024-03-06")
    assert np.isnan(sales.loc[13, "price"]) and sales.loc[13, "quantity"] == 0.0
    assert messy.sales["date"].dtype == "datetime64[ns]"
    assert messy.sales["quantity"].dtype == "float64"
    assert messy.sales["source_row"].tolist() == [1, 2, 13, 14]


def test_identical_rows_without_order_id_are_duplicates():
    rows = [
        ["2024-03-05", "a", "p", "1"],
        ["2024-03-05", "a", "p", "1.0"],
        ["2024-03-05", "a", "p", "2"],
        ["2024-03-05", "A ", "p", "1"],
    ]
    result = validate_sales(_sales(rows), today=TODAY)
    # then the second row (the same sale once parsed) is a duplicate; the third is another
    # sale and the fourth another region ("A " is not "a": keys are kept as written)
    assert result.quarantine["source_row"].tolist() == [2]
    assert result.reason_counts() == {"duplicate": 1}


def test_duplicates_stay_exact_even_when_every_row_hash_clashes(monkeypatch):
    # given a hash that gives every row the same value (the worst collision possible)
    import recommender.data.duplicates as duplicates

    def clash(frame, index=False):
        return pd.Series(np.zeros(len(frame), dtype="uint64"))

    monkeypatch.setattr(duplicates.pd.util, "hash_pandas_object", clash)
    rows = [
        ["2024-03-05", "a", "p", "1"],
        ["2024-03-05", "b", "p", "1"],
        ["2024-03-05", "a", "p", "1.0"],
        ["2024-03-06", "a", "p", "1"],
    ]
    # when validated
    result = validate_sales(_sales(rows), today=TODAY)
    # then only the true repeat is a duplicate, pointing at its first occurrence
    assert result.quarantine["source_row"].tolist() == [3]
    assert result.quarantine["detail"].tolist() == ["identical to data row 1"]


@pytest.mark.parametrize(
    "key",
    ["Albany", "AGRA(UP)", " Spaced  Name ", "周至县（西）", "キャベツ cabbage", "Ｗｉｄｅ", "a|b"],
)
def test_without_tables_region_and_product_keys_are_kept_byte_for_byte(key):
    # given a user's own keys: mixed case, brackets, spaces, CJK, full-width, a separator
    raw = _sales([["2024-03-05", key, key + "-p", "1"]])
    # when validated without reference tables
    sales = validate_sales(raw, today=TODAY).sales
    # then they come back exactly as written
    assert sales.loc[0, "region"] == key and sales.loc[0, "product"] == key + "-p"


def test_with_tables_a_key_matches_ignoring_case_and_becomes_the_tables_code():
    regions = pd.DataFrame(
        {
            "region": ["Shaanxi", "Hanzhong", "Liuba"],
            "name_en": ["Shaanxi", "Hanzhong", "Liuba County"],
            "name_zh": ["陕西省", "汉中市", "留坝县"],
            "level": ["province", "city", "county"],
            "parent": ["", "shaanxi", " HANZHONG"],
        }
    )
    written = ("liuba", " LIUBA ", "留坝县", "liuba county")
    rows = [["2024-03-05", r, "p", str(q)] for q, r in enumerate(written, start=1)]
    # when sales name the county by code or name in any case
    result = validate_sales(_sales(rows), regions=regions, today=TODAY)
    # then each becomes the table's code as the table writes it
    assert result.sales["region"].tolist() == ["Liuba"] * 4


def test_extra_columns_are_dropped_and_reported():
    raw = _sales(
        [["2024-03-05", "a", "p", "1", "A", "送到幸福路"]],
        ("date", "region", "product", "quantity", "等级", "备注"),
    )
    result = validate_sales(raw, today=TODAY)
    # a free-text remark may name or locate a buyer: personal, never kept raw
    assert result.dropped_columns == ["等级"] and result.pii_columns == ["note"]
    assert "等级" not in result.sales.columns and "note" not in result.sales.columns


def test_future_date_depends_on_today():
    raw = _sales([["2024-03-05", "a", "p", "1"]])
    assert validate_sales(raw, today=date(2024, 3, 5)).rows_accepted == 1
    assert validate_sales(raw, today=date(2024, 3, 4)).reason_counts() == {"future_date": 1}


def test_missing_required_column_is_fatal():
    with pytest.raises(DataError, match="quantity"):
        validate_sales(pd.DataFrame({"date": ["2024-03-05"], "region": ["a"], "product": ["p"]}))


REGIONS = pd.DataFrame(
    {
        "region": ["shaanxi", "hanzhong", "liuba"],
        "name_en": ["Shaanxi", "Hanzhong", "Liuba"],
        "name_zh": ["陕西省", "汉中市", "留坝县"],
        "level": ["province", "city", "county"],
        "parent": ["", "shaanxi", "hanzhong"],
    }
)
PRODUCTS = pd.DataFrame(
    {
        "product": ["apple"],
        "name_en": ["Fuji apple"],
        "name_zh": ["富士苹果"],
        "category": ["fruit"],
        "shelf_life_days": ["30"],
        "unit": ["kg"],
    }
)


def test_reference_tables_map_names_and_reject_unknown_codes():
    # given sales naming regions and products by code, Chinese name and unknown code
    rows = [
        ["2024-03-05", "留坝县", "富士苹果", "1"],
        ["2024-03-05", "hanzhong", "apple", "2"],  # a city-level sale is allowed
        ["2024-03-05", "mars", "apple", "3"],
        ["2024-03-05", "liuba", "durian", "4"],
    ]
    # when validated against the tables
    result = validate_sales(_sales(rows), regions=REGIONS, products=PRODUCTS, today=TODAY)
    # then names become codes and unknown codes are quarantined
    assert result.sales["region"].tolist() == ["liuba", "hanzhong"]
    assert result.sales["product"].tolist() == ["apple", "apple"]
    assert result.quarantine["reason"].tolist() == ["unknown_region", "unknown_product"]


def test_bad_reference_table_is_fatal_in_validate_sales():
    bad = REGIONS.assign(level=["province", "city", "village"])
    with pytest.raises(DataError, match="regions table: row 3: level 'village'"):
        validate_sales(_sales([["2024-03-05", "a", "p", "1"]]), regions=bad, today=TODAY)


def test_accounting_is_checked_by_the_result_itself():
    with pytest.raises(AssertionError, match="accounting"):
        IngestResult(sales=pd.DataFrame(), quarantine=pd.DataFrame(), rows_read=1)


# ---------------------------------------------------------------- personal data


def _planted(with_order: bool = False):
    columns = ["日期", "地区", "商品", "销量", "收货人", "手机", "收货地址", "邮箱"]
    rows = [
        [
            "2024-03-05",
            "liuba",
            "apple",
            "2",
            PLANTED_NAME,
            f"+86 {PLANTED_PHONE}",
            PLANTED_ADDRESS,
            "a@b.cn",
        ],
        ["bad-date", "liuba", "apple", "2", PLANTED_NAME, PLANTED_PHONE, PLANTED_ADDRESS, "a@b.cn"],
        ["2024-03-06", "liuba", "apple", "1", "王五", "", PLANTED_ADDRESS, ""],
    ]
    return pd.DataFrame(rows, columns=columns)


def _assert_nowhere(frame: pd.DataFrame, *secrets: str) -> None:
    text = frame.to_csv(index=False) + " ".join(map(str, frame.columns))
    for secret in secrets:
        assert secret not in text


def test_without_key_personal_columns_are_dropped():
    # given planted personal data / when validated without a key
    result = validate_sales(_planted(), today=TODAY)
    # then no personal column or value survives, and the columns are reported
    assert result.pii_columns == ["customer_name", "mobile", "address", "email"]
    assert not result.pseudonymised
    for frame in (result.sales, result.quarantine):
        _assert_nowhere(frame, PLANTED_NAME, PLANTED_PHONE, PLANTED_ADDRESS, "a@b.cn")
        assert not {"customer_name", "mobile", "address", "email"} & set(frame.columns)


def test_with_key_a_customer_key_replaces_personal_columns():
    # given planted personal data / when validated with a key
    result = validate_sales(_planted(), today=TODAY, pii_key=KEY)
    # then rows carry a pseudonymous key and nothing raw
    assert result.pseudonymised
    keys = result.sales["customer_key"].tolist()
    assert len(keys) == 2 and keys[0] != keys[1]
    assert all(len(k) == 16 and int(k, 16) >= 0 for k in keys)
    # the quarantined row with the same phone has the same key
    assert result.quarantine["customer_key"].tolist() == [keys[0]]
    for frame in (result.sales, result.quarantine):
        _assert_nowhere(frame, PLANTED_NAME, PLANTED_PHONE, PLANTED_ADDRESS, "a@b.cn")


def test_load_sales_reads_the_key_from_the_environment(tmp_path, monkeypatch):
    # given a GBK sales file and a key in the environment
    path = tmp_path / "sales.csv"
    path.write_bytes(GBK_CSV.encode("gbk"))
    monkeypatch.setenv("XINGNONG_PII_KEY", KEY.decode())
    # when loaded
    result = load_sales(path, today=TODAY)
    # then customers are pseudonymised, Chinese values kept, and addresses gone
    assert result.pseudonymised
    assert result.sales["region"].tolist() == ["留坝县", "留坝县"]
    assert result.sales["channel"].tolist() == ["淘宝", "拼多多"]
    _assert_nowhere(result.sales, "张三", "13800138000", "陕西省汉中市")


def test_load_sales_with_reference_files(tmp_path):
    regions, products, sales = (tmp_path / n for n in ("regions.csv", "products.csv", "sales.csv"))
    REGIONS.to_csv(regions, index=False)
    PRODUCTS.to_csv(products, index=False, encoding="gbk")
    sales.write_bytes(GBK_CSV.encode("gbk"))
    result = load_sales(sales, regions, products, today=TODAY)
    assert result.sales["region"].tolist() == ["liuba", "liuba"]
    assert result.sales["product"].tolist() == ["apple", "apple"]


# ---------------------------------------------------------------- the panel


def test_aggregate_panel_of_validated_sales(messy):
    panel = aggregate_panel(messy.sales, "W-SUN")
    assert panel["quantity"].sum() == messy.sales["quantity"].sum()


def test_keys_that_start_like_formulas_are_quarantined_with_their_reason():
    # given rows whose region, product or channel would run as a spreadsheet formula
    raw = _sales(
        [
            ["2024-03-05", '=HYPERLINK("http://x","y")', "apple", "1", ""],
            ["2024-03-05", "liuba", "+cmd|' /C calc'!A0", "1", ""],
            ["2024-03-05", "liuba", "apple", "1", "@SUM(1)"],
            ["2024-03-05", "-3", "apple", "1", ""],
        ],
        columns=("date", "region", "product", "quantity", "channel"),
    )
    # when they are validated
    result = validate_sales(raw, today=TODAY)
    # then the three are quarantined as formula_text, naming the column; a number is a key
    q = result.quarantine
    assert q["reason"].tolist() == ["formula_text"] * 3
    assert q["detail"].str.startswith(("region", "product", "channel")).all()
    assert result.sales["region"].tolist() == ["-3"]


def test_dates_and_numbers_out_of_range_get_the_reason_that_names_them():
    # given values at the edges a careless export produces
    raw = _sales(
        [
            ["2024-03-05 25:00", "liuba", "apple", "1", ""],
            ["1900-01-01", "liuba", "apple", "1", ""],
            ["9999-12-31", "liuba", "apple", "1", ""],
            ["2024-03-05", "liuba", "apple", "1e300", ""],
            ["2024-03-05", "liuba", "apple", "1", "1e13"],
            ["2024-03-05 23:59:59", "liuba", "apple", "1e12", "9.5"],
        ],
        columns=("date", "region", "product", "quantity", "price"),
    )
    # when validated
    result = validate_sales(raw, today=TODAY)
    # then each is quarantined with its own reason and words; the last row is fine
    q = result.quarantine.set_index("source_row")
    assert q.loc[1, "reason"] == "bad_date" and "no such time of day" in q.loc[1, "detail"]
    assert q.loc[2, "reason"] == "bad_date" and "is before 1951-01-01" in q.loc[2, "detail"]
    assert q.loc[3, "reason"] == "future_date"
    assert q.loc[4, "reason"] == "bad_quantity" and "above 1e+12" in q.loc[4, "detail"]
    assert q.loc[5, "reason"] == "bad_price"
    assert result.sales["source_row"].tolist() == [6]
    assert result.sales["date"].tolist() == [pd.Timestamp("2024-03-05")]
