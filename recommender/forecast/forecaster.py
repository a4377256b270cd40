"""The served demand forecaster: LightGBM blended with ETS and Theta, with intervals."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from recommender.bundle import Bundle, save_bundle
from recommender.data.contract import DS, UID
from recommender.data.periods import season_length
from recommender.forecast.baselines import ETS, STAT_MODELS, history_class
from recommender.forecast.engine import Engine, LocalEngine
from recommender.forecast.ensemble import BLEND, MEMBERS, METHOD, blend, combine_members
from recommender.forecast.features import SCALE, STEP, FeatureSpec
from recommender.forecast.global_model import LGB, GlobalDemandModel
from recommender.forecast.intervals import ConformalBands
from recommender.forecast.settings import BoosterParams

KIND = "xingnong-demand"
POINT_MODEL = "point"
HISTORY_TABLE = "history"
SERIES_TABLE = "series"
STATICS_TABLE = "statics"
FORECAST_TABLE = "forecast"


class DemandForecaster:
    """Fit on all history; forecast with the blend and intervals the backtest chose.

    Args:
        freq: Pandas offset alias of the periods.
        horizon: Periods ahead.
        weights: Blend weight per member (``lgb``, ``ets``, ``theta``).
        bands: Interval bands for the blended forecast.
        params: LightGBM settings.
        categorical: Static attributes treated as categories.
    """

    def __init__(
        self,
        freq: str,
        horizon: int,
        weights: dict[str, float],
        bands: ConformalBands,
        params: BoosterParams | None = None,
        categorical: tuple[str, ...] = (),
    ) -> None:
        self.freq = freq
        self.horizon = horizon
        self.weights = weights
        self.bands = bands
        self.params = params
        self.categorical = categorical

    def fit(
        self,
        panel: pd.DataFrame,
        series: pd.DataFrame,
        statics: pd.DataFrame | None = None,
        engine: Engine | None = None,
    ) -> DemandForecaster:
        """Train the global model on the whole completed panel and forecast every member.

        Args:
            panel: Completed long panel.
            series: Series table (contract columns by ``unique_id``).
            statics: Per-series attributes by ``unique_id``.
            engine: Where features, LightGBM and the statistical members run (default: here).

        Returns:
            self.
        """
        engine = engine or LocalEngine()
        model = GlobalDemandModel(self.freq, self.horizon, self.params, self.categorical)
        self.history_ = panel.reset_index(drop=True)
        # The origin features serve the fit and then the forecast (computed once).
        featured = engine.features(self.history_, FeatureSpec.for_freq(self.freq, self.horizon))
        self.model_ = model.fit_featured(featured, statics, engine=engine)
        self.series_ = series
        self.statics_ = statics
        self._members = self._member_forecasts(featured, engine)
        return self

    def _member_forecasts(self, featured: Any, engine: Engine) -> pd.DataFrame:
        """Every member's forecast after the history (ETS and Theta when the blend weighs them)."""
        out = self.model_.predict_featured(featured, self.statics_, engine=engine)
        season = season_length(self.freq)
        stats = engine.statistical(
            featured,
            until=None,
            horizon=self.horizon,
            freq=self.freq,
            season=season,
            full=ETS in self.weights,
        )
        return combine_members(out, stats, history_class(self.history_, season, self.horizon))

    def predict(self) -> pd.DataFrame:
        """Forecast ``horizon`` periods after the history, with every member and the blend.

        Returns:
            ``unique_id``, ``ds``, ``h``, ``forecast``, ``lo``, ``hi``, ``method`` and each
            member's forecast.
        """
        members = getattr(self, "_members", None)
        if members is None:  # rebuilt from a bundle: forecast here
            engine = LocalEngine()
            featured = engine.features(self.history_, self.model_.spec_)
            members = self._members = self._member_forecasts(featured, engine)
        out = members.copy()
        out[BLEND] = blend(out, self.weights)
        out["lo"], out["hi"] = self.bands.apply(out, BLEND)
        cols = [UID, DS, STEP, BLEND, "lo", "hi", METHOD, SCALE, LGB, *STAT_MODELS]
        return out[cols]

    def save(
        self, path: str | Path, metadata: dict[str, Any], forecast: pd.DataFrame | None = None
    ) -> Path:
        """Save as a verified bundle (LightGBM text model, tables, metadata, manifest).

        Args:
            path: Bundle directory (replaced atomically).
            metadata: Extra metadata (data digest, metrics...).
            forecast: This forecaster's :meth:`predict` output, when already computed.

        Returns:
            The bundle path.
        """
        state = {
            "kind": KIND,
            "freq": self.freq,
            "horizon": self.horizon,
            "weights": self.weights,
            "bands": self.bands.to_dict(),
            "model": self.model_.state(),
            "feature_names": self.model_.feature_names_,
        }
        tables = {
            HISTORY_TABLE: self.history_,
            SERIES_TABLE: self.series_.reset_index(),
            FORECAST_TABLE: self.predict() if forecast is None else forecast,
        }
        if self.statics_ is not None:
            tables[STATICS_TABLE] = self.statics_.reset_index()
        return save_bundle(
            path,
            boosters={POINT_MODEL: self.model_.booster_},
            metadata={**metadata, "forecaster": state},
            tables=tables,
        )

    @classmethod
    def from_bundle(cls, bundle: Bundle) -> DemandForecaster:
        """Rebuild a fitted forecaster from a verified bundle.

        Args:
            bundle: A bundle from :func:`recommender.bundle.folder.load_bundle`.

        Returns:
            A forecaster whose :meth:`predict` reproduces the saved forecast.

        Raises:
            ValueError: If the bundle holds no demand forecaster.
        """
        state = bundle.metadata.get("forecaster")
        if not isinstance(state, dict) or state.get("kind") != KIND:
            raise ValueError(f"{bundle.path} does not hold a demand forecaster")
        model_state = state["model"]
        forecaster = cls(
            freq=state["freq"],
            horizon=int(state["horizon"]),
            weights={k: float(v) for k, v in state["weights"].items()},
            bands=ConformalBands.from_dict(state["bands"]),
            params=BoosterParams(**model_state["params"]),
            categorical=tuple(model_state["categorical"]),
        )
        forecaster.model_ = GlobalDemandModel.from_state(model_state, bundle.boosters[POINT_MODEL])
        forecaster.history_ = bundle.tables[HISTORY_TABLE]
        forecaster.series_ = bundle.tables[SERIES_TABLE].set_index(UID)
        statics = bundle.tables.get(STATICS_TABLE)
        forecaster.statics_ = statics.set_index(UID) if statics is not None else None
        return forecaster


__all__ = ["MEMBERS", "DemandForecaster"]
