"""Runs: MLflow runs of an experiment and the params, metrics, tags and artifacts they log."""

from __future__ import annotations

import json
import logging
import math
import numbers
import posixpath
import re
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import mlflow
import pandas as pd
from mlflow import MlflowClient

from recommender.data.cells import safe_csv
from recommender.tracking.store import ensure_configured, get_experiment_id

__all__ = [
    "INTERRUPTED_TAG",
    "close_interrupted",
    "log_artifacts",
    "log_dict",
    "log_figure",
    "log_metrics",
    "log_params",
    "log_table",
    "runs_table",
    "set_tags",
    "start_run",
]

_MAX_KEY_LENGTH = 250
_MAX_PARAM_LENGTH = 6000
_BAD_KEY_CHARS = re.compile(r"[^\w./\- ]")
_RUN_COLUMNS = ["run_id", "run_name", "start_time", "end_time", "status"]

_log = logging.getLogger(__name__)

INTERRUPTED_TAG = "xingnong.interrupted"
"""Tag of a run that was left RUNNING and marked FAILED by the next run (see
:func:`close_interrupted`)."""


@contextmanager
def start_run(
    experiment: str,
    run_name: str | None = None,
    tags: Mapping[str, str] | None = None,
    *,
    exclusive: bool = False,
) -> Iterator[str]:
    """Run a block as an MLflow run of ``experiment`` (created if missing).

    A run started inside another becomes its nested child. The run ends FINISHED, or FAILED
    when the block raises (the exception propagates).

    Args:
        experiment: Experiment name.
        run_name: Display name of the run.
        tags: Tags of the run.
        exclusive: The caller holds the project's run lock, so no other run of
            ``experiment`` can be live: runs a killed process (or a store that failed while
            ending them) left RUNNING are first marked FAILED.

    Yields:
        The run id.
    """
    ensure_configured()
    client = MlflowClient()
    experiment_id = get_experiment_id(client, experiment, create=True)
    run_tags = {_key(k): str(v) for k, v in (tags or {}).items()}
    nested = mlflow.active_run() is not None
    if exclusive and not nested and experiment_id is not None:
        close_interrupted(client, experiment_id)
    with mlflow.start_run(
        experiment_id=experiment_id, run_name=run_name, tags=run_tags, nested=nested
    ) as run:
        yield run.info.run_id


def close_interrupted(client: MlflowClient, experiment_id: str) -> list[str]:
    """Mark the experiment's runs still RUNNING as FAILED, tagged as interrupted.

    Only call it when no run of the experiment can be live (under the project's run lock).

    Args:
        client: An MLflow client of the store.
        experiment_id: The experiment.

    Returns:
        The ids of the runs marked.
    """
    stale = client.search_runs(
        [experiment_id], filter_string="attributes.status = 'RUNNING'", max_results=1000
    )
    for run in stale:
        client.set_tag(run.info.run_id, INTERRUPTED_TAG, "true")
        client.set_terminated(run.info.run_id, status="FAILED")
        _log.info("MLflow run %s was left running by an interrupted run: marked FAILED",
                  run.info.run_id)  # fmt: skip
    return [run.info.run_id for run in stale]


def require_run() -> None:
    """Refuse to log outside a run (MLflow would silently start one in the Default experiment).

    Raises:
        RuntimeError: No run is active.
    """
    if mlflow.active_run() is None:
        raise RuntimeError("no active MLflow run: log inside `with tracking.start_run(...)`")


def log_params(params: Mapping[str, Any]) -> None:
    """Log parameters of the active run.

    Values become strings (mappings and sequences as JSON); values longer than MLflow's limit
    are cut and end with ``...`` (log big values with :func:`log_dict` instead).

    Args:
        params: Parameter names and values.
    """
    require_run()
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
    require_run()
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
    require_run()
    mlflow.set_tags({_key(k): str(v) for k, v in tags.items()})


def log_dict(obj: Any, artifact_file: str) -> None:
    """Log a JSON (``.json``) or YAML (``.yaml``/``.yml``) artifact of the active run.

    Args:
        obj: A JSON-serialisable object.
        artifact_file: Path of the artifact in the run, e.g. ``"backtest/config.json"``.
    """
    require_run()
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
    require_run()
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
            safe_csv(df, local, index=keep_index)
        else:
            df.to_parquet(local, engine="pyarrow")
        mlflow.log_artifact(str(local), artifact_path=directory or None)


def log_figure(fig: Any, artifact_file: str) -> None:
    """Log a matplotlib figure as an image artifact of the active run (the figure stays open).

    Args:
        fig: A ``matplotlib.figure.Figure``.
        artifact_file: Path of the image in the run, e.g. ``"plots/forecast.png"``.
    """
    require_run()
    mlflow.log_figure(fig, artifact_file)


def log_artifacts(local_dir: Path, artifact_path: str | None = None) -> None:
    """Log every file of a local folder as artifacts of the active run.

    Args:
        local_dir: The folder.
        artifact_path: Folder in the run to put them in (the run's root when omitted).
    """
    require_run()
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
    ensure_configured()
    experiment_id = get_experiment_id(MlflowClient(), experiment, create=False)
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


def _key(name: Any) -> str:
    """A metric, param or tag name MLflow accepts on every OS.

    Characters other than letters, digits, ``_ - . / space`` become ``_``, and empty, ``.``
    and ``..`` path segments are removed, so that the name is a normalised relative path.
    """
    text = _BAD_KEY_CHARS.sub("_", str(name))
    segments = [s for s in text.split("/") if s not in ("", ".", "..")]
    key = "/".join(segments) or "_"
    return key[:_MAX_KEY_LENGTH]
