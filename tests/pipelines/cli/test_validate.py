"""Tests of ``xingnong validate``: the accounting, the quarantine file, exit codes and PII."""

from __future__ import annotations

import pandas as pd
import pytest

from pipelines.cli import main
from tests.helpers import write_coop

NAME = "欧阳震华测试"
PHONE = "13912345678"
ADDRESS = "幸福路8号院"
KEY = "cli-test-key-0123456789"

SALES = (
    "日期,地区,商品,销量,单价,收货人,手机,收货地址,备注\n"
    f"2024-03-05,留坝县,富士苹果,12,6.5,{NAME},+86 {PHONE},{ADDRESS},n\n"
    f"03/04/2024,留坝县,富士苹果,3,,{NAME},{PHONE},{ADDRESS},n\n"
    f"2024-03-06,留坝县,富士苹果,-1,,{NAME},{PHONE},{ADDRESS},n\n"
    f"2024-03-07,留坝县,富士苹果,4,,{NAME},{PHONE},{ADDRESS},n\n"
)
REGIONS = (
    "region,name_en,name_zh,level,parent\n"
    "shaanxi,Shaanxi,陕西省,province,\n"
    "hanzhong,Hanzhong,汉中市,city,shaanxi\n"
    "liuba,Liuba,留坝县,county,hanzhong\n"
)
PRODUCTS = (
    "product,name_en,name_zh,category,shelf_life_days,unit\napple,Fuji apple,富士苹果,fruit,30,kg\n"
)


@pytest.fixture
def files(tmp_path):
    sales = tmp_path / "sales.csv"
    sales.write_bytes(SALES.encode("gbk"))
    regions = tmp_path / "regions.csv"
    regions.write_text(REGIONS, encoding="utf-8")
    products = tmp_path / "products.csv"
    products.write_text(PRODUCTS, encoding="utf-8")
    return sales, regions, products


def _counts(printed: str) -> dict[str, int]:
    """The counted lines of the accounting, checking that the numbers line up."""
    counted = [line for line in printed.splitlines() if line.rstrip()[-1:].isdigit()]
    counted = [line for line in counted if not line.startswith(("personal", "quarantine"))]
    assert len({len(line) for line in counted}) == 1, "numbers are not right-aligned"
    return {
        line.rsplit(None, 1)[0].strip().rstrip(":"): int(line.rsplit(None, 1)[1].replace(",", ""))
        for line in counted
    }


def _validate(*extra: str, sales) -> int:
    return main(["validate", "--sales", str(sales), "--today", "2024-12-31", *extra])


def test_validate_prints_the_accounting_and_writes_the_quarantine(files, tmp_path, capsys):
    # given a GBK sales file with two bad rows and reference tables
    sales, regions, products = files
    out = tmp_path / "out" / "quarantine.csv"
    # when validated
    code = _validate(
        "--regions",
        str(regions),
        "--products",
        str(products),
        "--quarantine",
        str(out),
        sales=sales,
    )
    # then it succeeds and accounts for every row
    printed = capsys.readouterr().out
    assert code == 0
    assert _counts(printed) == {
        "rows read": 4,
        "rows accepted": 2,
        "rows quarantined": 2,
        "bad_date": 1,
        "negative_quantity": 1,
    }
    assert "dropped columns" not in printed  # 备注 (a remark) counts as personal
    assert "note" in printed.split("personal columns:")[1].splitlines()[0]
    assert f"quarantine file: {out}" in printed
    # and the quarantine file is UTF-8 with a BOM, holding the bad rows with reasons
    assert out.read_bytes().startswith(b"\xef\xbb\xbf")
    quarantine = pd.read_csv(out, encoding="utf-8-sig", dtype=str)
    assert quarantine["reason"].tolist() == ["bad_date", "negative_quantity"]
    assert quarantine["source_row"].tolist() == ["2", "3"]
    assert quarantine["region"].tolist() == ["留坝县", "留坝县"]
    assert [p.name for p in out.parent.iterdir()] == ["quarantine.csv"]  # no temp file left


def test_personal_data_appears_nowhere(files, tmp_path, capsys, monkeypatch):
    # given planted personal data, with and without a pseudonymisation key
    sales, _, _ = files
    for key in (None, KEY):
        if key:
            monkeypatch.setenv("XINGNONG_PII_KEY", key)
        out = tmp_path / f"q-{bool(key)}.csv"
        # when validated
        code = _validate("--quarantine", str(out), sales=sales)
        # then nothing personal is printed or written
        captured = capsys.readouterr()
        written = out.read_text(encoding="utf-8-sig")
        assert code == 0
        for text in (captured.out, captured.err, written):
            for secret in (NAME, PHONE, ADDRESS):
                assert secret not in text
        expected = "pseudonymised as customer_key" if key else "(dropped; set XINGNONG_PII_KEY"
        assert expected in captured.out
        assert "customer_name, mobile" in captured.out
        assert ("customer_key" in written.splitlines()[0]) is bool(key)


def test_no_accepted_rows_exits_1(tmp_path, capsys):
    # given a file whose every row is bad
    sales = tmp_path / "sales.csv"
    sales.write_text("date,region,product,quantity\n2024-03-05,a,p,-1\n2024-03-05,a,p,x\n")
    # when validated / then exit 1 with a one-line error after the accounting
    assert _validate(sales=sales) == 1
    captured = capsys.readouterr()
    assert _counts(captured.out)["rows quarantined"] == 2
    assert captured.err.strip() == "error: no rows accepted (all 2 rows quarantined)"


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (b"", "is empty"),
        (b"date,region,product,quantity\n", "has a header but no rows"),
        (b"date,region,product\n2024-03-05,a,p\n", "missing required column(s) quantity"),
        (b"date,region\n\xff\xfe\x80,a\n", "neither UTF-8 nor GBK/GB18030"),
    ],
)
def test_fatal_input_problems_are_one_line(tmp_path, capsys, content, words):
    sales = tmp_path / "sales.csv"
    sales.write_bytes(content)
    assert _validate(sales=sales) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: ") and words in err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err


def test_missing_file_is_one_line(tmp_path, capsys):
    assert _validate(sales=tmp_path / "nope.csv") == 1
    assert "does not exist" in capsys.readouterr().err


def test_bad_regions_table_names_table_row_and_problem(files, tmp_path, capsys):
    sales, _, _ = files
    regions = tmp_path / "bad_regions.csv"
    regions.write_text(
        REGIONS.replace("liuba,Liuba,留坝县,county,hanzhong", "liuba,Liuba,留坝县,county,xx")
    )
    assert _validate("--regions", str(regions), sales=sales) == 1
    err = capsys.readouterr().err
    assert "regions" in err and "row 3" in err and "'xx'" in err


def test_parquet_sales(tmp_path, capsys):
    path = tmp_path / "sales.parquet"
    pd.DataFrame(
        {
            "date": pd.to_datetime(["2024-03-05"]),
            "region": ["a"],
            "product": ["p"],
            "quantity": [2.0],
        }
    ).to_parquet(path)
    assert _validate(sales=path) == 0
    assert _counts(capsys.readouterr().out)["rows accepted"] == 1


def test_help_has_an_example(capsys):
    assert main(["validate", "--help"]) == 0
    assert "xingnong validate --sales" in capsys.readouterr().out


def test_bad_today_is_a_usage_error(files, capsys):
    sales, _, _ = files
    assert main(["validate", "--sales", str(sales), "--today", "05/03/2024"]) == 2
    assert "YYYY-MM-DD" in capsys.readouterr().err


def test_quarantine_may_not_overwrite_the_input(files, capsys):
    sales, _, _ = files
    before = sales.read_bytes()
    assert _validate("--quarantine", str(sales), sales=sales) == 1
    assert "would overwrite the input" in capsys.readouterr().err
    assert sales.read_bytes() == before


def test_validate_a_data_folder_lists_what_a_run_will_assume(tmp_path, capsys):
    # given a cooperative folder without processing options or brand signals
    folder = write_coop(tmp_path / "coop")
    (folder / "processing_options.csv").unlink()
    (folder / "brand_signals.csv").unlink()
    # when validated as a folder
    assert main(["validate", "--data", str(folder)]) == 0
    out = capsys.readouterr().out
    # then the rows are accounted for and every assumption is listed, by table
    assert "rows accepted:" in out
    assert "assumed (category defaults shipped with xingnong, not your data):" in out
    assert "processing_options.csv: processing options" in out and "kiwifruit" in out
    assert "no brand_signals.csv" in out


def test_validate_a_complete_folder_assumes_nothing(tmp_path, capsys):
    folder = write_coop(tmp_path / "coop")
    assert main(["validate", "--data", str(folder)]) == 0
    assert "assumed: nothing" in capsys.readouterr().out


def test_the_accounting_flags_a_stray_date_it_accepted(tmp_path, tiny_sales, capsys):
    # given the tiny sales and one row dated decades earlier
    stray = tiny_sales.iloc[[0]].assign(date="1960-01-03")
    path = tmp_path / "sales.csv"
    pd.concat([stray, tiny_sales]).to_csv(path, index=False)
    # when validated / then it is accepted and flagged, naming its row
    assert main(["validate", "--sales", str(path)]) == 0
    out = capsys.readouterr().out
    assert "flagged (accepted): 1 dates 3 years or more before the rest (data rows 1)" in out
