"""The model registry: demand bundles logged as pyfunc models, their versions and aliases."""

from __future__ import annotations

import hashlib
import hmac
import warnings
from datetime import UTC, datetime
from importlib import metadata as importlib_metadata
from pathlib import Path
from typing import Any

import mlflow
import pandas as pd
from mlflow import MlflowClient
from mlflow.exceptions import MlflowException
from mlflow.models import Model

from recommender.bundle import Bundle, bundle_digest, load_bundle, verify_bundle
from recommender.bundle.limits import read_small
from recommender.config import CHAMPION_ALIAS, REGISTERED_DEMAND_MODEL
from recommender.errors import BundleError
from recommender.tracking.runs import require_run
from recommender.tracking.store import ensure_configured

__all__ = [
    "BUNDLE_ARTIFACT",
    "BUNDLE_DIGEST_TAG",
    "LOADER_MODULE",
    "MODEL_NAME",
    "PYFUNC_FILE",
    "champion_version",
    "load_registered_bundle",
    "load_registered_model",
    "log_bundle_model",
    "promote",
]

BUNDLE_ARTIFACT = "bundle"
"""Key of the bundle directory among the artifacts of versions logged as models from code."""

LOADER_MODULE = "recommender.tracking.serving"
"""The module a logged model names as its loader: MLflow calls its ``_load_pyfunc`` with the
bundle, so loading runs this installed package's code, never a file from the model folder."""

MODEL_NAME = "model"
"""Name of the logged pyfunc model inside a run."""

BUNDLE_DIGEST_TAG = "xingnong.bundle_digest"
"""Model-version and run tag holding :func:`recommender.bundle.bundle_digest`."""

PYFUNC_FILE = Path(__file__).with_name("pyfunc_model.py")
"""The "models from code" file earlier versions were logged with (serving
:class:`~.serving.DemandPyfunc`); such versions load only while theirs is byte for byte this."""

_SERVING_REQUIREMENTS = ("mlflow", "lightgbm", "pandas", "numpy", "pyarrow")


def log_bundle_model(
    bundle_path: Path,
    *,
    registered_name: str = REGISTERED_DEMAND_MODEL,
    champion: bool,
    input_example: pd.DataFrame | None = None,
) -> str:
    """Log a verified bundle as a pyfunc model of the active run and register it.

    The bundle folder becomes the model's data, and the model names :data:`LOADER_MODULE` as
    its loader: whatever loads it (``mlflow.pyfunc.load_model``, ``mlflow models serve``) runs
    this package's ``_load_pyfunc``, which verifies the bundle (with its signature when
    ``XINGNONG_BUNDLE_KEY`` is set) before reading it. No code is logged and nothing is
    pickled. The new version is tagged with the bundle's digest, and gets the ``champion``
    alias when asked.

    Args:
        bundle_path: A bundle written by :func:`recommender.bundle.save_bundle`.
        registered_name: Registered model name.
        champion: Whether the new version becomes ``@champion``.
        input_example: A few rows of model input; when given MLflow stores it and infers the
            model signature from it (integer columns are cast to float64 first).

    Returns:
        The new version number, as a string.

    Raises:
        BundleError: The bundle does not verify.
        RuntimeError: No run is active.
    """
    require_run()
    verify_bundle(bundle_path)
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
            loader_module=LOADER_MODULE,
            data_path=str(Path(bundle_path).resolve()),
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
    ensure_configured()
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
    ensure_configured()
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


def _download(name: str, alias: str, dst: Path | None) -> tuple[Path, str]:
    """Resolve ``name@alias`` to its version and download that model; its folder and URI."""
    ensure_configured()
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
    return local, uri


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
    local, uri = _download(name, alias, dst)
    return load_bundle(_bundle_dir(local, uri))


def load_registered_model(
    name: str = REGISTERED_DEMAND_MODEL,
    alias: str = CHAMPION_ALIAS,
    dst: Path | None = None,
) -> Any:
    """Load ``models:/name@alias`` as a pyfunc model, verifying what it would run first.

    A version logged by :func:`log_bundle_model` must name :data:`LOADER_MODULE` as its loader
    and add no code of its own; a version logged by an earlier release as "models from code"
    must carry this package's serving file byte for byte (SHA-256), since MLflow runs that file
    before any check of ours could. The bundle is verified (with its signature when
    ``XINGNONG_BUNDLE_KEY`` is set) before MLflow is asked to load anything.

    Args:
        name: Registered model name.
        alias: The alias.
        dst: Folder to download into (as for :func:`load_registered_bundle`).

    Returns:
        The loaded ``mlflow.pyfunc.PyFuncModel``.

    Raises:
        BundleError: Missing model or alias, a model whose ``MLmodel`` names other code or a
            changed serving file, or a bundle that does not verify.
    """
    local, uri = _download(name, alias, dst)
    flavor = _pyfunc_flavor(local, uri)
    if "model_code_path" in flavor:
        _check_code_file(local / Path(str(flavor["model_code_path"])).name, uri)
    elif flavor.get("loader_module") != LOADER_MODULE or flavor.get("code"):
        raise BundleError(
            f"{uri}: its MLmodel names code other than this package's loader "
            f"({flavor.get('loader_module')!r}): not loaded"
        )
    verify_bundle(_bundle_dir(local, uri))
    return mlflow.pyfunc.load_model(str(local))


def _check_code_file(code: Path, uri: str) -> None:
    """Refuse a models-from-code file that is not byte for byte :data:`PYFUNC_FILE`."""
    try:
        actual = hashlib.sha256(read_small(code, uri)).hexdigest()
    except FileNotFoundError as exc:
        raise BundleError(f"{uri}: its serving file {code.name} is missing") from exc
    expected = hashlib.sha256(PYFUNC_FILE.read_bytes()).hexdigest()
    if not hmac.compare_digest(actual, expected):
        raise BundleError(
            f"{uri}: its serving file {code.name} differs from this package's (changed after "
            "logging, or logged by another version): not loaded"
        )


def _pyfunc_flavor(local: Path, uri: str) -> dict[str, Any]:
    """The ``python_function`` flavor a logged model's ``MLmodel`` declares."""
    try:
        flavor = Model.load(str(local)).flavors.get("python_function")
    except Exception as exc:  # MLflow raises several types for an unreadable MLmodel
        raise BundleError(f"{uri}: its MLmodel cannot be read ({exc})") from exc
    if not isinstance(flavor, dict):
        raise BundleError(f"{uri}: not a pyfunc model")
    return flavor


def _serving_requirements() -> list[str]:
    """Pinned requirements of the serving environment (xingnong itself is not on PyPI)."""
    pins = []
    for dist in _SERVING_REQUIREMENTS:
        try:
            pins.append(f"{dist}=={importlib_metadata.version(dist)}")
        except importlib_metadata.PackageNotFoundError:
            pins.append(dist)
    return pins


def _version_by_alias(client: MlflowClient, name: str, alias: str) -> Any | None:
    """The model version behind ``name@alias``, or None."""
    try:
        return client.get_model_version_by_alias(name, alias)
    except MlflowException as exc:
        if exc.error_code in ("RESOURCE_DOES_NOT_EXIST", "NOT_FOUND", "INVALID_PARAMETER_VALUE"):
            return None
        raise


def _bundle_dir(model_dir: Path, uri: str) -> Path:
    """The bundle folder of a downloaded pyfunc model (its data, or its ``bundle`` artifact)."""
    flavor = _pyfunc_flavor(model_dir, uri)
    try:
        if "model_code_path" in flavor:
            relative = flavor["artifacts"][BUNDLE_ARTIFACT]["path"]
        else:
            relative = flavor["data"]
    except (KeyError, TypeError) as exc:
        raise BundleError(f"{uri} holds no bundle ({exc})") from exc
    if not isinstance(relative, str):
        raise BundleError(f"{uri} holds no bundle")
    path = (model_dir / relative).resolve()
    if not path.is_relative_to(model_dir.resolve()):
        raise BundleError(f"{uri}: its bundle is outside the model")
    return path
