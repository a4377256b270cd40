"""The decision backtest: listing plans replayed against the sales that then happened."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from recommender.data.contract import (
    CHANNEL,
    DATE,
    DEFAULT_CHANNEL,
    DEFAULT_FORM,
    FORM,
    PRICE,
    PRODUCT,
    QUANTITY,
    REGION,
)
from recommender.data.periods import WEEKLY, WEEKS_PER_YEAR
from recommender.decide.costs import line_prices, raw_costs
from recommender.decide.listing import HOLDING_COST_SHARE, SELL_WINDOW_DAYS, listing_plan
from recommender.decide.pricing import fresh_price
from recommender.decide.shares import channel_form_shares
from recommender.decide.spoilage import spoilage_share

CUTOFF = "cutoff"
PLAN, LAST_YEAR, MEDIAN, PERFECT = "plan", "last_year", "median_forecast", "perfect_foresight"
"""The policies replayed: the listing plan, last year's quantity for the same week, the median
forecast split by channel and form, and perfect foresight (listing exactly what sold)."""
POLICIES: tuple[str, ...] = (PLAN, LAST_YEAR, MEDIAN, PERFECT)
LINE = [REGION, PRODUCT, CHANNEL, FORM]
RESULT_COLUMNS = (
    REGION,
    PRODUCT,
    "policy",
    "margin",
    "revenue",
    "cost",
    "listed_kg",
    "sold_kg",
    "demand_kg",
    "waste_kg",
    "stockout_kg",
)


@dataclass(frozen=True)
class Logistics:
    """How goods travel in the replay: days to the buyer and whether they go chilled."""

    transit_days: float = 3.0
    cold_chain: bool = False


def _actuals(sales: pd.DataFrame) -> pd.DataFrame:
    """Kg sold and the price realised per line and week (``week`` the week-ending Sunday)."""
    df = sales.assign(
        week=pd.to_datetime(sales[DATE]).dt.to_period(WEEKLY).dt.end_time.dt.normalize(),
        **{
            CHANNEL: sales[CHANNEL].fillna(DEFAULT_CHANNEL)
            if CHANNEL in sales
            else DEFAULT_CHANNEL,
            FORM: sales[FORM].fillna(DEFAULT_FORM) if FORM in sales else DEFAULT_FORM,
        },
    )
    price = pd.to_numeric(df[PRICE], errors="coerce") if PRICE in df else np.nan
    df = df.assign(_value=df[QUANTITY] * price, _priced=df[QUANTITY].where(np.isfinite(price), 0))
    g = df.groupby([*LINE, "week"], as_index=False)[[QUANTITY, "_value", "_priced"]].sum()
    g["actual_price"] = g["_value"] / g["_priced"].where(g["_priced"] > 0)
    return g.rename(columns={QUANTITY: "demand_kg"}).drop(columns=["_value", "_priced"])


def _window_plan(
    sales: pd.DataFrame,
    forecast: pd.DataFrame,
    products: pd.DataFrame,
    options: pd.DataFrame,
    crops: pd.DataFrame,
    regions: pd.DataFrame,
    logistics: Logistics,
) -> pd.DataFrame:
    """The listing plan of every region for one window, from the sales before its cutoff."""
    weeks = forecast[DATE].nunique()
    plan = listing_plan(
        forecast,
        channel_form_shares(sales),
        products,
        fresh_price(sales, implied_from=options),
        region=None,
        weeks=weeks,
        profile=logistics,
        lines=line_prices(sales),
        options=options,
        multipliers=options,
        raw=raw_costs(crops, regions),
        explain=False,
    )
    return plan


def _simulate(listed: np.ndarray, demand: np.ndarray, spoil: np.ndarray) -> dict[str, np.ndarray]:
    """Stock each line up to ``listed`` every week; unsold stock carries on, less spoilage.

    Arrays are lines x weeks (``spoil`` per line). Returns per line: kg bought, sold, wasted,
    short, the kg still held at the end and the kg-weeks held.
    """
    lines, weeks = listed.shape
    held = np.zeros(lines)
    out: dict[str, np.ndarray] = {
        k: np.zeros(lines) for k in ("bought", "sold", "waste", "short", "held_weeks")
    }
    sold_by_week = np.zeros((lines, weeks))
    for t in range(weeks):
        bought = np.maximum(listed[:, t] - held, 0.0)
        available = held + bought
        sold = np.minimum(demand[:, t], available)
        left = available - sold
        wasted = left * spoil
        held = left - wasted
        out["bought"] += bought
        out["sold"] += sold
        out["waste"] += wasted
        out["short"] += demand[:, t] - sold
        out["held_weeks"] += held
        sold_by_week[:, t] = sold
    out["held_end"] = held
    out["sold_by_week"] = sold_by_week
    return out


def _policies(plan: pd.DataFrame, actual: pd.DataFrame, before: pd.DataFrame) -> pd.DataFrame:
    """Every line-week of the window with each policy's kg listed and the demand."""
    keys = [*LINE, "week"]
    grid = plan[[*keys, "quantity_kg", "forecast_kg"]].rename(
        columns={"quantity_kg": PLAN, "forecast_kg": MEDIAN}
    )
    ly = before.assign(week=before["week"] + pd.Timedelta(weeks=WEEKS_PER_YEAR))
    ly = ly.rename(columns={"demand_kg": LAST_YEAR})[[*keys, LAST_YEAR]]
    now = actual[[*keys, "demand_kg", "actual_price"]]
    weeks = plan["week"].unique()
    grid = grid.merge(now[now["week"].isin(weeks)], on=keys, how="outer")
    grid = grid.merge(ly[ly["week"].isin(weeks)], on=keys, how="left")
    for col in (PLAN, MEDIAN, LAST_YEAR, "demand_kg"):
        grid[col] = grid[col].fillna(0.0)
    grid[PERFECT] = grid["demand_kg"]
    return grid


def _economics(plan: pd.DataFrame) -> pd.DataFrame:
    """Price, unit cost and weekly spoilage share of each line planned (its first week's)."""
    cols = ["price_per_kg", "unit_cost", "shelf_life_days", "listed"]
    return plan.drop_duplicates(LINE).set_index(LINE)[cols]


def replay_window(
    plan: pd.DataFrame, actual: pd.DataFrame, before: pd.DataFrame, logistics: Logistics
) -> pd.DataFrame:
    """Each policy's margin, waste and stock-outs per (region, product) over one window.

    Lines the plan has no economics for (never sold before the cutoff) are left out of every
    policy alike. A policy lists ``q`` kg for a line and week: it buys up to ``q`` given the
    stock it still holds, sells ``min(demand, stock)`` at the price realised that week (the
    plan's price in weeks without a sale), loses the unsold kg's spoilage share over
    :data:`~recommender.decide.listing.SELL_WINDOW_DAYS` days, and pays
    :data:`~recommender.decide.listing.HOLDING_COST_SHARE` of the unit cost a week for what it
    holds; stock held at the end is worth its cost less one more week's spoilage. Perfect
    foresight never lists a line whose price does not cover its cost.

    Args:
        plan: A listing plan of every region (``region`` column), quantities and economics.
        actual: Sales per line and week in the window (``demand_kg``, ``actual_price``).
        before: The same for the weeks before the cutoff (last year's quantities).
        logistics: Days to the buyer and cold chain (spoilage).

    Returns:
        The columns of :data:`RESULT_COLUMNS`, one row per (region, product, policy).
    """
    grid = _policies(plan, actual, before)
    econ = _economics(plan)
    idx = pd.MultiIndex.from_frame(grid[LINE])
    known = idx.isin(econ.index)
    grid = grid[known].reset_index(drop=True)
    e = econ.reindex(pd.MultiIndex.from_frame(grid[LINE]))
    grid["price"] = grid["actual_price"].fillna(pd.Series(e["price_per_kg"].to_numpy()))
    grid["unit_cost"] = e["unit_cost"].to_numpy()
    grid = grid.dropna(subset=["price", "unit_cost"])
    loss = (grid["price"] <= grid["unit_cost"]).to_numpy()
    grid.loc[loss, PERFECT] = 0.0
    shelf = e["shelf_life_days"].reindex(pd.MultiIndex.from_frame(grid[LINE])).to_numpy()
    grid["spoil"] = spoilage_share(
        np.nan_to_num(shelf.astype(float), nan=np.inf),
        SELL_WINDOW_DAYS + logistics.transit_days,
        logistics.cold_chain,
    )
    grid = grid.sort_values([*LINE, "week"])
    lines = grid[LINE].drop_duplicates().reset_index(drop=True)
    weeks = np.sort(grid["week"].unique())
    frames = []
    for policy in POLICIES:
        wide = grid.pivot_table(index=LINE, columns="week", values=policy, aggfunc="sum")
        wide = wide.reindex(index=pd.MultiIndex.from_frame(lines), columns=weeks).fillna(0.0)
        demand = grid.pivot_table(index=LINE, columns="week", values="demand_kg", aggfunc="sum")
        demand = demand.reindex(wide.index, columns=weeks).fillna(0.0).to_numpy()
        price = grid.pivot_table(index=LINE, columns="week", values="price", aggfunc="mean")
        price = price.reindex(wide.index, columns=weeks).ffill(axis=1).bfill(axis=1).to_numpy()
        first = grid.drop_duplicates(LINE).set_index(LINE).reindex(wide.index)
        unit, spoil = first["unit_cost"].to_numpy(), first["spoil"].to_numpy()
        sim = _simulate(wide.to_numpy(), demand, spoil)
        revenue = (sim["sold_by_week"] * price).sum(axis=1)
        kept = sim["held_end"] * (1.0 - spoil)  # what is left is worth its cost, less a week's loss
        cost = unit * (sim["bought"] - kept + HOLDING_COST_SHARE * sim["held_weeks"])
        frames.append(
            lines.assign(
                policy=policy,
                margin=revenue - cost,
                revenue=revenue,
                cost=cost,
                listed_kg=wide.to_numpy().sum(axis=1),
                sold_kg=sim["sold"],
                demand_kg=demand.sum(axis=1),
                waste_kg=sim["waste"],
                stockout_kg=sim["short"],
            )
        )
    out = pd.concat(frames, ignore_index=True)
    sums = out.groupby([REGION, PRODUCT, "policy"], as_index=False, sort=False)
    return sums[list(RESULT_COLUMNS[3:])].sum()[list(RESULT_COLUMNS)]


def replay_decisions(
    sales: pd.DataFrame,
    backtest: pd.DataFrame,
    products: pd.DataFrame,
    options: pd.DataFrame,
    crops: pd.DataFrame,
    regions: pd.DataFrame,
    *,
    logistics: Logistics | None = None,
) -> pd.DataFrame:
    """Replay the listing plan over every backtest window against what then sold.

    For each window the plan is made as it would have been at the cutoff: the window's
    backtest forecast, with shares, prices and costs from the sales up to the cutoff only. It
    is scored with naive policies (last year's quantity for the same week; the median forecast
    split by channel and form) and perfect foresight on the sales of the window's weeks
    (see :func:`replay_window`).

    Args:
        sales: Accepted sales.
        backtest: Backtest forecasts: ``region, product, cutoff, date, forecast, lo, hi`` (other
            series keys are summed over).
        products: Products table.
        options: Processing options per product (completed and resolved).
        crops: Crop economics (completed).
        regions: Regions table.
        logistics: Transit days and cold chain (default: 3 days, no cold chain).

    Returns:
        :data:`RESULT_COLUMNS` with ``cutoff``, one row per (window, region, product, policy).
    """
    logistics = logistics or Logistics()
    sales = sales.assign(**{DATE: pd.to_datetime(sales[DATE])})
    weekly = _actuals(sales)
    bt = backtest.assign(**{DATE: pd.to_datetime(backtest[DATE])})
    bt = bt.groupby([REGION, PRODUCT, CUTOFF, DATE], as_index=False)[["forecast", "lo", "hi"]].sum()
    frames = []
    for cutoff, window in bt.groupby(CUTOFF, sort=True):
        cut = pd.Timestamp(cutoff)
        past = sales[sales[DATE] <= cut]
        if past.empty:
            continue
        plan = _window_plan(
            past, window.drop(columns=CUTOFF), products, options, crops, regions, logistics
        )
        if plan.empty:
            continue
        actual = weekly[weekly["week"] > cut]
        before = weekly[weekly["week"] <= cut]
        frames.append(replay_window(plan, actual, before, logistics).assign(**{CUTOFF: cut}))
    if not frames:
        return pd.DataFrame(columns=[CUTOFF, *RESULT_COLUMNS])
    out = pd.concat(frames, ignore_index=True)
    return out[[CUTOFF, *RESULT_COLUMNS]]


def summarise_decisions(results: pd.DataFrame) -> dict[str, dict[str, float]]:
    """Totals per policy: margin, waste, stock-outs, and margin as a share of perfect foresight.

    Args:
        results: Output of :func:`replay_decisions` (any subset of its rows).

    Returns:
        ``{policy: {"margin", "waste_kg", "stockout_kg", "listed_kg", "demand_kg",
        "share_of_perfect"}}``.
    """
    totals = results.groupby("policy")[
        ["margin", "waste_kg", "stockout_kg", "listed_kg", "demand_kg"]
    ].sum()
    perfect = float(totals["margin"].get(PERFECT, np.nan))
    out: dict[str, dict[str, float]] = {}
    for policy in POLICIES:
        if policy not in totals.index:
            continue
        row = {k: float(v) for k, v in totals.loc[policy].items()}
        row["share_of_perfect"] = row["margin"] / perfect if perfect > 0 else float("nan")
        out[policy] = row
    return out
