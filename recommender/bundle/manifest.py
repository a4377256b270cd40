"""Bundle manifests: the SHA-256 of every file of a bundle, optionally signed with HMAC-SHA256."""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import re
from pathlib import Path

from recommender.bundle.limits import load_json, read_small
from recommender.config import ENV_BUNDLE_KEY
from recommender.errors import BundleError

__all__ = [
    "HASH_ALGORITHM",
    "MANIFEST_FILE",
    "METADATA_FILE",
    "MODEL_FILE_PATTERN",
    "SCHEMA_VERSION",
    "SIGNATURE_FILE",
    "TABLE_FILE_PATTERN",
    "read_verified",
    "write_manifest",
]

SCHEMA_VERSION = 1
"""Version of the on-disk layout; bundles with a higher number are refused."""

MANIFEST_FILE = "MANIFEST.json"
SIGNATURE_FILE = "MANIFEST.sig"
METADATA_FILE = "metadata.json"
HASH_ALGORITHM = "sha256"

MODEL_FILE_PATTERN = re.compile(r"model_([a-z0-9_]+)\.txt")
"""A model file name; group 1 is the booster's name."""
TABLE_FILE_PATTERN = re.compile(r"table_([a-z0-9_]+)\.parquet")
"""A table file name; group 1 is the table's name."""

_SIGNATURE_BYTES = 1024
_HEX_DIGEST = re.compile(r"[0-9a-f]{64}")
_CHUNK = 1 << 20


def write_manifest(directory: Path) -> None:
    """Write ``MANIFEST.json`` over every file in a folder, and ``MANIFEST.sig`` when keyed.

    The manifest is ``{"schema_version", "algorithm": "sha256", "files": {file name: hex
    SHA-256}}``; the signature, written only when the environment variable
    XINGNONG_BUNDLE_KEY is set, is the hex HMAC-SHA256 of the manifest's bytes.

    Args:
        directory: A folder holding the bundle's files and nothing else.

    Raises:
        OSError: A file cannot be read or written.
    """
    digests = {p.name: _sha256_file(p) for p in sorted(directory.iterdir())}
    manifest = {"schema_version": SCHEMA_VERSION, "algorithm": HASH_ALGORITHM, "files": digests}
    manifest_bytes = (json.dumps(manifest, indent=2, sort_keys=True) + "\n").encode("utf-8")
    (directory / MANIFEST_FILE).write_bytes(manifest_bytes)
    key = _bundle_key()
    if key is not None:
        (directory / SIGNATURE_FILE).write_text(_sign(key, manifest_bytes) + "\n", encoding="ascii")


def read_verified(
    path: Path, label: str, *, keep_bytes: bool
) -> tuple[dict[str, str], dict[str, bytes]]:
    """Verify a bundle directory; optionally return the verified bytes of every file.

    Checks the signature when XINGNONG_BUNDLE_KEY is set, the manifest's structure and
    version, that no file was added, and the digest of every listed file.

    Args:
        path: The bundle directory.
        label: How errors name the bundle, e.g. ``"bundle models/demand"``.
        keep_bytes: Also return the bytes of every file.

    Returns:
        The manifest's file digests and (when ``keep_bytes``) the bytes of every listed file
        plus ``MANIFEST.json``, read exactly once so that what was verified is what is parsed.

    Raises:
        BundleError: One clear line naming the bundle and the problem.
    """
    if not path.exists():
        raise BundleError(f"{label}: not found")
    if not path.is_dir():
        raise BundleError(f"{label}: is not a directory")
    try:
        manifest_bytes = read_small(path / MANIFEST_FILE, label)
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


def listed_files(path: Path, label: str) -> dict[str, str]:
    """The files a bundle folder's manifest lists, checking that it holds nothing else.

    Digests are not checked (see :func:`read_verified`): this tells a folder this package
    wrote from any other folder, even when a file in it was damaged since.

    Raises:
        FileNotFoundError: No ``MANIFEST.json``.
        BundleError: The manifest is not a bundle's, or the folder holds files it does not list.
    """
    files = _parse_manifest(label, read_small(path / MANIFEST_FILE, label))
    present = {p.name for p in path.iterdir()}
    unlisted = sorted(present - set(files) - {MANIFEST_FILE, SIGNATURE_FILE})
    if unlisted:
        raise BundleError(f"{label}: {', '.join(unlisted)} not listed in {MANIFEST_FILE}")
    return files


def _parse_manifest(label: str, manifest_bytes: bytes) -> dict[str, str]:
    """Parse and check the structure of MANIFEST.json."""
    manifest = load_json(manifest_bytes, label, MANIFEST_FILE)
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
        known = (
            name == METADATA_FILE
            or MODEL_FILE_PATTERN.fullmatch(name)
            or TABLE_FILE_PATTERN.fullmatch(name)
        )
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
        signature = read_small(path / SIGNATURE_FILE, label, _SIGNATURE_BYTES).decode("ascii")
        signature = signature.strip()
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
