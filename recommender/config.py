"""Typed settings: where the tool reads and writes, MLflow names; read once from the environment."""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

DEMO_DATA_DIR = Path(str(resources.files("recommender") / "demo" / "data")).resolve()
"""The embedded demo data folder (package data: found the same in a checkout and a wheel)."""

ENV_HOME = "XINGNONG_HOME"
ENV_DATA = "XINGNONG_DATA"
ENV_PII_KEY = "XINGNONG_PII_KEY"
ENV_BUNDLE_KEY = "XINGNONG_BUNDLE_KEY"
ENV_TRACKING_URI = "MLFLOW_TRACKING_URI"

REGISTERED_DEMAND_MODEL = "xingnong-demand"
CHAMPION_ALIAS = "champion"
DEMAND_EXPERIMENT = "xingnong-demand"
PROCESSING_EXPERIMENT = "xingnong-processing"
BRAND_EXPERIMENT = "xingnong-brand"
RECOMMEND_EXPERIMENT = "xingnong-recommendations"
DECISIONS_EXPERIMENT = "xingnong-decisions"

_MODELS_DIR, _DEMAND_BUNDLE = "models", "demand"
_ARTIFACTS_DIR, _UPLOADS_DIR = "artifacts", "uploads"
_TRACKING_DB = "mlflow.db"


@dataclass(frozen=True)
class Settings:
    """Where the tool reads and writes.

    Attributes:
        home: The project folder that holds ``mlflow.db``, ``models/`` and ``artifacts/``.
        demo_dir: The embedded demo data folder.
        tracking_uri: MLflow tracking URI.
        data: The cooperative's data folder (None: the embedded demo data).
    """

    home: Path
    demo_dir: Path
    tracking_uri: str
    data: Path | None = None

    @property
    def data_dir(self) -> Path:
        """The data folder runs and the app read by default (``XINGNONG_DATA``, else the demo)."""
        return self.data or self.demo_dir

    @property
    def models_dir(self) -> Path:
        """Folder of saved model bundles."""
        return self.home / _MODELS_DIR

    @property
    def demand_bundle(self) -> Path:
        """The demand model's bundle folder (``models/demand``)."""
        return self.models_dir / _DEMAND_BUNDLE

    @property
    def uploads_dir(self) -> Path:
        """Data folders staged from files uploaded in the app."""
        return self.home / _UPLOADS_DIR

    @property
    def artifacts_dir(self) -> Path:
        """Folder of run outputs (forecasts, metrics, quarantine files)."""
        return self.home / _ARTIFACTS_DIR


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
    uri = env.get(ENV_TRACKING_URI) or f"sqlite:///{home / _TRACKING_DB}"
    data = Path(env[ENV_DATA]).resolve() if env.get(ENV_DATA) else None
    return Settings(home=home, demo_dir=DEMO_DATA_DIR, tracking_uri=uri, data=data)


@lru_cache(maxsize=1)
def settings() -> Settings:
    """The process-wide settings, read once."""
    return load_settings()
