"""Models: the latest backtest (model against baselines) and the MLflow runs and champion."""

import pandas as pd
import streamlit as st

from app_pages.reads import outputs
from app_pages.session import lang, tr
from recommender.config import DEMAND_EXPERIMENT
from recommender.present.charts import models_chart
from recommender.present.i18n import fmt_date, fmt_percent
from recommender.present.labels import column, value_label

st.title(tr("models_title"))
found = outputs()
if found is not None:
    st.subheader(tr("backtest_metrics"))
    overall = found.metrics.get("overall", {})
    st.altair_chart(models_chart(overall, lang()), width="stretch")
    table = pd.DataFrame(
        [
            {
                "model": value_label(name, lang()),
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
    from recommender import tracking  # MLflow loads only on this page

    runs = tracking.runs_table(DEMAND_EXPERIMENT)
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
    st.stop()


def _get(name: str) -> pd.Series:
    return runs[name] if name in runs.columns else pd.Series([None] * len(runs))


shown = pd.DataFrame(
    {
        "trained_at": [fmt_date(t, lang(), with_time=True) for t in _get("start_time")],
        "run_name": _get("run_name"),
        "status": _get("status"),
        "wape_served": [fmt_percent(v, lang(), 1) for v in _get("metrics.forecast_wape")],
        "wape_naive": [fmt_percent(v, lang(), 1) for v in _get("metrics.seasonal_naive_wape")],
        "wape_ets": [fmt_percent(v, lang(), 1) for v in _get("metrics.ets_wape")],
        "beats": _get("tags.beats_baselines").map({"True": "✓", "False": "✗"}),
        "data_digest": _get("tags.data_digest").astype("string").str[:12],
        "is_champion": [
            "★" if champion and run == champion["run_id"] else "" for run in _get("run_id")
        ],
    }
)
st.dataframe(shown.rename(columns=lambda c: column(c, lang())), hide_index=True, width="stretch")
