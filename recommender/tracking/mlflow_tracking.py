"""Experiment tracking and the model registry: the one module of the project that imports MLflow."""

from __future__ import annotations

import hashlib
import json
import logging
import math
import numbers
import os
import posixpath
import re
import tempfile
import warnings
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import UTC, datetime
from importlib import metadata as importlib_metadata
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import mlflow
import pandas as pd
from mlflow import MlflowClient
from mlflow.exceptions import MlflowException
from mlflow.models import Model
from mlflow.pyfunc import PythonModel

from recommender import config
from recommender.bundle.folder import Bundle, bundle_digest, load_bundle, verify_bundle
from recommender.config import CHAMPION_ALIAS, REGISTERED_DEMAND_MODEL
from recommender.errors import BundleError, XingnongError

__all__ = [
    "BUNDLE_ARTIFACT",
    "MODEL_NAME",
    "champion_version",
    "configure",
    "load_registered_bundle",
    "log_artifacts",
    "log_bundle_model",
    "log_dict",
    "log_figure",
    "log_metrics",
    "log_params",
    "log_table",
    "promote",
    "runs_table",
    "set_tags",
    "start_run",
]

BUNDLE_ARTIFACT = "bundle"
"""Key of the bundle directory among the pyfunc model's artifacts."""

MODEL_NAME = "model"
"""Name of the logged pyfunc model inside a run."""

BUNDLE_DIGEST_TAG = "xingnong.bundle_digest"
"""Model-version and run tag holding :func:`recommender.bundle.folder.bundle_digest`."""

_MAX_KEY_LENGTH = 250
_MAX_PARAM_LENGTH = 6000
_BAD_KEY_CHARS = re.compile(r"[^\w./\- ]")
_SERVING_REQUIREMENTS = ("mlflow", "lightgbm", "pandas", "numpy", "pyarrow")
_RUN_COLUMNS = ["run_id", "run_name", "start_time", "end_time", "status"]

_log = logging.getLogger(__name__)
_explicit_uri: str | None = None


# --------------------------------------------------------------------------------------------
# Tracking store
# --------------------------------------------------------------------------------------------


def configure(tracking_uri: str | None = None) -> str:
    """Point MLflow at a tracking store.

    Every function of this module configures MLflow on first use, so calling this is only
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


def _ensure_configured() -> str:
    """Apply the explicit URI, or the settings' one, if MLflow does not use it yet."""
    uri = _explicit_uri or config.settings().tracking_uri
    if mlflow.get_tracking_uri() != uri:
        _apply(uri)
    return uri


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


def _experiment_id(client: MlflowClient, name: str, *, create: bool) -> str | None:
    """Id of an experiment by name, created (or restored) when ``create`` is set."""
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


# --------------------------------------------------------------------------------------------
# Runs and what they log
# --------------------------------------------------------------------------------------------


@contextmanager
def start_run(
    experiment: str,
    run_name: str | None = None,
    tags: Mapping[str, str] | None = None,
) -> Iterator[str]:
    """Run a block as an MLflow run of ``experiment`` (created if missing).

    A run started inside another becomes its nested child. The run ends FINISHED, or FAILED
    when the block raises (the exception propagates).

    Args:
        experiment: Experiment name.
        run_name: Display name of the run.
        tags: Tags of the run.

    Yields:
        The run id.
    """
    _ensure_configured()
    experiment_id = _experiment_id(MlflowClient(), experiment, create=True)
    run_tags = {_key(k): str(v) for k, v in (tags or {}).items()}
    nested = mlflow.active_run() is not None
    with mlflow.start_run(
        experiment_id=experiment_id, run_name=run_name, tags=run_tags, nested=nested
    ) as run:
        yield run.info.run_id


def _require_run() -> None:
    """Refuse to log outside a run (MLflow would silently start one in the Default experiment)."""
    if mlflow.active_run() is None:
        raise RuntimeError("no active MLflow run: log inside `with tracking.start_run(...)`")


def _key(name: Any) -> str:
    """A metric, param or tag name MLflow accepts on every OS.

    Characters other than letters, digits, ``_ - . / space`` become ``_``, and empty, ``.``
    and ``..`` path segments are removed, so that the name is a normalised relative path.
    """
    text = _BAD_KEY_CHARS.sub("_", str(name))
    segments = [s for s in text.split("/") if s not in ("", ".", "..")]
    key = "/".join(segments) or "_"
    return key[:_MAX_KEY_LENGTH]


def log_params(params: Mapping[str, Any]) -> None:
    """Log parameters of the active run.

    Values become strings (mappings and sequences as JSON); values longer than MLflow's limit
    are cut and end with ``...`` (log big values with :func:`log_dict` instead).

    Args:
        params: Parameter names and values.
    """
    _require_run()
    values = {}
    for name, value in params.items():
        if isinstance(value, Mapping | list | tuple):
            text = json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)
        else:
            text = str(value)
        if len(text) > _MAX_PARAM_LENGTH:
            text = text[: _MAX_PARAM_LENGTH - 3] + "..."
        values[_key(name)] = text
    if values:
        mlflow.log_params(values)


def log_metrics(metrics: Mapping[str, float], step: int | None = None) -> dict[str, float]:
    """Log metrics of the active run, skipping missing and non-finite values.

    Args:
        metrics: Metric names and values; names are made valid for MLflow (see ``_key``).
        step: Optional step (e.g. backtest fold).

    Returns:
        What was logged, by MLflow name.

    Raises:
        TypeError: A value is not a number.
    """
    _require_run()
    logged: dict[str, float] = {}
    for name, value in metrics.items():
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, numbers.Real):
            raise TypeError(f"metric {name!r} is not a number: {value!r}")
        number = float(value)
        if not math.isfinite(number):
            _log.debug("metric %r skipped: %r is not finite", name, value)
            continue
        logged[_key(name)] = number
    if logged:
        mlflow.log_metrics(logged, step=step)
    return logged


def set_tags(tags: Mapping[str, Any]) -> None:
    """Set tags of the active run (values become strings).

    Args:
        tags: Tag names and values.
    """
    _require_run()
    mlflow.set_tags({_key(k): str(v) for k, v in tags.items()})


def log_dict(obj: Any, artifact_file: str) -> None:
    """Log a JSON (``.json``) or YAML (``.yaml``/``.yml``) artifact of the active run.

    Args:
        obj: A JSON-serialisable object.
        artifact_file: Path of the artifact in the run, e.g. ``"backtest/config.json"``.
    """
    _require_run()
    mlflow.log_dict(obj, artifact_file)


def log_table(df: pd.DataFrame, artifact_file: str) -> None:
    """Log a data frame as a CSV (UTF-8) or Parquet artifact of the active run.

    The index is written only when it is not a default range index.

    Args:
        df: The table.
        artifact_file: Path of the artifact in the run, ending in ``.csv`` or ``.parquet``.

    Raises:
        ValueError: The suffix is neither ``.csv`` nor ``.parquet``.
    """
    _require_run()
    directory, file_name = posixpath.split(artifact_file)
    suffix = Path(file_name).suffix.lower()
    if suffix not in (".csv", ".parquet"):
        raise ValueError(f"table artifact {artifact_file!r} must end in .csv or .parquet")
    keep_index = not (
        isinstance(df.index, pd.RangeIndex) and df.index.start == 0 and df.index.step == 1
    )
    with tempfile.TemporaryDirectory(prefix="xingnong-artifact-") as tmp:
        local = Path(tmp) / file_name
        if suffix == ".csv":
            df.to_csv(local, index=keep_index, encoding="utf-8")
        else:
            df.to_parquet(local, engine="pyarrow")
        mlflow.log_artifact(str(local), artifact_path=directory or None)


def log_figure(fig: Any, artifact_file: str) -> None:
    """Log a matplotlib figure as an image artifact of the active run (the figure stays open).

    Args:
        fig: A ``matplotlib.figure.Figure``.
        artifact_file: Path of the image in the run, e.g. ``"plots/forecast.png"``.
    """
    _require_run()
    mlflow.log_figure(fig, artifact_file)


def log_artifacts(local_dir: Path, artifact_path: str | None = None) -> None:
    """Log every file of a local folder as artifacts of the active run.

    Args:
        local_dir: The folder.
        artifact_path: Folder in the run to put them in (the run's root when omitted).
    """
    _require_run()
    mlflow.log_artifacts(str(local_dir), artifact_path=artifact_path)


def runs_table(experiment: str) -> pd.DataFrame:
    """The runs of an experiment, newest first, for display.

    Args:
        experiment: Experiment name.

    Returns:
        One row per run with columns ``run_id``, ``run_name``, ``start_time``, ``end_time``
        (UTC timestamps), ``status`` then ``params.<name>``, ``metrics.<name>`` and
        ``tags.<name>`` (MLflow's own ``mlflow.*`` tags left out). Empty, with the first five
        columns, when the experiment does not exist or has no runs.
    """
    _ensure_configured()
    experiment_id = _experiment_id(MlflowClient(), experiment, create=False)
    if experiment_id is None:
        return pd.DataFrame(columns=_RUN_COLUMNS)
    runs = mlflow.search_runs(
        experiment_ids=[experiment_id], order_by=["attributes.start_time DESC"]
    )
    if not isinstance(runs, pd.DataFrame) or runs.empty:
        return pd.DataFrame(columns=_RUN_COLUMNS)
    runs = runs.rename(columns={"tags.mlflow.runName": "run_name"})
    if "run_name" not in runs.columns:
        runs["run_name"] = None
    extra = sorted(
        c
        for c in runs.columns
        if c.startswith(("params.", "metrics.", "tags.")) and not c.startswith("tags.mlflow.")
    )
    extra.sort(key=lambda c: ("params.", "metrics.", "tags.").index(c.split(".", 1)[0] + "."))
    return runs[_RUN_COLUMNS + extra].reset_index(drop=True)


# --------------------------------------------------------------------------------------------
# Model registry
# --------------------------------------------------------------------------------------------


def log_bundle_model(
    bundle_path: Path,
    *,
    registered_name: str = REGISTERED_DEMAND_MODEL,
    champion: bool,
    python_model: str | Path | None = None,
    input_example: pd.DataFrame | None = None,
) -> str:
    """Log a verified bundle as a pyfunc model of the active run and register it.

    The bundle directory becomes the model's ``bundle`` artifact, so the pyfunc model's
    ``load_context`` finds it at ``context.artifacts["bundle"]``. The serving code is a
    "models from code" file (nothing is pickled). The new version is tagged with the bundle's
    digest, and gets the ``champion`` alias when asked.

    Args:
        bundle_path: A bundle written by :func:`recommender.bundle.folder.save_bundle`.
        registered_name: Registered model name.
        champion: Whether the new version becomes ``@champion``.
        python_model: Path of a Python file that calls ``mlflow.models.set_model(...)`` with a
            ``PythonModel`` whose ``load_context`` calls ``load_bundle(context.artifacts
            ["bundle"])``.
        input_example: A few rows of model input; when given MLflow stores it and infers the
            model signature from it (integer columns are cast to float64 first).

    Returns:
        The new version number, as a string.

    Raises:
        BundleError: The bundle does not verify.
        ValueError: ``python_model`` is missing or not an existing ``.py`` file.
        RuntimeError: No run is active.
    """
    _require_run()
    verify_bundle(bundle_path)
    code_path = _model_code_path(python_model)
    digest = bundle_digest(bundle_path)
    example = None
    if input_example is not None:
        ints = input_example.select_dtypes("integer").columns
        example = input_example.astype(dict.fromkeys(ints, "float64"))
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", category=FutureWarning, module=r"mlflow\.")
        warnings.filterwarnings("ignore", category=DeprecationWarning, module=r"mlflow\.")
        warnings.filterwarnings("ignore", message=r"Hint: Inferred schema contains integer")
        info = mlflow.pyfunc.log_model(
            name=MODEL_NAME,
            python_model=str(code_path),
            artifacts={BUNDLE_ARTIFACT: str(Path(bundle_path).resolve())},
            registered_model_name=registered_name,
            pip_requirements=_serving_requirements(),
            input_example=example,
            tags={BUNDLE_DIGEST_TAG: digest},
        )
    version = str(info.registered_model_version)
    client = MlflowClient()
    client.set_model_version_tag(registered_name, version, BUNDLE_DIGEST_TAG, digest)
    mlflow.set_tag(BUNDLE_DIGEST_TAG, digest)
    if champion:
        client.set_registered_model_alias(registered_name, CHAMPION_ALIAS, version)
    return version


def _model_code_path(python_model: str | Path | None) -> Path:
    """Check the models-from-code file."""
    if python_model is None:
        raise ValueError(
            "python_model is required: the path of a models-from-code file that calls "
            "mlflow.models.set_model(...)"
        )
    path = Path(python_model)
    if path.suffix != ".py" or not path.is_file():
        raise ValueError(f"python_model {str(path)!r} is not an existing .py file")
    return path.resolve()


def _serving_requirements() -> list[str]:
    """Pinned requirements of the serving environment (xingnong itself is not on PyPI)."""
    pins = []
    for dist in _SERVING_REQUIREMENTS:
        try:
            pins.append(f"{dist}=={importlib_metadata.version(dist)}")
        except importlib_metadata.PackageNotFoundError:
            pins.append(dist)
    return pins


def promote(
    version: str | int,
    name: str = REGISTERED_DEMAND_MODEL,
    alias: str = CHAMPION_ALIAS,
) -> None:
    """Point an alias (``@champion`` by default) at an existing registered version.

    Args:
        version: The version number.
        name: Registered model name.
        alias: The alias.

    Raises:
        BundleError: The model or version does not exist.
    """
    _ensure_configured()
    client = MlflowClient()
    try:
        client.get_model_version(name, str(version))
        client.set_registered_model_alias(name, alias, str(version))
    except MlflowException as exc:
        raise BundleError(f"registered model {name!r} has no version {version}") from exc


def champion_version(
    name: str = REGISTERED_DEMAND_MODEL, alias: str = CHAMPION_ALIAS
) -> dict[str, Any] | None:
    """Which registered version an alias points at.

    Args:
        name: Registered model name.
        alias: The alias.

    Returns:
        ``{"name", "alias", "version", "run_id", "created_at" (UTC datetime of the version),
        "bundle_digest" (or None), "model_uri"}``, or None when the model or alias does not
        exist.
    """
    _ensure_configured()
    version = _version_by_alias(MlflowClient(), name, alias)
    if version is None:
        return None
    return {
        "name": name,
        "alias": alias,
        "version": str(version.version),
        "run_id": version.run_id,
        "created_at": datetime.fromtimestamp(version.creation_timestamp / 1000, tz=UTC),
        "bundle_digest": (version.tags or {}).get(BUNDLE_DIGEST_TAG),
        "model_uri": f"models:/{name}@{alias}",
    }


def _version_by_alias(client: MlflowClient, name: str, alias: str) -> Any | None:
    """The model version behind ``name@alias``, or None."""
    try:
        return client.get_model_version_by_alias(name, alias)
    except MlflowException as exc:
        if exc.error_code in ("RESOURCE_DOES_NOT_EXIST", "NOT_FOUND", "INVALID_PARAMETER_VALUE"):
            return None
        raise


def load_registered_bundle(
    name: str = REGISTERED_DEMAND_MODEL,
    alias: str = CHAMPION_ALIAS,
    dst: Path | None = None,
) -> Bundle:
    """Download the bundle of ``models:/name@alias`` and load it, verified.

    The alias is resolved to a version number first, so a concurrent promotion cannot mix two
    versions. Only the bundle is loaded: no MLflow model code runs.

    Args:
        name: Registered model name.
        alias: The alias.
        dst: Folder to download into; when omitted a local store's files are read in place
            (remote stores download to a temporary folder).

    Returns:
        The verified bundle.

    Raises:
        BundleError: The model, the alias or the bundle artifact is missing, or the bundle does
            not verify.
    """
    _ensure_configured()
    client = MlflowClient()
    try:
        client.get_registered_model(name)
    except MlflowException as exc:
        raise BundleError(f"no registered model named {name!r}") from exc
    version = _version_by_alias(client, name, alias)
    if version is None:
        raise BundleError(f"registered model {name!r} has no version with alias @{alias}")
    uri = f"models:/{name}/{version.version}"
    if dst is not None:
        Path(dst).mkdir(parents=True, exist_ok=True)
    try:
        local = Path(
            mlflow.artifacts.download_artifacts(
                artifact_uri=uri, dst_path=None if dst is None else str(dst)
            )
        )
    except (MlflowException, OSError) as exc:
        raise BundleError(f"cannot download {uri} ({exc})") from exc
    return load_bundle(_bundle_dir(local, uri))


def _bundle_dir(model_dir: Path, uri: str) -> Path:
    """The ``bundle`` artifact folder of a downloaded pyfunc model."""
    try:
        flavor = Model.load(str(model_dir)).flavors.get("python_function", {})
        relative = flavor["artifacts"][BUNDLE_ARTIFACT]["path"]
    except (MlflowException, OSError, KeyError, TypeError) as exc:
        raise BundleError(f"{uri} has no {BUNDLE_ARTIFACT!r} artifact ({exc})") from exc
    path = (model_dir / relative).resolve()
    if not path.is_relative_to(model_dir.resolve()):
        raise BundleError(f"{uri}: the {BUNDLE_ARTIFACT!r} artifact is outside the model")
    return path


# --------------------------------------------------------------------------------------------
# Serving (MLflow pyfunc, "models from code": recommender/pyfunc_model.py)
# --------------------------------------------------------------------------------------------

SERVED_COLUMNS = ("date", "h", "forecast", "lo", "hi", "method")


class DemandPyfunc(PythonModel):
    """Serves a demand bundle's forecast: rows naming series in, their forecast rows out.

    The input may hold any of the series columns (``region``, ``product``, ...); rows match
    on the columns given, and an input with none of them returns every series.
    """

    def load_context(self, context: Any) -> None:
        """Verify and load the bundle artifact, keep its forecast table."""
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
        """Forecast rows of the requested series (all series when no key column is given)."""
        keys = [k for k in self._keys if k in model_input.columns]
        if not keys:
            return self._forecast.copy()
        wanted = model_input[keys].astype(str).drop_duplicates()
        return wanted.merge(self._forecast, on=keys, how="inner")[list(self._forecast.columns)]


def set_demand_model() -> None:
    """Declare :class:`DemandPyfunc` as the model of a models-from-code file."""
    mlflow.models.set_model(DemandPyfunc())
