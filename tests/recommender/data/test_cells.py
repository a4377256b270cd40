"""Formula-like text, and tables made safe to open in a spreadsheet."""

import pandas as pd
import pytest

from recommender.data.cells import formula_mask, is_formula_like, spreadsheet_safe


@pytest.mark.parametrize(
    "text",
    ['=HYPERLINK("http://x","y")', "+cmd|' /C calc'!A0", "-2+3+cmd|' /C calc'!A0", "@SUM(A1)",
     "\t=1+1", "\r=1+1", "=", "-"],
)  # fmt: skip
def test_formula_starts_are_caught(text):
    assert is_formula_like(text)


@pytest.mark.parametrize("text", ["-3", "+1.5e3", "-.5", "abc", "", " =1", "a=b", "周至县"])
def test_numbers_and_plain_text_are_not(text):
    assert not is_formula_like(text)


def test_a_safe_table_prefixes_only_formula_cells():
    # given a table with formula-like text, numbers written as text, and numbers
    frame = pd.DataFrame(
        {"name": ["=cmd", "kiwi", "\t@x", None], "qty": ["-3", "+cmd", "1", "2"], "n": [1, 2, 3, 4]}
    )
    # when it is made safe
    safe = spreadsheet_safe(frame)
    # then only the formula-like cells start with a quote, and the input is unchanged
    assert safe["name"].tolist() == ["'=cmd", "kiwi", "'\t@x", None]
    assert safe["qty"].tolist() == ["-3", "'+cmd", "1", "2"]
    assert safe["n"].tolist() == [1, 2, 3, 4]
    assert frame.loc[0, "name"] == "=cmd"
    # and a table with nothing to change is returned as it is
    plain = pd.DataFrame({"name": ["kiwi"]})
    assert spreadsheet_safe(plain) is plain
    assert formula_mask(pd.Series(["=a", 3, None])).tolist() == [True, False, False]


def test_safe_csv_quotes_line_breaks_so_values_read_back_whole():
    import io

    from recommender.data.cells import safe_csv

    frame = pd.DataFrame(
        {"key": ["a\rb", "c\nd", "=x"], "date": pd.to_datetime(["2024-03-05"] * 3)}
    )
    text = safe_csv(frame)
    back = pd.read_csv(io.StringIO(text), dtype=str)
    assert back["key"].tolist() == ["a\rb", "c\nd", "'=x"]
    assert back["date"].tolist() == ["2024-03-05"] * 3
    assert text.endswith("\r\n")
