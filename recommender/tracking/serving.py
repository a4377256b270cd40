"""Serving: the MLflow pyfunc model that answers with a demand bundle's forecast."""

from __future__ import annotations

from typing import Any

import mlflow
import pandas as pd
from mlflow.pyfunc import PythonModel

from recommender.bundle import load_bundle
from recommender.tracking.registry import BUNDLE_ARTIFACT

__all__ = ["SERVED_COLUMNS", "DemandPyfunc", "set_demand_model"]

SERVED_COLUMNS = ("date", "h", "forecast", "lo", "hi", "method")
"""Forecast columns served after the series columns."""


class DemandPyfunc(PythonModel):
    """Serves a demand bundle's forecast: rows naming series in, their forecast rows out.

    The input may hold any of the series columns (``region``, ``product``, ...); rows match
    on the columns given, and an input with none of them returns every series.
    """

    def load_context(self, context: Any) -> None:
        """Verify and load the bundle artifact, keep its forecast table.

        Args:
            context: MLflow's model context; ``context.artifacts["bundle"]`` is the bundle.

        Raises:
            BundleError: The bundle does not verify.
        """
        from recommender.forecast.forecaster import FORECAST_TABLE, SERIES_TABLE
        from recommender.forecast.series import from_model_frame

        bundle = load_bundle(context.artifacts[BUNDLE_ARTIFACT])
        series = bundle.tables[SERIES_TABLE].set_index("unique_id")
        forecast = from_model_frame(bundle.tables[FORECAST_TABLE], series)
        forecast["date"] = pd.to_datetime(forecast["date"]).dt.strftime("%Y-%m-%d")
        self._keys = list(series.columns)
        self._forecast = forecast[[*self._keys, *SERVED_COLUMNS]].reset_index(drop=True)

    def predict(
        self, context: Any, model_input: pd.DataFrame, params: dict[str, Any] | None = None
    ) -> pd.DataFrame:
        """Forecast rows of the requested series (all series when no key column is given).

        Args:
            context: MLflow's model context (unused).
            model_input: Rows naming series by some of their columns.
            params: Inference parameters (unused).

        Returns:
            The series columns then :data:`SERVED_COLUMNS`, one row per series and horizon.
        """
        keys = [k for k in self._keys if k in model_input.columns]
        if not keys:
            return self._forecast.copy()
        wanted = model_input[keys].astype(str).drop_duplicates()
        return wanted.merge(self._forecast, on=keys, how="inner")[list(self._forecast.columns)]


def set_demand_model() -> None:
    """Declare :class:`DemandPyfunc` as the model of a models-from-code file."""
    mlflow.models.set_model(DemandPyfunc())
