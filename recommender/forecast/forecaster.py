"""The served demand forecaster: LightGBM blended with ETS and Theta, with intervals."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from recommender.bundle import Bundle, save_bundle
from recommender.data.contract import DS, UID, Y
from recommender.data.periods import season_length
from recommender.errors import BundleError
from recommender.forecast.baselines import ETS, STAT_MODELS, history_class
from recommender.forecast.engine import Engine, LocalEngine
from recommender.forecast.ensemble import BLEND, MEMBERS, METHOD, blend, combine_members
from recommender.forecast.features import SCALE, STEP, FeatureSpec
from recommender.forecast.global_model import LGB, GlobalDemandModel
from recommender.forecast.intervals import ConformalBands
from recommender.forecast.settings import MAX_TRAINING_ROWS, BoosterParams

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
        max_rows: Most (origin, step) pairs the global model trains on.
    """

    def __init__(
        self,
        freq: str,
        horizon: int,
        weights: dict[str, float],
        bands: ConformalBands,
        params: BoosterParams | None = None,
        categorical: tuple[str, ...] = (),
        max_rows: int = MAX_TRAINING_ROWS,
    ) -> None:
        self.freq = freq
        self.horizon = horizon
        self.weights = weights
        self.bands = bands
        self.params = params
        self.categorical = categorical
        self.max_rows = max_rows

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
        model = GlobalDemandModel(
            self.freq, self.horizon, self.params, self.categorical, self.max_rows
        )
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
            BundleError: The bundle holds no demand forecaster, or its metadata or tables are
                not a forecaster's (a verified bundle re-manifested after a change).
        """
        state = bundle.metadata.get("forecaster")
        if not isinstance(state, dict) or state.get("kind") != KIND:
            raise BundleError(f"{bundle.path} does not hold a demand forecaster")
        check_tables(bundle, (HISTORY_TABLE, SERIES_TABLE, FORECAST_TABLE, STATICS_TABLE))
        try:
            model_state = state["model"]
            forecaster = cls(
                freq=str(state["freq"]),
                horizon=int(state["horizon"]),
                weights={str(k): float(v) for k, v in state["weights"].items()},
                bands=ConformalBands.from_dict(state["bands"]),
                params=BoosterParams(**model_state["params"]),
                categorical=tuple(model_state["categorical"]),
                max_rows=int(model_state.get("max_rows", MAX_TRAINING_ROWS)),
            )
            model = GlobalDemandModel.from_state(model_state, bundle.boosters[POINT_MODEL])
            forecaster.model_ = model
        except (KeyError, TypeError, ValueError, AttributeError, OverflowError) as exc:
            raise BundleError(
                f"{bundle.path}: its forecaster metadata cannot be used "
                f"({type(exc).__name__}: {_first_line(exc)})"
            ) from exc
        forecaster.history_ = bundle.tables[HISTORY_TABLE]
        forecaster.series_ = bundle.tables[SERIES_TABLE].set_index(UID)
        statics = bundle.tables.get(STATICS_TABLE)
        forecaster.statics_ = statics.set_index(UID) if statics is not None else None
        return forecaster


_REQUIRED = {
    HISTORY_TABLE: (UID, DS, Y),
    SERIES_TABLE: (UID,),
    FORECAST_TABLE: (UID, DS, STEP, BLEND, "lo", "hi", METHOD),
    STATICS_TABLE: (),
}


def check_tables(
    bundle: Bundle, needed: tuple[str, ...] = (HISTORY_TABLE, SERIES_TABLE, FORECAST_TABLE)
) -> None:
    """Refuse a bundle whose tables are not a demand forecaster's.

    Each ``needed`` table must hold its columns, with ``unique_id`` unique in the series and
    statics tables; the history and the forecast hold only series the series table lists, and
    not its key columns; the statics hold only attributes the model was trained on.

    Args:
        bundle: A loaded bundle.
        needed: The tables the caller reads (the series table always).

    Raises:
        BundleError: Naming the table and what is wrong with it.
    """
    for name in {SERIES_TABLE, *needed}:
        table = bundle.tables.get(name)
        if table is None:
            raise BundleError(f"{bundle.path}: its {name} table is missing")
        missing = [c for c in _REQUIRED[name] if c not in table.columns]
        if missing:
            raise BundleError(f"{bundle.path}: its {name} table lacks {', '.join(missing)}")
    series = bundle.tables[SERIES_TABLE]
    keys = set(series.columns) - {UID}
    if series[UID].duplicated().any() or not keys:
        raise BundleError(f"{bundle.path}: its {SERIES_TABLE} table is not one row per series")
    known = set(series[UID])
    for name in set(needed) & {HISTORY_TABLE, FORECAST_TABLE}:
        table = bundle.tables[name]
        if keys & set(table.columns) or not set(table[UID]) <= known:
            raise BundleError(f"{bundle.path}: its {name} table is not of the series it lists")
    statics = bundle.tables.get(STATICS_TABLE)
    state = bundle.metadata.get("forecaster")
    features = state.get("feature_names") if isinstance(state, dict) else None
    if (
        STATICS_TABLE in needed
        and statics is not None
        and (
            UID not in statics.columns
            or statics[UID].duplicated().any()
            or not isinstance(features, list)
            or not set(statics.columns) - {UID} <= set(map(str, features))
        )
    ):
        raise BundleError(f"{bundle.path}: its {STATICS_TABLE} table is not the model's attributes")


def _first_line(exc: BaseException) -> str:
    return (str(exc).strip().splitlines() or [""])[0][:200]


__all__ = ["MEMBERS", "DemandForecaster", "check_tables"]
