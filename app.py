"""Xingnong (兴农) Streamlit app: navigation, language and region; pages live in app_pages/."""

import streamlit as st

from app_pages.reads import available_counties, default_county, provinces, regions
from app_pages.session import tr
from app_pages.training import FLASH
from recommender.present.i18n import LANG_NAMES, LANGS, region_label

st.set_page_config(page_title="Xingnong 兴农", page_icon="🌾", layout="wide")
st.session_state.setdefault("lang", "zh")

PAGES = [
    ("app_pages/overview.py", "page_overview", "overview", "🏠"),
    ("app_pages/demand.py", "page_demand", "demand", "📈"),
    ("app_pages/advice.py", "page_advice", "advice", "🌱"),
    ("app_pages/listing.py", "page_list", "list", "🗓️"),
    ("app_pages/models.py", "page_models", "models", "🧪"),
    ("app_pages/data.py", "page_data", "data", "📂"),
]
page = st.navigation(
    [
        st.Page(path, title=tr(key), url_path=url, icon=icon, default=(url == "overview"))
        for path, key, url, icon in PAGES
    ]
)

with st.sidebar:
    st.radio("语言 Language", LANGS, format_func=LANG_NAMES.get, key="lang", horizontal=True)
    counties = available_counties()
    groups = provinces(counties)
    if counties:
        names = regions()
        if st.session_state.get("province") not in groups:
            own = default_county(counties)
            st.session_state["province"] = next(p for p, cs in groups.items() if own in cs)
        st.selectbox(
            tr("province"),
            list(groups),
            format_func=lambda p: region_label(p, names) if p else "其他 Other",
            key="province",
        )
        options = groups[st.session_state["province"]]
        if st.session_state.get("region") not in options:
            own = default_county(counties)
            st.session_state["region"] = own if own in options else options[0]
        st.selectbox(
            tr("county"),
            options,
            format_func=lambda c: region_label(c, names),
            key="region",
        )
    else:
        st.caption(tr("no_regions"))

if message := st.session_state.pop(FLASH, None):
    st.toast(message, icon="✅")
page.run()
