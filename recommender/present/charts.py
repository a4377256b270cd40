"""The app's Altair charts, with one palette: blue is history, orange the forecast, and so on.

Pure functions: DataFrames in, ``alt.Chart`` out (Streamlit renders them; no Streamlit here).
Titles and legends are in the language asked for; codes are shown by name.
"""

from __future__ import annotations

import zlib
from collections.abc import Mapping, Sequence
from typing import Any

import altair as alt
import pandas as pd

from recommender.present.i18n import lang_or_default, t
from recommender.present.labels import column, value_label

HISTORY = "#4c78a8"
FORECAST = "#f58518"
LAST_YEAR = "#bab0ac"
FESTIVAL = {"statutory": "#e45756", "ecommerce": "#b279a2"}
PARTS = {
    "profit": "#54a24b",
    "uplift": "#54a24b",
    "demand_factor": "#4c78a8",
    "capex_per_year": "#e45756",
    "risk": "#ff9da6",
    "specialisation": "#4c78a8",
    "uniqueness": "#72b7b2",
    "premium": "#54a24b",
    "growth": "#eeca3b",
    "dispersion": "#b279a2",
}
CHANNELS = {
    "taobao": "#f58518",
    "pinduoduo": "#e45756",
    "douyin_live": "#4c78a8",
    "wechat": "#54a24b",
    "offline": "#9d755d",
    "unknown": "#bab0ac",
}
_SPARE = ("#72b7b2", "#eeca3b", "#b279a2", "#ff9da6", "#79706e", "#d67195")
_HEIGHT = 320
AnyChart = alt.Chart | alt.LayerChart | alt.FacetChart
"""What the builders return (Altair types ``layer`` and ``properties`` this loosely)."""


def _colours(keys: Sequence[str], fixed: Mapping[str, str]) -> list[str]:
    """A colour per key: its fixed one, else a spare picked by the key itself.

    Picking by the key (not by position) keeps a cooperative's own channel in one colour on
    every page and whatever the order.
    """
    return [fixed.get(k) or _SPARE[zlib.crc32(k.encode("utf-8")) % len(_SPARE)] for k in keys]


def _scale(keys: Sequence[str], fixed: Mapping[str, str], lang: str) -> alt.Scale:
    """A colour scale of the keys' display names with the palette's colours."""
    return alt.Scale(domain=[value_label(k, lang) for k in keys], range=_colours(keys, fixed))


def _series_tooltip(date: str, lang: str) -> list[alt.Tooltip]:
    """Date, series name and kilograms of a point on a line or bar."""
    return [
        alt.Tooltip(date, title=column("date", lang)),
        alt.Tooltip("series:N", title=" "),
        alt.Tooltip("kg:Q", title=t("chart_kg", lang), format=",.0f"),
    ]


def demand_chart(
    history: pd.DataFrame,
    forecast: pd.DataFrame,
    festivals: pd.DataFrame,
    lang: str | None = None,
) -> AnyChart:
    """Weekly history and forecast with its 80% band, festival windows shaded and named.

    Args:
        history: ``date``, ``quantity`` (weekly).
        forecast: ``date``, ``forecast``, ``lo``, ``hi``.
        festivals: ``name_zh``, ``name_en``, ``kind``, ``start``, ``end`` (see
            :func:`recommender.present.outlook.festivals_between`).
        lang: ``zh`` or ``en``.

    Returns:
        The layered chart.
    """
    lang = lang_or_default(lang)
    hist, fc = t("chart_history", lang), t("chart_forecast", lang)
    lines = pd.concat(
        [
            pd.DataFrame({"date": history["date"], "kg": history["quantity"], "series": hist}),
            pd.DataFrame({"date": forecast["date"], "kg": forecast["forecast"], "series": fc}),
        ],
        ignore_index=True,
    )
    x = alt.X("date:T", title=t("chart_week", lang), axis=alt.Axis(format="%Y-%m"))
    colour = alt.Color(
        "series:N",
        scale=alt.Scale(domain=[hist, fc], range=[HISTORY, FORECAST]),
        legend=alt.Legend(title=None, orient="top"),
    )
    kg = t("chart_kg", lang)
    line = (
        alt.Chart(lines)
        .mark_line(point=alt.OverlayMarkDef(size=12))
        .encode(
            x=x,
            y=alt.Y("kg:Q", title=kg),
            color=colour,
            tooltip=_series_tooltip("date:T", lang),
        )
    )
    band = (
        alt.Chart(forecast.assign(interval=t("chart_interval", lang)))
        .mark_area(opacity=0.22, color=FORECAST)
        .encode(
            x=x,
            y="lo:Q",
            y2="hi:Q",
            tooltip=[
                alt.Tooltip("date:T", title=column("date", lang)),
                alt.Tooltip("lo:Q", title=column("lo", lang), format=",.0f"),
                alt.Tooltip("hi:Q", title=column("hi", lang), format=",.0f"),
            ],
        )
    )
    layers: list[Any] = [_festival_layer(festivals, lang), band, line]
    return alt.layer(*[layer for layer in layers if layer is not None]).properties(height=_HEIGHT)


def _festival_layer(festivals: pd.DataFrame, lang: str) -> AnyChart | None:
    """Shaded festival windows, named at the top of the chart."""
    if festivals.empty:
        return None
    name = "name_zh" if lang == "zh" else "name_en"
    data = festivals.assign(
        label=festivals[name],
        stop=pd.to_datetime(festivals["end"]) + pd.Timedelta(days=1),
        colour=festivals["kind"].map(FESTIVAL).fillna(LAST_YEAR),
    )
    tooltip = [
        alt.Tooltip("label:N", title=column("festival", lang)),
        alt.Tooltip("start:T", title=t("chart_from", lang)),
        alt.Tooltip("end:T", title=t("chart_to", lang)),
    ]
    base = alt.Chart(data)
    shade = base.mark_rect(opacity=0.16).encode(
        x="start:T", x2="stop:T", color=alt.Color("colour:N", scale=None), tooltip=tooltip
    )
    text = base.mark_text(angle=270, align="right", baseline="middle", dy=0, fontSize=10).encode(
        x="start:T",
        y=alt.value(2),
        text="label:N",
        color=alt.Color("colour:N", scale=None),
        tooltip=tooltip,
    )
    return alt.layer(shade, text)


def parts_chart(parts: pd.DataFrame, lang: str | None = None) -> AnyChart:
    """Each item's score split into its parts, as stacked horizontal bars (same order as given).

    Args:
        parts: One row per item (the index names it), one column per part.
        lang: ``zh`` or ``en``.

    Returns:
        The chart.
    """
    data, spec = parts_spec(parts, lang)
    return alt.Chart.from_dict({**spec, "data": {"values": data.to_dict("records")}})


def parts_spec(parts: pd.DataFrame, lang: str | None = None) -> tuple[pd.DataFrame, dict[str, Any]]:
    """The data and the Vega-Lite spec of :func:`parts_chart`, apart.

    The spec depends only on the parts' names and the language, not on the values or the
    order of the items, so a browser redraws a changed ranking without rebuilding the chart.

    Args:
        parts: One row per item (the index names it), one column per part.
        lang: ``zh`` or ``en``.

    Returns:
        The long data (``item``, ``rank``, ``part``, ``value``) and the spec without data.
    """
    lang = lang_or_default(lang)
    keys = [str(c) for c in parts.columns]
    wide = parts.reset_index(names="item").assign(rank=range(1, len(parts) + 1))
    long = wide.melt(["item", "rank"], var_name="part", value_name="value")
    long["part"] = [column(p, lang) for p in long["part"]]
    domain = [column(k, lang) for k in keys]
    chart = (
        alt.Chart()
        .mark_bar()
        .encode(
            y=alt.Y("item:N", sort=alt.EncodingSortField("rank", op="min"), title=None),
            x=alt.X("sum(value):Q", title=column("score", lang)),
            color=alt.Color(
                "part:N",
                scale=alt.Scale(domain=domain, range=_colours(keys, PARTS)),
                legend=alt.Legend(title=None, orient="bottom"),
            ),
            tooltip=[
                alt.Tooltip("item:N", title=" "),
                alt.Tooltip("part:N", title=" "),
                alt.Tooltip("value:Q", title=column("score", lang), format=",.1f"),
            ],
        )
        .properties(height=alt.Step(30))
    )
    spec = chart.to_dict(validate=False)
    for key in ("$schema", "data", "datasets", "config"):
        spec.pop(key, None)
    return long, spec


def plan_chart(plan: pd.DataFrame, lang: str | None = None) -> AnyChart:
    """Kilograms to list each week, stacked by channel.

    Args:
        plan: Listing plan rows with ``week``, ``channel``, ``quantity_kg``.
        lang: ``zh`` or ``en``.

    Returns:
        The chart.
    """
    lang = lang_or_default(lang)
    totals = plan.groupby("channel")["quantity_kg"].sum().sort_values(ascending=False)
    keys = [str(c) for c in totals.index]
    data = plan.assign(
        week=pd.to_datetime(plan["week"]),
        channel=[value_label(c, lang) for c in plan["channel"]],
    )
    kg = column("quantity_kg", lang)
    return (
        alt.Chart(data)
        .mark_bar()
        .encode(
            x=alt.X("yearmonthdate(week):O", title=column("week", lang)),
            y=alt.Y("sum(quantity_kg):Q", title=kg),
            color=alt.Color(
                "channel:N",
                scale=_scale(keys, CHANNELS, lang),
                legend=alt.Legend(title=column("channel", lang), orient="right"),
            ),
            tooltip=[
                alt.Tooltip("yearmonthdate(week):T", title=column("week", lang)),
                alt.Tooltip("channel:N", title=column("channel", lang)),
                alt.Tooltip("sum(quantity_kg):Q", title=kg, format=",.0f"),
            ],
        )
        .properties(height=_HEIGHT)
    )


def ahead_chart(ahead: pd.DataFrame, lang: str | None = None) -> AnyChart:
    """Demand in the weeks ahead (orange) over the same weeks last year (grey bars).

    Args:
        ahead: ``date``, ``forecast`` and ``last_year`` (kg; missing when unknown).
        lang: ``zh`` or ``en``.

    Returns:
        The chart.
    """
    lang = lang_or_default(lang)
    kg = t("chart_kg", lang)
    last, fc = t("chart_last_year", lang), t("chart_forecast", lang)
    long = ahead.melt("date", ["last_year", "forecast"], var_name="series", value_name="kg")
    long["series"] = long["series"].map({"last_year": last, "forecast": fc})
    colour = alt.Color(
        "series:N",
        scale=alt.Scale(domain=[last, fc], range=[LAST_YEAR, FORECAST]),
        legend=alt.Legend(title=None, orient="top"),
    )
    base = alt.Chart(long).encode(
        x=alt.X("yearmonthdate(date):O", title=t("chart_week", lang)),
        y=alt.Y("kg:Q", title=kg),
        color=colour,
        tooltip=_series_tooltip("yearmonthdate(date):T", lang),
    )
    bars = base.transform_filter(alt.datum.series == last).mark_bar(opacity=0.7)
    line = base.transform_filter(alt.datum.series == fc).mark_line(point=True, strokeWidth=3)
    return alt.layer(bars, line).properties(height=220)


def models_chart(overall: Mapping[str, Mapping[str, Any]], lang: str | None = None) -> AnyChart:
    """Backtest WAPE of the served blend (orange) and of each baseline (grey), lower is better.

    Args:
        overall: Model code -> its metrics (``wape``...), as in ``metrics.json``'s ``overall``.
        lang: ``zh`` or ``en``.

    Returns:
        The chart.
    """
    lang = lang_or_default(lang)
    rows = [
        {"model": value_label(code, lang), "served": code == "forecast", "wape": m.get("wape")}
        for code, m in overall.items()
        if m.get("wape") is not None
    ]
    data = pd.DataFrame(rows, columns=["model", "served", "wape"])
    return (
        alt.Chart(data)
        .mark_bar()
        .encode(
            y=alt.Y("model:N", sort="x", title=None),
            x=alt.X("wape:Q", title=t("chart_wape", lang), axis=alt.Axis(format="%")),
            color=alt.condition(alt.datum.served, alt.value(FORECAST), alt.value(LAST_YEAR)),
            tooltip=[
                alt.Tooltip("model:N", title=column("model", lang)),
                alt.Tooltip("wape:Q", title="WAPE", format=".1%"),
            ],
        )
        .properties(height=alt.Step(26))
    )
