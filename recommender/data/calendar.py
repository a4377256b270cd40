"""Chinese statutory holidays and e-commerce festivals as period features."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

import holidays
import numpy as np
import pandas as pd
from pandas.tseries.frequencies import to_offset

STATUTORY = "statutory"
ECOMMERCE = "ecommerce"

#: Years the calendar can describe (the ``holidays`` package covers 1950-2100; features need
#: the year before and after each label).
MIN_YEAR = 1951
MAX_YEAR = 2099

#: Days of the New-Year goods festival (年货节): the 21 days that end the day before
#: Spring Festival eve, when platforms run their year-end goods promotions and before the
#: couriers stop for the holiday.
NIANHUO_DAYS = 21


@dataclass(frozen=True)
class Festival:
    """A festival the calendar knows.

    Attributes:
        key: Stable ASCII key, used in feature names (``fest_<key>``).
        name_zh: Chinese name.
        name_en: English name.
        kind: ``statutory`` (a public holiday) or ``ecommerce`` (a platform shopping festival).
    """

    key: str
    name_zh: str
    name_en: str
    kind: str


FESTIVALS: tuple[Festival, ...] = (
    Festival("spring_festival", "春节", "Spring Festival (Chinese New Year)", STATUTORY),
    Festival("qingming", "清明节", "Qingming (Tomb-Sweeping Day)", STATUTORY),
    Festival("labour_day", "劳动节", "Labour Day", STATUTORY),
    Festival("dragon_boat", "端午节", "Dragon Boat Festival", STATUTORY),
    Festival("mid_autumn", "中秋节", "Mid-Autumn Festival", STATUTORY),
    Festival("national_day", "国庆节", "National Day", STATUTORY),
    Festival("nianhuo", "年货节", "New-Year goods festival", ECOMMERCE),
    Festival("jd_618", "618购物节", "618 shopping festival", ECOMMERCE),
    Festival("double_11", "双十一", "Double 11 (Singles' Day)", ECOMMERCE),
    Festival("double_12", "双十二", "Double 12", ECOMMERCE),
)
FESTIVAL_KEYS: tuple[str, ...] = tuple(f.key for f in FESTIVALS)
FEATURE_COLUMNS: tuple[str, ...] = (
    *(f"fest_{key}" for key in FESTIVAL_KEYS),
    "fest_any",
    "periods_to_next_festival",
    "periods_to_spring_festival",
    "periods_since_spring_festival",
)

# English names of each statutory festival's main day in ``holidays.China(language="en_US")``.
_PACKAGE_NAMES = {
    "spring_festival": "Chinese New Year (Spring Festival)",
    "qingming": "Tomb-Sweeping Day",
    "labour_day": "Labor Day",
    "dragon_boat": "Dragon Boat Festival",
    "mid_autumn": "Mid-Autumn Festival",
    "national_day": "National Day",
}
# Fixed-date e-commerce festivals: (first month, first day, last month, last day).
_FIXED_WINDOWS = {
    "jd_618": (6, 1, 6, 18),
    "double_11": (11, 1, 11, 11),
    "double_12": (12, 12, 12, 12),
}
_MAX_SPREAD_DAYS = 10  # an official day-off run never extends further than this from its day


def _check_years(first: int, last: int) -> None:
    """Raise when a year range falls outside what the calendar supports."""
    if first < MIN_YEAR or last > MAX_YEAR:
        raise ValueError(f"calendar covers {MIN_YEAR}-{MAX_YEAR}, asked for {first}-{last}")


def _fallback_main_day(key: str, year: int) -> dt.date:
    """The festival's traditional day when the package lists no public holiday for it.

    Qingming, Dragon Boat and Mid-Autumn became public holidays only in 2008; before that the
    lunar dates come from the same package's Chinese lunisolar calendar.
    """
    if key == "labour_day":
        return dt.date(year, 5, 1)
    if key == "national_day":
        return dt.date(year, 10, 1)
    from holidays.calendars import _ChineseLunisolar  # the engine behind holidays.China

    lunisolar = _ChineseLunisolar()
    method = {
        "spring_festival": lunisolar.lunar_new_year_date,
        "qingming": lunisolar.qingming_date,
        "dragon_boat": lunisolar.dragon_boat_date,
        "mid_autumn": lunisolar.mid_autumn_date,
    }[key]
    day = method(year)[0]
    if day is None:
        raise ValueError(f"the lunisolar calendar has no {key} date for {year}")
    return day


def _official_window(day: dt.date, cn: holidays.HolidayBase) -> tuple[dt.date, dt.date]:
    """The run of consecutive days off (holidays and weekends) around a public holiday."""
    if day not in cn:
        return day, day
    one = dt.timedelta(days=1)
    start, end = day, day
    for _ in range(_MAX_SPREAD_DAYS):
        if cn.is_working_day(start - one):
            break
        start -= one
    for _ in range(_MAX_SPREAD_DAYS):
        if cn.is_working_day(end + one):
            break
        end += one
    return start, end


@lru_cache(maxsize=256)
def _year_windows(year: int) -> tuple[tuple[str, dt.date, dt.date], ...]:
    """Every festival window of one year, as ``(key, first day, last day)``."""
    cn = holidays.China(years=year, language="en_US")
    main_days: dict[str, dt.date] = {}
    for day, name in sorted(cn.items()):
        for key, package_name in _PACKAGE_NAMES.items():
            if name == package_name and key not in main_days:
                main_days[key] = day
    windows = []
    for key in _PACKAGE_NAMES:
        day = main_days.get(key) or _fallback_main_day(key, year)
        windows.append((key, *_official_window(day, cn)))
    eve = (main_days.get("spring_festival") or _fallback_main_day("spring_festival", year)) - (
        dt.timedelta(days=1)
    )
    windows.append(("nianhuo", eve - dt.timedelta(days=NIANHUO_DAYS), eve - dt.timedelta(days=1)))
    for key, (m0, d0, m1, d1) in _FIXED_WINDOWS.items():
        windows.append((key, dt.date(year, m0, d0), dt.date(year, m1, d1)))
    return tuple(windows)


@lru_cache(maxsize=64)
def _festival_table(years: tuple[int, ...]) -> pd.DataFrame:
    """The festival table for a sorted tuple of distinct years (cached; callers copy)."""
    meta = {f.key: f for f in FESTIVALS}
    order = {key: i for i, key in enumerate(FESTIVAL_KEYS)}
    rows = [
        (key, meta[key].name_zh, meta[key].name_en, meta[key].kind, start, end, order[key])
        for year in years
        for key, start, end in _year_windows(year)
    ]
    columns = ["festival", "name_zh", "name_en", "kind", "start", "end", "_order"]
    table = pd.DataFrame(rows, columns=columns)
    table["start"] = pd.to_datetime(table["start"])
    table["end"] = pd.to_datetime(table["end"])
    table = table.sort_values(["start", "_order"], kind="stable").drop(columns="_order")
    return table.reset_index(drop=True)


def festival_calendar(years: Iterable[int]) -> pd.DataFrame:
    """The statutory holidays and e-commerce festivals of the given years.

    Statutory windows are the official days off from ``holidays.China`` (the main day plus the
    adjacent holiday, bridge and weekend days off; the main day alone for a festival that was
    not yet a public holiday that year). E-commerce windows are derived by rule: the New-Year
    goods festival is the 21 days ending the day before Spring Festival eve, 618 is June 1-18,
    Double 11 is the Nov 1-11 run-up and sale day, Double 12 is Dec 12.

    Args:
        years: Calendar years (1951-2099).

    Returns:
        One row per festival and year, sorted by start: ``festival``, ``name_zh``, ``name_en``,
        ``kind``, ``start``, ``end`` (inclusive window dates).

    Raises:
        ValueError: If a year is outside the supported range.
    """
    wanted = tuple(sorted({int(y) for y in years}))
    if wanted:
        _check_years(wanted[0], wanted[-1])
    return _festival_table(wanted).copy()


@lru_cache(maxsize=64)
def _window_arrays(first: int, last: int) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Per festival, the sorted window starts and ends (``datetime64[ns]`` as int64)."""
    table = _festival_table(tuple(range(first, last + 1)))
    arrays = {}
    for key in FESTIVAL_KEYS:
        part = table[table["festival"] == key].sort_values("start")
        starts = part["start"].to_numpy(dtype="datetime64[ns]").view("i8")
        arrays[key] = (starts, part["end"].to_numpy(dtype="datetime64[ns]").view("i8"))
    return arrays


def _period_freq(freq: str) -> str:
    """The pandas Period frequency matching an offset alias (weekly, monthly or daily)."""
    offset = to_offset(freq)
    if offset.n == 1:
        if isinstance(offset, pd.offsets.Week) and offset.weekday is not None:
            return offset.freqstr
        if isinstance(offset, pd.offsets.MonthBegin | pd.offsets.MonthEnd):
            return "M"
        if isinstance(offset, pd.offsets.Day):
            return "D"
    raise ValueError(f"calendar features need daily, weekly or monthly periods, not {freq!r}")


def _ordinals(ns: np.ndarray, pfreq: str) -> np.ndarray:
    """Period ordinals of instants given as int64 nanoseconds."""
    return pd.DatetimeIndex(ns.view("datetime64[ns]")).to_period(pfreq).asi8


def _locate(
    starts: np.ndarray, ends: np.ndarray, ps: np.ndarray, pe: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Where periods ``[ps, pe]`` sit among one festival's sorted, disjoint windows.

    Returns:
        Whether a window overlaps each period, the start of the first window after it, and the
        end of the last window that started by its end. The calendar is padded by a year on
        each side, so both neighbours exist.
    """
    last_started = np.searchsorted(starts, pe, side="right") - 1
    hit = ends[last_started] >= ps
    upcoming = starts[np.minimum(last_started + 1, len(starts) - 1)]
    return hit, upcoming, ends[last_started]


def calendar_features(labels: pd.DatetimeIndex | pd.Series, freq: str) -> pd.DataFrame:
    """Festival features of each period; they depend on the date only, so work for the future.

    A festival marks a period when its window overlaps the period's days. Counts are in
    periods of ``freq``: ``periods_to_next_festival`` is 0 when any festival overlaps the period,
    else how many periods ahead the next one starts; the Spring Festival counts likewise look
    ahead to the next and back to the last period that overlapped its official holiday.

    Args:
        labels: Period labels (e.g. week-ending Sundays for ``W-SUN``, month starts for ``MS``).
        freq: The labels' pandas offset alias (daily, weekly or monthly).

    Returns:
        One row per label in the given order (RangeIndex): ``fest_<key>`` and ``fest_any``
        (int8 0/1), ``periods_to_next_festival``, ``periods_to_spring_festival`` and
        ``periods_since_spring_festival`` (int32).

    Raises:
        ValueError: If the frequency is unsupported, a label is missing, or a year is outside
            1951-2099.
    """
    pfreq = _period_freq(freq)
    idx = pd.DatetimeIndex(pd.to_datetime(np.asarray(labels))).normalize()
    if idx.hasnans:
        raise ValueError("calendar features need every period label (found a missing date)")
    if len(idx) == 0:
        dtypes = {c: "int8" if c.startswith("fest_") else "int32" for c in FEATURE_COLUMNS}
        return pd.DataFrame({c: pd.Series(dtype=t) for c, t in dtypes.items()})
    periods = idx.to_period(pfreq)
    first = periods.start_time.year.min() - 1
    last = periods.end_time.year.max() + 1
    _check_years(int(first), int(last))
    ps = periods.start_time.asi8
    pe = periods.end_time.normalize().asi8
    own = periods.asi8
    windows = _window_arrays(int(first), int(last))

    out: dict[str, np.ndarray] = {}
    located = {key: _locate(*windows[key], ps, pe) for key in FESTIVAL_KEYS}
    for key, (hit, _, _) in located.items():
        out[f"fest_{key}"] = hit.astype(np.int8)
    any_hit = np.logical_or.reduce([hit for hit, _, _ in located.values()])
    next_start = np.minimum.reduce([upcoming for _, upcoming, _ in located.values()])
    sf_hit, sf_next, sf_prev_end = located["spring_festival"]
    out["fest_any"] = any_hit.astype(np.int8)
    out["periods_to_next_festival"] = np.where(any_hit, 0, _ordinals(next_start, pfreq) - own)
    out["periods_to_spring_festival"] = np.where(sf_hit, 0, _ordinals(sf_next, pfreq) - own)
    out["periods_since_spring_festival"] = np.where(sf_hit, 0, own - _ordinals(sf_prev_end, pfreq))
    frame = pd.DataFrame(out)
    for column in FEATURE_COLUMNS[-3:]:
        frame[column] = frame[column].astype(np.int32)
    return frame
