"""Real price ratios between processed and fresh forms, from the USDA ERS retail prices.

The USDA ERS "Fruit and Vegetable Prices" tables (``data/reference/usda_ers_prices/``) give the
average US retail price of each item by form (Fresh, Canned, Frozen, Dried, Juice). Dividing a
form's price per pound by the same item's fresh price per pound gives a real-world prior for
``price_multiplier`` in ``processing_options.csv`` (price per kg of output / fresh price per kg;
a ratio of prices per pound is the same per kg). Juices are priced per pint; they are turned into
per pound with :data:`PINT_LB`.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from recommender.errors import DataError

#: Pounds per US pint of juice: 473.176 ml x 1.04 g/ml (typical fruit juice) / 453.592 g.
PINT_LB = 473.176 * 1.04 / 453.592
RATIO_COLUMNS: tuple[str, ...] = (
    "kind",
    "item",
    "name",
    "form",
    "price_per_lb",
    "fresh_price_per_lb",
    "ratio",
)
_NEEDED = ("Form", "RetailPrice", "RetailPriceUnit")


def base_item(name: str) -> str:
    """The item a row is about: the name before any comma or parenthesis.

    ``"Apples, ready-to-drink"`` -> ``"Apples"``; ``"Plum (prunes)"`` -> ``"Plum"``.
    """
    return re.split(r"[,(]", str(name), maxsplit=1)[0].strip()


def form_price_ratios(raw: pd.DataFrame, *, pint_lb: float = PINT_LB) -> pd.DataFrame:
    """Each processed form's price per pound relative to the same item's fresh price.

    Args:
        raw: One USDA ERS price table as read (a ``Fruit`` or ``Vegetable`` name column,
            ``Form``, ``RetailPrice``, ``RetailPriceUnit``; other columns are ignored).
        pint_lb: Pounds per pint, to put juices (priced per pint) on a per-pound basis.

    Returns:
        Columns :data:`RATIO_COLUMNS`: ``kind`` (fruit or vegetable), ``item`` (see
        :func:`base_item`), ``name`` (the row's full name), ``form`` (lower case),
        ``price_per_lb``, ``fresh_price_per_lb`` and ``ratio`` = price_per_lb /
        fresh_price_per_lb; one row per non-fresh row whose item has a fresh price (the fresh
        row named exactly as the item, else the item's first fresh row), sorted by item, form
        and name.

    Raises:
        DataError: No ``Fruit``/``Vegetable`` column, a needed column missing, a price that is
            not a positive number, or a unit other than per pound / per pint.
    """
    kinds = [c for c in ("Fruit", "Vegetable") if c in raw.columns]
    missing = [c for c in _NEEDED if c not in raw.columns]
    if len(kinds) != 1 or missing:
        raise DataError(
            "USDA price table: needs one of Fruit or Vegetable and Form, RetailPrice, "
            f"RetailPriceUnit (columns found: {', '.join(map(str, raw.columns))})"
        )
    kind = kinds[0]
    frame = pd.DataFrame(
        {
            "name": raw[kind].astype(str).str.strip(),
            "form": raw["Form"].astype(str).str.strip().str.lower(),
            "price": pd.to_numeric(raw["RetailPrice"], errors="coerce"),
            "unit": raw["RetailPriceUnit"].astype(str).str.strip().str.lower(),
        }
    )
    frame = frame[frame["name"].ne("") & frame["name"].ne("nan")].reset_index(drop=True)
    bad_price = frame.index[~(frame["price"] > 0)]
    if len(bad_price):
        row = int(bad_price[0])
        raise DataError(
            f"USDA price table: row {row + 1}: RetailPrice {raw['RetailPrice'].iloc[row]!r} "
            "is not a positive number"
        )
    per_lb = {"per pound": 1.0, "per pint": 1.0 / pint_lb}
    bad_unit = frame.index[~frame["unit"].isin(per_lb)]
    if len(bad_unit):
        row = int(bad_unit[0])
        raise DataError(
            f"USDA price table: row {row + 1}: RetailPriceUnit {frame['unit'].iloc[row]!r} "
            "is not 'per pound' or 'per pint'"
        )
    frame["item"] = frame["name"].map(base_item)
    frame["price_per_lb"] = frame["price"] * frame["unit"].map(per_lb)
    fresh = frame[frame["form"] == "fresh"].assign(exact=lambda f: f["name"] == f["item"])
    fresh = fresh.sort_values("exact", ascending=False, kind="stable").drop_duplicates("item")
    fresh_price = dict(zip(fresh["item"], fresh["price_per_lb"], strict=True))
    out = frame[(frame["form"] != "fresh") & frame["item"].isin(fresh_price)].copy()
    out["kind"] = kind.lower()
    out["fresh_price_per_lb"] = out["item"].map(fresh_price)
    out["ratio"] = out["price_per_lb"] / out["fresh_price_per_lb"]
    return out[list(RATIO_COLUMNS)].sort_values(["item", "form", "name"]).reset_index(drop=True)


def load_usda_ratios(folder: str | Path) -> pd.DataFrame:
    """Form price ratios of every ``*-Prices-<year>.csv`` in a folder, with a ``year`` column.

    Args:
        folder: A folder laid out like ``data/reference/usda_ers_prices/``.

    Returns:
        :func:`form_price_ratios` of each file, stacked, ``year`` first.

    Raises:
        DataError: No price files in the folder, or a table :func:`form_price_ratios` refuses.
    """
    files = sorted(Path(folder).glob("*-Prices-*.csv"))
    if not files:
        raise DataError(f"no USDA price files (*-Prices-<year>.csv) in {folder}")
    parts = []
    for path in files:
        raw = pd.read_csv(path)
        raw = raw.loc[:, [not str(c).startswith("Unnamed") for c in raw.columns]]
        year = int(re.search(r"(\d{4})", path.stem).group(1))  # type: ignore[union-attr]
        parts.append(form_price_ratios(raw).assign(year=year))
    stacked = pd.concat(parts, ignore_index=True)
    return stacked[["year", *RATIO_COLUMNS]]
