"""Tests of bundle manifests: digests, tamper refusal, schema versions and signing."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from recommender.bundle.manifest import (
    MANIFEST_FILE,
    SCHEMA_VERSION,
    SIGNATURE_FILE,
    read_verified,
    write_manifest,
)
from recommender.errors import BundleError

LABEL = "bundle models/demand"
FILES = {
    "metadata.json": b'{"features": ["f0", "f1"], "name": "\xe5\x85\xb4\xe5\x86\x9c"}\n',
    "model_point.txt": b"tree\nversion=v4\n" + b"split_feature=0 1\n" * 40,
    "model_q90.txt": b"tree\nversion=v4\n" + b"leaf_value=0.5 1.5\n" * 40,
    "table_history.parquet": b"PAR1" + bytes(range(256)) + b"PAR1",
}


def _write_folder(folder: Path) -> Path:
    folder.mkdir(parents=True)
    for name, data in FILES.items():
        (folder / name).write_bytes(data)
    write_manifest(folder)
    return folder


@pytest.fixture
def saved(tmp_path: Path) -> Path:
    return _write_folder(tmp_path / "models" / "demand")


def _load(path: Path) -> dict[str, bytes]:
    return read_verified(path, LABEL, keep_bytes=True)[1]


def test_manifest_lists_the_digest_of_every_file(saved):
    # Given a folder with a manifest written over it
    manifest = json.loads((saved / MANIFEST_FILE).read_text(encoding="utf-8"))
    # When it is verified, with and without keeping the bytes
    files, blobs = read_verified(saved, LABEL, keep_bytes=True)
    digests_only, no_blobs = read_verified(saved, LABEL, keep_bytes=False)
    # Then every file is listed with its SHA-256 and the verified bytes are the files' bytes
    assert manifest["schema_version"] == SCHEMA_VERSION
    assert manifest["algorithm"] == "sha256"
    assert manifest["files"] == {n: hashlib.sha256(d).hexdigest() for n, d in FILES.items()}
    assert files == digests_only == manifest["files"]
    assert blobs == {**FILES, MANIFEST_FILE: (saved / MANIFEST_FILE).read_bytes()}
    assert no_blobs == {}
    assert not (saved / SIGNATURE_FILE).exists()


def test_flipped_byte_in_model_is_refused(saved):
    # Given a model file with one byte changed
    path = saved / "model_point.txt"
    raw = bytearray(path.read_bytes())
    raw[len(raw) // 2] ^= 0x01
    path.write_bytes(bytes(raw))
    # When / then verifying names the bundle, the file and the problem
    with pytest.raises(BundleError, match=r"model_point\.txt was changed after it was saved"):
        _load(saved)


def test_changed_metadata_is_refused(saved):
    # Given metadata.json edited after saving
    path = saved / "metadata.json"
    meta = json.loads(path.read_text(encoding="utf-8"))
    meta["features"] = ["f1", "f0"]
    path.write_text(json.dumps(meta), encoding="utf-8")
    # When / then
    with pytest.raises(BundleError, match=r"metadata\.json was changed"):
        _load(saved)


def test_deleted_file_is_refused(saved):
    # Given a table file removed
    (saved / "table_history.parquet").unlink()
    # When / then
    with pytest.raises(BundleError, match=r"table_history\.parquet is missing"):
        _load(saved)


def test_missing_manifest_is_refused(saved):
    # Given a bundle without its manifest
    (saved / "MANIFEST.json").unlink()
    # When / then
    with pytest.raises(BundleError, match=r"no MANIFEST\.json"):
        _load(saved)


def test_unlisted_file_is_refused(saved):
    # Given an extra model file dropped into the bundle
    (saved / "model_extra.txt").write_bytes(FILES["model_point.txt"])
    # When / then
    with pytest.raises(BundleError, match=r"model_extra\.txt not listed in MANIFEST\.json"):
        read_verified(saved, LABEL, keep_bytes=False)


def test_newer_schema_is_refused(saved):
    # Given a manifest written by a future version
    path = saved / "MANIFEST.json"
    manifest = json.loads(path.read_text(encoding="utf-8"))
    manifest["schema_version"] = SCHEMA_VERSION + 1
    path.write_text(json.dumps(manifest), encoding="utf-8")
    # When / then
    with pytest.raises(BundleError, match="made by a newer xingnong"):
        _load(saved)


def test_manifest_with_path_outside_bundle_is_refused(saved):
    # Given a manifest that lists a path outside the bundle
    path = saved / "MANIFEST.json"
    manifest = json.loads(path.read_text(encoding="utf-8"))
    manifest["files"]["../secret.txt"] = "0" * 64
    path.write_text(json.dumps(manifest), encoding="utf-8")
    # When / then
    with pytest.raises(BundleError, match="unexpected file"):
        _load(saved)


def test_missing_bundle_is_a_clear_error(tmp_path):
    # Given no bundle / When / Then
    with pytest.raises(BundleError, match=r"bundle .*nowhere: not found"):
        read_verified(tmp_path / "nowhere", f"bundle {tmp_path / 'nowhere'}", keep_bytes=True)


def test_signed_bundle_loads_with_its_key(tmp_path, monkeypatch):
    # Given a key in the environment when saving
    monkeypatch.setenv("XINGNONG_BUNDLE_KEY", "s3cret")
    path = _write_folder(tmp_path / "b")
    # When verifying with the same key
    blobs = _load(path)
    # Then the signature exists and is accepted
    assert (path / "MANIFEST.sig").is_file()
    assert blobs["metadata.json"] == FILES["metadata.json"]


def test_signed_bundle_is_refused_with_another_key(tmp_path, monkeypatch):
    # Given a bundle signed with one key
    monkeypatch.setenv("XINGNONG_BUNDLE_KEY", "s3cret")
    path = _write_folder(tmp_path / "b")
    # When verifying with another key
    monkeypatch.setenv("XINGNONG_BUNDLE_KEY", "other")
    # Then it is refused
    with pytest.raises(BundleError, match="signature does not match"):
        _load(path)


def test_re_hashed_manifest_is_refused_when_signed(tmp_path, monkeypatch):
    # Given a signed bundle whose metadata and manifest digest were both rewritten
    monkeypatch.setenv("XINGNONG_BUNDLE_KEY", "s3cret")
    path = _write_folder(tmp_path / "b")
    (path / "metadata.json").write_text("{}", encoding="utf-8")
    manifest = json.loads((path / "MANIFEST.json").read_text(encoding="utf-8"))
    manifest["files"]["metadata.json"] = hashlib.sha256(b"{}").hexdigest()
    (path / "MANIFEST.json").write_text(json.dumps(manifest), encoding="utf-8")
    # When / then: the signature no longer matches
    with pytest.raises(BundleError, match="signature does not match"):
        _load(path)


def test_unsigned_bundle_is_refused_when_a_key_is_set(saved, monkeypatch):
    # Given a bundle saved without a key
    assert not (saved / "MANIFEST.sig").exists()
    # When a key is set at load time
    monkeypatch.setenv("XINGNONG_BUNDLE_KEY", "s3cret")
    # Then it is refused
    with pytest.raises(BundleError, match="is not signed"):
        _load(saved)
