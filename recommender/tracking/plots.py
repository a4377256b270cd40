"""Matplotlib figures logged with training runs (history, forecast, interval; importance)."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib import font_manager  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from recommender.data.contract import DS, UID, Y  # noqa: E402

_HISTORY = "#4c78a8"
_FORECAST = "#f58518"
_FONT_CHOICES = ("DejaVu Sans", "Noto Sans CJK SC", "Noto Sans CJK JP", "Noto Sans CJK TC")


def _font_family() -> list[str]:
    """A font family that draws the user's names in any script the machine has fonts for.

    Series are named as the user wrote them (Chinese, Japanese...): glyphs missing from the
    first font are taken from the next installed one. The list itself is the family, so a
    figure keeps it when it is saved later.
    """
    installed = {font.name for font in font_manager.fontManager.ttflist}
    return [f for f in _FONT_CHOICES if f in installed] or ["sans-serif"]


def forecast_figure(
    history: pd.DataFrame, forecast: pd.DataFrame, n_series: int = 4, periods: int = 104
) -> Figure:
    """History and forecast with its interval for the largest series.

    Args:
        history: Long panel (``unique_id``, ``ds``, ``y``).
        forecast: Rows with ``unique_id``, ``ds``, ``forecast``, ``lo``, ``hi``.
        n_series: How many series (largest by volume) to draw.
        periods: How many recent history periods to show.

    Returns:
        The figure.
    """
    top = history.groupby(UID)[Y].sum().nlargest(n_series).index.tolist()
    with plt.rc_context({"font.family": _font_family()}):
        return _forecast_axes(history, forecast, top, periods)


def _forecast_axes(
    history: pd.DataFrame, forecast: pd.DataFrame, top: list[str], periods: int
) -> Figure:
    fig, axes = plt.subplots(len(top) or 1, 1, figsize=(9, 2.4 * max(len(top), 1)), squeeze=False)
    for ax, uid in zip(axes[:, 0], top, strict=False):
        h = history[history[UID] == uid].tail(periods)
        f = forecast[forecast[UID] == uid]
        ax.plot(h[DS], h[Y], color=_HISTORY, lw=1.2, label="history")
        ax.plot(f[DS], f["forecast"], color=_FORECAST, lw=1.6, label="forecast")
        ax.fill_between(f[DS], f["lo"], f["hi"], color=_FORECAST, alpha=0.25, label="80% interval")
        ax.set_title(str(uid), fontsize=9)
        ax.tick_params(labelsize=8)
    axes[0, 0].legend(fontsize=8, loc="upper left")
    fig.tight_layout()
    return fig


def importance_figure(importance: pd.DataFrame, top: int = 20) -> Figure:
    """Horizontal bars of the largest feature importances.

    Args:
        importance: ``feature`` and ``gain`` columns.
        top: How many features to show.

    Returns:
        The figure.
    """
    data = importance.head(top).iloc[::-1]
    fig, ax = plt.subplots(figsize=(7, 0.28 * len(data) + 1))
    ax.barh(data["feature"], data["gain"], color=_HISTORY)
    ax.set_xlabel("gain")
    ax.tick_params(labelsize=8)
    fig.tight_layout()
    return fig
