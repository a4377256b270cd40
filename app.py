"""Xingnong (兴农) Streamlit app: the navigation frame; pages live in app_pages/."""

import streamlit as st

st.set_page_config(page_title="Xingnong 兴农", page_icon="🌾", layout="wide")
st.navigation([st.Page("app_pages/demand.py", title="需求预测 Demand", default=True)]).run()
