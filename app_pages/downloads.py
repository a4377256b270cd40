"""Downloading a shown table as a CSV file that spreadsheet programs open right."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from app_pages.session import tr
from recommender.data.cells import safe_csv


def csv_bytes(table: pd.DataFrame) -> bytes:
    """A table as CSV that spreadsheets open right: UTF-8 with BOM, no formulas run."""
    return str(safe_csv(table)).encode("utf-8-sig")


def csv_download(table: pd.DataFrame, file_name: str, key: str | None = None) -> None:
    """A button that downloads the table as it is shown (see :func:`csv_bytes`)."""
    st.download_button(
        tr("download_csv"),
        data=csv_bytes(table),
        file_name=file_name,
        mime="text/csv",
        key=key,
    )
