"""Demand page: the served forecast per region and product, with its 80% interval."""

from pathlib import Path

import streamlit as st

from recommender.config import settings
from recommender.outputs import outputs_stamp, read_outputs


@st.cache_data(max_entries=8)
def _outputs(folder: str, stamp: float | None):
    """Cached by folder and the outputs' modification time, so a new run shows at once."""
    return read_outputs(Path(folder))


st.title("需求预测 · Demand forecast")
folder = settings().artifacts_dir
outputs = _outputs(str(folder), outputs_stamp(folder))
if outputs is None:
    st.info(
        "还没有预测结果。请先运行 `xingnong run`（或 `make demo`）。\n\n"
        "No forecast yet: run `xingnong run` (or `make demo`) first."
    )
    st.stop()

forecast = outputs.forecast
overall = outputs.metrics["overall"]
c1, c2, c3 = st.columns(3)
c1.metric("回测误差 WAPE (backtest)", f"{overall['forecast']['wape']:.1%}")
c2.metric("季节朴素 Seasonal naive WAPE", f"{overall['seasonal_naive']['wape']:.1%}")
c3.metric("80% 区间覆盖 Interval coverage", f"{overall['forecast']['coverage']:.0%}")

regions = sorted(forecast["region"].unique())
region = st.selectbox("地区 Region", regions)
products = sorted(forecast.loc[forecast["region"] == region, "product"].unique())
product = st.selectbox("产品 Product", products)
rows = forecast[(forecast["region"] == region) & (forecast["product"] == product)]
chart = rows.set_index("date")[["lo", "forecast", "hi"]]
st.line_chart(chart)
st.dataframe(rows[["date", "forecast", "lo", "hi", "method"]], hide_index=True)
st.caption(f"数据指纹 Data digest: {outputs.metrics['data_digest'][:12]}")
