import pandas as pd
import pytest

from recommender.data.periods import (
    future_labels,
    period_end,
    period_label,
    period_start,
    season_length,
    validate_freq,
)


def test_weeks_are_labelled_by_their_sunday_and_months_by_their_first_day():
    dates = pd.Series(pd.to_datetime(["2024-11-11", "2024-11-17", "2024-11-18"]))
    assert period_label(dates, "W-SUN").dt.strftime("%Y-%m-%d").tolist() == [
        "2024-11-17",
        "2024-11-17",
        "2024-11-24",
    ]
    assert period_label(dates, "MS").dt.strftime("%Y-%m-%d").tolist() == ["2024-11-01"] * 3


def test_period_bounds_and_future_labels():
    week = pd.DatetimeIndex(["2024-11-17"])
    assert period_start(week, "W-SUN")[0] == pd.Timestamp("2024-11-11")
    assert period_end(week, "W-SUN")[0] == pd.Timestamp("2024-11-17")
    month = pd.DatetimeIndex(["2024-02-01"])
    assert period_end(month, "MS")[0] == pd.Timestamp("2024-02-29")
    assert list(future_labels(pd.Timestamp("2024-12-01"), 2, "MS")) == [
        pd.Timestamp("2025-01-01"),
        pd.Timestamp("2025-02-01"),
    ]


def test_season_length_and_bad_alias():
    assert season_length("W-SUN") == 52 and season_length("MS") == 12
    with pytest.raises(ValueError, match="unknown frequency"):
        validate_freq("fortnightly")


@pytest.mark.parametrize("freq", ["1min", "h", "12h", "s"])
def test_periods_shorter_than_a_day_are_refused(freq):
    with pytest.raises(ValueError, match="shorter than a day"):
        validate_freq(freq)
    assert validate_freq("D") == "D" and validate_freq("W-SUN") == "W-SUN"
