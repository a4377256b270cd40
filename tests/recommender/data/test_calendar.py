"""Tests of the Chinese holiday and e-commerce festival calendar."""

from __future__ import annotations

import time

import pandas as pd
import pytest

from recommender.data.calendar import (
    FEATURE_COLUMNS,
    FESTIVAL_KEYS,
    calendar_features,
    festival_calendar,
)


def _window(table: pd.DataFrame, key: str, year: int) -> tuple[pd.Timestamp, pd.Timestamp]:
    row = table[(table["festival"] == key) & (table["start"].dt.year == year)].iloc[0]
    return row["start"], row["end"]


@pytest.mark.parametrize("main_day", ["2024-02-10", "2025-01-29", "2026-02-17"])
def test_spring_festival_matches_known_dates(main_day):
    # given a year whose Spring Festival (first day of the lunar year) is known
    day = pd.Timestamp(main_day)
    # when the calendar of that year is built
    table = festival_calendar([day.year])
    # then the official holiday covers the day and the goods festival ends two days before it
    start, end = _window(table, "spring_festival", day.year)
    assert start <= day <= end
    assert (end - start).days >= 2
    _, nianhuo_end = _window(table, "nianhuo", day.year)
    assert nianhuo_end == day - pd.Timedelta(days=2)


def test_mid_autumn_2024_is_the_official_break():
    # given 2024, when Mid-Autumn fell on Tuesday 17 September (days off 15-17 September)
    table = festival_calendar([2024])
    # when its window is read
    start, end = _window(table, "mid_autumn", 2024)
    # then it is the official three-day break
    assert (start, end) == (pd.Timestamp("2024-09-15"), pd.Timestamp("2024-09-17"))


def test_lunar_festivals_before_they_were_public_holidays():
    # given 2003, before Mid-Autumn became a public holiday (2008)
    table = festival_calendar([2003])
    # when its Mid-Autumn window is read
    start, end = _window(table, "mid_autumn", 2003)
    # then it is the lunar date itself (11 September 2003)
    assert start == end == pd.Timestamp("2003-09-11")


def test_calendar_has_every_festival_once_a_year_with_its_kind():
    # given two years
    table = festival_calendar([2030, 2031])
    # when counted per festival
    counts = table.groupby("festival").size()
    # then each festival appears once a year, with valid windows and kinds
    assert set(counts.index) == set(FESTIVAL_KEYS)
    assert (counts == 2).all()
    assert (table["end"] >= table["start"]).all()
    assert set(table["kind"]) == {"statutory", "ecommerce"}
    assert table.loc[table["festival"] == "jd_618", "name_zh"].iloc[0] == "618购物节"


def test_week_containing_double_11_is_flagged():
    # given the weeks ending 10, 17 and 24 November 2024 (11 November is a Monday)
    labels = pd.DatetimeIndex(["2024-11-10", "2024-11-17", "2024-11-24"])
    # when featurised
    features = calendar_features(labels, "W-SUN")
    # then the run-up weeks and the week with the 11th carry the flag, the week after does not
    assert features["fest_double_11"].tolist() == [1, 1, 0]
    assert features["fest_any"].tolist() == [1, 1, 0]


def test_weekly_counts_to_and_since_festivals_match_hand_counts():
    # given weeks after Spring Festival 2024 (window 10-17 Feb) and after 618 (ends 18 June)
    labels = pd.Series(pd.to_datetime(["2024-02-25", "2024-06-30", "2024-02-18"]))
    # when featurised
    features = calendar_features(labels, "W-SUN")
    # then the next festival is Qingming (week ending 7 Apr) or Mid-Autumn (week ending 15 Sep),
    # the next Spring Festival starts 28 Jan 2025 (week ending 2 Feb 2025)
    assert features["periods_to_next_festival"].tolist() == [6, 11, 0]
    assert features["periods_to_spring_festival"].tolist() == [49, 31, 0]
    assert features["periods_since_spring_festival"].tolist() == [1, 19, 0]


def test_monthly_features():
    # given the month starts of 2024
    labels = pd.date_range("2024-01-01", periods=12, freq="MS")
    # when featurised monthly
    features = calendar_features(labels, "MS")
    # then festivals land in their months and Spring Festival counts are in months
    assert features["fest_spring_festival"].tolist() == [0, 1] + [0] * 10
    assert features.loc[5, "fest_jd_618"] == 1 and features.loc[10, "fest_double_11"] == 1
    assert features.loc[2, "periods_since_spring_festival"] == 1
    assert features.loc[2, "periods_to_spring_festival"] == 10  # the 2025 holiday starts 28 Jan


def test_far_future_year_works():
    # given weekly labels through 2040 (Spring Festival 12 February 2040)
    labels = pd.date_range("2040-01-01", "2040-12-31", freq="W-SUN")
    # when featurised
    features = calendar_features(labels, "W-SUN")
    # then the week with 12 February is flagged and every column is present
    week = labels.get_loc(pd.Timestamp("2040-02-12"))
    assert features.loc[week, "fest_spring_festival"] == 1
    assert list(features.columns) == list(FEATURE_COLUMNS)


def test_order_and_index_follow_the_input():
    # given unsorted labels in a Series with its own index
    labels = pd.Series(pd.to_datetime(["2025-06-08", "2025-01-05", "2025-06-08"]), index=[7, 3, 9])
    # when featurised
    features = calendar_features(labels, "W-SUN")
    # then rows follow the input order on a fresh RangeIndex
    assert isinstance(features.index, pd.RangeIndex)
    assert features["fest_jd_618"].tolist() == [1, 0, 1]
    assert features["fest_spring_festival"].dtype == "int8"


def test_bad_input_is_refused():
    # given an unsupported frequency and a year beyond the calendar
    # when featurised, then a clear ValueError is raised
    with pytest.raises(ValueError, match="weekly or monthly"):
        calendar_features(pd.DatetimeIndex(["2024-01-01"]), "QS")
    with pytest.raises(ValueError, match="1951-2099"):
        calendar_features(pd.DatetimeIndex(["2150-01-04"]), "W-SUN")


def test_thousand_labels_are_fast_after_warm_up():
    # given 1,000 weekly labels and a warmed-up calendar
    labels = pd.date_range("2010-01-03", periods=1000, freq="W-SUN")
    calendar_features(labels, "W-SUN")
    # when featurised again
    timings = []
    for _ in range(5):
        started = time.perf_counter()
        calendar_features(labels, "W-SUN")
        timings.append(time.perf_counter() - started)
    # then the fastest run is well under 50 ms
    assert min(timings) < 0.05
