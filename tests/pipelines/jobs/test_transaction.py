"""The run lock and the cleaning of what interrupted runs left behind."""

import hashlib
import json
import os

import pytest

from pipelines.jobs.transaction import JOURNAL_FILE, RunBusy, run_lock, settle
from recommender.bundle import staging_path


def test_a_second_run_is_told_who_holds_the_lock(tmp_path):
    home = tmp_path / "home"
    busy = pytest.raises(RunBusy, match=rf"process {os.getpid()}, since")
    with run_lock(home), busy, run_lock(home):
        pass
    with run_lock(home):  # released when the first finished
        pass


def test_leftovers_of_interrupted_writes_are_removed_under_the_lock(tmp_path):
    # given what a killed run leaves beside its outputs, and a user's own hidden folder
    out, bundle = tmp_path / "artifacts", tmp_path / "models" / "demand"
    for leftover in (tmp_path / ".tmp-artifacts-x1", bundle.parent / ".old-demand-y2"):
        (leftover / "sub").mkdir(parents=True)
    (tmp_path / ".tmp-mine").mkdir()
    # when a run takes the lock
    with run_lock(tmp_path / "home", out, bundle):
        pass
    # then only the run's own leftovers are gone
    assert not (tmp_path / ".tmp-artifacts-x1").exists()
    assert not (bundle.parent / ".old-demand-y2").exists()
    assert (tmp_path / ".tmp-mine").exists()


def _interrupted_swap(tmp_path):
    """Run 2's artifacts staged and journaled, as a run killed between its two moves leaves."""
    out = tmp_path / "artifacts"
    for folder, run in ((out, "1"), (staging_path(out, "new"), "2")):
        folder.mkdir(parents=True)
        (folder / "MANIFEST.json").write_text(run, encoding="utf-8")
    staged = next(tmp_path.glob(".tmp-artifacts-*"))
    digest = hashlib.sha256(b"2").hexdigest()
    moves = [{"label": "artifacts", "src": str(staged), "dest": str(out), "manifest": digest}]
    home = tmp_path / "home"
    home.mkdir(exist_ok=True)
    (home / JOURNAL_FILE).write_text(json.dumps({"moves": moves}), encoding="utf-8")
    return home, out


def test_the_next_lock_holder_finishes_an_interrupted_swap(tmp_path):
    # given a swap a killed run journaled
    home, out = _interrupted_swap(tmp_path)
    # when the next run takes the lock
    with run_lock(home, out):
        pass
    # then the journaled artifacts are in place, and neither journal nor staged folder is left
    assert (out / "MANIFEST.json").read_text(encoding="utf-8") == "2"
    assert not (home / JOURNAL_FILE).exists()
    assert not list(tmp_path.glob(".tmp-*"))


def test_a_reader_settles_an_interrupted_swap_unless_a_run_is_under_way(tmp_path):
    # given a run holding the lock while a journaled swap is pending
    with run_lock(tmp_path / "home"):
        home, out = _interrupted_swap(tmp_path)
        # when a reader settles / then it leaves the swap to the run
        settle(home)
        assert (out / "MANIFEST.json").read_text(encoding="utf-8") == "1"
    # when it settles with no run under way / then the swap is finished
    settle(home)
    assert (out / "MANIFEST.json").read_text(encoding="utf-8") == "2"
    assert not (home / JOURNAL_FILE).exists()
