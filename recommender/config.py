"""Typed settings: paths, MLflow location, model defaults; loaded once from the environment."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

PACKAGE_ROOT = Path(__file__).resolve().parent
REPO_ROOT = PACKAGE_ROOT.parent
DEMO_DATA_DIR = REPO_ROOT / "data" / "demo"

ENV_HOME = "XINGNONG_HOME"
ENV_DATA = "XINGNONG_DATA"
ENV_PII_KEY = "XINGNONG_PII_KEY"
ENV_BUNDLE_KEY = "XINGNONG_BUNDLE_KEY"
ENV_TRACKING_URI = "MLFLOW_TRACKING_URI"

REGISTERED_DEMAND_MODEL = "xingnong-demand"
CHAMPION_ALIAS = "champion"


@dataclass(frozen=True)
class ForecastSettings:
    """Defaults of the demand forecast and its backtest (LightGBM's own are in ``forecast``).

    Attributes:
        freq: Pandas offset alias of the modelling period.
        horizon: Periods forecast ahead.
        folds: Rolling-origin backtest windows that are scored.
        level: Nominal coverage of the prediction interval, in percent.
    """

    freq: str = "W-SUN"
    horizon: int = 8
    folds: int = 4
    level: int = 80


@dataclass(frozen=True)
class Settings:
    """Where the tool reads and writes.

    Attributes:
        home: The project folder that holds ``mlflow.db``, ``models/`` and ``artifacts/``.
        demo_dir: The embedded demo data folder.
        tracking_uri: MLflow tracking URI.
        forecast: Forecaster defaults.
        data: The cooperative's data folder (None: the embedded demo data).
    """

    home: Path
    demo_dir: Path
    tracking_uri: str
    forecast: ForecastSettings = field(default_factory=ForecastSettings)
    data: Path | None = None

    @property
    def data_dir(self) -> Path:
        """The data folder runs and the app read by default (``XINGNONG_DATA``, else the demo)."""
        return self.data or self.demo_dir

    @property
    def models_dir(self) -> Path:
        """Folder of saved model bundles."""
        return self.home / "models"

    @property
    def uploads_dir(self) -> Path:
        """Data folders staged from files uploaded in the app (see ``pipelines.upload``)."""
        return self.home / "uploads"

    @property
    def artifacts_dir(self) -> Path:
        """Folder of run outputs (forecasts, metrics, quarantine files)."""
        return self.home / "artifacts"


def load_settings(environ: dict[str, str] | None = None) -> Settings:
    """Build settings from the environment.

    ``XINGNONG_HOME`` sets the project folder (default: the current directory),
    ``XINGNONG_DATA`` the data folder used when none is named (default: the demo data) and
    ``MLFLOW_TRACKING_URI`` the tracking store (default: ``sqlite:///<home>/mlflow.db``).

    Args:
        environ: The environment to read; ``os.environ`` when omitted.

    Returns:
        The settings.
    """
    env = os.environ if environ is None else environ
    home = Path(env.get(ENV_HOME) or Path.cwd()).resolve()
    uri = env.get(ENV_TRACKING_URI) or f"sqlite:///{home / 'mlflow.db'}"
    data = Path(env[ENV_DATA]).resolve() if env.get(ENV_DATA) else None
    return Settings(home=home, demo_dir=DEMO_DATA_DIR, tracking_uri=uri, data=data)


@lru_cache(maxsize=1)
def settings() -> Settings:
    """The process-wide settings, read once."""
    return load_settings()
