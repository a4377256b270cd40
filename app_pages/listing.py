"""List page: the week-by-week listing plan and its CSV download."""

import pandas as pd
import streamlit as st

from app_pages.common import lang, recommendations_or_stop, region, require_outputs, tr
from recommender.i18n import column, reason_key

COLUMNS = ["week", "product", "channel", "form", "quantity_kg", "forecast_kg", "critical_ratio"]
st.title(tr("list_title"))
require_outputs()
county = region()
weeks = st.slider(tr("weeks"), min_value=1, max_value=12, value=8, key="list_weeks")
doc = recommendations_or_stop(county, weeks=weeks)
plan = pd.DataFrame(doc["list"])
if plan.empty:
    st.info(tr("nothing"))
    st.stop()
key = reason_key(lang())
shown = [c for c in [*COLUMNS, "festival"] if c in plan.columns]
table = plan[shown].copy()
for col in ("quantity_kg", "forecast_kg"):
    if col in table:
        table[col] = table[col].round(1)
if "critical_ratio" in table:
    table["critical_ratio"] = table["critical_ratio"].round(3)
table["reason"] = plan[key] if key in plan else plan["reason"]
table = table.rename(columns=lambda c: column(c, lang()))
st.dataframe(table, hide_index=True, width="stretch")


def _cell(value: object) -> object:
    """Text a spreadsheet would run as a formula (=, +, -, @) is written as text."""
    return f"'{value}" if isinstance(value, str) and value[:1] in ("=", "+", "-", "@") else value


st.download_button(
    tr("download_csv"),
    data=table.map(_cell).to_csv(index=False).encode("utf-8-sig"),
    file_name=f"listing_{county}.csv",
    mime="text/csv",
    key="list_download",
)
