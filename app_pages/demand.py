"""Demand page: the served forecast per region and product, with its 80% interval."""

import streamlit as st

from app_pages.common import lang, region, require_outputs, tr
from recommender.i18n import column, fmt_percent

st.title(tr("demand_title"))
outputs = require_outputs()
forecast = outputs.forecast
overall = outputs.metrics["overall"]
c1, c2, c3 = st.columns(3)
c1.metric(tr("wape"), fmt_percent(overall["forecast"]["wape"], lang(), 1))
c2.metric(tr("naive_wape"), fmt_percent(overall["seasonal_naive"]["wape"], lang(), 1))
c3.metric(tr("coverage"), fmt_percent(overall["forecast"]["coverage"], lang()))

county = region()
products = sorted(forecast.loc[forecast["region"] == county, "product"].unique())
if not products:
    st.info(tr("no_series"))
    st.stop()
product = st.selectbox(tr("product"), products, key="demand_product")
rows = forecast[(forecast["region"] == county) & (forecast["product"] == product)]
chart = rows.set_index("date")[["lo", "forecast", "hi"]]
st.line_chart(chart.rename(columns=lambda c: column(c, lang())))
table = rows[["date", "forecast", "lo", "hi", "method"]].assign(date=rows["date"].dt.date)
st.dataframe(table.rename(columns=lambda c: column(c, lang())), hide_index=True)
st.caption(tr("data_digest", digest=outputs.metrics["data_digest"][:12]))
