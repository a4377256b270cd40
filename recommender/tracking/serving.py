"""Serving: the MLflow pyfunc model that answers with a demand bundle's forecast."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import mlflow
import pandas as pd
from mlflow.pyfunc import PythonModel

from recommender.bundle import load_bundle
from recommender.tracking.registry import BUNDLE_ARTIFACT

__all__ = ["SERVED_COLUMNS", "DemandForecasts", "DemandPyfunc", "set_demand_model"]

SERVED_COLUMNS = ("date", "h", "forecast", "lo", "hi", "method")
"""Forecast columns served after the series columns."""


class DemandForecasts:
    """A verified demand bundle's forecast, answering rows that name series.

    The input may hold any of the series columns (``region``, ``product``, ...); rows match
    on the columns given, and an input with none of them returns every series.

    Args:
        bundle_path: The bundle folder; it is verified (with its signature when
            ``XINGNONG_BUNDLE_KEY`` is set) before anything is read from it.

    Raises:
        BundleError: The bundle does not verify.
    """

    def __init__(self, bundle_path: str | Path) -> None:
        from recommender.forecast.forecaster import FORECAST_TABLE, SERIES_TABLE, check_tables
        from recommender.forecast.series import from_model_frame

        bundle = load_bundle(bundle_path)
        check_tables(bundle, (SERIES_TABLE, FORECAST_TABLE))
        series = bundle.tables[SERIES_TABLE].set_index("unique_id")
        forecast = from_model_frame(bundle.tables[FORECAST_TABLE], series)
        forecast["date"] = pd.to_datetime(forecast["date"]).dt.strftime("%Y-%m-%d")
        self.keys = list(series.columns)
        self.forecast = forecast[[*self.keys, *SERVED_COLUMNS]].reset_index(drop=True)

    def predict(
        self, model_input: pd.DataFrame, params: dict[str, Any] | None = None
    ) -> pd.DataFrame:
        """Forecast rows of the requested series (all series when no key column is given).

        Args:
            model_input: Rows naming series by some of their columns.
            params: Inference parameters (unused).

        Returns:
            The series columns then :data:`SERVED_COLUMNS`, one row per series and horizon.
        """
        keys = [k for k in self.keys if k in model_input.columns]
        if not keys:
            return self.forecast.copy()
        wanted = model_input[keys].astype(str).drop_duplicates()
        return wanted.merge(self.forecast, on=keys, how="inner")[list(self.forecast.columns)]


def _load_pyfunc(data_path: str) -> DemandForecasts:
    """MLflow's loader-module entry: the bundle logged as the model's data, verified first.

    A model logged by :func:`recommender.tracking.log_bundle_model` names this module in its
    ``MLmodel``; MLflow (``load_model``, ``mlflow models serve``) calls this function, so the
    code that runs is this installed package's and nothing the model folder holds.

    Args:
        data_path: The model's data folder (the bundle).

    Returns:
        The served forecasts.

    Raises:
        BundleError: The bundle does not verify.
    """
    return DemandForecasts(data_path)


class DemandPyfunc(PythonModel):
    """The serving model of versions logged as "models from code" (``pyfunc_model.py``).

    Kept so versions registered that way still load; new versions name :func:`_load_pyfunc`.
    """

    def load_context(self, context: Any) -> None:
        """Verify and load the bundle artifact.

        Args:
            context: MLflow's model context; ``context.artifacts["bundle"]`` is the bundle.

        Raises:
            BundleError: The bundle does not verify.
        """
        self._served = DemandForecasts(context.artifacts[BUNDLE_ARTIFACT])

    def predict(
        self, context: Any, model_input: pd.DataFrame, params: dict[str, Any] | None = None
    ) -> pd.DataFrame:
        """Forecast rows of the requested series (see :meth:`DemandForecasts.predict`).

        Args:
            context: MLflow's model context (unused).
            model_input: Rows naming series by some of their columns.
            params: Inference parameters (unused).

        Returns:
            The series columns then :data:`SERVED_COLUMNS`, one row per series and horizon.
        """
        return self._served.predict(model_input)


def set_demand_model() -> None:
    """Declare :class:`DemandPyfunc` as the model of a models-from-code file."""
    mlflow.models.set_model(DemandPyfunc())
