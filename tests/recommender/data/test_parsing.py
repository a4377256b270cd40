"""Tests of sales text parsing: unambiguous dates, numbers and values written as text."""

from __future__ import annotations

import numpy as np
import pandas as pd

from recommender.data.parsing import as_text, date_problem, parse_number, parse_sale_dates


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
    parsed = parse_sale_dates(text)
    # then the first seven are 5 March 2024 at midnight and the rest are NaT
    assert (parsed.iloc[:7] == pd.Timestamp("2024-03-05")).all()
    assert parsed.iloc[7:].isna().all()
    assert parsed.dtype == "datetime64[ns]"


def test_date_problem_explains_ambiguity():
    problems = date_problem(pd.Series(["03/04/2024", "2024-02-30", "soon"]))
    assert "ambiguous" in problems[0]
    assert "calendar day" in problems[1]
    assert "not a date" in problems[2]


def test_parse_number_handles_separators_money_and_non_finite():
    # given numbers as text
    text = pd.Series(["1,204", "12.5", "abc", "NaN", "inf", "1,2", "-3"])
    # when parsed
    values = parse_number(text)
    # then thousands separators work, bad text is NaN, inf stays inf (caller checks finiteness)
    assert values[0] == 1204 and values[1] == 12.5 and values[6] == -3
    assert np.isnan(values[2]) and np.isnan(values[3]) and np.isnan(values[5])
    assert np.isinf(values[4])
    money = parse_number(pd.Series(["¥12.5", "8元"]), money=True)
    assert money.tolist() == [12.5, 8.0]


def test_as_text_writes_values_like_a_csv():
    # given typed columns, as Parquet would give them
    dates = pd.Series([pd.Timestamp("2024-03-05"), pd.NaT, pd.Timestamp("2024-03-06 10:30")])
    numbers = pd.Series([1.5, np.nan, 2.0])
    # when written as text / then blanks are "" and midnight dates have no time
    assert as_text(dates).tolist() == ["2024-03-05", "", "2024-03-06 10:30:00"]
    assert as_text(numbers).tolist() == ["1.5", "", "2.0"]
