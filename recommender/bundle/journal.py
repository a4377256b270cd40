"""Folders replaced together: a journal written first lets a killed swap be finished later."""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Sequence
from pathlib import Path

from recommender.bundle.atomic import is_staged, replace_folder, write_atomic
from recommender.bundle.limits import read_small
from recommender.bundle.manifest import MANIFEST_FILE
from recommender.errors import XingnongError

__all__ = ["finish_replacing", "replace_together"]

log = logging.getLogger(__name__)


def replace_together(journal: Path, moves: Sequence[tuple[str, Path, Path]]) -> None:
    """Move complete staged folders to their destinations as one step a kill cannot split.

    Each staged folder must hold a ``MANIFEST.json`` and be a staging path of its destination
    (:func:`recommender.bundle.atomic.staging_path`, or a folder in one). The moves, with the
    SHA-256 of each staged manifest, are written to ``journal`` first (synced); then each
    folder is moved into place and the journal removed. A process killed in between leaves
    the journal, and :func:`finish_replacing` completes the moves.

    Args:
        journal: Where the journal file goes (the project folder, under its run lock).
        moves: ``(label, staged folder, destination)`` for each folder.

    Raises:
        XingnongError: A staged folder is not laid out as above, or a move failed (the
            journal is then kept, so the next :func:`finish_replacing` completes it).
    """
    entries = []
    for label, src, dest in moves:
        digest = _digest(src) if is_staged(src, dest) else None
        if digest is None:
            raise XingnongError(f"{label}: {src.name} is not a staged folder with a manifest")
        entries.append({"label": label, "src": str(src), "dest": str(dest), "manifest": digest})
    body = json.dumps({"moves": entries}, ensure_ascii=False).encode("utf-8")
    write_atomic(journal, lambda tmp: tmp.write_bytes(body))
    for label, src, dest in moves:
        replace_folder(label, src, dest)
    journal.unlink()


def finish_replacing(journal: Path) -> list[Path]:
    """Complete the moves an interrupted :func:`replace_together` journaled, then drop the journal.

    A destination whose manifest is already the journaled one is left alone (it was moved
    before the kill); a staged folder still holding the journaled manifest is moved into place.
    Anything else (a journal that is not ours, or names a folder that is not a staging path of
    its destination) is logged and the journal removed. Call it only while no run can be
    writing (under the run lock).

    Args:
        journal: The journal file (absent: nothing to do).

    Returns:
        The destinations moved into place now.
    """
    if not journal.is_file():
        return []
    done: list[Path] = []
    try:
        moves = json.loads(read_small(journal, journal.name))["moves"]
        for entry in moves:
            src, dest = Path(entry["src"]), Path(entry["dest"])
            if not is_staged(src, dest):
                raise ValueError(f"{src.name} is not a staging folder of {dest.name}")
            if _digest(dest) == entry["manifest"]:
                continue
            if _digest(src) == entry["manifest"]:
                replace_folder(entry["label"], src, dest)
                done.append(dest)
            else:
                log.warning("%s: the interrupted replacement cannot be finished", entry["label"])
    except (OSError, ValueError, KeyError, TypeError, XingnongError) as exc:
        log.warning("%s is not a journal of this project (%s); ignored", journal.name, exc)
    journal.unlink(missing_ok=True)
    return done


def _digest(folder: Path) -> str | None:
    """SHA-256 of a folder's ``MANIFEST.json`` (None when it has none)."""
    path = folder / MANIFEST_FILE
    if not path.is_file():
        return None
    return hashlib.sha256(read_small(path, str(path.name))).hexdigest()
