"""Models: the latest backtest (model against baselines) and the MLflow runs and champion."""

import pandas as pd
import streamlit as st

from app_pages.common import lang, outputs, tr
from recommender.config import REGISTERED_DEMAND_MODEL
from recommender.i18n import column, fmt_date, fmt_percent

st.title(tr("models_title"))
found = outputs()
if found is not None:
    st.subheader(tr("backtest_metrics"))
    overall = found.metrics.get("overall", {})
    table = pd.DataFrame(
        [
            {
                "model": name,
                "wape": fmt_percent(m.get("wape"), lang(), 1),
                "mase": round(float(m.get("mase") or float("nan")), 3),
                "coverage": fmt_percent(m.get("coverage"), lang()),
            }
            for name, m in overall.items()
        ]
    )
    st.dataframe(table.rename(columns=lambda c: column(c, lang())), hide_index=True)
    st.caption(
        (tr("model_beats") if found.metrics.get("beats_baselines") else tr("model_not_beats"))
        + " · "
        + tr("data_digest", digest=str(found.metrics.get("data_digest", ""))[:12])
    )

st.subheader(tr("runs"))
try:
    from recommender import tracking

    runs = tracking.runs_table(REGISTERED_DEMAND_MODEL)
    champion = tracking.champion_version()
except Exception as exc:  # noqa: BLE001 - a broken store must not break the page
    st.warning(tr("mlflow_error", error=str(exc).splitlines()[0] if str(exc) else type(exc)))
    st.stop()

if champion is not None:
    st.success(
        tr(
            "champion",
            version=champion["version"],
            when=fmt_date(champion["created_at"], lang(), with_time=True),
            digest=str(champion.get("bundle_digest") or "–")[:12],
        )
    )
else:
    st.caption(tr("no_champion"))
if runs.empty:
    st.info(tr("no_runs"))
else:
    wanted = ["start_time", "run_name", "status"]
    wanted += [c for c in runs.columns if c.startswith("metrics.") and "wape" in c.lower()]
    wanted += [c for c in runs.columns if c.startswith("metrics.") and c not in wanted]
    wanted += [c for c in runs.columns if "digest" in c.lower() and c not in wanted]
    st.dataframe(runs[wanted], hide_index=True, width="stretch")
