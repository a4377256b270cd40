"""Regional-brand opportunity scoring: specialisation, competition, matched premiums, GI action."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from recommender.data.contract import PRODUCT, QUANTITY, REGION
from recommender.data.vocabulary import (
    APPLY_FOR_GI,
    BRAND_ACTIONS,
    BUILD_BRAND_ON_GI,
    GI_NONE,
    GI_REGISTERED,
    NOT_YET,
    PROTECT_GI_PREMIUM,
)
from recommender.decide.brand_reasons import display_names, reasons
from recommender.decide.premium import (
    gi_premium,
    matched_premiums,
    price_dispersion,
    reference_priced,
)

ACTIONS: tuple[str, ...] = tuple(BRAND_ACTIONS)
OUTPUT_COLUMNS: tuple[str, ...] = (
    REGION,
    PRODUCT,
    "gi_status",
    "gi_name_zh",
    "gi_name_en",
    "location_quotient",
    "supplier_regions",
    "competitors",
    "competitors_source",
    "uniqueness",
    "price_premium",
    "premium_lo",
    "premium_hi",
    "premium_weeks",
    "premium_gi_vs_lookalike",
    "demand_growth",
    "price_dispersion",
    "n_sellers",
    "score",
    "action",
    "reason",
    "reason_zh",
)
_KEY = [REGION, PRODUCT]


@dataclass(frozen=True)
class BrandWeights:
    """Weights of the 0-100 score and the thresholds of the action rules.

    Each component is mapped to [0, 1] by a clipped, non-decreasing transform, so raising
    one input never lowers the score:

    * specialisation: ``log(LQ) / log(lq_saturation)`` (LQ 1 -> 0, LQ 4 -> 1);
    * uniqueness: ``1 / competitors`` (regions supplying look-alikes: ``national_suppliers``
      where the brand signals give it, else the supplying regions in the sales);
    * premium: ``(price_premium - premium_floor) / (premium_cap - premium_floor)`` (the matched
      point estimate, 0 without a comparison);
    * growth: ``(demand_growth - growth_floor) / (growth_cap - growth_floor)``;
    * dispersion: ``price_dispersion / dispersion_cap`` (prices that differ by origin show
      buyers pay for where a product comes from; equal prices mean a look-alike commodity).

    ``score = 100 * sum(weight * component) / sum(weights)``.

    The premium is *clear* when it rests on at least ``min_premium_weeks`` matched weeks, the
    low end of its interval (``premium_lo``) is above 0 (statistically significant) and the
    estimate is at least ``min_premium`` (large enough to matter). The market is *crowded* when
    ``competitors > few_suppliers`` or at least ``many_sellers`` online shops sell the
    county's product (``n_sellers``; unknown counts as not crowded): there a premium must
    clear ``strong_premium`` at its low end to set the product apart, while a few sellers
    leave room to build a brand on any clear premium. Demand is *falling* when a forecast
    gives ``demand_growth <= falling_growth``.

    Action rules, first match wins:

    1. GI ``registered`` with a clear premium -> ``protect_gi_premium``;
    2. GI ``registered`` otherwise -> ``build_brand_on_gi``;
    3. no GI (``none``/``applied``), ``LQ >= min_lq``, a clear premium, demand not falling,
       and not crowded or ``premium_lo >= strong_premium`` -> ``apply_for_gi`` (for
       ``applied``: see the application through);
    4. otherwise -> ``not_yet``, the reason naming the first test failed: specialisation, a
       look-alike price, enough matched weeks, a price not below look-alikes, a premium
       distinguishable from zero, a premium of ``min_premium``, demand, competition. A
       negative or unclear premium never leads to ``apply_for_gi``.

    The reason of ``build_brand_on_gi`` names the premium test the GI failed likewise.
    """

    specialisation: float = 0.35
    uniqueness: float = 0.15
    premium: float = 0.30
    growth: float = 0.10
    dispersion: float = 0.10
    lq_saturation: float = 4.0
    premium_floor: float = -0.2
    premium_cap: float = 0.5
    growth_floor: float = -0.2
    growth_cap: float = 0.4
    dispersion_cap: float = 0.3
    min_lq: float = 1.5
    min_premium_weeks: int = 12
    min_premium: float = 0.05
    few_suppliers: int = 3
    many_sellers: int = 1000
    strong_premium: float = 0.10
    falling_growth: float = -0.15

    def __post_init__(self) -> None:
        """Refuse negative weights or an all-zero weighting."""
        weights = self._weights()
        if min(weights) < 0 or sum(weights) <= 0:
            raise ValueError("BrandWeights: weights must be >= 0 and not all zero")

    def _weights(self) -> tuple[float, ...]:
        return (self.specialisation, self.uniqueness, self.premium, self.growth, self.dispersion)


def _ratio(num: pd.Series, den: pd.Series) -> pd.Series:
    """``num / den`` with NaN where the denominator is not positive."""
    return num / den.where(den > 0)


def _specialisation(sales: pd.DataFrame) -> pd.DataFrame:
    """Volume, location quotient and supplier count per (region, product)."""
    vol = sales.groupby(_KEY, sort=True)[QUANTITY].sum().rename("vol").reset_index()
    vol_r = vol.groupby(REGION)["vol"].transform("sum")
    vol_p = vol.groupby(PRODUCT)["vol"].transform("sum")
    lq = _ratio(_ratio(vol["vol"], vol_r), _ratio(vol_p, pd.Series(vol["vol"].sum(), vol.index)))
    vol["location_quotient"] = lq.fillna(0.0)
    vol["supplier_regions"] = (vol["vol"] > 0).groupby(vol[PRODUCT]).transform("sum").astype(int)
    return vol


def _signals(signals: pd.DataFrame, keys: pd.DataFrame) -> pd.DataFrame:
    """Brand signals for every (region, product) in sales; missing rows get ``none``."""
    cols = [*_KEY, "gi_status", "gi_name_zh", "gi_name_en", "n_sellers", "national_suppliers"]
    given = signals.reindex(columns=cols).drop_duplicates(_KEY)
    out = keys.merge(given, on=_KEY, how="left", indicator=True)
    out["has_signal"] = out.pop("_merge").eq("both")
    out["gi_status"] = out["gi_status"].fillna(GI_NONE).astype(str).str.strip().str.lower()
    for col in ("gi_name_zh", "gi_name_en"):
        out[col] = out[col].fillna("").astype(str)
    for col in ("n_sellers", "national_suppliers"):
        out[col] = pd.to_numeric(out[col], errors="coerce").astype("Int64")
    return out


def _competition(df: pd.DataFrame) -> pd.DataFrame:
    """Competitors: national suppliers where given (at least the file's count), else the file's."""
    national = df["national_suppliers"].astype("Float64")
    use = national.notna() & (national >= df["supplier_regions"])
    df["competitors"] = national.where(use, df["supplier_regions"]).astype(int)
    df["competitors_source"] = np.where(use.to_numpy(bool), "national", "file")
    df["uniqueness"] = _ratio(pd.Series(1.0, df.index), df["competitors"]).fillna(0.0)
    return df


def _growth(growth: pd.DataFrame | None, keys: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """Demand growth per key (missing -> 0) and whether it was forecast."""
    if growth is None:
        return pd.Series(0.0, keys.index), pd.Series(False, keys.index)
    g = keys.merge(growth[[*_KEY, "demand_growth"]].drop_duplicates(_KEY), on=_KEY, how="left")
    values = pd.to_numeric(g["demand_growth"], errors="coerce")
    return values.fillna(0.0), values.notna()


def _score(df: pd.DataFrame, w: BrandWeights) -> pd.Series:
    """The 0-100 composite of clipped, normalised components (see :class:`BrandWeights`)."""
    comps = (
        np.log(np.maximum(df["location_quotient"], 1.0)) / np.log(w.lq_saturation),
        df["uniqueness"],
        (df["price_premium"] - w.premium_floor) / (w.premium_cap - w.premium_floor),
        (df["demand_growth"] - w.growth_floor) / (w.growth_cap - w.growth_floor),
        df["price_dispersion"] / w.dispersion_cap,
    )
    total = sum(wt * c.clip(0.0, 1.0) for wt, c in zip(w._weights(), comps, strict=True))
    return (100.0 * total / sum(w._weights())).round(2)


def _verdicts(df: pd.DataFrame, w: BrandWeights) -> pd.DataFrame:
    """Add whether the market is crowded, the deciding test (``_why``) and the action."""
    state = np.select(
        [
            df["premium_weeks"] == 0,
            df["premium_weeks"] < w.min_premium_weeks,
            df["premium_hi"] < 0,
            ~(df["premium_lo"] > 0),
            df["price_premium"] < w.min_premium,
        ],
        ["none", "few", "below", "flat", "small"],
        "clear",
    )
    sellers = df["n_sellers"].astype("Float64").fillna(-1.0).to_numpy(float)
    df["_crowded"] = (df["competitors"] > w.few_suppliers).to_numpy() | (sellers >= w.many_sellers)
    registered = df["gi_status"].eq(GI_REGISTERED).to_numpy()
    specialist = (df["location_quotient"] >= w.min_lq).to_numpy()
    df["_why"] = np.select(
        [
            registered & (state == "clear"),
            registered | (specialist & (state != "clear")),
            ~specialist,
            df["has_growth"] & (df["demand_growth"] <= w.falling_growth),
            df["_crowded"] & (df["premium_lo"] < w.strong_premium),
        ],
        ["protect", state, "low_lq", "falling", "crowded"],
        "apply",
    )
    df["action"] = np.select(
        [df["_why"] == "protect", registered, df["_why"] == "apply"],
        [PROTECT_GI_PREMIUM, BUILD_BRAND_ON_GI, APPLY_FOR_GI],
        NOT_YET,
    )
    return df


def score_brands(
    sales: pd.DataFrame,
    signals: pd.DataFrame,
    growth: pd.DataFrame | None = None,
    *,
    weights: BrandWeights | None = None,
    regions: pd.DataFrame | None = None,
    products: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Score each (region, product) in sales as a regional-brand opportunity.

    Args:
        sales: Accepted sales rows (``date``, ``region``, ``product``, ``quantity``,
            ``price`` (may be NaN), ``channel``, ``form``).
        signals: Brand signals, one row per (region, product): ``gi_status``
            (none|applied|registered), ``gi_name_zh``, ``gi_name_en`` and the optional
            ``n_sellers`` and ``national_suppliers`` (missing or NA: unknown; other columns
            are ignored). Pairs without a row count as ``none``; the table may be empty.
        growth: Optional ``region``, ``product``, ``demand_growth``; missing pairs get 0 and
            the reason says so.
        weights: Score weights and action thresholds; default :class:`BrandWeights`.
        regions: Optional regions reference table (``region``, ``name_en``, ``name_zh``) for
            the names in the reasons; without it the codes are used.
        products: Optional products reference table, likewise.

    Returns:
        One row per (region, product) in sales with :data:`OUTPUT_COLUMNS`, sorted by
        ``score`` descending (ties by region, product). ``price_premium`` is the matched
        premium over look-alikes (see :func:`~recommender.decide.premium.matched_premiums`),
        0 when there is no comparison; ``premium_lo``/``premium_hi`` its interval (NaN
        without a comparison) and ``premium_weeks`` the matched weeks behind it.
        ``competitors`` is the supplier count used (``competitors_source`` ``national`` or
        ``file``). ``premium_gi_vs_lookalike`` is NaN when the product has no registered or
        no non-registered priced sales in its reference form.
    """
    w = weights or BrandWeights()
    df = _specialisation(sales)
    df = df.merge(_signals(signals, df[_KEY]).drop(columns=_KEY), left_index=True, right_index=True)
    df = _competition(df)
    prem = matched_premiums(sales).set_index(_KEY).reindex(pd.MultiIndex.from_frame(df[_KEY]))
    df["price_premium"] = prem["price_premium"].fillna(0.0).to_numpy(float)
    df["premium_lo"] = prem["premium_lo"].to_numpy(float)
    df["premium_hi"] = prem["premium_hi"].to_numpy(float)
    df["premium_weeks"] = prem["premium_weeks"].fillna(0).to_numpy(int)
    priced = reference_priced(sales)
    registered = df.loc[df["gi_status"].eq(GI_REGISTERED), _KEY]
    df["premium_gi_vs_lookalike"] = df[PRODUCT].map(gi_premium(priced, registered)).astype(float)
    df["demand_growth"], df["has_growth"] = _growth(growth, df[_KEY])
    df["price_dispersion"] = df[PRODUCT].map(price_dispersion(priced)).fillna(0.0).astype(float)
    df["score"] = _score(df, w)
    df = _verdicts(df, w)
    df = display_names(display_names(df, regions, REGION, "_r"), products, PRODUCT, "_p")
    texts = [reasons(row, w) for _, row in df.iterrows()]
    df["reason"] = [t[0] for t in texts]
    df["reason_zh"] = [t[1] for t in texts]
    df = df.sort_values(["score", REGION, PRODUCT], ascending=[False, True, True])
    return df[list(OUTPUT_COLUMNS)].reset_index(drop=True)
