"""The global LightGBM demand model: one direct multi-horizon model over every series."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

import lightgbm as lgb
import pandas as pd

from recommender.data.contract import DS, UID
from recommender.forecast.engine import (
    LGB,
    MIN_TRAINING_ROWS,
    Engine,
    LocalEngine,
    TooLittleData,
    TrainedBooster,
)
from recommender.forecast.features import FeatureSpec, origin_features
from recommender.forecast.settings import DEFAULTS, MAX_TRAINING_ROWS, BoosterParams


class GlobalDemandModel:
    """One LightGBM model for all series and all steps ahead (step is a feature).

    Follows scikit-learn's contract: ``__init__`` stores settings, :meth:`fit` returns self,
    fitted attributes end in ``_``.

    Args:
        freq: Pandas offset alias of the periods.
        horizon: Largest step ahead.
        params: LightGBM settings.
        categorical: Static attribute columns treated as categories.
        max_rows: Most (origin, step) training rows (see :data:`MAX_TRAINING_ROWS`).
    """

    def __init__(
        self,
        freq: str = DEFAULTS.freq,
        horizon: int = DEFAULTS.horizon,
        params: BoosterParams | None = None,
        categorical: tuple[str, ...] = (),
        max_rows: int = MAX_TRAINING_ROWS,
    ) -> None:
        self.freq = freq
        self.horizon = horizon
        self.params = params
        self.categorical = categorical
        self.max_rows = max_rows

    def fit(self, panel: pd.DataFrame, statics: pd.DataFrame | None = None) -> GlobalDemandModel:
        """Train on the (origin, step) pairs the completed panel allows (thinned past ``max_rows``).

        Args:
            panel: Completed long panel (``unique_id``, ``ds``, ``y``, optional ``price``).
            statics: Per-series attributes indexed by ``unique_id``.

        Returns:
            self.

        Raises:
            TooLittleData: When the panel is too short to learn from.
        """
        spec = FeatureSpec.for_freq(self.freq, self.horizon)
        return self.fit_featured(origin_features(panel, spec), statics)

    def fit_featured(
        self,
        featured: Any,
        statics: pd.DataFrame | None = None,
        until: pd.Timestamp | None = None,
        engine: Engine | None = None,
    ) -> GlobalDemandModel:
        """Train on origin features of a possibly longer panel, learning nothing after ``until``.

        Origin features use only values at or before their row, so features of the whole panel
        serve every backtest cutoff; only the targets must end at the cutoff.

        Args:
            featured: :func:`recommender.forecast.features.origin_features` of a completed panel
                (as ``engine.features`` holds them).
            statics: Per-series attributes indexed by ``unique_id``.
            until: Last period whose sales may be learned (default: the panel's end).
            engine: Where the work runs (default: this process).

        Returns:
            self.

        Raises:
            TooLittleData: When the panel is too short to learn from.
        """
        self.spec_ = FeatureSpec.for_freq(self.freq, self.horizon)
        cats = [c for c in self.categorical if statics is not None and c in statics.columns]
        trained = (engine or LocalEngine()).fit(
            featured,
            statics,
            self.spec_,
            until=until,
            max_rows=self.max_rows,
            categorical=cats,
            params=self.params or BoosterParams(),
        )
        self.booster_ = trained.booster
        self.categories_ = trained.categories
        self.feature_names_ = trained.feature_names
        self.n_training_rows_ = trained.n_rows
        return self

    def predict(self, panel: pd.DataFrame, statics: pd.DataFrame | None = None) -> pd.DataFrame:
        """Forecast ``horizon`` periods after the last period of every series in ``panel``.

        Args:
            panel: Completed long panel: the history up to the forecast origin.
            statics: Per-series attributes indexed by ``unique_id``.

        Returns:
            ``unique_id``, ``origin``, ``ds``, ``h``, ``scale`` and the forecast column ``lgb``.
        """
        return self.predict_featured(origin_features(panel, self.spec_), statics)

    def predict_featured(
        self,
        featured: Any,
        statics: pd.DataFrame | None = None,
        at: pd.Timestamp | None = None,
        engine: Engine | None = None,
    ) -> pd.DataFrame:
        """Forecast ``horizon`` periods after ``at`` from origin features of a longer panel.

        Args:
            featured: :func:`recommender.forecast.features.origin_features` of a completed panel.
            statics: Per-series attributes indexed by ``unique_id``.
            at: The forecast origin (default: each series' last period); series that start
                after it are left out.
            engine: Where the work runs (default: this process).

        Returns:
            ``unique_id``, ``origin``, ``ds``, ``h``, ``scale`` and the forecast column ``lgb``.
        """
        trained = TrainedBooster(
            self.booster_, self.categories_, self.feature_names_, self.n_training_rows_
        )
        out = (engine or LocalEngine()).predict(featured, statics, self.spec_, trained, at=at)
        return out.sort_values([UID, DS], kind="stable").reset_index(drop=True)

    def feature_importance(self) -> pd.DataFrame:
        """Gain importance per feature, largest first."""
        gain = self.booster_.feature_importance(importance_type="gain")
        table = pd.DataFrame({"feature": self.feature_names_, "gain": gain})
        return table.sort_values("gain", ascending=False, ignore_index=True)

    def state(self) -> dict[str, Any]:
        """The fitted state as plain JSON-ready values (the booster is saved apart)."""
        return {
            "freq": self.freq,
            "horizon": self.horizon,
            "params": asdict(self.params or BoosterParams()),
            "categorical": list(self.categorical),
            "max_rows": self.max_rows,
            "categories": self.categories_,
            "feature_names": self.feature_names_,
            "training_rows": self.n_training_rows_,
        }

    @classmethod
    def from_state(cls, state: dict[str, Any], booster: lgb.Booster) -> GlobalDemandModel:
        """Rebuild a fitted model from :meth:`state` and its booster.

        Args:
            state: Output of :meth:`state`.
            booster: The saved LightGBM booster.

        Returns:
            A fitted model that predicts like the one saved.
        """
        model = cls(
            freq=state["freq"],
            horizon=int(state["horizon"]),
            params=BoosterParams(**state["params"]),
            categorical=tuple(state["categorical"]),
            max_rows=int(state.get("max_rows", MAX_TRAINING_ROWS)),
        )
        model.spec_ = FeatureSpec.for_freq(model.freq, model.horizon)
        model.n_training_rows_ = int(state.get("training_rows", 0))
        model.categories_ = {k: list(v) for k, v in state["categories"].items()}
        model.feature_names_ = list(state["feature_names"])
        if list(booster.feature_name()) != model.feature_names_:
            raise ValueError("the booster's features do not match the saved feature list")
        model.booster_ = booster
        return model


__all__ = ["LGB", "MIN_TRAINING_ROWS", "BoosterParams", "GlobalDemandModel", "TooLittleData"]
