"""Model bundles: verified, optionally signed folders of LightGBM models, tables and metadata."""

from __future__ import annotations

import ctypes
import errno
import hashlib
import hmac
import io
import json
import os
import platform
import re
import shutil
import tempfile
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import metadata as importlib_metadata
from pathlib import Path
from typing import Any

import lightgbm
import numpy as np
import pandas as pd

from recommender.config import ENV_BUNDLE_KEY
from recommender.errors import BundleError

__all__ = [
    "MANIFEST_FILE",
    "METADATA_FILE",
    "SCHEMA_VERSION",
    "SIGNATURE_FILE",
    "Bundle",
    "bundle_digest",
    "load_bundle",
    "save_bundle",
    "verify_bundle",
]

SCHEMA_VERSION = 1
"""Version of the on-disk layout; bundles with a higher number are refused."""

MANIFEST_FILE = "MANIFEST.json"
SIGNATURE_FILE = "MANIFEST.sig"
METADATA_FILE = "metadata.json"
HASH_ALGORITHM = "sha256"

_NAME = re.compile(r"[a-z0-9_]+")
_MODEL_FILE = re.compile(r"model_([a-z0-9_]+)\.txt")
_TABLE_FILE = re.compile(r"table_([a-z0-9_]+)\.parquet")
_HEX_DIGEST = re.compile(r"[0-9a-f]{64}")
_RESERVED_METADATA_KEYS = frozenset({"schema_version", "created_at", "library_versions", "files"})
_CHUNK = 1 << 20


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
    _check_replaceable(label, dest)

    files = {
        "models": {name: f"model_{name}.txt" for name in sorted(boosters)},
        "tables": {name: f"table_{name}.parquet" for name in sorted(tables)},
    }
    full_metadata = {
        **dict(metadata),
        "schema_version": SCHEMA_VERSION,
        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "library_versions": _library_versions(),
        "files": files,
    }
    # Serialise before touching the disk: the most common failure costs nothing.
    metadata_bytes = _to_json_bytes(label, full_metadata)

    parent = dest.parent if str(dest.parent) else Path(".")
    try:
        parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(dir=parent, prefix=".tmp-"))
    except OSError as exc:
        raise BundleError(f"{label}: cannot create a folder next to it ({exc})") from exc

    try:
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

        digests = {p.name: _sha256_file(p) for p in sorted(tmp.iterdir())}
        manifest = {"schema_version": SCHEMA_VERSION, "algorithm": HASH_ALGORITHM, "files": digests}
        manifest_bytes = (json.dumps(manifest, indent=2, sort_keys=True) + "\n").encode("utf-8")
        (tmp / MANIFEST_FILE).write_bytes(manifest_bytes)
        key = _bundle_key()
        if key is not None:
            (tmp / SIGNATURE_FILE).write_text(_sign(key, manifest_bytes) + "\n", encoding="ascii")

        for p in tmp.iterdir():
            _fsync_file(p)
        _fsync_dir(tmp)
        _move_into_place(label, tmp, dest)
    except BundleError:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    except Exception as exc:
        shutil.rmtree(tmp, ignore_errors=True)
        raise BundleError(f"{label}: cannot be written ({exc})") from exc
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


def _check_replaceable(label: str, dest: Path) -> None:
    """Refuse to replace anything at ``dest`` that is not a bundle or an empty folder."""
    if not dest.exists() and not dest.is_symlink():
        return
    if dest.is_symlink() or not dest.is_dir():
        raise BundleError(f"{label}: exists and is not a bundle directory; refusing to replace it")
    if (dest / MANIFEST_FILE).is_file() or not any(dest.iterdir()):
        return
    raise BundleError(
        f"{label}: exists and is not a bundle (no {MANIFEST_FILE}); refusing to replace it"
    )


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


def _library_versions() -> dict[str, str]:
    """Versions of the libraries that wrote the bundle."""
    return {
        "python": platform.python_version(),
        "lightgbm": _dist_version("lightgbm"),
        "pandas": pd.__version__,
        "numpy": np.__version__,
        "scikit-learn": _dist_version("scikit-learn"),
        "xingnong": _dist_version("xingnong"),
    }


def _dist_version(dist: str) -> str:
    """Installed version of a distribution, or ``"unknown"``."""
    try:
        return importlib_metadata.version(dist)
    except importlib_metadata.PackageNotFoundError:
        return "unknown"


def _fsync_file(path: Path) -> None:
    """Flush a written file to disk."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_dir(path: Path) -> None:
    """Flush a directory's entries to disk (best effort: not every OS allows it)."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _move_into_place(label: str, tmp: Path, dest: Path) -> None:
    """Move the complete new bundle ``tmp`` to ``dest``, replacing any bundle there.

    On success ``tmp`` no longer exists; on failure ``dest`` is as it was before.
    """
    parent = dest.parent if str(dest.parent) else Path(".")
    if not dest.exists():
        try:
            os.rename(tmp, dest)
        except OSError as exc:
            raise BundleError(f"{label}: cannot move the new bundle into place ({exc})") from exc
        _fsync_dir(parent)
        return

    if _exchange(tmp, dest):
        # ``dest`` now holds the new bundle and ``tmp`` the old one.
        _fsync_dir(parent)
        shutil.rmtree(tmp, ignore_errors=True)
        return

    old = parent / f".old-{dest.name}-{uuid.uuid4().hex[:12]}"
    try:
        os.rename(dest, old)
    except OSError as exc:
        raise BundleError(f"{label}: cannot move the old bundle aside ({exc})") from exc
    try:
        os.rename(tmp, dest)
    except OSError as exc:
        os.rename(old, dest)
        raise BundleError(f"{label}: cannot move the new bundle into place ({exc})") from exc
    _fsync_dir(parent)
    shutil.rmtree(old, ignore_errors=True)


_AT_FDCWD = -100
_RENAME_EXCHANGE = 2


def _exchange(a: Path, b: Path) -> bool:
    """Atomically swap two directory entries with Linux ``renameat2``; False if unsupported."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    renameat2.argtypes = [
        ctypes.c_int,
        ctypes.c_char_p,
        ctypes.c_int,
        ctypes.c_char_p,
        ctypes.c_uint,
    ]
    renameat2.restype = ctypes.c_int
    result = renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE)
    if result == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EPERM):
        return False
    raise OSError(err, os.strerror(err), str(b))


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
    files, _ = _read_verified(Path(path), f"bundle {path}", keep_bytes=False)
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
        return hashlib.sha256(manifest_path.read_bytes()).hexdigest()
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
    files, blobs = _read_verified(bundle_path, label, keep_bytes=True)
    digest = hashlib.sha256(blobs[MANIFEST_FILE]).hexdigest()

    try:
        metadata = json.loads(blobs[METADATA_FILE].decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise BundleError(f"{label}: {METADATA_FILE} is not valid JSON ({exc})") from exc
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
        blob = _declared_blob(label, blobs, file_name, _MODEL_FILE, name)
        try:
            boosters[name] = lightgbm.Booster(model_str=blob.decode("utf-8"))
        except Exception as exc:
            raise BundleError(f"{label}: {file_name} is not a LightGBM model ({exc})") from exc
    tables: dict[str, pd.DataFrame] = {}
    for name, file_name in declared.get("tables", {}).items():
        blob = _declared_blob(label, blobs, file_name, _TABLE_FILE, name)
        try:
            tables[name] = pd.read_parquet(io.BytesIO(blob), engine="pyarrow")
        except Exception as exc:
            raise BundleError(f"{label}: {file_name} is not a Parquet table ({exc})") from exc
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


def _read_verified(
    path: Path, label: str, *, keep_bytes: bool
) -> tuple[dict[str, str], dict[str, bytes]]:
    """Verify a bundle directory; optionally return the verified bytes of every file.

    Returns:
        The manifest's file digests and (when ``keep_bytes``) the bytes of every listed file
        plus ``MANIFEST.json``, read exactly once so that what was verified is what is parsed.
    """
    if not path.exists():
        raise BundleError(f"{label}: not found")
    if not path.is_dir():
        raise BundleError(f"{label}: is not a directory")
    try:
        manifest_bytes = (path / MANIFEST_FILE).read_bytes()
    except FileNotFoundError as exc:
        raise BundleError(f"{label}: no {MANIFEST_FILE} (not a bundle, or incomplete)") from exc
    except OSError as exc:
        raise BundleError(f"{label}: cannot read {MANIFEST_FILE} ({exc})") from exc

    key = _bundle_key()
    if key is not None:
        _check_signature(path, label, key, manifest_bytes)

    files = _parse_manifest(label, manifest_bytes)

    present = {p.name for p in path.iterdir()}
    unlisted = sorted(present - set(files) - {MANIFEST_FILE, SIGNATURE_FILE})
    if unlisted:
        raise BundleError(
            f"{label}: {', '.join(unlisted)} not listed in {MANIFEST_FILE} (added after saving)"
        )

    blobs: dict[str, bytes] = {MANIFEST_FILE: manifest_bytes} if keep_bytes else {}
    for name, expected in files.items():
        file_path = path / name
        if not file_path.is_file() or file_path.is_symlink():
            if not file_path.exists():
                raise BundleError(f"{label}: {name} is missing")
            raise BundleError(f"{label}: {name} is not a regular file")
        try:
            if keep_bytes:
                data = file_path.read_bytes()
                actual = hashlib.sha256(data).hexdigest()
                blobs[name] = data
            else:
                actual = _sha256_file(file_path)
        except OSError as exc:
            raise BundleError(f"{label}: cannot read {name} ({exc})") from exc
        if not hmac.compare_digest(actual, expected):
            raise BundleError(f"{label}: {name} was changed after it was saved (SHA-256 mismatch)")
    return files, blobs


def _parse_manifest(label: str, manifest_bytes: bytes) -> dict[str, str]:
    """Parse and check the structure of MANIFEST.json."""
    try:
        manifest = json.loads(manifest_bytes.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise BundleError(f"{label}: {MANIFEST_FILE} is not valid JSON ({exc})") from exc
    if not isinstance(manifest, dict):
        raise BundleError(f"{label}: {MANIFEST_FILE} is not a JSON object")
    version = manifest.get("schema_version")
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise BundleError(f"{label}: {MANIFEST_FILE} has no valid schema_version")
    if version > SCHEMA_VERSION:
        raise BundleError(
            f"{label}: made by a newer xingnong (bundle schema {version}, this version reads "
            f"up to {SCHEMA_VERSION}); upgrade xingnong to load it"
        )
    if manifest.get("algorithm") != HASH_ALGORITHM:
        raise BundleError(
            f"{label}: {MANIFEST_FILE} uses algorithm {manifest.get('algorithm')!r}, "
            f"expected {HASH_ALGORITHM!r}"
        )
    files = manifest.get("files")
    if not isinstance(files, dict):
        raise BundleError(f"{label}: {MANIFEST_FILE} has no 'files' object")
    for name, digest in files.items():
        known = name == METADATA_FILE or _MODEL_FILE.fullmatch(name) or _TABLE_FILE.fullmatch(name)
        if not known:
            raise BundleError(f"{label}: {MANIFEST_FILE} lists an unexpected file {name!r}")
        if not isinstance(digest, str) or not _HEX_DIGEST.fullmatch(digest):
            raise BundleError(f"{label}: {MANIFEST_FILE} has an invalid digest for {name}")
    if METADATA_FILE not in files:
        raise BundleError(f"{label}: {MANIFEST_FILE} does not list {METADATA_FILE}")
    return dict(files)


def _check_signature(path: Path, label: str, key: bytes, manifest_bytes: bytes) -> None:
    """Require a MANIFEST.sig that matches the manifest under ``key``."""
    try:
        signature = (path / SIGNATURE_FILE).read_text(encoding="ascii").strip()
    except FileNotFoundError as exc:
        raise BundleError(
            f"{label}: is not signed ({SIGNATURE_FILE} missing) but {ENV_BUNDLE_KEY} is set"
        ) from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise BundleError(f"{label}: cannot read {SIGNATURE_FILE} ({exc})") from exc
    if not hmac.compare_digest(signature, _sign(key, manifest_bytes)):
        raise BundleError(
            f"{label}: signature does not match (signed with another key, or "
            f"{MANIFEST_FILE} was changed)"
        )


def _bundle_key() -> bytes | None:
    """The signing key from the environment, or None when unset or empty."""
    key = os.environ.get(ENV_BUNDLE_KEY)
    return key.encode("utf-8") if key else None


def _sign(key: bytes, data: bytes) -> str:
    """Hex HMAC-SHA256 of ``data``."""
    return hmac.new(key, data, hashlib.sha256).hexdigest()


def _sha256_file(path: Path) -> str:
    """Hex SHA-256 of a file, read in chunks."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()
