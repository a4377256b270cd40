"""Tests of the app's Altair charts: valid Vega-Lite, one palette, the chosen language."""

from __future__ import annotations

from typing import Any

import pandas as pd
import pytest

from recommender.present import charts
from recommender.present.i18n import t
from recommender.present.labels import column, value_label
from recommender.present.outlook import ahead_vs_last_year, festivals_between
from recommender.present.parts import process_components

SCRIPT = "<script>alert(1)</script>"


def _history() -> pd.DataFrame:
    dates = pd.date_range("2025-09-07", periods=6, freq="W-SUN")
    return pd.DataFrame({"date": dates, "quantity": [5.0, 6.0, 7.0, 8.0, 9.0, 10.0]})


def _forecast() -> pd.DataFrame:
    dates = pd.date_range("2025-10-19", periods=4, freq="W-SUN")
    return pd.DataFrame(
        {"date": dates, "forecast": [11.0, 12.0, 30.0, 13.0], "lo": 8.0, "hi": [14.0, 15, 40, 16]}
    )


def _festivals() -> pd.DataFrame:
    """Festivals from the first history week to the last forecast week (Oct-Nov 2025)."""
    return festivals_between(_history()["date"].min(), _forecast()["date"].max())


def _plan(volumes: dict[str, float]) -> pd.DataFrame:
    """Two weeks of listing plan, each channel with its kg split evenly over the weeks."""
    weeks = ["2026-01-04", "2026-01-11"]
    rows = [
        {"week": w, "channel": c, "form": "fresh", "quantity_kg": kg / 2}
        for c, kg in volumes.items()
        for w in weeks
    ]
    return pd.DataFrame(rows)


def _walk(node: Any):
    """Every dict inside a chart spec."""
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from _walk(value)
    elif isinstance(node, list):
        for value in node:
            yield from _walk(value)


def _colour_scales(spec: dict[str, Any]) -> list[dict[str, Any]]:
    """The colour scales with a domain (fixed palettes) in a spec."""
    scales = []
    for node in _walk(spec):
        colour = node.get("encoding", {}).get("color", {})
        scale = colour.get("scale") if isinstance(colour, dict) else None
        if isinstance(scale, dict) and "domain" in scale:
            scales.append(scale)
    return scales


def _palette(spec: dict[str, Any]) -> dict[str, str]:
    """Name -> colour of the spec's fixed colour scale (the same in every layer using it)."""
    first, *others = _colour_scales(spec)
    assert all(other == first for other in others)
    assert len(first["domain"]) == len(first["range"])
    return dict(zip(first["domain"], first["range"], strict=True))


def _data(spec: dict[str, Any]) -> list[dict[str, Any]]:
    """Every data row the spec carries (inline datasets)."""
    return [row for rows in spec.get("datasets", {}).values() for row in rows]


def _field(spec: dict[str, Any], name: str) -> set[Any]:
    return {row[name] for row in _data(spec) if name in row}


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_demand_chart_shows_history_in_blue_and_forecast_in_orange(lang):
    # given weekly history, a forecast and the festivals in view
    # when drawing the demand chart (to_dict validates it against the Vega-Lite schema)
    spec = charts.demand_chart(_history(), _forecast(), _festivals(), lang).to_dict()
    # then the series are named in the language and coloured by the palette
    assert _palette(spec) == {
        t("chart_history", lang): charts.HISTORY,
        t("chart_forecast", lang): charts.FORECAST,
    }
    assert _field(spec, "series") == {t("chart_history", lang), t("chart_forecast", lang)}
    assert t("chart_history", "zh") != t("chart_history", "en")


def test_demand_chart_names_the_festivals_given_in_the_language():
    festivals = _festivals()
    assert "double_11" in set(festivals["festival"])
    # when drawing it in each language
    zh = charts.demand_chart(_history(), _forecast(), festivals, "zh").to_dict()
    en = charts.demand_chart(_history(), _forecast(), festivals, "en").to_dict()
    # then the festival labels are exactly the festivals' names in that language
    assert _field(zh, "label") == set(festivals["name_zh"])
    assert _field(en, "label") == set(festivals["name_en"])
    assert "双十一" in _field(zh, "label") and "Double 11 (Singles' Day)" in _field(en, "label")


def test_demand_chart_without_festivals_still_draws():
    # given a range without any festival
    festivals = festivals_between(pd.Timestamp("2025-07-06"), pd.Timestamp("2025-08-31"))
    assert festivals.empty
    # when drawing the chart
    spec = charts.demand_chart(_history(), _forecast(), festivals, "en").to_dict()
    # then it has the band and the lines but no festival labels
    assert len(spec["layer"]) == 2
    assert _field(spec, "label") == set()
    assert _palette(spec)[t("chart_forecast", "en")] == charts.FORECAST


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_parts_chart_colours_each_part_by_the_palette(lang):
    # given two processing items split into parts, the second named <script>
    items = [
        {"product": "kiwifruit", "option": "juice", "annual_uplift": 900, "capex": 500, "score": 7},
        {"product": SCRIPT, "option": "dried", "annual_uplift": 300, "capex": 0, "score": 250},
    ]
    parts = process_components(items)
    # when drawing the parts
    spec = charts.parts_chart(parts, lang).to_dict()
    # then every part has its palette colour under its name in the language
    assert _palette(spec) == {column(k, lang): charts.PARTS[k] for k in parts.columns}
    assert _field(spec, "part") == {column(k, lang) for k in parts.columns}
    # and the items (one named like HTML) are plain data, in the order given
    assert _field(spec, "item") == {"1. kiwifruit · juice", f"2. {SCRIPT} · dried"}
    (y,) = [n["y"] for n in _walk(spec) if "y" in n and isinstance(n["y"], dict)]
    assert y["sort"] == {"field": "rank", "op": "min"}
    ranks = {row["item"]: row["rank"] for row in _data(spec)}
    assert ranks == {"1. kiwifruit · juice": 1, f"2. {SCRIPT} · dried": 2}


def test_plan_chart_gives_a_channel_the_same_colour_whatever_the_order():
    # given two plans listing the same channels in opposite volume order
    first = _plan({"taobao": 300.0, "offline": 200.0, "douyin_live": 100.0, "unknown": 50.0})
    second = _plan({"unknown": 400.0, "douyin_live": 300.0, "offline": 200.0, "taobao": 100.0})
    # when drawing both
    a = _palette(charts.plan_chart(first, "en").to_dict())
    b = _palette(charts.plan_chart(second, "en").to_dict())
    # then each channel keeps its palette colour, under its English name
    expected = {
        value_label(c, "en"): charts.CHANNELS[c]
        for c in ("taobao", "offline", "douyin_live", "unknown")
    }
    assert a == expected
    assert b == expected


def test_plan_chart_names_channels_and_legend_in_chinese():
    spec = charts.plan_chart(_plan({"taobao": 10.0, "wechat": 5.0}), "zh").to_dict()
    assert _palette(spec) == {"淘宝": charts.CHANNELS["taobao"], "微信": charts.CHANNELS["wechat"]}
    assert _field(spec, "channel") == {"淘宝", "微信"}
    assert spec["encoding"]["color"]["legend"]["title"] == column("channel", "zh")


def test_plan_chart_carries_a_channel_named_like_html_as_plain_data():
    # given a channel the palette does not know, named like an HTML tag
    spec = charts.plan_chart(_plan({"taobao": 10.0, SCRIPT: 5.0}), "en").to_dict()
    # then the name is carried verbatim and gets a spare colour, not a known channel's one
    assert SCRIPT in _field(spec, "channel")
    colour = _palette(spec)[SCRIPT]
    assert colour not in charts.CHANNELS.values()


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_ahead_chart_sets_the_forecast_in_orange_over_last_year_in_grey(lang):
    # given the weeks ahead beside the same weeks last year
    weeks = pd.date_range("2026-01-04", periods=3, freq="W-SUN")
    forecast = pd.DataFrame({"region": "r", "product": "p", "date": weeks, "forecast": 5.0})
    sales = pd.DataFrame(
        {"date": ["2025-01-01"], "region": ["r"], "product": ["p"], "quantity": [4.0]}
    )
    ahead = ahead_vs_last_year(forecast, sales, "r", weeks=3)
    # when drawing it
    spec = charts.ahead_chart(ahead, lang).to_dict()
    # then the two series are named in the language with the palette's colours
    last, fc = t("chart_last_year", lang), t("chart_forecast", lang)
    assert _palette(spec) == {last: charts.LAST_YEAR, fc: charts.FORECAST}
    assert _field(spec, "series") == {last, fc}


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_models_chart_names_the_models_and_skips_those_without_wape(lang):
    # given the backtest WAPE of the served blend and two baselines, one not scored
    overall = {"forecast": {"wape": 0.21}, "seasonal_naive": {"wape": 0.34}, "ets": {"wape": None}}
    # when drawing it
    spec = charts.models_chart(overall, lang).to_dict()
    # then the scored models are named in the language, and only the blend is "served"
    rows = {row["model"]: row for row in _data(spec)}
    assert set(rows) == {value_label("forecast", lang), value_label("seasonal_naive", lang)}
    assert rows[value_label("forecast", lang)]["served"] is True
    assert rows[value_label("seasonal_naive", lang)]["served"] is False
    assert spec["encoding"]["x"]["title"] == t("chart_wape", lang)


def test_plan_chart_keeps_a_cooperatives_own_channel_in_one_colour():
    # given two plans with channels the palette does not know, in opposite volume order
    first = _palette(charts.plan_chart(_plan({"coop_a": 10.0, "coop_b": 5.0}), "en").to_dict())
    second = _palette(charts.plan_chart(_plan({"coop_a": 5.0, "coop_b": 10.0}), "en").to_dict())
    # then each keeps its colour
    assert first == second and set(first) == {"coop_a", "coop_b"}


def test_the_parts_spec_does_not_change_with_the_values_or_their_order():
    # given two rankings of the same parts
    first = pd.DataFrame(
        {"uplift": [30.0, 10.0], "capex_per_year": [-5.0, -1.0]}, index=["1. 甲", "2. 乙"]
    )
    second = pd.DataFrame(
        {"uplift": [50.0, 20.0], "capex_per_year": [-2.0, -9.0]}, index=["1. 乙", "2. 甲"]
    )
    # when both are drawn
    data_a, spec_a = charts.parts_spec(first, "zh")
    data_b, spec_b = charts.parts_spec(second, "zh")
    # then only the data differ (a browser updates the bars, it does not rebuild the chart)
    assert spec_a == spec_b and "data" not in spec_a and "datasets" not in spec_a
    assert list(data_b.sort_values(["rank", "part"])["item"].unique()) == ["1. 乙", "2. 甲"]
    assert set(data_a["part"]) == {"年增收", "年折旧"}
