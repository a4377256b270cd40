"""The run lock and the cleaning of what interrupted runs left behind."""

import os

import pytest

from pipelines.jobs.transaction import RunBusy, run_lock


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
