"""Customer personal data: recognise it, pseudonymise it with a keyed hash, or drop it."""

from __future__ import annotations

import hmac
import os
from collections.abc import Mapping

import pandas as pd

from recommender.config import ENV_PII_KEY
from recommender.data.contract import PII_COLUMNS, PII_NAME, PII_PHONE
from recommender.data.parsing import per_unique
from recommender.errors import XingnongError

MIN_KEY_BYTES = 16
KEY_HEX_CHARS = 16

# Phone columns first: a phone identifies a customer better than a name.
_PHONE_COLUMNS = tuple(c for c, kind in PII_COLUMNS.items() if kind == PII_PHONE)
_NAME_COLUMNS = tuple(c for c, kind in PII_COLUMNS.items() if kind == PII_NAME)


def pii_key_from_env(environ: Mapping[str, str] | None = None) -> bytes | None:
    """The pseudonymisation key from ``XINGNONG_PII_KEY`` (UTF-8 bytes), or None when unset.

    Args:
        environ: The environment to read; ``os.environ`` when omitted.

    Returns:
        The key, or None when the variable is unset or empty.

    Raises:
        XingnongError: If the key is shorter than 16 bytes.
    """
    env = os.environ if environ is None else environ
    value = env.get(ENV_PII_KEY, "")
    if not value:
        return None
    key = value.encode("utf-8")
    check_key(key)
    return key


def check_key(key: bytes) -> None:
    """Refuse keys too short to keep phone numbers secret.

    Args:
        key: The HMAC key.

    Raises:
        XingnongError: If the key is not bytes of at least 16 bytes.
    """
    if not isinstance(key, bytes) or len(key) < MIN_KEY_BYTES:
        raise XingnongError(
            f"the personal-data key ({ENV_PII_KEY}) must be at least {MIN_KEY_BYTES} bytes"
        )


def normalise_phone(phones: pd.Series) -> pd.Series:
    """Digits only, without a leading ``+86``/``86`` country code (``0086`` too).

    The country code is dropped only when what is left still looks like a phone number
    (at least 7 digits), so a short local number that happens to start with 86 is kept.

    Args:
        phones: Phone numbers as text, e.g. ``"+86 138-0013-8000"``.

    Returns:
        Normalised numbers, e.g. ``"13800138000"``; blank when there are no digits.
    """
    digits = phones.fillna("").astype(str).str.replace(r"\D", "", regex=True)
    stripped = digits.str.replace(r"^(?:00)?86", "", regex=True)
    return stripped.where(stripped.str.len() >= 7, digits)


def normalise_name(names: pd.Series) -> pd.Series:
    """Names compared loosely: NFKC, trimmed, inner whitespace collapsed, lower case.

    Args:
        names: Customer names as text.

    Returns:
        The normalised names; blank stays blank.
    """
    text = names.fillna("").astype(str).str.normalize("NFKC").str.strip()
    return text.str.replace(r"\s+", " ", regex=True).str.lower()


def _hmac_hex(key: bytes, value: str) -> str:
    return hmac.digest(key, value.encode("utf-8"), "sha256").hex()[:KEY_HEX_CHARS]


def customer_keys(frame: pd.DataFrame, key: bytes) -> pd.Series | None:
    """Pseudonymous customer keys from a frame's phone or name columns.

    For each row, the first non-blank phone column (``phone``, ``mobile``, ``tel``,
    ``telephone``) is used after :func:`normalise_phone`; if there is none, the first non-blank
    name column (``customer_name``, ``name``, ``buyer``) after :func:`normalise_name`. The key is
    ``hex(HMAC-SHA256(key, value))[:16]``; rows with neither get a missing key.

    Args:
        frame: Rows with canonical column names (as text).
        key: The HMAC key (see :func:`check_key`).

    Returns:
        One key (or None) per row, or None when the frame has no phone or name column.
    """
    check_key(key)
    phones = [per_unique(frame[c], normalise_phone) for c in _PHONE_COLUMNS if c in frame.columns]
    names = [per_unique(frame[c], normalise_name) for c in _NAME_COLUMNS if c in frame.columns]
    if not phones and not names:
        return None
    chosen = pd.Series("", index=frame.index, dtype=object)
    for candidate in phones + names:
        chosen = chosen.where(chosen != "", candidate)
    return per_unique(chosen, lambda values: values.map(lambda v: _hmac_hex(key, v) if v else None))
