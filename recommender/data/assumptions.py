"""What is assumed where a cooperative's tables say nothing: category defaults, said aloud.

A cooperative rarely has a processing table with yields, costs and price multipliers, and seldom
crop economics or seller counts. Where its own table is missing, or lists some products and not
others, each product gets the defaults of its category shipped with the package (``defaults/``
beside this module; ``data/README.md`` gives every value and its source), never another
cooperative's rows. Every default row is marked ``assumed`` and every table or product that got
one is listed as an :class:`Assumption`, so reasons and reports can say so.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources

import numpy as np
import pandas as pd

from recommender.data.contract import DEFAULT_FORM, OPTION, PRODUCT
from recommender.data.fields import table_error
from recommender.data.layout import CROPS_FILE, OPTIONS_FILE, PROFILE_FILE, SIGNALS_FILE
from recommender.data.readers import read_table
from recommender.data.tables import (
    ANY_ZONE,
    BRAND_COLUMNS,
    CROP_COLUMNS,
    OPTION_PARAMETERS,
    PROCESSING_COLUMNS,
    validate_crop_economics,
    validate_processing_options,
)
from recommender.data.vocabulary import ANY_CATEGORY, CATEGORIES

ASSUMED = "assumed"
"""Column of the completed tables: True for a row that is a default, not the user's."""
DEFAULT_FOR = "default_for"
"""Column of the completed tables: the category whose defaults a row took ("" for none)."""
CATEGORY = "category"


@dataclass(frozen=True)
class Assumption:
    """One thing a run assumes, in words.

    Attributes:
        table: The data-folder file the assumption stands in for.
        product: The product it is about ("" for the whole table).
        en: An English sentence.
        zh: The same in Chinese.
    """

    table: str
    product: str
    en: str
    zh: str


def category_name(category: str, lang: str) -> str:
    """A category's name in ``lang`` (``"zh"`` or ``"en"``); the code itself when unknown."""
    name = CATEGORIES.get(category)
    if name is None:
        return category
    return name.zh if lang == "zh" else name.en


@cache
def _defaults(name: str) -> pd.DataFrame:
    """A defaults table shipped with the package, as text."""
    path = resources.files("recommender.data") / "defaults" / name
    with resources.as_file(path) as local:
        return read_table(local, required=(), what=f"default table {name}")


def _category_of(products: pd.DataFrame, known: set[str]) -> pd.Series:
    """Each product's category when the defaults list it, else the catch-all ``*``."""
    categories = products[CATEGORY].astype(str)
    return categories.where(categories.isin(known), ANY_CATEGORY)


def complete_options(
    options: pd.DataFrame | None, products: pd.DataFrame
) -> tuple[pd.DataFrame, list[Assumption]]:
    """The processing options of every product: the user's, filled out by category defaults.

    * A row of the user's that leaves parameters blank (:data:`OPTION_PARAMETERS`) gets them
      from the default row of the same option for its category (or ``*``, other produce); a
      blank parameter with no such default is refused.
    * A product the user's table does not cover (no row for it or its category) gets every
      default option of its category as rows of its own.
    * A covered product without a ``fresh`` row gets the fresh baseline (yield 1, no cost,
      multiplier 1): a definition, not an assumption.

    Rows with a default in them are marked ``assumed`` and name the category in
    ``default_for``; a blank shelf life (NaN) means the product's own (``products.csv``).

    Args:
        options: The cooperative's validated processing options, or None when it has none.
        products: The validated products table.

    Returns:
        The completed table (the validated columns, ``assumed`` and ``default_for``) and what
        was assumed.

    Raises:
        DataError: When a row leaves a parameter blank that no default can fill.
    """
    defaults = _typed_defaults()
    known = set(defaults[CATEGORY])
    category_of = dict(zip(products[PRODUCT], _category_of(products, known), strict=True))
    own, assumed = _filled(options, products, defaults, category_of)
    by_product = set(own[PRODUCT].dropna())
    by_category = set(own[CATEGORY].dropna())
    rows = []
    for product, category in zip(products[PRODUCT], products[CATEGORY], strict=True):
        if product in by_product or category in by_category:
            if not _has_fresh(own, product, category):
                rows.append(_fresh_row(product))
            continue
        use = category_of[product]
        table = defaults[defaults[CATEGORY] == use]
        rows += [
            {**row, PRODUCT: product, CATEGORY: None, ASSUMED: True, DEFAULT_FOR: use}
            for row in table.to_dict("records")
        ]
        name_en, name_zh = category_name(use, "en"), category_name(use, "zh")
        assumed.append(
            Assumption(
                OPTIONS_FILE,
                str(product),
                f"{product}: processing options, yields, costs and price multipliers are the "
                f"defaults for {name_en}",
                f"{product}：加工方式、出成率、成本和价格倍数采用{name_zh}类默认值",
            )
        )
    return _cast(_stacked(own, pd.DataFrame(rows))), assumed


_OPTIONAL_PARAMETERS = ("shelf_life_days", "market_share")
"""Parameters a default fills when it has them, else left blank (the product's shelf life, the
general new-form share)."""


@cache
def _typed_defaults() -> pd.DataFrame:
    """The shipped processing-option defaults, validated and typed."""
    return validate_processing_options(_defaults(OPTIONS_FILE), source="defaults")


def _filled(
    options: pd.DataFrame | None,
    products: pd.DataFrame,
    defaults: pd.DataFrame,
    category_of: dict[str, str],
) -> tuple[pd.DataFrame, list[Assumption]]:
    """The user's rows with blank parameters filled from their category's default option."""
    if options is None:
        return pd.DataFrame(columns=[*PROCESSING_COLUMNS, ASSUMED, DEFAULT_FOR]), []
    own = options.copy().astype({c: object for c in OPTION_PARAMETERS})
    own[ASSUMED], own[DEFAULT_FOR] = False, ""
    own["source"] = own["source"].fillna("your table")
    known = set(defaults[CATEGORY])
    indexed = defaults.set_index([CATEGORY, OPTION])
    problems, assumed = [], []
    for i, row in own.iterrows():
        blank = [c for c in OPTION_PARAMETERS if pd.isna(row[c])]
        if not blank:
            continue
        if row[OPTION] == DEFAULT_FORM:
            for column, value in _fresh_row("").items():
                if column in blank:
                    own.at[i, column] = value
            continue
        product = row[PRODUCT]
        category = category_of.get(product) if product is not None else row[CATEGORY]
        category = str(category) if category in known else ANY_CATEGORY
        if (category, row[OPTION]) not in indexed.index:
            problems.append(
                f"row {int(str(i)) + 1}: option {row[OPTION]!r} leaves {', '.join(blank)} blank "
                f"and there is no default for it"
            )
            continue
        default = indexed.loc[(category, row[OPTION])]
        for column in blank:
            own.at[i, column] = default[column]
        for column in _OPTIONAL_PARAMETERS:
            if pd.isna(row[column]) and pd.notna(default[column]):
                own.at[i, column] = default[column]
        own.at[i, ASSUMED], own.at[i, DEFAULT_FOR] = True, category
        whose = product if product is not None else f"{row[CATEGORY]} (category)"
        name_en, name_zh = category_name(category, "en"), category_name(category, "zh")
        assumed.append(
            Assumption(
                OPTIONS_FILE,
                str(product or ""),
                f"{whose} {row[OPTION]}: {', '.join(blank)} are the defaults for {name_en}",
                f"{whose} {row[OPTION]}：{'、'.join(blank)}采用{name_zh}类默认值",
            )
        )
    if problems:
        raise table_error("processing_options", problems)
    return own, assumed


def _stacked(first: pd.DataFrame, second: pd.DataFrame) -> pd.DataFrame:
    """The rows of both frames (the columns of ``first``), ignoring an empty one."""
    if second.empty:
        return first
    if first.empty:
        return second.reindex(columns=first.columns)
    rows = first.to_dict("records") + second.to_dict("records")  # all-blank columns kept
    columns = [*first.columns, *(c for c in second.columns if c not in first.columns)]
    return pd.DataFrame.from_records(rows, columns=columns)


def _cast(options: pd.DataFrame) -> pd.DataFrame:
    """Every parameter typed: floats, whole skill levels, flags; shelf life float (NaN: own)."""
    return options.astype(
        {
            "yield_ratio": "float64",
            "processing_cost_per_kg": "float64",
            "capex": "float64",
            "price_multiplier": "float64",
            "shelf_life_days": "float64",
            "market_share": "float64",
            "skill_level": "int64",
            "cold_chain_required": "bool",
            ASSUMED: "bool",
        }
    ).reset_index(drop=True)


def _has_fresh(options: pd.DataFrame, product: str, category: str) -> bool:
    """Whether the user's options give ``product`` a fresh row, its own or its category's."""
    fresh = options[options[OPTION] == DEFAULT_FORM]
    return bool((fresh[PRODUCT] == product).any() or (fresh[CATEGORY] == category).any())


def _fresh_row(product: str) -> dict[str, object]:
    """The fresh baseline of a product: the form everything else is measured against."""
    return {
        PRODUCT: product,
        CATEGORY: None,
        OPTION: DEFAULT_FORM,
        "yield_ratio": 1.0,
        "processing_cost_per_kg": 0.0,
        "capex": 0.0,
        "shelf_life_days": np.nan,
        "skill_level": 1,
        "price_multiplier": 1.0,
        "cold_chain_required": False,
        "market_share": np.nan,
        "source": "baseline (fresh is the reference form)",
        ASSUMED: False,
        DEFAULT_FOR: "",
    }


def complete_crops(
    crops: pd.DataFrame | None, products: pd.DataFrame
) -> tuple[pd.DataFrame, list[Assumption]]:
    """Crop economics of every product: the user's rows, else its category's defaults.

    A product without a row in the user's table gets its category's default yield, cost and
    months to first harvest for every climate zone (``climate_zone`` ``*``), marked
    ``assumed``; categories without a default (honey, other produce) get none, so those
    products are not ranked as crops.

    Args:
        crops: The cooperative's validated crop economics, or None when it has none.
        products: The validated products table.

    Returns:
        The completed table (the validated columns plus ``assumed``) and what was assumed.
    """
    own = (pd.DataFrame(columns=list(CROP_COLUMNS)) if crops is None else crops.copy()).assign(
        **{ASSUMED: False, DEFAULT_FOR: ""}
    )
    defaults = _defaults(CROPS_FILE).set_index(CATEGORY)
    have = set(own[PRODUCT])
    rows, assumed = [], []
    for product, category in zip(products[PRODUCT], products[CATEGORY].astype(str), strict=True):
        if product in have or category not in defaults.index:
            continue
        row = defaults.loc[category]
        rows.append(
            {
                PRODUCT: product,
                "climate_zone": ANY_ZONE,
                "yield_per_mu_kg": row["yield_per_mu_kg"],
                "cost_per_mu_yuan": row["cost_per_mu_yuan"],
                "months_to_first_harvest": row["months_to_first_harvest"],
                "source": f"default for {category_name(category, 'en')}: {row['source']}",
                DEFAULT_FOR: category,
            }
        )
        assumed.append(
            Assumption(
                CROPS_FILE,
                str(product),
                f"{product}: yield, cost and months to first harvest are the defaults for "
                f"{category_name(category, 'en')}",
                f"{product}：亩产、成本和首次收获时间采用{category_name(category, 'zh')}类默认值",
            )
        )
    if not rows:
        return own, assumed
    added = validate_crop_economics(pd.DataFrame(rows).astype(str), source="defaults")
    return _stacked(own, added.assign(**{ASSUMED: True})).astype({ASSUMED: bool}), assumed


def complete_signals(signals: pd.DataFrame | None) -> tuple[pd.DataFrame, list[Assumption]]:
    """Brand signals, or an empty table that says no GI is recorded and sellers are unknown.

    Args:
        signals: The cooperative's validated brand signals, or None when it has none.

    Returns:
        The table and what was assumed.
    """
    if signals is not None:
        return signals, []
    empty = pd.DataFrame(columns=list(BRAND_COLUMNS))
    return empty, [
        Assumption(
            SIGNALS_FILE,
            "",
            "no brand_signals.csv: no geographical indication is recorded and seller counts "
            "are unknown",
            "没有 brand_signals.csv：视为没有地理标志记录，卖家数量未知",
        )
    ]


def profile_assumption() -> Assumption:
    """What is assumed of a cooperative that gives no profile."""
    return Assumption(
        PROFILE_FILE,
        "",
        "no coop_profile.json: each region's raw volume is last year's sales, with modest "
        "capital, basic skills, no cold chain",
        "没有 coop_profile.json：各地区原料量按去年销量计，资金有限、技能基础、无冷链",
    )


def summarise(assumptions: Sequence[Assumption], lang: str = "en") -> list[str]:
    """The assumptions as a few lines: products sharing one assumption listed together.

    Args:
        assumptions: What a run assumes.
        lang: ``en`` or ``zh``.

    Returns:
        One line per distinct assumption, ``<what>: <products>`` when it is about products.
    """
    groups: dict[tuple[str, str], list[str]] = {}
    for item in assumptions:
        text = item.zh if lang == "zh" else item.en
        sep = "：" if lang == "zh" else ": "
        who, _, what = text.partition(sep) if item.product else ("", "", text)
        groups.setdefault((item.table, what), []).append(who)
    lines = []
    for (table, what), whom in groups.items():
        named = [w for w in whom if w]
        lines.append(f"{table}: {what} ({', '.join(named)})" if named else what)
    return lines


def default_note(category: str, lang: str) -> str:
    """How a reason says a figure is a category default, not the cooperative's data."""
    if lang == "zh":
        return f"{category_name(category, 'zh')}类默认值，非您的数据"
    return f"default for {category_name(category, 'en')}, not your data"
