"""The forecast's typed settings and their defaults, defined once: periods, horizon, LightGBM."""

from __future__ import annotations

import math
import os
from dataclasses import asdict, dataclass, field, replace
from typing import Any

from recommender.data.periods import WEEKLY, season_length

MIN_WARMUP = 2
"""Fewest warm-up windows: the first scored fold always has two windows of evidence."""
MAX_WARMUP = 8
"""Most warm-up windows the default takes (each costs a LightGBM fit)."""
LARGE_PANEL = 1_000
"""From this many series a panel is large: by default it gets :data:`MIN_WARMUP` warm-up windows
(each already holds thousands of errors) and seasonal naive as its only statistical member (ETS
and Theta cost about 13 ms per series and window on two cores; the measured accuracy cost is in
the README's scale benchmark)."""
PARALLEL_ROWS = 50_000
"""From this many training rows LightGBM uses every usable core (below it, one thread)."""
STATISTICAL = ("auto", "full", "naive")
"""Which statistical members to fit: ``full`` (seasonal naive, ETS, Theta), ``naive`` (seasonal
naive only) or ``auto`` (full below :data:`LARGE_PANEL` series, else naive)."""
BOOSTERS = ("auto", "full", "fast")
"""Which LightGBM recipe to train: ``full`` (:class:`BoosterParams` as given, on up to
:data:`MAX_TRAINING_ROWS` pairs), ``fast`` (:meth:`BoosterParams.fast`, on up to
:data:`FAST_TRAINING_ROWS` pairs) or ``auto`` (full below :data:`LARGE_PANEL` series, else fast;
the measured accuracy cost is in the README's scale benchmark)."""
MAX_TRAINING_ROWS = 250_000
"""Most (origin, step) pairs the full recipe trains on. A larger panel keeps each pair with the
same probability, decided by a hash of the pair (see
:func:`recommender.forecast.design.training_pairs`), so training time and memory stop growing
with the panel while every series, step and season keeps its share."""
FAST_TRAINING_ROWS = 80_000
"""Most (origin, step) pairs the fast recipe trains on (thinned the same way)."""


LOCAL, DASK = "local", "dask"
ENGINES: tuple[str, ...] = (LOCAL, DASK)
"""Engines ``--engine`` accepts: this process, or a Dask cluster (see
:mod:`recommender.forecast.engine`)."""


def usable_cores() -> int:
    """Cores this process may run on (its CPU affinity where the system tells it)."""
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return max(1, os.cpu_count() or 1)


@dataclass(frozen=True)
class BoosterParams:
    """LightGBM settings (deterministic by default).

    Attributes:
        objective: Loss on the level-scaled target. ``l1`` (weighted by the level, so the
            absolute error in units) is what WAPE scores, and it does not chase spikes: on the
            real Maharashtra panel it cut WAPE by 40 % against ``l2``.
        num_boost_round: Boosting rounds.
        learning_rate: Shrinkage.
        num_leaves: Leaves per tree.
        min_data_in_leaf: Smallest leaf.
        max_bin: Histogram bins per feature.
        feature_fraction: Share of features per tree.
        bagging_fraction: Share of rows per tree.
        lambda_l2: L2 regularisation.
        seed: Random seed.
        huber_delta: Where the ``huber`` loss turns from squared to absolute (on the
            level-scaled target, so 0.25 is a quarter of the series' level).
        num_threads: Threads; 0 (the default) takes one for fewer than :data:`PARALLEL_ROWS`
            training rows and every usable core from there (OpenMP threads that outnumber
            free cores slow training down many times over). Results are deterministic for a
            given thread count.
    """

    objective: str = "l1"
    num_boost_round: int = 200
    learning_rate: float = 0.06
    num_leaves: int = 31
    min_data_in_leaf: int = 50
    max_bin: int = 127
    feature_fraction: float = 0.8
    bagging_fraction: float = 0.8
    lambda_l2: float = 1.0
    seed: int = 20260101
    huber_delta: float = 0.25
    num_threads: int = 0

    def fast(self) -> BoosterParams:
        """The fast recipe for large panels: about a fifth of the full recipe's time per fit.

        The Huber loss (absolute beyond :attr:`huber_delta`, so still robust to spikes) costs
        what squared error costs, where ``l1`` recomputes every leaf as a weighted median;
        half the rounds at twice the learning rate, and 63 bins per feature.

        Returns:
            These settings with ``huber``, half the rounds, twice the rate and 63 bins.
        """
        return replace(
            self,
            objective="huber",
            num_boost_round=max(1, self.num_boost_round // 2),
            learning_rate=min(1.0, 2 * self.learning_rate),
            max_bin=min(self.max_bin, 63),
        )

    def lgb_params(self, rows: int = 0) -> dict[str, Any]:
        """The parameters as LightGBM's ``train`` expects them.

        Args:
            rows: Training rows (decides the threads when ``num_threads`` is 0).

        Returns:
            Keyword parameters for ``lightgbm.train``.
        """
        params = asdict(self)
        params.pop("num_boost_round")
        delta = params.pop("huber_delta")
        if not self.num_threads:
            params["num_threads"] = usable_cores() if rows >= PARALLEL_ROWS else 1
        params.update(
            bagging_freq=1,
            deterministic=True,
            force_row_wise=True,
            verbosity=-1,
        )
        if self.objective == "tweedie":
            params["tweedie_variance_power"] = 1.2
        if self.objective == "huber":
            params["alpha"] = delta
        return params


@dataclass(frozen=True)
class BacktestConfig:
    """How the backtest is laid out.

    Attributes:
        freq: Pandas offset alias of the periods.
        horizon: Periods per window (H).
        folds: Scored windows (K).
        warmup: Extra earlier windows used only to learn the first scored fold's blend and
            intervals; None (the default) takes as many as cover a year, up to
            :data:`MAX_WARMUP` and as the history allows (see :meth:`warmup_windows`).
        level: Nominal interval coverage in percent.
        params: LightGBM settings (of the full recipe; the fast one derives from them).
        statistical: Which statistical members to fit (one of :data:`STATISTICAL`).
        booster: Which LightGBM recipe to train (one of :data:`BOOSTERS`).
    """

    freq: str = WEEKLY
    horizon: int = 8
    folds: int = 4
    warmup: int | None = None
    level: int = 80
    params: BoosterParams = field(default_factory=BoosterParams)
    statistical: str = "auto"
    booster: str = "auto"

    def __post_init__(self) -> None:
        """Refuse an unknown choice of statistical members or LightGBM recipe."""
        if self.statistical not in STATISTICAL:
            raise ValueError(
                f"statistical members {self.statistical!r}: use one of {', '.join(STATISTICAL)}"
            )
        if self.booster not in BOOSTERS:
            raise ValueError(f"booster {self.booster!r}: use one of {', '.join(BOOSTERS)}")

    def fast_booster(self, n_series: int) -> bool:
        """Whether the fast LightGBM recipe is trained for a panel of ``n_series`` series.

        Args:
            n_series: Series in the panel.

        Returns:
            True for ``fast``, False for ``full``; for ``auto``, True from :data:`LARGE_PANEL`.
        """
        if self.booster == "auto":
            return n_series >= LARGE_PANEL
        return self.booster == "fast"

    def booster_for(self, n_series: int) -> tuple[BoosterParams, int]:
        """The LightGBM settings and most training pairs for a panel of ``n_series`` series.

        Args:
            n_series: Series in the panel.

        Returns:
            ``(params, max_rows)``: the full recipe with :data:`MAX_TRAINING_ROWS`, or its
            :meth:`BoosterParams.fast` with :data:`FAST_TRAINING_ROWS`.
        """
        if self.fast_booster(n_series):
            return self.params.fast(), FAST_TRAINING_ROWS
        return self.params, MAX_TRAINING_ROWS

    def full_statistics(self, n_series: int) -> bool:
        """Whether ETS and Theta are fitted for a panel of ``n_series`` series.

        Args:
            n_series: Series in the panel.

        Returns:
            True for ``full``, False for ``naive``; for ``auto``, True below :data:`LARGE_PANEL`.
        """
        if self.statistical == "auto":
            return n_series < LARGE_PANEL
        return self.statistical == "full"

    def warmup_windows(self, n_periods: int, n_series: int = 0) -> int:
        """How many warm-up windows a panel of ``n_periods`` periods gets.

        The blend's weights and the intervals are learned from windows before each scored
        fold; windows covering a whole year keep one season's festivals or shocks from
        deciding them. Each window must leave a season of history before its cutoff; never
        fewer than :data:`MIN_WARMUP`. A large panel (:data:`LARGE_PANEL` series or more)
        takes :data:`MIN_WARMUP`: its windows hold errors enough, and each costs a fit.

        Args:
            n_periods: Periods in the panel.
            n_series: Series in the panel.

        Returns:
            The number of warm-up windows.
        """
        if self.warmup is not None:
            return self.warmup
        if n_series >= LARGE_PANEL:
            return MIN_WARMUP
        season = season_length(self.freq)
        wanted = min(MAX_WARMUP, math.ceil(season / self.horizon))
        room = (n_periods - season - self.horizon) // self.horizon - self.folds
        return max(MIN_WARMUP, min(wanted, room))


DEFAULTS = BacktestConfig()
"""The default settings: weeks ending Sunday, 8 periods ahead, 4 scored folds, 80 % intervals."""
