"""Demand page: history and forecast with its 80% interval per product and channel, festivals."""

import streamlit as st

from app_pages.downloads import csv_download
from app_pages.reads import ahead, outlook, products, sold_channels
from app_pages.session import lang, region, tr
from app_pages.training import require_outputs
from recommender.present.charts import ahead_chart, demand_chart
from recommender.present.i18n import fmt_percent
from recommender.present.labels import column, named, product_label, value_label

st.title(tr("demand_title"))
outputs = require_outputs()
forecast = outputs.forecast
overall = outputs.metrics["overall"]
c1, c2, c3 = st.columns(3)
c1.metric(tr("wape"), fmt_percent(overall["forecast"]["wape"], lang(), 1))
c2.metric(tr("naive_wape"), fmt_percent(overall["seasonal_naive"]["wape"], lang(), 1))
c3.metric(tr("coverage"), fmt_percent(overall["forecast"]["coverage"], lang()))

county = region()
mine = forecast[forecast["region"] == county]
if mine.empty:
    st.info(tr("no_series"))
    st.stop()
weekly = ahead(county)
st.subheader(tr("demand_all_products", weeks=len(weekly)))
st.altair_chart(ahead_chart(weekly, lang()), width="stretch")

st.subheader(tr("demand_by_product"))
codes = list(mine.groupby("product")["forecast"].sum().sort_values(ascending=False).index)
names = products()
p1, p2 = st.columns(2)
product = p1.selectbox(
    tr("product"),
    codes,
    format_func=lambda c: product_label(c, names, lang()),
    key="demand_product",
)
choices: list[str | None] = [None, *sold_channels(county, product)]
channel = p2.selectbox(
    tr("channel"),
    choices,
    format_func=lambda c: tr("all_channels") if c is None else value_label(c, lang()),
    key=f"demand_channel_{product}",
)

history, upcoming, fests = outlook(county, product, channel)
st.altair_chart(demand_chart(history, upcoming, fests, lang()), width="stretch")
st.caption(tr("festivals_shaded") + (" " + tr("channel_share_note") if channel else ""))

rows = forecast[(forecast["region"] == county) & (forecast["product"] == product)]
table = upcoming.assign(
    date=upcoming["date"].dt.date, product=product, method=rows["method"].iloc[0]
)
table = table[["date", "product", "forecast", "lo", "hi", "method"]]
table[["forecast", "lo", "hi"]] = table[["forecast", "lo", "hi"]].round(1)
if channel is not None:
    table.insert(2, "channel", channel)
table = named(table, lang(), names).rename(columns=lambda c: column(c, lang()))
st.dataframe(table, hide_index=True, width="stretch")
csv_download(table, f"forecast_{county}_{product}{'_' + channel if channel else ''}.csv")
st.caption(tr("data_digest", digest=outputs.metrics["data_digest"][:12]))
