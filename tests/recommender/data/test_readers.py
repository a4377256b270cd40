"""Reading sales and table files: encodings, separators, headers, Parquet, clear errors."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from recommender.data.readers import read_table
from recommender.errors import DataError

PLANTED_NAME = "欧阳震华测试"
PLANTED_PHONE = "13912345678"
GBK_CSV = (
    "日期,地区,商品,销量,单价,渠道,收货人,手机,收货地址\n"
    "2024-03-05,留坝县,富士苹果,12,6.5,淘宝,张三,13800138000,陕西省汉中市\n"
    "2024/03/06,留坝县,富士苹果,3,,拼多多,李四,13900139000,陕西省汉中市\n"
)


def test_read_gbk_csv_with_chinese_headers(tmp_path):
    # given a GBK-encoded CSV with Chinese headers and values
    path = tmp_path / "sales_gbk.csv"
    path.write_bytes(GBK_CSV.encode("gbk"))
    # when read
    frame = read_table(path)
    # then headers are mapped to the contract and the Chinese values survive intact
    assert list(frame.columns)[:6] == ["date", "region", "product", "quantity", "price", "channel"]
    assert frame.loc[0, "product"] == "富士苹果"
    assert frame.loc[0, "region"] == "留坝县"
    assert frame.loc[1, "price"] == ""  # blanks stay text, nothing is coerced


def test_read_utf8_bom_csv(tmp_path):
    # given a UTF-8 CSV with a byte-order mark (as Excel writes)
    path = tmp_path / "sales_bom.csv"
    path.write_bytes(GBK_CSV.encode("utf-8-sig"))
    # when read / then the first header is "date", not "\ufeffdate"
    frame = read_table(path)
    assert frame.columns[0] == "date"
    assert frame.loc[0, "region"] == "留坝县"


def test_read_keeps_leading_zeros_and_text(tmp_path):
    path = tmp_path / "s.csv"
    path.write_text("date,region,product,quantity,order_id\n20240305,007,apple,1.50,00123\n")
    frame = read_table(path)
    assert frame.loc[0, "order_id"] == "00123"
    assert frame.loc[0, "quantity"] == "1.50"


def test_read_tab_separated_txt(tmp_path):
    path = tmp_path / "sales.txt"
    path.write_text("date\tregion\tproduct\tquantity\n2024-03-05\tliuba\tapple\t2\n")
    assert read_table(path).loc[0, "quantity"] == "2"


def test_bytes_invalid_in_both_encodings_are_refused(tmp_path):
    # given bytes that are neither UTF-8 nor GB18030
    path = tmp_path / "bad.csv"
    path.write_bytes(b"date,region,product,quantity\n2024-03-05,\xff\xff,apple,1\n")
    # when read / then a clear DataError
    with pytest.raises(
        DataError, match=r"neither UTF-8 nor GBK/GB18030 text \(first bad byte on line 2\)"
    ):
        read_table(path)


def test_a_nul_byte_is_refused_naming_its_line(tmp_path):
    # given two sales that differ only after a NUL byte (the CSV parser would cut both at it)
    path = tmp_path / "nul.csv"
    path.write_bytes(b"date,region,product,quantity\n2024-03-05,ab\x00cd,apple,1\n"
                     b"2024-03-05,ab\x00XY,apple,1\n")  # fmt: skip
    # when read / then one clear line names where, instead of two rows read as "ab"
    with pytest.raises(DataError, match="line 2 holds a NUL byte"):
        read_table(path)


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (b"", "is empty"),
        (b"\xef\xbb\xbf  \n", "is empty"),
        (b"date,region,product,quantity\n", "has a header but no rows"),
    ],
)
def test_empty_and_header_only_files_are_errors(tmp_path, content, words):
    path = tmp_path / "sales.csv"
    path.write_bytes(content)
    with pytest.raises(DataError, match=words):
        read_table(path)


def test_missing_column_names_it_and_the_columns_found(tmp_path):
    # given a file without a quantity column
    path = tmp_path / "sales.csv"
    path.write_text("date,region,product,amount\n2024-03-05,liuba,apple,1\n")
    # when read / then the error names what is missing and what was found
    with pytest.raises(DataError) as info:
        read_table(path)
    message = str(info.value)
    assert "missing required column(s) quantity" in message
    assert "columns found: date, region, product, amount" in message


def test_headerless_file_does_not_echo_its_first_row(tmp_path):
    # given a file whose first line is a data row holding personal data
    path = tmp_path / "sales.csv"
    path.write_text(f"2024-03-05,liuba,apple,1,{PLANTED_NAME},{PLANTED_PHONE}\n", encoding="utf-8")
    # when read / then the error explains the missing header without repeating the row
    with pytest.raises(DataError, match="no header row") as info:
        read_table(path)
    assert PLANTED_NAME not in str(info.value) and PLANTED_PHONE not in str(info.value)


def test_two_headers_meaning_the_same_column_is_an_error(tmp_path):
    path = tmp_path / "sales.csv"
    path.write_text("date,日期,region,product,quantity\n2024-03-05,2024-03-05,a,b,1\n")
    with pytest.raises(DataError, match="both mean 'date'"):
        read_table(path)


def test_missing_file_and_unknown_suffix_are_errors(tmp_path):
    with pytest.raises(DataError, match="does not exist"):
        read_table(tmp_path / "nope.csv")
    other = tmp_path / "sales.xlsx"
    other.write_bytes(b"PK")
    with pytest.raises(DataError, match="unsupported file type"):
        read_table(other)


def test_read_parquet_gives_text_columns(tmp_path):
    # given a typed Parquet file
    path = tmp_path / "sales.parquet"
    pd.DataFrame(
        {
            "date": pd.to_datetime(["2024-03-05", "2024-03-06"]),
            "region": ["liuba", "liuba"],
            "product": ["apple", "apple"],
            "quantity": [1.5, np.nan],
        }
    ).to_parquet(path)
    # when read
    frame = read_table(path)
    # then every value is text, dates as YYYY-MM-DD, missing as ""
    assert frame["date"].tolist() == ["2024-03-05", "2024-03-06"]
    assert frame["quantity"].tolist() == ["1.5", ""]


def test_ragged_csv_is_a_data_error(tmp_path):
    path = tmp_path / "sales.csv"
    path.write_text("date,region,product,quantity\n2024-03-05,a,p,1\n2024-03-05,a,p,1,extra,x\n")
    with pytest.raises(DataError, match="cannot be read as CSV: .*line 3"):
        read_table(path)


def test_corrupt_parquet_is_a_data_error(tmp_path):
    path = tmp_path / "sales.parquet"
    path.write_bytes(b"not parquet at all")
    with pytest.raises(DataError, match="cannot be read as Parquet"):
        read_table(path)


def test_a_partitioned_parquet_folder_is_read_as_one_table(tmp_path):
    # given sales split by region into Hive-style folders, with a marker file beside them
    frame = pd.DataFrame(
        {
            "date": pd.to_datetime(["2024-03-05", "2024-03-06", "2024-03-05"]),
            "region": ["liuba", "liuba", "Foping 01"],
            "product": ["apple", "apple", "kiwi"],
            "quantity": [1.5, 2.0, 3.0],
        }
    )
    frame.to_parquet(tmp_path / "sales", partition_cols=["region"])
    (tmp_path / "sales" / "_SUCCESS").write_text("")
    # when the folder is read
    table = read_table(tmp_path / "sales")
    # then every row is there as text, the partition key a column with values as written
    assert len(table) == 3
    rows = set(zip(table["region"], table["product"], table["quantity"], strict=True))
    assert rows == {
        ("liuba", "apple", "1.5"),
        ("liuba", "apple", "2.0"),
        ("Foping 01", "kiwi", "3.0"),
    }
    assert set(table["date"]) == {"2024-03-05", "2024-03-06"}


def test_a_folder_without_parquet_or_with_a_bad_part_is_a_data_error(tmp_path):
    (tmp_path / "empty").mkdir()
    (tmp_path / "empty" / "notes.txt").write_text("hello")
    with pytest.raises(DataError, match="without Parquet files"):
        read_table(tmp_path / "empty")
    bad = tmp_path / "bad"
    bad.mkdir()
    pd.DataFrame(
        {"date": ["2024-03-05"], "region": ["a"], "product": ["p"], "quantity": [1]}
    ).to_parquet(bad / "part-0.parquet")
    (bad / "part-1.parquet").write_bytes(b"not parquet")
    with pytest.raises(DataError, match="cannot be read as one Parquet dataset"):
        read_table(bad)


def test_parquet_with_a_nested_column_is_a_data_error(tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    path = tmp_path / "sales.parquet"
    table = pa.table(
        {"date": ["2024-03-05"], "region": ["a"], "product": ["p"], "quantity": [[1, 2]]}
    )
    pq.write_table(table, path)
    with pytest.raises(DataError, match="column 'quantity' .* cannot be read as text"):
        read_table(path)


def test_parquet_repeating_a_column_name_is_a_data_error(tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    path = tmp_path / "sales.parquet"
    arrays = [pa.array(["2024-03-05"]), pa.array(["a"]), pa.array(["p"]), pa.array([1.0])]
    arrays.append(pa.array(["b"]))
    table = pa.Table.from_arrays(arrays, names=["date", "region", "product", "quantity", "region"])
    pq.write_table(table, path)
    with pytest.raises(DataError):
        read_table(path)
