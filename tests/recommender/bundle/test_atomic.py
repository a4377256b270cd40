"""Tests of atomic folder writes: first write, replacement with and without exchange, failures."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from recommender.bundle.atomic import atomic_folder, write_atomic
from recommender.errors import BundleError, XingnongError

LABEL = "bundle models/demand"


def _leftovers(parent: Path) -> list[str]:
    return sorted(p.name for p in parent.iterdir() if p.name.startswith((".tmp-", ".old-")))


def _write(dest: Path, files: dict[str, str]) -> Path:
    with atomic_folder(LABEL, dest) as tmp:
        for name, text in files.items():
            (tmp / name).write_text(text, encoding="utf-8")
    return dest


def _contents(folder: Path) -> dict[str, str]:
    return {p.name: p.read_text(encoding="utf-8") for p in sorted(folder.iterdir())}


@pytest.fixture
def saved(tmp_path: Path) -> Path:
    return _write(tmp_path / "models" / "demand", {"MANIFEST.json": "{}", "model_point.txt": "v1"})


def test_first_write_creates_the_folder_and_its_parent(saved):
    # Given a folder written where nothing was (the parent "models" did not exist either)
    # When its content is read
    # Then it holds exactly the files written, with no temporary folder left beside it
    assert _contents(saved) == {"MANIFEST.json": "{}", "model_point.txt": "v1"}
    assert _leftovers(saved.parent) == []


def test_overwrite_replaces_the_old_folder(saved):
    # Given an existing folder
    # When another is written at the same place
    _write(saved, {"MANIFEST.json": "{}", "model_other.txt": "v2"})
    # Then only the new files are there and nothing is left behind
    assert _contents(saved) == {"MANIFEST.json": "{}", "model_other.txt": "v2"}
    assert _leftovers(saved.parent) == []


def test_overwrite_without_atomic_exchange_also_works(saved, monkeypatch):
    # Given an OS without renameat2 (the two-rename fallback)
    monkeypatch.setattr("recommender.bundle.atomic._exchange", lambda a, b: False)
    # When a folder is overwritten
    _write(saved, {"MANIFEST.json": "{}", "model_other.txt": "v3"})
    # Then the new folder is in place and nothing is left behind
    assert _contents(saved) == {"MANIFEST.json": "{}", "model_other.txt": "v3"}
    assert _leftovers(saved.parent) == []


def test_other_errors_are_wrapped_and_keep_the_old_folder(saved):
    # Given an existing folder
    before = _contents(saved)
    # When writing the new one fails with an ordinary exception halfway through
    message = r"bundle models/demand: cannot be written \(disk full\)"
    with (
        pytest.raises(BundleError, match=message),
        atomic_folder(LABEL, saved, error=BundleError) as tmp,
    ):
        (tmp / "model_point.txt").write_text("half", encoding="utf-8")
        raise RuntimeError("disk full")
    # Then the old folder is untouched and no temporary folder remains
    assert _contents(saved) == before
    assert _leftovers(saved.parent) == []


def test_bundle_errors_pass_through_unchanged(tmp_path):
    # Given no folder yet
    dest = tmp_path / "b"
    # When the caller raises its own BundleError inside the block
    refused = pytest.raises(BundleError, match=r"^cannot save booster 'zz'$")
    with refused, atomic_folder(LABEL, dest, error=BundleError):
        raise BundleError("cannot save booster 'zz'")
    # Then it reaches the caller as it was and neither the folder nor a temp folder exists
    assert sorted(p.name for p in tmp_path.iterdir()) == []


def test_failed_move_keeps_the_old_folder(saved, monkeypatch):
    # Given an OS without renameat2 on which the second rename fails
    monkeypatch.setattr("recommender.bundle.atomic._exchange", lambda a, b: False)
    before = _contents(saved)
    real_rename = os.rename

    def rename(src, dst):
        if Path(src).name.startswith(".tmp-"):
            raise OSError("read-only file system")
        real_rename(src, dst)

    monkeypatch.setattr(os, "rename", rename)
    # When a folder is overwritten
    with pytest.raises(XingnongError, match="cannot move the new folder into place"):
        _write(saved, {"model_other.txt": "v4"})
    # Then the old folder is back in place and nothing is left behind
    assert _contents(saved) == before
    assert _leftovers(saved.parent) == []


def test_a_failed_file_write_keeps_the_old_file_and_leaves_no_temp_file(tmp_path):
    # given a file already saved
    path = tmp_path / "out.csv"
    path.write_text("old")

    def crash(tmp):
        tmp.write_text("half")
        raise RuntimeError("disk died")

    # when a new write fails half-way
    with pytest.raises(RuntimeError):
        write_atomic(path, crash)
    # then the old content is intact and nothing else is left behind
    assert path.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["out.csv"]


def test_an_unwritable_file_destination_is_a_one_line_error(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(XingnongError, match="cannot write"):
        write_atomic(blocker / "sub" / "out.csv", lambda tmp: tmp.write_text("new"))


def test_a_written_file_is_readable_by_others_like_any_saved_file(tmp_path):
    # given nothing yet; when a file is written atomically
    path = write_atomic(tmp_path / "a.txt", lambda tmp: tmp.write_text("x"))
    # then it is whole and has ordinary permissions (not the temporary file's owner-only)
    assert path.read_text() == "x"
    assert path.stat().st_mode & 0o777 == 0o644
