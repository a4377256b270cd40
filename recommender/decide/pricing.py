"""Prices by form: recent fresh prices and price multipliers of processed forms over fresh."""

from __future__ import annotations

import numpy as np
import pandas as pd

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
from recommender.data.periods import WEEKLY, WEEKS_PER_YEAR
from recommender.data.vocabulary import PRICE_MATCHED, PRICE_PRIOR

CATEGORY = "category"
MULTIPLIER_COLUMNS = (PRODUCT, OPTION, "price_multiplier", "source", "n_rows", "n_fresh_rows")
FRESH_PRICE_COLUMNS = (REGION, PRODUCT, "price_per_kg", "basis")


def _priced_sales(sales: pd.DataFrame) -> pd.DataFrame:
    """Rows with a finite price > 0 and quantity > 0, plus ``week``; form defaults to fresh.

    Channel defaults to ``unknown`` (every row then shares one channel).
    """
    if PRICE not in sales.columns:
        columns = [DATE, REGION, PRODUCT, FORM, CHANNEL, QUANTITY, PRICE, "week"]
        return pd.DataFrame(columns=columns)
    out = sales[[DATE, REGION, PRODUCT, QUANTITY, PRICE]].copy()
    out[FORM] = sales[FORM].fillna(DEFAULT_FORM) if FORM in sales.columns else DEFAULT_FORM
    has_channel = CHANNEL in sales.columns
    out[CHANNEL] = sales[CHANNEL].fillna(DEFAULT_CHANNEL) if has_channel else DEFAULT_CHANNEL
    out[PRICE] = pd.to_numeric(out[PRICE], errors="coerce")
    out[QUANTITY] = pd.to_numeric(out[QUANTITY], errors="coerce")
    keep = np.isfinite(out[PRICE]) & (out[PRICE] > 0) & np.isfinite(out[QUANTITY])
    out = out[keep & (out[QUANTITY] > 0)]
    out[DATE] = pd.to_datetime(out[DATE])
    out["week"] = out[DATE].dt.to_period(WEEKLY).dt.start_time
    return out


def _weighted_price(df: pd.DataFrame, keys: list[str], name: str) -> pd.DataFrame:
    """Quantity-weighted mean price and row count per ``keys``."""
    tmp = df.assign(_value=df[QUANTITY] * df[PRICE])
    g = tmp.groupby(keys, as_index=False).agg(
        _value=("_value", "sum"), _qty=(QUANTITY, "sum"), _n=(PRICE, "size")
    )
    g[name] = g["_value"] / g["_qty"]
    return g.rename(columns={"_qty": f"{name}_qty", "_n": f"{name}_n"}).drop(columns="_value")


def fresh_price(
    sales: pd.DataFrame,
    *,
    weeks: int = WEEKS_PER_YEAR,
    implied_from: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Recent quantity-weighted fresh price per region and product, with fallbacks.

    The window is the ``weeks`` weeks up to the latest priced sale. For every (region, product)
    with priced sales, the price comes from the first that exists: ``region`` (recent fresh sales
    there), ``product`` (recent fresh sales of the product in all regions), ``history`` (all fresh
    sales of the product), ``implied`` (recent sales of other forms in the region divided by their
    multiplier from ``implied_from``, for products never sold fresh such as tea or honey).

    Args:
        sales: Validated sales (date, region, product, quantity, price, optional form).
        weeks: Length of the recent window in weeks.
        implied_from: Optional table ``product, option, price_multiplier`` (e.g. the priors).

    Returns:
        Columns ``region, product, price_per_kg, basis``; pairs without any price are left out.
    """
    priced = _priced_sales(sales)
    if priced.empty:
        return pd.DataFrame(columns=list(FRESH_PRICE_COLUMNS))
    recent = priced[priced[DATE] > priced[DATE].max() - pd.Timedelta(weeks=weeks)]
    fresh, fresh_recent = (d[d[FORM] == DEFAULT_FORM] for d in (priced, recent))
    out = priced[[REGION, PRODUCT]].drop_duplicates().reset_index(drop=True)
    tiers = [
        ("region", _weighted_price(fresh_recent, [REGION, PRODUCT], "p"), [REGION, PRODUCT]),
        ("product", _weighted_price(fresh_recent, [PRODUCT], "p"), [PRODUCT]),
        ("history", _weighted_price(fresh, [PRODUCT], "p"), [PRODUCT]),
    ]
    if implied_from is not None and not implied_from.empty:
        mult = implied_from[[PRODUCT, OPTION, "price_multiplier"]].dropna()
        other = recent.merge(mult, left_on=[PRODUCT, FORM], right_on=[PRODUCT, OPTION])
        other = other[other["price_multiplier"] > 0]
        other = other.assign(**{PRICE: other[PRICE] / other["price_multiplier"]})
        tiers.append(("implied", _weighted_price(other, [REGION, PRODUCT], "p"), [REGION, PRODUCT]))
    out["price_per_kg"], out["basis"] = np.nan, None
    for basis, table, keys in tiers:
        found = out.merge(table[[*keys, "p"]], on=keys, how="left")["p"]
        fill = out["price_per_kg"].isna() & found.notna()
        out.loc[fill, "price_per_kg"] = found[fill]
        out.loc[fill, "basis"] = basis
    out = out.dropna(subset=["price_per_kg"])
    return out.sort_values([REGION, PRODUCT]).reset_index(drop=True)[list(FRESH_PRICE_COLUMNS)]


def _matched_multipliers(priced: pd.DataFrame) -> pd.DataFrame:
    """Matched price ratio of each processed form over fresh, same region, week and channel.

    Each processed row is compared with the quantity-weighted fresh price of its (region, week,
    channel) cell, else, when fresh did not sell in that channel that week, of its (region,
    week) cell; the form's kilos are then valued at that fresh price. The multiplier is
    ``sum(q_form * p_form) / sum(q_form * p_fresh_cell)``: what the form earned over what the
    same kilos would have earned fresh in the same place, week and (where possible) channel, so
    a form sold only online is not credited with the online channels' higher prices.
    """
    cell = [REGION, PRODUCT, "week"]
    fresh_rows = priced[priced[FORM] == DEFAULT_FORM]
    fresh = _weighted_price(fresh_rows, cell, "fresh")
    other = priced[priced[FORM] != DEFAULT_FORM].merge(fresh, on=cell, how="inner")
    if other.empty:
        return pd.DataFrame(columns=[PRODUCT, OPTION, "learned", "n_rows", "n_fresh_rows"])
    same = _weighted_price(fresh_rows, [*cell, CHANNEL], "same")
    other = other.merge(same, on=[*cell, CHANNEL], how="left")
    matched = other["same"].notna()
    other = other.assign(
        fresh=other["same"].where(matched, other["fresh"]),
        fresh_n=other["same_n"].where(matched, other["fresh_n"]),
        _cell=other[CHANNEL].where(matched, "*"),  # the fresh cell each row was valued in
    )
    other = other.assign(
        _paid=other[QUANTITY] * other[PRICE], _fresh=other[QUANTITY] * other["fresh"]
    )
    g = other.groupby([PRODUCT, FORM], as_index=False).agg(
        _paid=("_paid", "sum"), _fresh=("_fresh", "sum"), n_rows=(PRICE, "size")
    )
    cells = other[[*cell, "_cell", FORM, "fresh_n"]].drop_duplicates(subset=[*cell, "_cell", FORM])
    n_fresh = cells.groupby([PRODUCT, FORM], as_index=False)["fresh_n"].sum()
    g = g.merge(n_fresh, on=[PRODUCT, FORM]).rename(
        columns={FORM: OPTION, "fresh_n": "n_fresh_rows"}
    )
    g["learned"] = g["_paid"] / g["_fresh"]
    return g[[PRODUCT, OPTION, "learned", "n_rows", "n_fresh_rows"]]


def learn_form_multipliers(
    sales: pd.DataFrame, priors: pd.DataFrame, *, min_rows: int = 30
) -> pd.DataFrame:
    """Price multiplier of each processing option over fresh, learned from sales or from priors.

    A (product, option) is ``learned`` when at least ``min_rows`` priced sales rows of the form
    and at least ``min_rows`` priced fresh rows fall in the same (region, week) cells; the
    multiplier is then the matched ratio described in :func:`_matched_multipliers` (same
    channel where fresh sold in it that week). Otherwise it is the priors' ``price_multiplier``
    (``prior``). Fresh itself is 1 by definition (``learned`` when the product has ``min_rows``
    priced fresh rows).

    Args:
        sales: Validated sales (date, region, product, quantity, price, optional form).
        priors: Processing options resolved per product (see :func:`options_for`), with columns
            ``product, option, price_multiplier``.
        min_rows: Least number of matched rows of each side to trust the learned multiplier.

    Returns:
        One row per (product, option) of ``priors``: ``product, option, price_multiplier,
        source, n_rows, n_fresh_rows`` (the matched rows behind a learned value).
    """
    base = priors[[PRODUCT, OPTION, "price_multiplier"]].drop_duplicates([PRODUCT, OPTION])
    priced = _priced_sales(sales)
    learned = _matched_multipliers(priced)
    out = base.merge(learned, on=[PRODUCT, OPTION], how="left")
    fresh_n = priced[priced[FORM] == DEFAULT_FORM].groupby(PRODUCT).size()
    is_fresh = out[OPTION] == DEFAULT_FORM
    n_fresh_all = out[PRODUCT].map(fresh_n).fillna(0)
    out.loc[is_fresh, "learned"] = 1.0
    out.loc[is_fresh, "n_rows"] = n_fresh_all[is_fresh]
    out.loc[is_fresh, "n_fresh_rows"] = n_fresh_all[is_fresh]
    for col in ("n_rows", "n_fresh_rows", "learned"):
        out[col] = pd.to_numeric(out[col], errors="coerce")
    out[["n_rows", "n_fresh_rows"]] = out[["n_rows", "n_fresh_rows"]].fillna(0).astype(int)
    use = (out["n_rows"] >= min_rows) & (out["n_fresh_rows"] >= min_rows) & out["learned"].notna()
    out["price_multiplier"] = np.where(use, out["learned"], out["price_multiplier"]).astype(float)
    out["source"] = np.where(use, PRICE_MATCHED, PRICE_PRIOR)
    out = out.sort_values([PRODUCT, OPTION]).reset_index(drop=True)
    return out[list(MULTIPLIER_COLUMNS)]


def _blank(values: pd.Series) -> pd.Series:
    """True where a product cell is empty (NaN, None or whitespace)."""
    return values.isna() | (values.astype(str).str.strip() == "")


def options_for(products: pd.DataFrame, options: pd.DataFrame) -> pd.DataFrame:
    """Resolve the processing-options table to one row per (product, option).

    Rows with an empty ``product`` apply to every product of their ``category``; a row naming
    the product overrides the category row for the same option.

    Args:
        products: Columns ``product, category`` (``name_en``/``name_zh`` are carried along).
        options: The processing_options table (``product`` may be empty, then ``category``).

    Returns:
        The options' columns with ``product`` and ``category`` filled, for the products given,
        sorted by product and option; ``specific`` is True for product rows.
    """
    names = [c for c in ("name_en", "name_zh") if c in products.columns]
    cats = products[[PRODUCT, CATEGORY, *names]].drop_duplicates(PRODUCT)
    blank = _blank(options[PRODUCT])
    by_cat = options[blank].drop(columns=[PRODUCT]).merge(cats, on=CATEGORY, how="inner")
    own = options[~blank].drop(columns=[CATEGORY], errors="ignore")
    own = own.merge(cats, on=PRODUCT, how="inner")
    by_cat, own = by_cat.assign(specific=False), own.assign(specific=True)
    both = pd.concat([own, by_cat], ignore_index=True)
    both = both.drop_duplicates([PRODUCT, OPTION], keep="first")
    columns = [PRODUCT, CATEGORY] + [c for c in options.columns if c not in (PRODUCT, CATEGORY)]
    columns += [c for c in names if c not in columns]
    both = both.sort_values([PRODUCT, OPTION]).reset_index(drop=True)
    return both[[*columns, "specific"]]


def prefer_model(matched: pd.DataFrame, model: pd.DataFrame) -> pd.DataFrame:
    """Form multipliers with the price-response model's value wherever it has one.

    The model (``recommender.decide.response``) holds region, channel, season and GI status
    equal, so it is preferred over the matched ratio; the matched ratio or prior stays elsewhere.

    Args:
        matched: Output of :func:`learn_form_multipliers`.
        model: ``product, option, price_multiplier, source`` from
            ``PriceResponse.form_multipliers``.

    Returns:
        ``matched`` with model values (``source`` ``model``) where the model has the pair.
    """
    if model.empty:
        return matched
    keyed = model.set_index([PRODUCT, OPTION])[["price_multiplier", "source"]]
    out = matched.set_index([PRODUCT, OPTION])
    hit = out.index.isin(keyed.index)
    out.loc[hit, "price_multiplier"] = keyed.loc[out.index[hit], "price_multiplier"].to_numpy()
    out.loc[hit, "source"] = keyed.loc[out.index[hit], "source"].to_numpy()
    return out.reset_index()[list(matched.columns)]
