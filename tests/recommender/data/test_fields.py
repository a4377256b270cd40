"""Checking reference tables cell by cell, with one-line errors."""

from __future__ import annotations

import pandas as pd
import pytest

from recommender.data.fields import (
    Field,
    codes_of,
    parse_fields,
    repeated_keys,
    require_columns,
    short_value,
    table_error,
    table_name,
    unknown_codes,
)
from recommender.errors import DataError

FIELDS = {
    "product": Field("code"),
    "share": Field("float", check=lambda v: 0 <= v <= 1, rule="must be a share"),
    "days": Field("int", required=False),
    "cold": Field("bool"),
    "kind": Field("code", choices=("a", "b")),
}


def _raw(**columns: list[str]) -> pd.DataFrame:
    base = {"product": ["Kiwi "], "share": ["0.5"], "days": [""], "cold": ["Yes"], "kind": ["a"]}
    return pd.DataFrame({**base, **columns})


def test_cells_are_typed_and_codes_cleaned():
    frame, problems = parse_fields(_raw(), FIELDS, "t")
    assert problems == []
    row = frame.iloc[0]
    assert row["product"] == "kiwi" and row["share"] == 0.5 and bool(row["cold"]) is True
    assert row["days"] is None


@pytest.mark.parametrize(
    ("column", "value", "problem"),
    [
        ("share", "1.5", "share '1.5' must be a share"),
        ("share", "inf", "share 'inf' is not a finite number"),
        ("days", "2.5", "days '2.5' is not a whole number"),
        ("cold", "maybe", "cold 'maybe' is not true or false"),
        ("kind", "c", "kind 'c' is not one of a, b"),
        ("product", "", "product '' is blank"),
    ],
)
def test_each_bad_cell_is_named_with_its_row(column, value, problem):
    _, problems = parse_fields(_raw(**{column: [value]}), FIELDS, "t")
    assert problems == [(0, f"row 1: {problem}")]


def test_repeated_keys_and_unknown_codes_name_the_rows():
    frame = pd.DataFrame({"product": ["a", "b", "a", None]})
    assert repeated_keys(frame, ("product",)) == [
        (2, "row 3: product=a is repeated (same as row 1)")
    ]
    known = codes_of(pd.DataFrame({"product": [" A "]}), "product")
    assert known == {"a"}
    assert unknown_codes(frame, "product", known, "products") == [
        (1, "row 2: product 'b' is not in the products table")
    ]
    assert unknown_codes(frame, "product", None, "products") == []


def test_errors_are_one_line_naming_the_table():
    assert table_name("crops", "crops") == "crops"
    assert table_name("crops", "my/crops.csv") == "crops (my/crops.csv)"
    assert short_value("x" * 50).endswith("…") and len(short_value("x" * 50)) == 40
    error = table_error("t", [f"row {i}: bad" for i in range(1, 8)])
    assert "\n" not in str(error) and str(error).endswith("; and 2 more problem(s)")
    with pytest.raises(DataError, match="missing column"):
        require_columns(pd.DataFrame({"a": ["1"]}), ["a", "b"], "t")
    with pytest.raises(DataError, match="has no rows"):
        require_columns(pd.DataFrame({"a": []}), ["a"], "t")
