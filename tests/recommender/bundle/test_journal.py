"""Tests of folders replaced together: the journal and the finishing of an interrupted swap."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from recommender.bundle import atomic, journal
from recommender.bundle.atomic import staging_path
from recommender.bundle.journal import finish_replacing, replace_together
from recommender.errors import XingnongError


def _folder(path: Path, run: str) -> Path:
    path.mkdir(parents=True)
    (path / "MANIFEST.json").write_text(json.dumps({"run": run}), encoding="utf-8")
    (path / "forecast.csv").write_text(run, encoding="utf-8")
    return path


def _run(path: Path) -> str:
    return json.loads((path / "MANIFEST.json").read_text(encoding="utf-8"))["run"]


@pytest.fixture
def served(tmp_path: Path) -> tuple[Path, Path]:
    """Run 1's bundle and artifacts in place."""
    return _folder(tmp_path / "models" / "demand", "1"), _folder(tmp_path / "artifacts", "1")


def _staged(bundle: Path, out: Path, run: str) -> list[tuple[str, Path, Path]]:
    new_bundle = _folder(staging_path(bundle, "run") / bundle.name, run)
    new_out = _folder(staging_path(out, "new"), run)
    return [("bundle", new_bundle, bundle), ("artifacts", new_out, out)]


def test_both_folders_are_replaced_and_the_journal_removed(served, tmp_path):
    # given run 2 staged beside run 1
    bundle, out = served
    moves = _staged(bundle, out, "2")
    # when they are replaced together
    replace_together(tmp_path / ".run.journal", moves)
    # then both serve run 2 and no journal is left
    assert (_run(bundle), _run(out)) == ("2", "2")
    assert not (tmp_path / ".run.journal").exists()


def test_a_swap_killed_half_way_is_finished_by_the_next_holder(served, tmp_path, monkeypatch):
    # given run 2 staged, and a process that dies after moving the bundle only
    bundle, out = served
    moves = _staged(bundle, out, "2")
    real = atomic.replace_folder
    calls = []

    def dies_second(label, src, dest):
        calls.append(label)
        if len(calls) == 2:
            raise KeyboardInterrupt  # stands for the kill: nothing after it runs
        real(label, src, dest)

    monkeypatch.setattr(journal, "replace_folder", dies_second)
    with pytest.raises(KeyboardInterrupt):
        replace_together(tmp_path / ".run.journal", moves)
    assert (_run(bundle), _run(out)) == ("2", "1")  # the mix a reader must never be served
    monkeypatch.setattr(journal, "replace_folder", real)
    # when the journal is finished
    done = finish_replacing(tmp_path / ".run.journal")
    # then the artifacts follow the bundle, and the journal is gone
    assert done == [out]
    assert (_run(bundle), _run(out)) == ("2", "2")
    assert not (tmp_path / ".run.journal").exists()


def test_a_folder_already_moved_is_not_moved_back(served, tmp_path, monkeypatch):
    # given a kill after the exchange left the OLD bundle at the staged path, before removal
    bundle, out = served
    moves = _staged(bundle, out, "2")
    journal_file = tmp_path / ".run.journal"
    monkeypatch.setattr(journal, "replace_folder", lambda *a: (_ for _ in ()).throw(SystemExit))
    with pytest.raises(SystemExit):
        replace_together(journal_file, moves)
    monkeypatch.undo()
    staged_bundle, aside = moves[0][1], tmp_path / "aside"
    staged_bundle.rename(aside)  # the exchange: new bundle in place, old one at the staged path
    bundle.rename(staged_bundle)
    aside.rename(bundle)
    assert (_run(bundle), _run(staged_bundle)) == ("2", "1")
    # when the journal is finished
    finish_replacing(journal_file)
    # then the bundle stays run 2 (the old folder is not swapped back) and the artifacts follow
    assert (_run(bundle), _run(out)) == ("2", "2")


def test_a_journal_that_is_not_ours_is_ignored_and_removed(served, tmp_path):
    # given journals naming a folder outside any staging path, or that are not JSON at all
    bundle, out = served
    intruder = _folder(tmp_path / "elsewhere", "x")
    bad = [
        json.dumps(
            {
                "moves": [
                    {"label": "x", "src": str(intruder), "dest": str(out), "manifest": "0" * 64}
                ]
            }
        ),  # fmt: skip
        "{not json",
        json.dumps({"moves": 3}),
    ]
    for text in bad:
        (tmp_path / ".run.journal").write_text(text, encoding="utf-8")
        # when it is finished / then nothing moves and the journal is gone
        assert finish_replacing(tmp_path / ".run.journal") == []
        assert (_run(bundle), _run(out)) == ("1", "1")
        assert intruder.exists()
        assert not (tmp_path / ".run.journal").exists()


def test_no_journal_is_nothing_to_do(tmp_path):
    assert finish_replacing(tmp_path / ".run.journal") == []


def test_only_staged_folders_with_a_manifest_are_swapped_in(served, tmp_path):
    # given a folder that is not a staging path of its destination, and one without a manifest
    bundle, out = served
    loose = _folder(tmp_path / "loose", "2")
    bare = staging_path(out, "new")
    bare.mkdir()
    # when either is swapped in / then a one-line error, nothing journaled or moved
    for src in (loose, bare):
        with pytest.raises(XingnongError, match="not a staged folder with a manifest"):
            replace_together(tmp_path / ".run.journal", [("artifacts", src, out)])
    assert _run(out) == "1"
    assert not (tmp_path / ".run.journal").exists()
