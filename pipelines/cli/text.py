"""Text the command line echoes from files, made safe to show in a terminal."""

from __future__ import annotations

import re

_UNPRINTABLE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def printable(text: str) -> str:
    """Text safe to show in a terminal: control and direction characters written as escapes.

    A file's header or value is echoed in messages; raw, an escape sequence in it would
    recolour or rewrite the user's terminal, and a direction override would reorder the line.

    Args:
        text: The message.

    Returns:
        The message with each such character replaced by its Python escape code.
    """
    return _UNPRINTABLE.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)


__all__ = ["printable"]
