"""What-if changes a manager tries before acting: prices, costs, volume, skill, logistics."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from recommender.recommend import Evidence, profile_for


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
    """

    fresh_price: float = 0.0
    processing_cost: float = 0.0
    capex: float = 0.0
    raw_volume: float = 0.0
    skill_level: int | None = None
    cold_chain: bool | None = None
    transit_days: int | None = None


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
    profile = profile_for(county, ev.sales, ev.profile)
    changes: dict[str, Any] = {}
    if whatif.raw_volume:
        changes["raw_volume_kg"] = {
            p: kg * (1.0 + whatif.raw_volume) for p, kg in profile.raw_volume_kg.items()
        }
    for name in ("skill_level", "cold_chain", "transit_days"):
        value = getattr(whatif, name)
        if value is not None:
            changes[name] = value
    profile = profile.replace(**changes) if changes else profile
    return dataclasses.replace(ev, sales=sales, options=options, profile=profile)
