"""Tests of the demand outlook: channels, history, channel forecasts, festivals, last year."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from recommender.data.calendar import calendar_features
from recommender.present.outlook import (
    ahead_vs_last_year,
    channel_forecast,
    channels,
    festivals_between,
    weekly_history,
)

FESTIVAL_WEEK = pd.Timestamp("2026-11-08")  # Mon 2 - Sun 8 Nov 2026 lies in Double 11
ORDINARY_WEEK = pd.Timestamp("2026-08-16")
# kg per week by channel: festival weeks vs ordinary weeks (each adds up to 100)
FESTIVAL_MIX = {"taobao": 60.0, "offline": 30.0, "douyin_live": 10.0}
ORDINARY_MIX = {"taobao": 10.0, "offline": 30.0, "douyin_live": 40.0, None: 20.0}


def _rows(*rows: tuple[str, str, str, float, str | None]) -> pd.DataFrame:
    """Sales rows from (date, region, product, kg, channel)."""
    return pd.DataFrame(rows, columns=["date", "region", "product", "quantity", "channel"])


def _year_of_sales() -> pd.DataFrame:
    """52 weeks of 2025 for (r, p): the channel mix differs between festival and ordinary weeks."""
    weeks = pd.date_range("2025-01-05", "2025-12-28", freq="W-SUN")
    fest = calendar_features(weeks, "W-SUN")["fest_any"].to_numpy().astype(bool)
    rows = []
    for week, is_fest in zip(weeks, fest, strict=True):
        for channel, kg in (FESTIVAL_MIX if is_fest else ORDINARY_MIX).items():
            rows.append({"date": week, "channel": channel, "quantity": kg})
    return pd.DataFrame(rows).assign(region="r", product="p")


def _forecast() -> pd.DataFrame:
    """Two forecast weeks of (r, p), listed out of order, and one week of another series."""
    return pd.DataFrame(
        {
            "region": ["r", "r", "r"],
            "product": ["p", "p", "q"],
            "date": [FESTIVAL_WEEK, ORDINARY_WEEK, ORDINARY_WEEK],
            "forecast": [200.0, 100.0, 999.0],
            "lo": [150.0, 70.0, 1.0],
            "hi": [260.0, 140.0, 2000.0],
            "model": ["m", "m", "m"],
        }
    )


def test_channels_are_listed_largest_volume_first_with_missing_as_unknown():
    # given (r, p) sold 10 kg on taobao, 30 kg offline, 20 kg without a channel; others sold more
    sales = _rows(
        ("2025-01-01", "r", "p", 10.0, "taobao"),
        ("2025-01-02", "r", "p", 30.0, "offline"),
        ("2025-01-03", "r", "p", 5.0, None),
        ("2025-01-10", "r", "p", 15.0, None),
        ("2025-01-10", "r", "q", 500.0, "wechat"),
        ("2025-01-10", "s", "p", 500.0, "taobao"),
    )
    # when listing its channels
    got = channels(sales, "r", "p")
    # then they come by volume, only (r, p)'s rows count, and no sales means no channels
    assert got == ["offline", "unknown", "taobao"]
    assert channels(sales, "r", "nothing") == []


def test_weekly_history_reads_gaps_as_zero_and_ends_at_the_series_latest_week():
    # given (r, p) sells in the weeks to Sun 5 Jan and Sun 19 Jan 2025; others sell later
    sales = _rows(
        ("2025-01-01", "r", "p", 3.0, "taobao"),
        ("2025-01-02", "r", "p", 4.0, "offline"),
        ("2025-01-15", "r", "p", 5.0, "taobao"),
        ("2025-03-01", "r", "q", 9.0, "taobao"),
        ("2025-03-01", "s", "p", 9.0, "taobao"),
    )
    # when reading its last four weeks
    got = weekly_history(sales, "r", "p", weeks=4)
    # then the window ends with its own latest week, weeks are Sundays, and the gap reads 0
    assert list(got.columns) == ["date", "quantity"]
    assert list(got["date"]) == list(
        pd.to_datetime(["2024-12-29", "2025-01-05", "2025-01-12", "2025-01-19"])
    )
    assert (got["date"].dt.dayofweek == 6).all()
    assert got["quantity"].tolist() == [0.0, 7.0, 0.0, 5.0]


def test_weekly_history_of_one_channel_keeps_the_window_of_the_whole_series():
    # given taobao sells in the week to 5 Jan, offline and an unnamed channel later
    sales = _rows(
        ("2025-01-01", "r", "p", 3.0, "taobao"),
        ("2025-01-08", "r", "p", 2.0, None),
        ("2025-01-15", "r", "p", 5.0, "offline"),
    )
    # when reading one channel's history
    taobao = weekly_history(sales, "r", "p", "taobao", weeks=3)
    unknown = weekly_history(sales, "r", "p", "unknown", weeks=3)
    # then only that channel's kg count, over the weeks ending at the series' latest week
    assert list(taobao["date"]) == list(pd.to_datetime(["2025-01-05", "2025-01-12", "2025-01-19"]))
    assert taobao["quantity"].tolist() == [3.0, 0.0, 0.0]
    assert unknown["quantity"].tolist() == [0.0, 2.0, 0.0]


def test_weekly_history_without_sales_is_empty():
    sales = _rows(("2025-01-01", "r", "p", 3.0, "taobao"))
    got = weekly_history(sales, "r", "elsewhere")
    assert got.empty
    assert list(got.columns) == ["date", "quantity"]


def test_channel_forecast_of_every_channel_is_the_series_rows_sorted_by_date():
    # given a forecast listed out of order with an extra column and another series
    forecast = _forecast()
    # when asking for every channel
    got = channel_forecast(forecast, _year_of_sales(), "r", "p", None)
    # then the rows come unchanged, sorted by date, with the four forecast columns
    expected = pd.DataFrame(
        {
            "date": [ORDINARY_WEEK, FESTIVAL_WEEK],
            "forecast": [100.0, 200.0],
            "lo": [70.0, 150.0],
            "hi": [140.0, 260.0],
        }
    )
    pd.testing.assert_frame_equal(got, expected)


def test_channel_forecasts_add_up_to_the_total_in_festival_and_ordinary_weeks():
    # given a year whose channel mix changes in festival weeks, and one week of each kind ahead
    sales, forecast = _year_of_sales(), _forecast()
    flags = calendar_features(pd.DatetimeIndex([ORDINARY_WEEK, FESTIVAL_WEEK]), "W-SUN")
    assert flags["fest_any"].astype(bool).tolist() == [False, True]
    total = channel_forecast(forecast, sales, "r", "p", None)
    # when splitting the forecast by each channel the series sold through
    names = channels(sales, "r", "p")
    parts = [channel_forecast(forecast, sales, "r", "p", c) for c in names]
    # then the channels add up to the total, and each takes its share of that kind of week
    assert set(names) == {"taobao", "offline", "douyin_live", "unknown"}
    for col in ("forecast", "lo", "hi"):
        summed = np.sum([part[col].to_numpy() for part in parts], axis=0)
        np.testing.assert_allclose(summed, total[col].to_numpy(), rtol=0, atol=1e-9)
    taobao = parts[names.index("taobao")]
    assert taobao["forecast"].tolist() == pytest.approx([0.1 * 100.0, 0.6 * 200.0])
    assert list(taobao["date"]) == [ORDINARY_WEEK, FESTIVAL_WEEK]


def test_channel_forecast_of_a_channel_never_used_is_zero():
    got = channel_forecast(_forecast(), _year_of_sales(), "r", "p", "pinduoduo")
    assert list(got["date"]) == [ORDINARY_WEEK, FESTIVAL_WEEK]
    for col in ("forecast", "lo", "hi"):
        assert got[col].tolist() == [0.0, 0.0]


def test_festivals_between_shows_double_11_clipped_to_the_range():
    # given a range from 5 to 30 November 2025
    start, end = pd.Timestamp("2025-11-05"), pd.Timestamp("2025-11-30")
    # when listing the festivals
    got = festivals_between(start, end)
    # then Double 11 (1-11 Nov) is there, cut to start on the 5th, with its names
    assert list(got.columns) == ["festival", "name_zh", "name_en", "kind", "start", "end"]
    d11 = got[got["festival"] == "double_11"].iloc[0]
    assert (d11["start"], d11["end"]) == (pd.Timestamp("2025-11-05"), pd.Timestamp("2025-11-11"))
    assert d11["name_zh"] == "双十一" and d11["kind"] == "ecommerce"
    # and the whole of November shows its full window
    whole = festivals_between(pd.Timestamp("2025-11-01"), end)
    d11 = whole[whole["festival"] == "double_11"].iloc[0]
    assert (d11["start"], d11["end"]) == (pd.Timestamp("2025-11-01"), pd.Timestamp("2025-11-11"))


def test_festivals_between_leaves_out_windows_outside_the_range():
    # given a range after Double 11 and before Double 12, and the whole of 2025
    between = festivals_between(pd.Timestamp("2025-11-12"), pd.Timestamp("2025-12-11"))
    start, end = pd.Timestamp("2025-01-01"), pd.Timestamp("2025-12-31")
    year = festivals_between(start, end)
    # then nothing falls in the gap, and a year's windows stay inside the year, sorted by start
    assert between.empty
    assert {"double_11", "double_12", "national_day"} <= set(year["festival"])
    assert (year["start"] >= start).all() and (year["end"] <= end).all()
    assert (year["start"] <= year["end"]).all()
    assert year["start"].is_monotonic_increasing


def test_ahead_vs_last_year_sets_each_week_beside_the_week_52_weeks_before():
    # given three forecast weeks of two products in r (and one of region s)
    weeks = pd.to_datetime(["2026-01-04", "2026-01-11", "2026-01-18"])
    forecast = pd.DataFrame(
        {
            "region": ["r"] * 6 + ["s"],
            "product": ["p", "p", "p", "q", "q", "q", "p"],
            "date": [*weeks, *weeks, weeks[0]],
            "forecast": [1.0, 2.0, 3.0, 10.0, 20.0, 30.0, 500.0],
        }
    )
    # and r sold 5 + 3 kg in the week to 5 Jan 2025 (52 weeks before 4 Jan 2026), nothing the
    # week after, 7 kg the week to 29 Dec 2024 (53 weeks before); s sold in every week
    sales = _rows(
        ("2025-01-01", "r", "p", 5.0, "taobao"),
        ("2025-01-03", "r", "q", 3.0, "offline"),
        ("2024-12-29", "r", "p", 7.0, "taobao"),
        ("2025-01-19", "r", "p", 4.0, "taobao"),
        ("2025-01-01", "s", "p", 100.0, "taobao"),
        ("2025-01-08", "s", "p", 100.0, "taobao"),
    )
    # when comparing its next two weeks
    got = ahead_vs_last_year(forecast, sales, "r", weeks=2)
    # then each week has every product's forecast and exactly r's kg of 52 weeks before
    assert list(got.columns) == ["date", "forecast", "last_year"]
    assert list(got["date"]) == list(weeks[:2])
    assert got["forecast"].tolist() == [11.0, 22.0]
    assert got["last_year"].tolist() == [8.0, 0.0]


def test_sales_without_a_channel_column_read_as_one_unknown_channel():
    # given sales with no channel column (the column is optional in the contract)
    sales = pd.DataFrame(
        {
            "date": pd.to_datetime(["2025-01-05", "2025-01-12"]),
            "region": "r",
            "product": "p",
            "quantity": [3.0, 4.0],
        }
    )
    # then they have one channel, and its history is the whole history
    assert channels(sales, "r", "p") == ["unknown"]
    history = weekly_history(sales, "r", "p", "unknown", weeks=2)
    assert history["quantity"].tolist() == [3.0, 4.0]


def test_festivals_between_finds_a_window_that_starts_in_late_december():
    # the 2023 New-Year goods festival starts on 2022-12-31
    found = festivals_between(pd.Timestamp("2022-12-25"), pd.Timestamp("2022-12-31"))
    assert "nianhuo" in set(found["festival"])
    assert (found["start"] >= pd.Timestamp("2022-12-25")).all()
