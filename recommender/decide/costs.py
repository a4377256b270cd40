"""What a kg of each line sells for and costs: recent line prices and unit costs by form."""

from __future__ import annotations

import numpy as np
import pandas as pd

from recommender.data.assumptions import ASSUMED, DEFAULT_FOR
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
from recommender.data.periods import WEEKS_PER_YEAR
from recommender.data.tables import ANY_ZONE

UNIT_COST_SHARE = 0.6
"""Raw produce cost as a share of its fresh price where crop economics give none."""
COST_CROPS, COST_DEFAULT, COST_PRIOR = "crops", "default", "prior"
"""Where a unit cost comes from: the cooperative's crop economics, a category default, or
:data:`UNIT_COST_SHARE` of the price."""
LINE_PRICE_COLUMNS = (REGION, PRODUCT, CHANNEL, FORM, "price_per_kg", QUANTITY)
COST_COLUMNS = (REGION, PRODUCT, FORM, "unit_cost", "cost_basis", DEFAULT_FOR)


def _weighted(rows: pd.DataFrame, keys: list[str], price: str = PRICE) -> pd.DataFrame:
    """Quantity-weighted ``price`` and the quantity per ``keys``."""
    value = (rows[price] * rows[QUANTITY]).groupby([rows[k] for k in keys]).sum()
    qty = rows.groupby(keys)[QUANTITY].sum()
    return pd.DataFrame({"price_per_kg": value / qty, QUANTITY: qty}).reset_index()


def line_prices(sales: pd.DataFrame, *, weeks: int = WEEKS_PER_YEAR) -> pd.DataFrame:
    """Recent quantity-weighted price per kg of each (region, product, channel, form) sold.

    Args:
        sales: Validated sales (``price`` may be missing or NaN).
        weeks: The window, up to the latest priced sale.

    Returns:
        The columns of :data:`LINE_PRICE_COLUMNS` (lines without a price are left out;
        ``quantity`` the kg behind each price).
    """
    if PRICE not in sales.columns:
        return pd.DataFrame(columns=list(LINE_PRICE_COLUMNS))
    rows = sales[[DATE, REGION, PRODUCT, QUANTITY, PRICE]].copy()
    rows[CHANNEL] = sales[CHANNEL].fillna(DEFAULT_CHANNEL) if CHANNEL in sales else DEFAULT_CHANNEL
    rows[FORM] = sales[FORM].fillna(DEFAULT_FORM) if FORM in sales else DEFAULT_FORM
    rows[PRICE] = pd.to_numeric(rows[PRICE], errors="coerce")
    rows = rows[(rows[PRICE] > 0) & (rows[QUANTITY] > 0)]
    if rows.empty:
        return pd.DataFrame(columns=list(LINE_PRICE_COLUMNS))
    rows = rows[rows[DATE] > rows[DATE].max() - pd.Timedelta(weeks=weeks)]
    return _weighted(rows, [REGION, PRODUCT, CHANNEL, FORM])[list(LINE_PRICE_COLUMNS)]


def price_of_lines(lines: pd.DataFrame, prices: pd.DataFrame) -> pd.Series:
    """The price per kg of each line: its own, else its form's in the region, else anywhere.

    Args:
        lines: ``region, product, channel, form`` rows.
        prices: Output of :func:`line_prices`.

    Returns:
        Price per kg aligned with ``lines`` (NaN where the form was never priced).
    """
    out = pd.Series(np.nan, index=lines.index)
    tiers = ([REGION, PRODUCT, CHANNEL, FORM], [REGION, PRODUCT, FORM], [PRODUCT, FORM])
    for keys in tiers:
        table = _weighted(prices, list(keys), "price_per_kg").rename(columns={"price_per_kg": "_p"})
        found = lines[list(keys)].merge(table, on=list(keys), how="left")["_p"].to_numpy()
        out = out.fillna(pd.Series(found, index=lines.index))
    return out


def raw_costs(crops: pd.DataFrame, regions: pd.DataFrame) -> pd.DataFrame:
    """Cost per kg of raw produce in each county: cost per mu over yield per mu.

    A county's climate zone row is used, else the any-zone row, else the mean over zones.

    Args:
        crops: Crop economics (completed; ``assumed`` and ``default_for`` optional).
        regions: Regions table (``region``, optional ``level`` and ``climate_zone``).

    Returns:
        ``region, product, raw_cost, cost_basis, default_for``.
    """
    crops = crops.assign(
        _cost=crops["cost_per_mu_yuan"].astype(float) / crops["yield_per_mu_kg"].astype(float),
        _assumed=crops.get(ASSUMED, False),
        _default=crops.get(DEFAULT_FOR, pd.Series("", index=crops.index)).fillna(""),
    )
    zones = regions.get("climate_zone", pd.Series(np.nan, index=regions.index))
    counties = pd.DataFrame({REGION: regions[REGION], "_zone": zones.fillna("").astype(str)})
    pairs = counties.merge(crops[[PRODUCT]].drop_duplicates(), how="cross")
    exact = crops.rename(columns={"climate_zone": "_zone"})[[PRODUCT, "_zone", "_cost"]]
    anyz = crops[crops["climate_zone"] == ANY_ZONE][[PRODUCT, "_cost"]]
    mean = crops.groupby(PRODUCT)["_cost"].mean()
    cost = pairs.merge(exact, on=[PRODUCT, "_zone"], how="left")["_cost"]
    cost = cost.fillna(pairs[PRODUCT].map(anyz.groupby(PRODUCT)["_cost"].mean()))
    cost = cost.fillna(pairs[PRODUCT].map(mean))
    assumed = crops.groupby(PRODUCT)["_assumed"].all()
    default = crops.groupby(PRODUCT)["_default"].max()
    out = pairs.assign(raw_cost=cost.to_numpy())
    out["cost_basis"] = np.where(out[PRODUCT].map(assumed), COST_DEFAULT, COST_CROPS)
    out[DEFAULT_FOR] = out[PRODUCT].map(default).fillna("")
    return out[[REGION, PRODUCT, "raw_cost", "cost_basis", DEFAULT_FOR]]


def unit_costs(
    lines: pd.DataFrame,
    raw: pd.DataFrame,
    options: pd.DataFrame,
    fresh: pd.DataFrame,
    *,
    unit_cost_share: float = UNIT_COST_SHARE,
) -> pd.DataFrame:
    """Cost per kg sold of each line: raw produce plus processing, over the form's yield.

    ``unit_cost = (raw_cost + processing_cost_per_kg) / yield_ratio``, with the raw cost from
    :func:`raw_costs` where crop economics know the product, else ``unit_cost_share`` of the
    fresh price (``prior``); forms the options do not list count as yield 1 and no processing
    cost. A line with no price at all has no cost either (NaN).

    Args:
        lines: ``region, product, form`` rows (and ``price_per_kg``, used when the fresh price is
            unknown).
        raw: Output of :func:`raw_costs`.
        options: Processing options per product (``product, option, yield_ratio,
            processing_cost_per_kg``).
        fresh: ``region, product, price_per_kg`` fresh prices.
        unit_cost_share: The prior's share of the price.

    Returns:
        ``lines`` with ``unit_cost``, ``cost_basis`` and ``default_for``.
    """
    keys = [REGION, PRODUCT]
    out = lines.merge(raw, on=keys, how="left")
    opts = options[[PRODUCT, OPTION, "yield_ratio", "processing_cost_per_kg"]]
    opts = opts.drop_duplicates([PRODUCT, OPTION]).rename(columns={OPTION: FORM})
    out = out.merge(opts, on=[PRODUCT, FORM], how="left")
    out["yield_ratio"] = pd.to_numeric(out["yield_ratio"], errors="coerce").fillna(1.0)
    costs = pd.to_numeric(out["processing_cost_per_kg"], errors="coerce")
    out["processing_cost_per_kg"] = costs.fillna(0.0)
    here = fresh.groupby(keys)["price_per_kg"].mean()
    anywhere = fresh.groupby(PRODUCT)["price_per_kg"].mean()
    fresh_price = pd.Series(
        here.reindex(pd.MultiIndex.from_frame(out[keys])).to_numpy(), index=out.index
    ).fillna(out[PRODUCT].map(anywhere))
    own_price = out["price_per_kg"] * out["yield_ratio"] if "price_per_kg" in out else np.nan
    prior = unit_cost_share * fresh_price.fillna(pd.Series(own_price, index=out.index))
    known = out["raw_cost"].notna()
    raw_cost = out["raw_cost"].where(known, prior)
    out["unit_cost"] = (raw_cost + out["processing_cost_per_kg"]) / out["yield_ratio"]
    out["cost_basis"] = out["cost_basis"].where(known, COST_PRIOR)
    out[DEFAULT_FOR] = out[DEFAULT_FOR].where(known, "").fillna("")
    return out.drop(columns=["raw_cost", "yield_ratio", "processing_cost_per_kg"])
