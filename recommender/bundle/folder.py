"""Model bundles: verified, optionally signed folders of LightGBM models, tables and metadata."""

from __future__ import annotations

import hashlib
import io
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import lightgbm
import numpy as np
import pandas as pd

from recommender.bundle.atomic import atomic_folder
from recommender.bundle.limits import check_model_text, load_json, read_small
from recommender.bundle.manifest import (
    MANIFEST_FILE,
    METADATA_FILE,
    MODEL_FILE_PATTERN,
    SCHEMA_VERSION,
    SIGNATURE_FILE,
    TABLE_FILE_PATTERN,
    listed_files,
    read_verified,
    write_manifest,
)
from recommender.bundle.versions import library_versions
from recommender.errors import BundleError

__all__ = [
    "MANIFEST_FILE",
    "METADATA_FILE",
    "SCHEMA_VERSION",
    "SIGNATURE_FILE",
    "Bundle",
    "bundle_digest",
    "check_replaceable",
    "load_bundle",
    "save_bundle",
    "verify_bundle",
]

_NAME = re.compile(r"[a-z0-9_]+")
_RESERVED_METADATA_KEYS = frozenset({"schema_version", "created_at", "library_versions", "files"})


@dataclass(frozen=True)
class Bundle:
    """A loaded, verified model bundle.

    Attributes:
        path: The bundle directory.
        metadata: The content of ``metadata.json``: the saver's keys plus ``schema_version``,
            ``created_at``, ``library_versions`` and ``files``.
        boosters: LightGBM boosters by name.
        tables: Data frames by name.
        digest: SHA-256 of the bundle's ``MANIFEST.json`` (see :func:`bundle_digest`).
    """

    path: Path
    metadata: dict[str, Any]
    boosters: dict[str, lightgbm.Booster]
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    digest: str = ""


# --------------------------------------------------------------------------------------------
# Saving
# --------------------------------------------------------------------------------------------


def save_bundle(
    dest: str | Path,
    *,
    boosters: Mapping[str, lightgbm.Booster],
    metadata: Mapping[str, Any],
    tables: Mapping[str, pd.DataFrame] | None = None,
) -> Path:
    """Write a model bundle directory atomically.

    Layout of the directory::

        model_<name>.txt        one per booster, LightGBM native text format
        table_<name>.parquet    one per table (pyarrow)
        metadata.json           the caller's metadata plus schema_version, created_at (UTC,
                                ISO-8601), library_versions and files {"models", "tables"}
        MANIFEST.json           {"schema_version", "algorithm": "sha256",
                                 "files": {file name: hex SHA-256}} over every file above
        MANIFEST.sig            hex HMAC-SHA256 of MANIFEST.json's bytes, only when the
                                environment variable XINGNONG_BUNDLE_KEY is set

    Everything is written into a temporary sibling directory, synced to disk, then moved to
    ``dest``. An existing bundle at ``dest`` is replaced by an atomic exchange where the OS
    supports it (Linux ``renameat2``), otherwise by two renames with the old bundle restored if
    the second fails. When anything fails, an existing bundle at ``dest`` is left untouched and
    no temporary directory remains.

    Args:
        dest: The bundle directory to create or replace. Its parent is created if missing.
        boosters: At least one LightGBM booster, by name (``[a-z0-9_]+``).
        metadata: JSON-serialisable metadata (numpy scalars and arrays are converted; NaN and
            infinity are refused because strict JSON readers reject them). Keys must be strings
            and must not be one of ``schema_version``, ``created_at``, ``library_versions``,
            ``files``.
        tables: Optional data frames, by name (``[a-z0-9_]+``), with string column names.

    Returns:
        The bundle directory.

    Raises:
        BundleError: The inputs cannot be saved, or writing failed.
    """
    dest = Path(dest)
    label = f"bundle {dest}"
    tables = dict(tables or {})
    boosters = dict(boosters)
    _check_inputs(label, boosters, metadata, tables)
    check_replaceable(dest, label)

    files = {
        "models": {name: f"model_{name}.txt" for name in sorted(boosters)},
        "tables": {name: f"table_{name}.parquet" for name in sorted(tables)},
    }
    full_metadata = {
        **dict(metadata),
        "schema_version": SCHEMA_VERSION,
        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "library_versions": library_versions(),
        "files": files,
    }
    # Serialise before touching the disk: the most common failure costs nothing.
    metadata_bytes = _to_json_bytes(label, full_metadata)

    with atomic_folder(label, dest, error=BundleError) as tmp:
        for name, booster in boosters.items():
            target = tmp / files["models"][name]
            try:
                booster.save_model(str(target))
            except Exception as exc:
                raise BundleError(f"{label}: cannot save booster {name!r} ({exc})") from exc
        for name, frame in tables.items():
            target = tmp / files["tables"][name]
            try:
                frame.to_parquet(target, engine="pyarrow")
            except Exception as exc:
                raise BundleError(f"{label}: cannot save table {name!r} ({exc})") from exc
        (tmp / METADATA_FILE).write_bytes(metadata_bytes)
        write_manifest(tmp)
    return dest


def _check_inputs(
    label: str,
    boosters: Mapping[str, Any],
    metadata: Mapping[str, Any],
    tables: Mapping[str, Any],
) -> None:
    """Refuse names, types and metadata keys a bundle cannot hold."""
    if not boosters:
        raise BundleError(f"{label}: a bundle needs at least one booster")
    for kind, items in (("booster", boosters), ("table", tables)):
        for name in items:
            if not isinstance(name, str) or not _NAME.fullmatch(name):
                raise BundleError(
                    f"{label}: {kind} name {name!r} is invalid (use lowercase letters, "
                    "digits and underscores)"
                )
    for name, booster in boosters.items():
        if not isinstance(booster, lightgbm.Booster):
            hint = " (pass the fitted model's .booster_)" if hasattr(booster, "booster_") else ""
            raise BundleError(
                f"{label}: booster {name!r} is a {type(booster).__name__}, "
                f"not a lightgbm.Booster{hint}"
            )
    for name, frame in tables.items():
        if not isinstance(frame, pd.DataFrame):
            raise BundleError(
                f"{label}: table {name!r} is a {type(frame).__name__}, not a pandas DataFrame"
            )
    if not isinstance(metadata, Mapping):
        raise BundleError(f"{label}: metadata must be a mapping, not {type(metadata).__name__}")
    for key in metadata:
        if not isinstance(key, str):
            raise BundleError(f"{label}: metadata key {key!r} is not a string")
    reserved = sorted(_RESERVED_METADATA_KEYS.intersection(metadata))
    if reserved:
        raise BundleError(
            f"{label}: metadata key(s) {', '.join(reserved)} are reserved (set by save_bundle)"
        )


def check_replaceable(dest: Path, label: str | None = None) -> None:
    """Refuse to replace anything at ``dest`` that is not a bundle or an empty folder.

    A bundle here is a folder whose ``MANIFEST.json`` is a bundle manifest listing every file
    in it (a damaged bundle still counts); a folder that merely holds a ``MANIFEST.json`` among
    other files does not.

    Args:
        dest: Where a bundle is about to be written.
        label: How errors name it (default: ``bundle <dest>``).

    Raises:
        BundleError: ``dest`` is something else.
    """
    label = label or f"bundle {dest}"
    if not dest.exists() and not dest.is_symlink():
        return
    if dest.is_symlink() or not dest.is_dir():
        raise BundleError(f"{label}: exists and is not a bundle directory; refusing to replace it")
    if not any(dest.iterdir()):
        return
    try:
        listed_files(dest, label)
    except FileNotFoundError:
        raise BundleError(
            f"{label}: exists and is not a bundle (no {MANIFEST_FILE}); refusing to replace it"
        ) from None
    except BundleError as exc:
        raise BundleError(f"{exc}; not a bundle this tool wrote, refusing to replace it") from None


def _json_default(value: Any) -> Any:
    """Convert numpy values for ``json.dumps``; refuse anything else."""
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, np.generic):
        return value.item()
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def _to_json_bytes(label: str, obj: Mapping[str, Any]) -> bytes:
    """Serialise metadata as strict JSON (UTF-8), raising a clear BundleError."""
    try:
        text = json.dumps(obj, indent=2, ensure_ascii=False, allow_nan=False, default=_json_default)
    except (TypeError, ValueError) as exc:
        raise BundleError(f"{label}: metadata is not JSON-serialisable ({exc})") from exc
    return (text + "\n").encode("utf-8")


# --------------------------------------------------------------------------------------------
# Verifying and loading
# --------------------------------------------------------------------------------------------


def verify_bundle(path: str | Path) -> dict[str, str]:
    """Check a bundle's manifest, signature and file digests without parsing any model.

    Args:
        path: The bundle directory.

    Returns:
        The verified manifest: file name to hex SHA-256 digest.

    Raises:
        BundleError: The bundle is missing, incomplete, changed, unsigned while a key is set,
            wrongly signed, or made by a newer xingnong.
    """
    files, _ = read_verified(Path(path), f"bundle {path}", keep_bytes=False)
    return files


def bundle_digest(path: str | Path) -> str:
    """A short identity of a bundle: the SHA-256 of its ``MANIFEST.json``.

    The manifest holds the digest of every file, so two bundles with the same digest hold the
    same bytes. This does not verify the files; use :func:`verify_bundle` or
    :func:`load_bundle` for that.

    Args:
        path: The bundle directory.

    Returns:
        The hex SHA-256 digest.

    Raises:
        BundleError: The bundle has no readable manifest.
    """
    label = f"bundle {path}"
    manifest_path = Path(path) / MANIFEST_FILE
    try:
        return hashlib.sha256(read_small(manifest_path, label)).hexdigest()
    except FileNotFoundError as exc:
        raise BundleError(f"{label}: no {MANIFEST_FILE} (not a bundle, or incomplete)") from exc
    except OSError as exc:
        raise BundleError(f"{label}: cannot read {MANIFEST_FILE} ({exc})") from exc


def load_bundle(path: str | Path) -> Bundle:
    """Verify a bundle, then load its metadata, boosters and tables.

    Every file is read once, checked against the manifest (and the manifest against its
    signature when XINGNONG_BUNDLE_KEY is set), and only those verified bytes are parsed: a
    changed or truncated model is refused before LightGBM sees it. Nothing in a bundle runs
    code when loaded (no pickle).

    Args:
        path: The bundle directory.

    Returns:
        The loaded bundle.

    Raises:
        BundleError: One clear line naming the bundle and the problem.
    """
    bundle_path = Path(path)
    label = f"bundle {path}"
    files, blobs = read_verified(bundle_path, label, keep_bytes=True)
    digest = hashlib.sha256(blobs[MANIFEST_FILE]).hexdigest()

    metadata = load_json(blobs[METADATA_FILE], label, METADATA_FILE)
    if not isinstance(metadata, dict):
        raise BundleError(f"{label}: {METADATA_FILE} is not a JSON object")
    declared = metadata.get("files")
    if (
        not isinstance(declared, dict)
        or not isinstance(declared.get("models"), dict)
        or not isinstance(declared.get("tables", {}), dict)
    ):
        raise BundleError(f"{label}: {METADATA_FILE} has no valid 'files' entry")

    boosters: dict[str, lightgbm.Booster] = {}
    for name, file_name in declared["models"].items():
        blob = _declared_blob(label, blobs, file_name, MODEL_FILE_PATTERN, name)
        try:
            text = blob.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise BundleError(f"{label}: {file_name} is not a LightGBM model ({exc})") from exc
        check_model_text(text, label, file_name)  # LightGBM's parser can crash the process
        try:
            boosters[name] = lightgbm.Booster(model_str=text)
        except Exception as exc:
            raise BundleError(f"{label}: {file_name} is not a LightGBM model ({exc})") from exc
    tables: dict[str, pd.DataFrame] = {}
    for name, file_name in declared.get("tables", {}).items():
        blob = _declared_blob(label, blobs, file_name, TABLE_FILE_PATTERN, name)
        try:
            tables[name] = pd.read_parquet(io.BytesIO(blob), engine="pyarrow")
        except Exception as exc:
            said = (str(exc).strip().splitlines() or [""])[0]
            raise BundleError(f"{label}: {file_name} is not a Parquet table ({said})") from exc
    undeclared = sorted(set(files) - {METADATA_FILE} - set(declared["models"].values()))
    undeclared = [f for f in undeclared if f not in set(declared.get("tables", {}).values())]
    if undeclared:
        raise BundleError(f"{label}: {', '.join(undeclared)} not declared in {METADATA_FILE}")
    return Bundle(
        path=bundle_path, metadata=metadata, boosters=boosters, tables=tables, digest=digest
    )


def _declared_blob(
    label: str, blobs: Mapping[str, bytes], file_name: Any, pattern: re.Pattern[str], name: str
) -> bytes:
    """The verified bytes of a file that metadata.json declares under ``name``."""
    match = pattern.fullmatch(file_name) if isinstance(file_name, str) else None
    if match is None or match.group(1) != name or file_name not in blobs:
        raise BundleError(
            f"{label}: {METADATA_FILE} declares {file_name!r} for {name!r}, "
            "which is not a verified file of the bundle"
        )
    return blobs[file_name]
