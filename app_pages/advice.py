"""Grow / Process / Brand: ranked advice with its score parts, re-ranked by what-if controls."""

import pandas as pd
import streamlit as st

from app_pages.reads import evidence, item_title, products, recommendations_or_stop
from app_pages.session import lang, region, tr
from app_pages.training import require_outputs
from recommender.decide.basis import profile_for
from recommender.decide.profile import CoopProfile
from recommender.decide.recommend import ITEM_FIELDS
from recommender.decide.whatif import WhatIf
from recommender.present.charts import parts_spec
from recommender.present.i18n import reason_key
from recommender.present.labels import column, named
from recommender.present.parts import brand_components, grow_components, process_components

st.title(tr("advice_title"))
require_outputs()
county = region()
ev = evidence()
base = profile_for(county, ev.sales, ev.profile)

KINDS = ("grow", "process", "brand")


def _parts(kind: str, items: list[dict]) -> pd.DataFrame:
    """The score parts of one list, items named in the chosen language."""
    if kind == "grow":
        return grow_components(items, item_title)
    if kind == "process":
        return process_components(items, lambda i: item_title(i, "option"))
    return brand_components(items, label=item_title)


def show(kind: str, items: list[dict]) -> None:
    """One ranked table, its score parts as a stacked bar chart, and the reasons."""
    if not items:
        st.info(tr("nothing"))
        return
    key = reason_key(lang())
    frame = pd.DataFrame(items)
    fields = [f for f in ITEM_FIELDS[kind] if f in frame.columns]
    table = frame[fields].copy()
    for col in table.columns:
        if pd.api.types.is_float_dtype(table[col]):
            table[col] = table[col].round(2)
    table["reason"] = frame[key] if key in frame else frame["reason"]
    table.insert(0, "#", range(1, len(table) + 1))
    table = named(table, lang(), products())
    st.dataframe(
        table.rename(columns=lambda c: column(c, lang())),
        hide_index=True,
        width="stretch",
        key=f"table_{kind}",
    )
    parts = _parts(kind, items)
    if not parts.empty:
        st.caption(tr("components"))
        data, spec = parts_spec(parts, lang())
        st.vega_lite_chart(data, spec, width="stretch")


@st.fragment
def advice(county: str, base: CoopProfile) -> None:
    """What-if controls and the ranked lists; a change re-runs only this part of the page."""
    with st.expander(tr("whatif"), expanded=True):
        c1, c2, c3, c4 = st.columns(4)
        price = c1.slider(tr("fresh_price_change"), -50, 100, 0, step=5, key=f"wi_price_{county}")
        cost = c2.slider(tr("cost_change"), -50, 300, 0, step=10, key=f"wi_cost_{county}")
        capex = c3.slider(tr("capex_change"), -50, 300, 0, step=10, key=f"wi_capex_{county}")
        volume = c4.slider(tr("raw_volume_change"), -90, 300, 0, step=10, key=f"wi_volume_{county}")
        d1, d2, d3, d4 = st.columns(4)
        skill = d1.selectbox(
            tr("skill_level"),
            [1, 2, 3],
            index=base.skill_level - 1,
            format_func=lambda s: tr(f"skill_{s}"),
            key=f"wi_skill_{county}",
        )
        cold = d2.toggle(tr("cold_chain"), value=base.cold_chain, key=f"wi_cold_{county}")
        transit = d3.number_input(
            tr("transit_days"),
            min_value=0,
            max_value=30,
            value=base.transit_days,
            step=1,
            key=f"wi_transit_{county}",
        )
        market = d4.slider(
            tr("new_form_market_change"), -90, 300, 0, step=10, key=f"wi_market_{county}"
        )
    whatif = WhatIf(
        fresh_price=price / 100,
        processing_cost=cost / 100,
        capex=capex / 100,
        raw_volume=volume / 100,
        skill_level=None if skill == base.skill_level else int(skill),
        cold_chain=None if cold == base.cold_chain else bool(cold),
        transit_days=None if transit == base.transit_days else int(transit),
        new_form_market=market / 100,
    )
    # Only the open tab is ranked and drawn: a what-if answers for the list on screen.
    tabs = st.tabs([tr(f"tab_{k}") for k in KINDS], key="advice_tab", on_change="rerun")
    for tab, kind in zip(tabs, KINDS, strict=True):
        if tab.open:
            doc = recommendations_or_stop(county, whatif, kinds=(kind,))
            with tab:
                show(kind, doc[kind])


advice(county, base)
