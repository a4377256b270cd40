"""What a browser session chose: its language and county, and text in that language."""

from __future__ import annotations

import re
from typing import Any

import streamlit as st

from recommender.present.i18n import lang_or_default, t

_MARKDOWN = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:])")


def lang() -> str:
    """The chosen language (``zh`` by default)."""
    return lang_or_default(st.session_state.get("lang"))


def tr(key: str, **fields: Any) -> str:
    """``t(key)`` in the chosen language."""
    return t(key, lang(), **fields)


def both(key: str, **fields: Any) -> str:
    """A message in Chinese then English (for messages that must reach every reader)."""
    return f"{t(key, 'zh', **fields)}\n\n{t(key, 'en', **fields)}"


def plain(text: Any) -> str:
    """Text escaped for st.markdown, so names like ``<script>`` or ``*x*`` show literally."""
    return _MARKDOWN.sub(r"\\\1", "" if text is None else str(text))


def region() -> str:
    """The county picked in the sidebar (the page stops with a note when there is none)."""
    chosen = st.session_state.get("region")
    if not chosen:
        st.caption(tr("no_regions"))
        st.stop()
    return str(chosen)
