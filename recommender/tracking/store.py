"""The tracking store: which MLflow store runs and models go to, and its experiments."""

from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path
from urllib.parse import urlparse

import mlflow
from mlflow import MlflowClient
from mlflow.exceptions import MlflowException

from recommender import config
from recommender.errors import XingnongError

__all__ = ["configure"]

_explicit_uri: str | None = None


def configure(tracking_uri: str | None = None) -> str:
    """Point MLflow at a tracking store.

    Every function of this package configures MLflow on first use, so calling this is only
    needed to use another store than the settings' one. For a ``sqlite:///`` store the folder
    of the database file is created, and experiments created here keep their artifacts in a
    ``mlruns`` folder next to it (never in the current directory).

    Args:
        tracking_uri: The store, e.g. ``sqlite:////srv/xingnong/mlflow.db`` or
            ``http://host:5000``. When omitted, follow ``config.settings().tracking_uri``
            (``MLFLOW_TRACKING_URI`` or ``sqlite:///<home>/mlflow.db``) again.

    Returns:
        The tracking URI in use.

    Raises:
        XingnongError: The URI is a plain folder (``./mlruns``), which MLflow 3 refuses.
    """
    global _explicit_uri
    _explicit_uri = tracking_uri
    uri = tracking_uri or config.settings().tracking_uri
    _apply(uri)
    return uri


def ensure_configured() -> str:
    """Apply the explicit URI, or the settings' one, if MLflow does not use it yet.

    Returns:
        The tracking URI in use.

    Raises:
        XingnongError: The URI is a plain folder, which MLflow 3 refuses.
    """
    uri = _explicit_uri or config.settings().tracking_uri
    if mlflow.get_tracking_uri() != uri:
        _apply(uri)
    return uri


def get_experiment_id(client: MlflowClient, name: str, *, create: bool) -> str | None:
    """Id of an experiment by name, created (or restored) when ``create`` is set.

    Args:
        client: A client of the configured store.
        name: Experiment name.
        create: Whether to create a missing experiment (or restore a deleted one).

    Returns:
        The experiment id, or None when it does not exist and ``create`` is not set.
    """
    experiment = client.get_experiment_by_name(name)
    if experiment is not None:
        if experiment.lifecycle_stage == "deleted":
            if not create:
                return None
            client.restore_experiment(experiment.experiment_id)
        return experiment.experiment_id
    if not create:
        return None
    try:
        return client.create_experiment(name, artifact_location=_artifact_location(name))
    except MlflowException:
        # Created meanwhile by another process.
        experiment = client.get_experiment_by_name(name)
        if experiment is None:
            raise
        return experiment.experiment_id


def _apply(uri: str) -> None:
    """Make ``uri`` MLflow's tracking URI, creating a SQLite file's folder."""
    scheme = urlparse(uri).scheme
    if scheme in ("", "file") and os.environ.get("MLFLOW_ALLOW_FILE_STORE", "").lower() != "true":
        raise XingnongError(
            f"tracking URI {uri!r} is a plain folder store, which MLflow 3 refuses; "
            "use sqlite:///<folder>/mlflow.db"
        )
    db_file = _sqlite_file(uri)
    if db_file is not None:
        db_file.parent.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("MLFLOW_ENABLE_ARTIFACTS_PROGRESS_BAR", "false")
    if mlflow.get_tracking_uri() != uri:
        mlflow.set_tracking_uri(uri)


def _sqlite_file(uri: str) -> Path | None:
    """The database file of a ``sqlite:///`` URI, or None for other stores."""
    prefix = "sqlite:///"
    if not uri.startswith(prefix):
        return None
    path = uri[len(prefix) :].split("?", 1)[0]
    if not path or path == ":memory:":
        return None
    return Path(path).resolve()


def _artifact_location(experiment: str) -> str | None:
    """Artifact folder for a new experiment: ``<db folder>/mlruns/<slug>`` for SQLite stores."""
    db_file = _sqlite_file(mlflow.get_tracking_uri())
    if db_file is None:
        return None
    slug = re.sub(r"[^A-Za-z0-9._-]+", "-", experiment).strip("-.") or "experiment"
    if slug != experiment:
        slug = f"{slug}-{hashlib.sha256(experiment.encode('utf-8')).hexdigest()[:8]}"
    return (db_file.parent / "mlruns" / slug).as_uri()
