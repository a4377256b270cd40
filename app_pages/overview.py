"""Overview: demand ahead against last year, the top advice of each kind, data freshness."""

from datetime import datetime

import streamlit as st

from app_pages.reads import ahead, artifacts_dir, item_title, recommendations_or_stop
from app_pages.session import lang, plain, region, tr
from app_pages.training import require_outputs
from recommender.data.layout import FORECAST_FILE
from recommender.present.i18n import fmt_date, fmt_number, fmt_percent, reason_key

st.title(tr("overview_title"))
outputs = require_outputs()
county = region()
weekly = ahead(county)
dates = list(weekly["date"])
c1, c2, c3 = st.columns(3)
if dates:
    before = float(weekly["last_year"].sum())
    now = float(weekly["forecast"].sum())
    delta = fmt_percent(now / before - 1.0, lang(), sign=True) if before > 0 else None
    c1.metric(
        tr("demand_next", weeks=len(dates)),
        f"{fmt_number(now, lang())} kg",
        delta=delta,
    )
    c1.caption(
        tr("demand_last_year", value=f"{fmt_number(before, lang())} kg")
        if before > 0
        else tr("no_last_year")
    )
stamp_path = artifacts_dir() / FORECAST_FILE
when = datetime.fromtimestamp(stamp_path.stat().st_mtime)
c2.caption(tr("freshness", when=fmt_date(when, lang(), with_time=True)))
c2.caption(tr("data_digest", digest=str(outputs.metrics.get("data_digest", ""))[:12]))
version = outputs.metrics.get("model_version")
c2.caption(
    tr("model_version", name=outputs.metrics.get("registered_model"), version=version)
    if version
    else tr("model_unregistered")
)
beats = outputs.metrics.get("beats_baselines")
c3.metric(
    tr("wape"),
    fmt_percent(outputs.metrics["overall"]["forecast"]["wape"], lang(), 1),
)
c3.caption(tr("model_beats") if beats else tr("model_not_beats"))

doc = recommendations_or_stop(county)
key = reason_key(lang())
heads = {
    "grow": lambda i: item_title(i),
    "process": lambda i: item_title(i, "option"),
    "brand": lambda i: item_title(i, "action"),
    "list": lambda i: item_title(i, "form", "channel"),
}
for kind, label in (
    ("grow", "top_grow"),
    ("process", "top_process"),
    ("brand", "top_brand"),
    ("list", "top_list"),
):
    st.subheader(tr(label))
    items = doc[kind]
    if not items:
        st.caption(tr("nothing"))
        continue
    st.markdown(f"**{plain(heads[kind](items[0]))}**")
    st.markdown(plain(items[0].get(key) or items[0].get("reason", "")))
