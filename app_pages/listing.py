"""List page: the week-by-week listing plan by channel, as a chart, a table and a CSV."""

import pandas as pd
import streamlit as st

from app_pages.downloads import csv_download
from app_pages.reads import decisions, products, recommendations_or_stop
from app_pages.session import lang, region, tr
from app_pages.training import require_outputs
from recommender.decide.recommend import PLAN_WEEKS
from recommender.present.charts import plan_chart
from recommender.present.hindsight import hindsight
from recommender.present.i18n import reason_key
from recommender.present.labels import column, named

COLUMNS = ["week", "product", "channel", "form", "quantity_kg", "forecast_kg", "critical_ratio"]
st.title(tr("list_title"))
require_outputs()
county = region()
weeks = st.slider(tr("weeks"), min_value=1, max_value=12, value=PLAN_WEEKS, key="list_weeks")
doc = recommendations_or_stop(county, weeks=weeks, kinds=("list",))
plan = pd.DataFrame(doc["list"])
if plan.empty:
    st.info(tr("nothing"))
    st.stop()
st.altair_chart(plan_chart(plan, lang()), width="stretch")
key = reason_key(lang())
shown = [c for c in [*COLUMNS, "festival"] if c in plan.columns]
table = plan[shown].copy()
for col in ("quantity_kg", "forecast_kg"):
    if col in table:
        table[col] = table[col].round(1)
if "critical_ratio" in table:
    table["critical_ratio"] = table["critical_ratio"].round(3)
if "festival" in table:
    pick = 1 if lang() == "zh" else 0  # the plan names festivals "English / 中文"
    table["festival"] = [
        " · ".join(n.split(" / ")[pick] for n in str(f).split("; ") if " / " in n) if f else ""
        for f in table["festival"].fillna("")
    ]
table["reason"] = plan[key] if key in plan else plan["reason"]
table = named(table, lang(), products()).rename(columns=lambda c: column(c, lang()))
st.dataframe(table, hide_index=True, width="stretch")
csv_download(table, f"listing_{county}.csv", key="list_download")

st.subheader(tr("hindsight_title"))
replayed = decisions()
sentence, policies = hindsight(replayed, county, lang()) if replayed is not None else ("", None)
if not sentence or policies is None:
    st.info(tr("hindsight_none"))
else:
    st.write(sentence)
    shown_policies = policies.rename(columns=lambda c: column(c, lang()))
    st.dataframe(shown_policies, hide_index=True, width="stretch")
