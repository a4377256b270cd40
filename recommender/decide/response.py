"""Learned price and volume response by form: a ridge price model and per-form volume elasticity."""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator
from sklearn.compose import ColumnTransformer
from sklearn.linear_model import Ridge
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder

from recommender.data.contract import (
    CHANNEL,
    DATE,
    DEFAULT_CHANNEL,
    DEFAULT_FORM,
    FORM,
    OPTION,
    PRICE,
    PRODUCT,
    QUANTITY,
    REGION,
)
from recommender.data.periods import WEEKLY
from recommender.data.vocabulary import GI_REGISTERED, PRICE_MODEL

MULTIPLIER_COLUMNS = (PRODUCT, OPTION, "price_multiplier", "n_rows", "source")
ELASTICITY_COLUMNS = (PRODUCT, FORM, "elasticity", "n_weeks")
_CATEGORICAL = ("_pf", REGION, CHANNEL, "_month")
_SEP = "\x1f"  # joins product and form into one interaction level


def _priced_rows(sales: pd.DataFrame) -> pd.DataFrame:
    """Rows with a finite price > 0 and quantity > 0; form and channel get their defaults."""
    cols = [DATE, REGION, PRODUCT, QUANTITY]
    if PRICE not in sales.columns:
        return pd.DataFrame(columns=[*cols, PRICE, FORM, CHANNEL])
    out = sales[[*cols, PRICE]].copy()
    out[FORM] = sales[FORM].fillna(DEFAULT_FORM) if FORM in sales.columns else DEFAULT_FORM
    out[CHANNEL] = (
        sales[CHANNEL].fillna(DEFAULT_CHANNEL) if CHANNEL in sales.columns else DEFAULT_CHANNEL
    )
    out[PRICE] = pd.to_numeric(out[PRICE], errors="coerce")
    out[QUANTITY] = pd.to_numeric(out[QUANTITY], errors="coerce")
    keep = np.isfinite(out[PRICE]) & (out[PRICE] > 0) & np.isfinite(out[QUANTITY])
    out = out[keep & (out[QUANTITY] > 0)].reset_index(drop=True)
    out[DATE] = pd.to_datetime(out[DATE])
    return out


def _gi_flag(rows: pd.DataFrame, gi: pd.DataFrame | None) -> np.ndarray:
    """1.0 where the row's (region, product) has ``gi_status == "registered"`` in ``gi``."""
    if gi is None or gi.empty:
        return np.zeros(len(rows))
    reg = gi.loc[gi["gi_status"].astype(str).str.strip() == GI_REGISTERED, [REGION, PRODUCT]]
    keys = pd.MultiIndex.from_frame(reg.astype(str))
    row_keys = pd.MultiIndex.from_frame(rows[[REGION, PRODUCT]].astype(str))
    return row_keys.isin(keys).astype(float)


def _design(rows: pd.DataFrame, gi: pd.DataFrame | None) -> pd.DataFrame:
    """Model features: product×form level, region, channel, month of year and the GI flag."""
    return pd.DataFrame(
        {
            "_pf": rows[PRODUCT].astype(str) + _SEP + rows[FORM].astype(str),
            REGION: rows[REGION].astype(str),
            CHANNEL: rows[CHANNEL].astype(str),
            "_month": rows[DATE].dt.month.astype(str),
            "_gi": _gi_flag(rows, gi),
        }
    )


class PriceResponse(BaseEstimator):
    """Ridge model of log price on product×form, region, channel, season and GI, quantity-weighted.

    Args:
        alpha: Ridge penalty (small next to the summed quantity weights of a real sales table).
    """

    def __init__(self, alpha: float = 1.0) -> None:
        self.alpha = alpha

    def fit(self, X: pd.DataFrame, y: None = None, gi: pd.DataFrame | None = None) -> PriceResponse:
        """Fit on the priced rows of a sales table.

        Args:
            X: Validated sales (date, region, product, quantity, price, optional channel, form).
            y: Ignored; the target is the log of ``X``'s price.
            gi: Optional table ``region, product, gi_status`` (e.g. brand_signals).

        Returns:
            self, with ``pipeline_``, ``pf_coef_`` (Series by (product, form)), ``pf_rows_``,
            ``gi_coef_`` and ``n_rows_`` set.

        Raises:
            ValueError: No priced rows to fit on.
        """
        rows = _priced_rows(X)
        if rows.empty:
            raise ValueError("no priced sales rows to fit a price response on")
        design = _design(rows, gi)
        encode = ColumnTransformer(
            [
                ("cat", OneHotEncoder(handle_unknown="ignore"), list(_CATEGORICAL)),
                ("gi", "passthrough", ["_gi"]),
            ]
        )
        self.pipeline_ = Pipeline([("encode", encode), ("ridge", Ridge(alpha=self.alpha))])
        self.pipeline_.fit(
            design, np.log(rows[PRICE].to_numpy()), ridge__sample_weight=rows[QUANTITY].to_numpy()
        )
        levels = self.pipeline_.named_steps["encode"].named_transformers_["cat"].categories_[0]
        coef = self.pipeline_.named_steps["ridge"].coef_
        index = pd.MultiIndex.from_tuples(
            [tuple(str(v).split(_SEP, 1)) for v in levels], names=[PRODUCT, FORM]
        )
        self.pf_coef_ = pd.Series(coef[: len(levels)], index=index)
        self.pf_rows_ = rows.groupby([PRODUCT, FORM]).size()
        self.gi_coef_ = float(coef[-1])
        self.n_rows_ = len(rows)
        return self

    def form_multipliers(self, min_rows: int = 30) -> pd.DataFrame:
        """Price of each form relative to fresh of the same product, other features held equal.

        Args:
            min_rows: Least number of priced rows of the form (and of fresh) to report it.

        Returns:
            ``product, option, price_multiplier, n_rows, source`` (``source`` is ``"model"``);
            fresh is 1; thin forms and products never sold fresh are left out.
        """
        out = []
        for (product, form), beta in self.pf_coef_.items():
            n = int(self.pf_rows_.get((product, form), 0))
            fresh = (product, DEFAULT_FORM)
            if n < min_rows or int(self.pf_rows_.get(fresh, 0)) < min_rows:
                continue
            out.append((product, form, float(np.exp(beta - self.pf_coef_[fresh])), n, PRICE_MODEL))
        table = pd.DataFrame(out, columns=list(MULTIPLIER_COLUMNS))
        return table.sort_values([PRODUCT, OPTION]).reset_index(drop=True)

    def gi_premium(self) -> float:
        """Learned price premium of GI-registered sales over look-alikes, ``exp(coef_gi) - 1``."""
        return float(np.expm1(self.gi_coef_))


def fit_price_response(
    sales: pd.DataFrame, gi: pd.DataFrame | None = None, *, alpha: float = 1.0
) -> PriceResponse:
    """Fit a :class:`PriceResponse` on ``sales`` (and the GI table ``gi``, if any)."""
    return PriceResponse(alpha=alpha).fit(sales, gi=gi)


def _weekly(rows: pd.DataFrame) -> pd.DataFrame:
    """Weekly quantity and quantity-weighted price per region, product and form."""
    tmp = rows.assign(
        week=rows[DATE].dt.to_period(WEEKLY).dt.start_time, _value=rows[QUANTITY] * rows[PRICE]
    )
    keys = [REGION, PRODUCT, FORM, "week"]
    g = tmp.groupby(keys, as_index=False).agg(q=(QUANTITY, "sum"), value=("_value", "sum"))
    g["p"] = g["value"] / g["q"]
    g["month"] = g["week"].dt.month
    return g


def _slope(df: pd.DataFrame) -> float:
    """OLS slope of log q on log p with region and month dummies; NaN without price variation."""
    dummies = pd.get_dummies(df[[REGION, "month"]].astype(str), drop_first=True, dtype=float)
    x = np.column_stack([np.log(df["p"]), np.ones(len(df)), dummies.to_numpy()])
    coef, _, rank, _ = np.linalg.lstsq(x, np.log(df["q"]), rcond=None)
    rest = np.linalg.matrix_rank(x[:, 1:]) if x.shape[1] > 1 else 0
    return float(coef[0]) if rank == rest + 1 else float("nan")


def volume_elasticity(sales: pd.DataFrame, *, min_weeks: int = 26) -> pd.DataFrame:
    """Price elasticity of weekly volume per (product, form) with region and month fixed effects.

    Args:
        sales: Validated sales (date, region, product, quantity, price, optional form).
        min_weeks: Least number of distinct priced weeks for a pair to be reported.

    Returns:
        ``product, form, elasticity, n_weeks``: the slope of log weekly quantity on log weekly
        price; pairs with too few weeks or no price variation are left out.
    """
    rows = _priced_rows(sales)
    if rows.empty:
        return pd.DataFrame(columns=list(ELASTICITY_COLUMNS))
    out = []
    for (product, form), df in _weekly(rows).groupby([PRODUCT, FORM]):
        n_weeks = df["week"].nunique()
        if n_weeks < min_weeks:
            continue
        slope = _slope(df)
        if np.isfinite(slope):
            out.append((product, form, slope, n_weeks))
    table = pd.DataFrame(out, columns=list(ELASTICITY_COLUMNS))
    return table.sort_values([PRODUCT, FORM]).reset_index(drop=True)
