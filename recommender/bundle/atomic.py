"""Atomic writes of files and folders: build beside the target, sync to disk, then swap in.

The one way the project writes what it keeps: a reader never sees a half-written file or
folder, and a failed write leaves what was there before.
"""

from __future__ import annotations

import ctypes
import errno
import os
import shutil
import tempfile
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from recommender.errors import XingnongError

__all__ = [
    "atomic_folder",
    "is_staged",
    "remove_leftovers",
    "replace_folder",
    "staged_folder",
    "staging_path",
    "write_atomic",
]

_TEMP_PREFIX = ".tmp-"
_OLD_PREFIX = ".old-"
_AT_FDCWD = -100
_RENAME_EXCHANGE = 2
_FILE_MODE = 0o644


@contextmanager
def atomic_folder(
    label: str, dest: Path, *, error: type[XingnongError] = XingnongError
) -> Iterator[Path]:
    """Build a folder in a temporary sibling of ``dest``, then move it to ``dest`` atomically.

    The caller writes the folder's files into the yielded path. When the ``with`` block ends
    normally, every file and the folder are synced to disk and the folder replaces ``dest``: by
    an atomic exchange where the OS supports it (Linux ``renameat2``), otherwise by two renames
    with the old folder restored if the second fails. When anything fails, ``dest`` is left as
    it was and the temporary folder is removed.

    Args:
        label: How errors name the folder, e.g. ``"bundle models/demand"``.
        dest: The folder to create or replace. Its parent is created if missing.
        error: The error raised on failure (a bundle uses ``BundleError``).

    Yields:
        The empty temporary folder.

    Raises:
        XingnongError: (of the type ``error``) The temporary folder cannot be created, or
            writing or moving failed (other exceptions from the ``with`` block are wrapped in
            one; an ``error`` raised by the block itself passes unchanged).
    """
    with staged_folder(label, dest, error=error) as tmp:
        yield tmp
    with _removed_on_failure(label, tmp, error):
        _move_into_place(label, tmp, dest, error)


@contextmanager
def staged_folder(
    label: str, dest: Path, *, error: type[XingnongError] = XingnongError
) -> Iterator[Path]:
    """Build a folder in a temporary sibling of ``dest`` and sync it to disk, leaving it there.

    The caller moves it into place afterwards (:func:`replace_folder`, or with other folders
    by :func:`recommender.bundle.journal.replace_together`). When the ``with`` block fails, the
    temporary folder is removed.

    Args:
        label: How errors name the folder.
        dest: The folder it will replace (its parent is created if missing).
        error: The error raised on failure.

    Yields:
        The empty temporary folder; complete and synced once the block ends.

    Raises:
        XingnongError: (of the type ``error``) As for :func:`atomic_folder`.
    """
    try:
        tmp = staging_path(dest, "new")
        tmp.mkdir(parents=True)
    except OSError as exc:
        raise error(f"{label}: cannot create a folder next to it ({exc})") from exc
    with _removed_on_failure(label, tmp, error):
        yield tmp
        for p in sorted(tmp.rglob("*"), reverse=True):  # files, then their folders
            if p.is_file():
                _fsync_file(p)
            elif p.is_dir():
                _fsync_dir(p)
        _fsync_dir(tmp)


@contextmanager
def _removed_on_failure(label: str, tmp: Path, error: type[XingnongError]) -> Iterator[None]:
    """Remove ``tmp`` when the block fails; wrap anything but ``error`` in an ``error``."""
    try:
        yield
    except error:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    except Exception as exc:
        shutil.rmtree(tmp, ignore_errors=True)
        raise error(f"{label}: cannot be written ({exc})") from exc


def staging_path(dest: Path, tag: str) -> Path:
    """A fresh path beside ``dest`` for building its replacement (``.tmp-<name>-<tag>-<id>``).

    Such paths are what :func:`remove_leftovers` removes and :func:`is_staged` recognises.

    Args:
        dest: The folder to be replaced.
        tag: A word naming who stages (``run``, ``train``...).

    Returns:
        The path (not created).
    """
    parent = dest.parent if str(dest.parent) else Path(".")
    return parent / f"{_TEMP_PREFIX}{dest.name}-{tag}-{uuid.uuid4().hex[:12]}"


def is_staged(path: Path, dest: Path) -> bool:
    """Whether ``path`` is a staging path of ``dest`` (see :func:`staging_path`) or inside one.

    Args:
        path: The path to check.
        dest: The folder it would replace.

    Returns:
        True when ``path`` is a ``.tmp-<dest name>-`` sibling of ``dest``, or a folder in one.
    """
    try:
        parts = path.resolve().relative_to(dest.parent.resolve()).parts
    except ValueError:
        return False
    return 1 <= len(parts) <= 2 and parts[0].startswith(f"{_TEMP_PREFIX}{dest.name}-")


def replace_folder(label: str, src: Path, dest: Path) -> None:
    """Move a complete folder to ``dest`` in one step, replacing the folder there.

    Args:
        label: How errors name the folder.
        src: The complete folder (on the same file system).
        dest: Where it goes.

    Raises:
        XingnongError: The move failed (``dest`` is then as it was).
    """
    dest.parent.mkdir(parents=True, exist_ok=True)
    _move_into_place(label, src, dest, XingnongError)


def remove_leftovers(dest: Path) -> list[Path]:
    """Remove the temporary and old folders interrupted writes of ``dest`` left beside it.

    Only call it while no write of ``dest`` can be under way (a run holds its lock).

    Args:
        dest: A folder written with :func:`atomic_folder` (it is itself left alone).

    Returns:
        What was removed.
    """
    parent = dest.parent
    if not parent.is_dir():
        return []
    removed = []
    prefixes = (f"{_TEMP_PREFIX}{dest.name}-", f"{_OLD_PREFIX}{dest.name}-")
    for p in parent.iterdir():
        if p.name.startswith(prefixes):
            if p.is_dir() and not p.is_symlink():
                shutil.rmtree(p, ignore_errors=True)
            else:
                p.unlink(missing_ok=True)
            removed.append(p)
    return removed


def _move_into_place(label: str, tmp: Path, dest: Path, error: type[XingnongError]) -> None:
    """Move the complete new folder ``tmp`` to ``dest``, replacing any folder there.

    On success ``tmp`` no longer exists; on failure ``dest`` is as it was before.
    """
    parent = dest.parent if str(dest.parent) else Path(".")
    if not dest.exists():
        try:
            os.rename(tmp, dest)
        except OSError as exc:
            raise error(f"{label}: cannot move the new folder into place ({exc})") from exc
        _fsync_dir(parent)
        return

    if _exchange(tmp, dest):
        # ``dest`` now holds the new folder and ``tmp`` the old one.
        _fsync_dir(parent)
        shutil.rmtree(tmp, ignore_errors=True)
        return

    old = parent / f"{_OLD_PREFIX}{dest.name}-{uuid.uuid4().hex[:12]}"
    try:
        os.rename(dest, old)
    except OSError as exc:
        raise error(f"{label}: cannot move the old folder aside ({exc})") from exc
    try:
        os.rename(tmp, dest)
    except OSError as exc:
        os.rename(old, dest)
        raise error(f"{label}: cannot move the new folder into place ({exc})") from exc
    _fsync_dir(parent)
    shutil.rmtree(old, ignore_errors=True)


def write_atomic(path: str | Path, write: Callable[[Path], object]) -> Path:
    """Write a file through a temporary sibling, sync it, then rename it into place.

    Args:
        path: Destination file (its folder is created when missing).
        write: Called with the temporary path; must write the whole file there.

    Returns:
        The destination path.

    Raises:
        XingnongError: When the file cannot be written (the destination is left as it was).
            Any other exception from ``write`` propagates, also leaving the destination as it
            was and no temporary file behind.
    """
    dest = Path(path)
    try:
        dest.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(dir=dest.parent, prefix=f".{dest.name}.", suffix=".tmp")
    except OSError as exc:
        raise XingnongError(f"cannot write {dest}: {exc.strerror or exc}") from exc
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        write(tmp)
        os.chmod(tmp, _FILE_MODE)  # mkstemp makes it readable by its owner only
        _fsync_file(tmp)
        os.replace(tmp, dest)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise XingnongError(f"cannot write {dest}: {exc.strerror or exc}") from exc
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return dest


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
