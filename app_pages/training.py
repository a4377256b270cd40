"""Training from the app: a button that runs every pipeline with a progress bar, one at a time.

Nothing trains in a page's request path unless a user presses the button. Training calls the
same job as ``xingnong run`` (``pipelines.jobs.run_all``) on the data folder the app reads
(``XINGNONG_DATA``, else the demo data) and logs to MLflow like it. The run's own lock in the
project folder keeps two trainings (app sessions or commands) from running at once: the second
is told to wait.
"""

from __future__ import annotations

import logging
from pathlib import Path

import streamlit as st

from app_pages.reads import data_key, outputs
from app_pages.session import both, tr
from recommender.config import settings
from recommender.data.artifacts import RunOutputs
from recommender.data.ingest import IngestResult
from recommender.errors import XingnongError

FLASH = "flash"
"""Session-state key of a message shown once after the rerun (``app.py`` shows it)."""
log = logging.getLogger(__name__)


def require_outputs() -> RunOutputs:
    """The latest run outputs; otherwise say (in both languages) how to make them and stop."""
    found = outputs()
    if found is None:
        st.info(both("no_artifacts"))
        train_button()
        st.stop()
    return found


def train_button() -> None:
    """Offer to train now; when pressed, train with a progress bar and show the new results."""
    demo = settings().data_dir == settings().demo_dir
    if st.button(tr("train_demo" if demo else "train_data"), type="primary", key="train"):
        _train(None)


def train_on_upload(result: IngestResult) -> None:
    """Offer to train on the checked upload: its accepted rows with the current tables.

    The rows are staged as a new data folder under ``<home>/uploads/`` (the folder the app reads
    is left as it is), then every pipeline runs on it with a progress bar; the pages then show
    that run.
    """
    if not result.rows_accepted:
        return
    if st.button(tr("train_upload", rows=result.rows_accepted), type="primary", key="train_up"):
        _train(result)


def _train(upload: IngestResult | None) -> None:
    """Train (on the staged upload, if any) with a progress bar, one session at a time."""
    from pipelines.jobs import RunBusy, run_all, stage_upload  # heavy: imported when asked

    bar = st.progress(0.0, text=tr("training_validate"))

    def progress(step: str, fraction: float) -> None:
        bar.progress(min(max(fraction, 0.0), 1.0), text=tr(f"training_{step}"))

    try:
        folder = None
        if upload is not None:
            folder = stage_upload(upload.sales, Path(data_key()), settings().uploads_dir)
        run_all(folder, progress=progress)
    except RunBusy:
        bar.empty()
        st.warning(tr("training_busy"))
        return
    except XingnongError as exc:
        bar.empty()
        st.error(tr("training_failed", error=str(exc).splitlines()[0]))
        return
    except Exception as exc:  # noqa: BLE001 - the user gets one line, the log the rest
        log.exception("training from the app failed")
        bar.empty()
        st.error(tr("training_failed", error=type(exc).__name__))
        return
    st.session_state[FLASH] = tr("training_done")
    st.rerun()
