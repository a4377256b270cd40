"""What-if changes a manager tries before acting: prices, costs, volume, skill, logistics.

:func:`apply_whatif` defines a change on the evidence; :func:`advise_whatif` gives the same
recommendations quickly from a region's prepared basis (what the app uses).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from recommender.decide.basis import RegionBasis, profile_for
from recommender.decide.evidence import Evidence
from recommender.decide.profile import CoopProfile
from recommender.decide.recommend import KINDS, PLAN_WEEKS, advise


@dataclass(frozen=True)
class WhatIf:
    """Changes to try before recommending (nothing is retrained).

    Attributes:
        fresh_price: Change of every sales price, fraction (0.1 = +10 %).
        processing_cost: Change of every option's processing cost per kg, fraction.
        capex: Change of every option's capex, fraction.
        raw_volume: Change of the cooperative's raw volume, fraction.
        skill_level: Staff skill 1-3 (None: the profile's).
        cold_chain: Cold chain (None: the profile's).
        transit_days: Days to the buyer (None: the profile's).
        new_form_market: Change of the estimated market of every form a region has not sold
            yet, fraction (-0.5 = half the estimate).
    """

    fresh_price: float = 0.0
    processing_cost: float = 0.0
    capex: float = 0.0
    raw_volume: float = 0.0
    skill_level: int | None = None
    cold_chain: bool | None = None
    transit_days: int | None = None
    new_form_market: float = 0.0


def apply_whatif(ev: Evidence, county: str, whatif: WhatIf) -> Evidence:
    """A copy of the evidence with the what-if changes applied (the original is untouched).

    Args:
        ev: The evidence.
        county: The region the profile is for.
        whatif: The changes.

    Returns:
        The changed evidence.
    """
    if whatif == WhatIf():
        return ev
    sales, options = ev.sales, ev.options
    if whatif.fresh_price:
        sales = sales.assign(price=sales["price"] * (1.0 + whatif.fresh_price))
    if whatif.processing_cost or whatif.capex:
        options = options.assign(
            processing_cost_per_kg=options["processing_cost_per_kg"]
            * (1.0 + whatif.processing_cost),
            capex=options["capex"] * (1.0 + whatif.capex),
        )
    profile = changed_profile(profile_for(county, ev.sales, ev.profile), whatif)
    return dataclasses.replace(
        ev,
        sales=sales,
        options=options,
        profile=profile,
        market_factor=ev.market_factor * (1.0 + whatif.new_form_market),
    )


_MATTERS: dict[str, frozenset[str]] = {
    "grow": frozenset({"fresh_price"}),
    "process": frozenset(f.name for f in dataclasses.fields(WhatIf)),
    "brand": frozenset(),
    "list": frozenset({"fresh_price", "processing_cost", "cold_chain", "transit_days"}),
}
"""Which changes each list depends on (brand scores use price ratios, which no change moves)."""


def relevant(whatif: WhatIf, kinds: Sequence[str]) -> WhatIf:
    """The what-if with only the changes the given lists depend on (the others undone).

    Lists computed under ``relevant(whatif, kinds)`` equal those under ``whatif``, so a cache
    keyed by it answers a change that leaves the lists on screen alone without recomputing.
    """
    keep = frozenset().union(*(_MATTERS.get(k, _MATTERS["process"]) for k in kinds))
    base = WhatIf()
    return dataclasses.replace(
        whatif,
        **{f.name: getattr(base, f.name) for f in dataclasses.fields(WhatIf) if f.name not in keep},
    )


def changed_profile(profile: CoopProfile, whatif: WhatIf) -> CoopProfile:
    """The profile with the what-if's raw volume, skill and logistics changes."""
    changes: dict[str, Any] = {}
    if whatif.raw_volume:
        changes["raw_volume_kg"] = {
            p: kg * (1.0 + whatif.raw_volume) for p, kg in profile.raw_volume_kg.items()
        }
    for name in ("skill_level", "cold_chain", "transit_days"):
        value = getattr(whatif, name)
        if value is not None:
            changes[name] = value
    return profile.replace(**changes) if changes else profile


def advise_whatif(
    basis: RegionBasis,
    whatif: WhatIf,
    *,
    weeks: int = PLAN_WEEKS,
    top: int = 5,
    kinds: Sequence[str] = KINDS,
) -> dict[str, Any]:
    """The region's recommendations under the what-if, from its prepared basis (quick).

    Gives the same lists as ``recommend(apply_whatif(evidence, region, whatif), region)``
    without recomputing what the changes leave alone.

    Args:
        basis: The region's prepared inputs (:func:`recommender.decide.basis.prepare`).
        whatif: The changes.
        weeks: Weeks of listing plan.
        top: How many grow / process / brand items to return.
        kinds: Which lists to make.

    Returns:
        The recommendations document (with the lists asked for).
    """
    return advise(
        basis,
        price_factor=1.0 + whatif.fresh_price,
        cost_factor=1.0 + whatif.processing_cost,
        capex_factor=1.0 + whatif.capex,
        market_factor=1.0 + whatif.new_form_market,
        profile=changed_profile(basis.profile, whatif),
        weeks=weeks,
        top=top,
        kinds=kinds,
    )
