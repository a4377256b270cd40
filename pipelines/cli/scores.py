"""How the CLI states the forecast's scores against its baselines."""

from __future__ import annotations

from typing import Any


def versus_baselines(overall: dict[str, Any]) -> str:
    """The baselines' WAPE, for a line that first gives the served forecast's.

    Args:
        overall: The metrics document's ``overall`` scores (per model).

    Returns:
        E.g. ``seasonal naive 0.197, ETS 0.158``; when ETS was not fitted (a large panel),
        says so instead of a figure.
    """
    text = f"seasonal naive {overall['seasonal_naive']['wape']:.3f}"
    if "ets" in overall:
        return f"{text}, ETS {overall['ets']['wape']:.3f}"
    return f"{text}; ETS and Theta not fitted (see --statistical)"
