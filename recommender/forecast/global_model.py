"""The global LightGBM demand model: one direct multi-horizon model over every series."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

import lightgbm as lgb
import numpy as np
import pandas as pd

from recommender.data.contract import DS, UID
from recommender.forecast.design import forecast_pairs, horizon_rows, training_pairs
from recommender.forecast.features import (
    ORIGIN,
    SCALE,
    STEP,
    TARGET,
    WEIGHT,
    FeatureSpec,
    encode_categories,
    feature_columns,
    origin_features,
)
from recommender.forecast.settings import DEFAULTS, BoosterParams

LGB = "lgb"
MIN_TRAINING_ROWS = 50
MAX_TRAINING_ROWS = 250_000
"""Most (origin, step) pairs the model trains on. A larger panel keeps each pair with the same
probability, decided by a hash of the pair (see :func:`recommender.forecast.design.training_pairs`),
so training time and memory stop growing with the panel while every series, step and season
keeps its share."""


class TooLittleData(ValueError):
    """The panel holds too few (origin, step) pairs to train the global model."""


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

    def _with_statics(self, rows: pd.DataFrame, statics: pd.DataFrame | None) -> pd.DataFrame:
        if statics is not None and len(statics.columns):
            rows = rows.join(statics, on=UID)
        return rows

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
        featured: pd.DataFrame,
        statics: pd.DataFrame | None = None,
        until: pd.Timestamp | None = None,
    ) -> GlobalDemandModel:
        """Train on origin features of a possibly longer panel, learning nothing after ``until``.

        Origin features use only values at or before their row, so features of the whole panel
        serve every backtest cutoff; only the targets must end at the cutoff.

        Args:
            featured: :func:`recommender.forecast.features.origin_features` of a completed panel.
            statics: Per-series attributes indexed by ``unique_id``.
            until: Last period whose sales may be learned (default: the panel's end).

        Returns:
            self.

        Raises:
            TooLittleData: When the panel is too short to learn from.
        """
        self.spec_ = FeatureSpec.for_freq(self.freq, self.horizon)
        positions, steps = training_pairs(
            featured, self.horizon, until=until, max_rows=self.max_rows
        )
        rows = horizon_rows(featured, self.spec_, positions, steps, with_target=True)
        rows = self._with_statics(rows, statics)
        if len(rows) < MIN_TRAINING_ROWS:
            raise TooLittleData(
                f"{len(rows)} training rows; the global model needs {MIN_TRAINING_ROWS}"
            )
        cats = [c for c in self.categorical if statics is not None and c in statics.columns]
        self.categories_ = {c: sorted(rows[c].dropna().astype(str).unique().tolist()) for c in cats}
        rows = encode_categories(rows, self.categories_)
        self.feature_names_ = feature_columns(rows, cats)
        params = self.params or BoosterParams()
        data = lgb.Dataset(
            rows[self.feature_names_],
            label=rows[TARGET].clip(lower=0).to_numpy(),
            weight=rows[WEIGHT].to_numpy(),
            categorical_feature=cats or "auto",
            free_raw_data=True,
        )
        self.booster_ = lgb.train(params.lgb_params(len(rows)), data, params.num_boost_round)
        self.n_training_rows_ = len(rows)
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
        featured: pd.DataFrame,
        statics: pd.DataFrame | None = None,
        at: pd.Timestamp | None = None,
    ) -> pd.DataFrame:
        """Forecast ``horizon`` periods after ``at`` from origin features of a longer panel.

        Args:
            featured: :func:`recommender.forecast.features.origin_features` of a completed panel.
            statics: Per-series attributes indexed by ``unique_id``.
            at: The forecast origin (default: each series' last period); series that start
                after it are left out.

        Returns:
            ``unique_id``, ``origin``, ``ds``, ``h``, ``scale`` and the forecast column ``lgb``.
        """
        positions, steps = forecast_pairs(featured, self.horizon, at=at)
        rows = horizon_rows(featured, self.spec_, positions, steps, with_target=False)
        rows = encode_categories(self._with_statics(rows, statics), self.categories_)
        pred = self.booster_.predict(rows[self.feature_names_], num_threads=1)
        out = rows[[UID, ORIGIN, DS, STEP, SCALE]].copy()
        out[STEP] = out[STEP].astype(int)
        out[LGB] = np.clip(pred, 0.0, None) * out[SCALE].to_numpy()
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
            "categories": self.categories_,
            "feature_names": self.feature_names_,
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
        )
        model.spec_ = FeatureSpec.for_freq(model.freq, model.horizon)
        model.categories_ = {k: list(v) for k, v in state["categories"].items()}
        model.feature_names_ = list(state["feature_names"])
        if list(booster.feature_name()) != model.feature_names_:
            raise ValueError("the booster's features do not match the saved feature list")
        model.booster_ = booster
        return model


__all__ = ["LGB", "BoosterParams", "GlobalDemandModel", "TooLittleData"]
