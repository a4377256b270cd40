"""One run at a time, all or nothing: a lock in the project folder, outputs swapped in whole."""

from __future__ import annotations

import fcntl
import logging
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from recommender.bundle import finish_replacing, remove_leftovers
from recommender.errors import XingnongError

log = logging.getLogger(__name__)

LOCK_FILE = ".run.lock"
"""The lock a run holds in the project folder (the operating system frees it if the run dies)."""

JOURNAL_FILE = ".run.journal"
"""The folders a run is swapping in together (see :func:`recommender.bundle.replace_together`);
present only while it swaps, or after it was killed doing so."""


class RunBusy(XingnongError):
    """Another run holds the project folder's lock."""


@contextmanager
def run_lock(home: Path, *cleaned: Path) -> Iterator[None]:
    """Hold the project folder's run lock, or fail at once saying who holds it.

    With the lock held, a swap an interrupted run journaled is finished (its outputs were
    complete), then what interrupted runs left beside ``cleaned`` folders (temporary and old
    folders of atomic writes) is removed: no other run can be writing there.

    Args:
        home: The project folder.
        cleaned: Folders whose leftovers to remove once the lock is held.

    Yields:
        Nothing; the lock is released when the block ends (or the process does).

    Raises:
        RunBusy: Another run holds the lock (the message says which process, since when).
    """
    home.mkdir(parents=True, exist_ok=True)
    path = home / LOCK_FILE
    fd = os.open(path, os.O_CREAT | os.O_RDWR, 0o600)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 200, 0).decode("utf-8", "replace").strip() or "unknown"
            raise RunBusy(
                f"another run is writing in {home} ({holder}); try again when it has finished"
            ) from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"process {os.getpid()}, since {time.strftime('%H:%M:%S')}".encode(), 0)
        for folder in finish_replacing(home / JOURNAL_FILE):
            log.info("finished replacing %s (the run that wrote it was interrupted)", folder.name)
        for folder in cleaned:
            for leftover in remove_leftovers(folder):
                log.info("removed %s (left by an interrupted run)", leftover.name)
        try:
            yield
        finally:
            os.ftruncate(fd, 0)
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def settle(home: Path) -> None:
    """Before reading outputs: finish a swap an interrupted run left, if no run is under way.

    Costs one file check when there is nothing to finish; when a run holds the lock it is
    left to it.

    Args:
        home: The project folder.
    """
    if not (home / JOURNAL_FILE).exists():
        return
    try:
        with run_lock(home):
            pass
    except RunBusy:
        return


__all__ = ["JOURNAL_FILE", "LOCK_FILE", "RunBusy", "run_lock", "settle"]
