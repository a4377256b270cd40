"""How much a region can sell of each form: yearly demand by form, estimated markets, growth."""

from __future__ import annotations

import numpy as np
import pandas as pd

from recommender.data.contract import DATE, DEFAULT_FORM, FORM, OPTION, PRODUCT, QUANTITY, REGION
from recommender.data.periods import WEEKS_PER_YEAR

NEW_FORM_SHARE = 0.05
"""Share of a product's demand, in raw produce, a form can take when no sales show it and its
option gives no ``market_share``: a deliberately small start for a form nobody sells."""
FROM_SALES, FROM_MARKET, FROM_PRIOR = "sales", "market", "prior"
"""How a form's demand is known: the region's own sales of it, its share of the product in
other regions' or channels' sales, or an assumed share (:data:`NEW_FORM_SHARE`)."""
DEMAND_COLUMNS = (REGION, PRODUCT, FORM, "forecast", "lo", "hi", "demand_basis", "form_share")
ESTIMATE_SPREAD = 0.5
"""An estimated market's 80 % range: ± this share of the estimate (it is a guess, not a fit)."""


def demand_by_form(
    forecast: pd.DataFrame,
    sales: pd.DataFrame,
    options: pd.DataFrame | None = None,
    *,
    market_factor: float = 1.0,
) -> pd.DataFrame:
    """Annual demand per (region, product, form): the forecast's yearly rate split by form.

    A form the region sold in the last year takes its share of the region's sales
    (``demand_basis`` ``sales``). With ``options``, every other form the product can be
    processed into gets an estimated market: its share of the product's sales in the last year
    in the regions that sell it, over all their channels (``market``), else the
    option's ``market_share`` or :data:`NEW_FORM_SHARE` of the product's demand as raw produce,
    times the option's yield (``prior``); ``form_share`` is the share of the region's demand in
    kg sold either way. Estimates are scaled by
    ``market_factor`` (a what-if) and get a ± :data:`ESTIMATE_SPREAD` range.

    Args:
        forecast: Weekly served forecast with ``region, product, date, forecast, lo, hi``.
        sales: Accepted sales of every region (the regions' own shares and the market's).
        options: Processing options resolved per product (``product, option`` and optional
            ``market_share``); None for the sold forms only.
        market_factor: Multiplies the estimated markets of forms the region has not sold.

    Returns:
        The columns of :data:`DEMAND_COLUMNS`, in kg of output a year.
    """
    weeks = forecast.groupby([REGION, PRODUCT])[DATE].nunique().rename("weeks")
    total = forecast.groupby([REGION, PRODUCT])[["forecast", "lo", "hi"]].sum()
    yearly = total.mul(WEEKS_PER_YEAR / weeks, axis=0)
    recent = sales[sales[DATE] > sales[DATE].max() - pd.Timedelta(weeks=WEEKS_PER_YEAR)]
    by_form = recent.groupby([REGION, PRODUCT, FORM])[QUANTITY].sum()
    by_form = by_form[by_form > 0]
    share = (by_form / by_form.groupby(level=[0, 1]).transform("sum")).rename("form_share")
    out = share.reset_index().join(yearly, on=[REGION, PRODUCT]).dropna(subset=["forecast"])
    out["demand_basis"] = FROM_SALES
    if options is not None and len(yearly):
        out = pd.concat([out, _estimates(yearly, by_form, options, market_factor)])
    for col in ("forecast", "lo", "hi"):
        out[col] = out[col] * out["form_share"]
    return out[list(DEMAND_COLUMNS)].reset_index(drop=True)


def _estimates(
    yearly: pd.DataFrame, by_form: pd.Series, options: pd.DataFrame, factor: float
) -> pd.DataFrame:
    """Yearly demand of the forms each (region, product) has not sold, as estimated shares."""
    forms = options.loc[options[OPTION] != DEFAULT_FORM, [PRODUCT, OPTION]].copy()
    prior = pd.Series(options.get("market_share", np.nan), index=options.index)
    raw_kg = pd.Series(options.get("yield_ratio", 1.0), index=options.index)
    forms["prior"] = pd.to_numeric(prior, errors="coerce").fillna(NEW_FORM_SHARE) * raw_kg
    forms = forms.rename(columns={OPTION: FORM}).drop_duplicates([PRODUCT, FORM])
    pairs = yearly.reset_index()
    cand = pairs.merge(forms, on=PRODUCT)
    sold = by_form.reset_index()[[REGION, PRODUCT, FORM]]
    cand = cand.merge(sold, on=[REGION, PRODUCT, FORM], how="left", indicator=True)
    cand = cand[cand.pop("_merge") == "left_only"]
    cand = cand.join(_market_shares(by_form), on=[PRODUCT, FORM])
    seen = cand["market"].notna()
    cand["form_share"] = cand["market"].where(seen, cand["prior"]) * factor
    cand["demand_basis"] = np.where(seen, FROM_MARKET, FROM_PRIOR)
    cand["lo"] = cand["forecast"] * (1 - ESTIMATE_SPREAD)
    cand["hi"] = cand["forecast"] * (1 + ESTIMATE_SPREAD)
    return cand[[REGION, PRODUCT, FORM, "forecast", "lo", "hi", "demand_basis", "form_share"]]


def _market_shares(by_form: pd.Series) -> pd.Series:
    """Each sold form's share of its product's kg in the regions that sell that form.

    Regions that never sell the form are left out of its total: their sales say nothing of the
    form's share where it is offered, and counting them would shrink the estimate in proportion
    to their size (a large region asking about a form only small regions sell would see a
    share diluted by its own volume).
    """
    totals = by_form.groupby(level=[REGION, PRODUCT]).sum().rename("_total")
    rows = by_form.rename("_kg").reset_index().join(totals, on=[REGION, PRODUCT])
    sums = rows.groupby([PRODUCT, FORM])[["_kg", "_total"]].sum()
    return (sums["_kg"] / sums["_total"]).rename("market")


def demand_growth(forecast: pd.DataFrame, sales: pd.DataFrame) -> pd.DataFrame:
    """Forecast demand over the coming weeks against the same weeks a year earlier.

    Args:
        forecast: Weekly served forecast.
        sales: Accepted sales.

    Returns:
        ``region, product, demand_growth`` (e.g. 0.12 = 12 % more than last year).
    """
    ahead = forecast.groupby([REGION, PRODUCT])["forecast"].sum()
    start = forecast[DATE].min() - pd.Timedelta(weeks=WEEKS_PER_YEAR)
    end = forecast[DATE].max() - pd.Timedelta(weeks=WEEKS_PER_YEAR)
    window = sales[(sales[DATE] > start - pd.Timedelta(days=7)) & (sales[DATE] <= end)]
    before = window.groupby([REGION, PRODUCT])[QUANTITY].sum()
    growth = (ahead / before.reindex(ahead.index)).sub(1.0)
    growth = growth.replace([np.inf, -np.inf], np.nan).dropna()
    return growth.rename("demand_growth").reset_index()
