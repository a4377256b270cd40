"""How a demand job models: periods, horizon, folds, and the columns that split a series."""

from __future__ import annotations

from dataclasses import dataclass, field

from recommender.data.contract import CHANNEL, FORM, PRODUCT, REGION
from recommender.errors import DataError
from recommender.forecast.settings import ENGINES, LOCAL, BacktestConfig

SPLITTABLE: tuple[str, ...] = (CHANNEL, FORM)
"""Columns that may split a (region, product) series into several."""


@dataclass(frozen=True)
class JobSettings:
    """Typed settings of the demand jobs (set by ``--freq``, ``--horizon``, ``--folds``, ``--by``).

    Attributes:
        backtest: Periods, horizon, scored folds, warm-up windows, interval level and LightGBM
            settings (defaults: weeks ending Sunday, 8 ahead, 4 folds).
        by: Columns that split a series besides region and product (of :data:`SPLITTABLE`).
        engine: Where the per-series work runs: ``local`` (this process) or ``dask``.
        scheduler: Address of a running Dask scheduler (``dask`` only; None starts a local
            cluster).

    Raises:
        DataError: ``by`` names a column that cannot split a series, ``engine`` is unknown,
            or a scheduler is given to the local engine.
    """

    backtest: BacktestConfig = field(default_factory=BacktestConfig)
    by: tuple[str, ...] = ()
    engine: str = LOCAL
    scheduler: str | None = None

    def __post_init__(self) -> None:
        if self.engine not in ENGINES:
            raise DataError(f"the engine is one of {', '.join(ENGINES)}, not {self.engine!r}")
        if self.scheduler is not None and self.engine == LOCAL:
            raise DataError("a scheduler address needs the Dask engine (--engine dask)")
        unknown = sorted(set(self.by) - set(SPLITTABLE))
        if unknown:
            raise DataError(
                f"a series can be split by {' and '.join(SPLITTABLE)}, not {', '.join(unknown)}"
            )

    @property
    def keys(self) -> tuple[str, ...]:
        """The columns that identify a series: region, product, then the ``by`` columns."""
        return (REGION, PRODUCT, *dict.fromkeys(self.by))
