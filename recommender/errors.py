"""Errors the tool reports to its users as one clear line."""

from __future__ import annotations


class XingnongError(Exception):
    """A problem the user can act on; the CLI prints its message and exits non-zero."""


class DataError(XingnongError):
    """Input data cannot be used (unreadable, empty, missing a required column...)."""


class BundleError(XingnongError):
    """A model bundle is missing, changed since it was saved, or unreadable."""


class EngineError(XingnongError):
    """The distributed engine is not installed, cannot start, or cannot reach its scheduler."""
