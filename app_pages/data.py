"""Data: check an uploaded sales file against the data contract (never trains on it)."""

import pandas as pd
import streamlit as st

from app_pages.reads import check_upload
from app_pages.session import lang, tr
from app_pages.training import train_on_upload
from recommender.errors import DataError
from recommender.present.i18n import fmt_number
from recommender.present.labels import column, reason_label

st.title(tr("data_title"))
limit_mb = int(st.get_option("server.maxUploadSize"))
upload = st.file_uploader(
    tr("upload"),
    type=["csv", "txt", "parquet", "pq"],
    help=tr("upload_help", mb=limit_mb),
    key="data_upload",
)
st.caption(tr("upload_help", mb=limit_mb))
if upload is None:
    st.stop()
if upload.size > limit_mb * 1024 * 1024:
    st.error(tr("too_big", mb=limit_mb))
    st.stop()
try:
    result = check_upload(upload.name, upload.getvalue())
except DataError as exc:
    st.error(tr("file_error", error=str(exc)))
    st.stop()

c1, c2, c3 = st.columns(3)
c1.metric(tr("rows_read"), fmt_number(result.rows_read, lang()))
c2.metric(tr("rows_accepted"), fmt_number(result.rows_accepted, lang()))
c3.metric(tr("rows_quarantined"), fmt_number(result.rows_quarantined, lang()))
if result.pii_columns:
    what = tr("pii_pseudonymised") if result.pseudonymised else tr("pii_dropped")
    st.warning(tr("pii_found", columns=", ".join(result.pii_columns), what=what))
train_on_upload(result)
if not result.rows_quarantined:
    st.success(tr("all_accepted"))
    st.stop()
st.subheader(tr("by_reason"))
counts = pd.DataFrame(
    [(reason_label(r, lang()), n) for r, n in result.reason_counts().items()],
    columns=["reason", "count"],
)
st.dataframe(counts.rename(columns=lambda c: column(c, lang())), hide_index=True)
st.subheader(tr("quarantined_rows"))
quarantine = result.quarantine.assign(
    reason=[reason_label(r, lang()) for r in result.quarantine["reason"]]
)
st.dataframe(
    quarantine.rename(columns=lambda c: column(c, lang())),
    hide_index=True,
    width="stretch",
)
