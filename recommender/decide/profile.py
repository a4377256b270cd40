"""The cooperative's own situation: where it is, what it harvests and what it can afford.

A :class:`CoopProfile` is read from JSON (``data/demo/coop_profile.json``), validated once, and
edited for what-if questions with :meth:`CoopProfile.replace` ("what if we had 2 million yuan?").
"""

from __future__ import annotations

import dataclasses
import json
import math
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any

import pandas as pd

from recommender.data.contract import PRODUCT, REGION
from recommender.data.parsing import clean_code
from recommender.data.reference import code_lookup
from recommender.errors import DataError

_FIELDS = ("region", "raw_volume_kg", "capital_yuan", "skill_level", "cold_chain", "transit_days")


def _number(value: object, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise DataError(f"cooperative profile: {name} {value!r} is not a finite number")
    return float(value)


@dataclass(frozen=True)
class CoopProfile:
    """A cooperative's profile.

    Attributes:
        region: County code (``regions.csv``).
        raw_volume_kg: Raw harvest per season by product code, kg (each >= 0); read-only.
        capital_yuan: Money available for processing equipment, yuan (>= 0).
        skill_level: Staff skill: 1 basic, 2 trained, 3 specialist (as in
            ``processing_options.csv``).
        cold_chain: Whether the cooperative has cold storage and cold-chain shipping.
        transit_days: Typical days from packing to the buyer (>= 0).
    """

    region: str
    raw_volume_kg: Mapping[str, float]
    capital_yuan: float
    skill_level: int
    cold_chain: bool
    transit_days: int

    def __post_init__(self) -> None:
        if not isinstance(self.region, str) or not self.region.strip():
            raise DataError(f"cooperative profile: region {self.region!r} is blank or not text")
        region = self.region
        if not isinstance(self.raw_volume_kg, Mapping):
            raise DataError("cooperative profile: raw_volume_kg must map product codes to kg")
        volumes: dict[str, float] = {}
        for product, kg in self.raw_volume_kg.items():
            if not isinstance(product, str) or not product.strip():
                raise DataError(f"cooperative profile: product code {product!r} is blank")
            kg = _number(kg, f"raw_volume_kg[{product!r}]")
            if kg < 0:
                raise DataError(
                    f"cooperative profile: raw_volume_kg[{product!r}] {kg:g} is negative"
                )
            volumes[product] = kg
        capital = _number(self.capital_yuan, "capital_yuan")
        if capital < 0:
            raise DataError(f"cooperative profile: capital_yuan {capital:g} is negative")
        if isinstance(self.skill_level, bool) or self.skill_level not in (1, 2, 3):
            raise DataError(
                f"cooperative profile: skill_level {self.skill_level!r} is not 1, 2 or 3"
            )
        if not isinstance(self.cold_chain, bool):
            raise DataError(
                f"cooperative profile: cold_chain {self.cold_chain!r} is not true/false"
            )
        transit = self.transit_days
        if isinstance(transit, bool) or not isinstance(transit, int | float) or transit % 1:
            raise DataError(f"cooperative profile: transit_days {transit!r} is not a whole number")
        if transit < 0:
            raise DataError(f"cooperative profile: transit_days {transit!r} is negative")
        object.__setattr__(self, "region", region)
        object.__setattr__(self, "raw_volume_kg", MappingProxyType(volumes))
        object.__setattr__(self, "capital_yuan", capital)
        object.__setattr__(self, "skill_level", int(self.skill_level))
        object.__setattr__(self, "transit_days", int(transit))

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> CoopProfile:
        """Build a profile from a JSON-like mapping with exactly the fields of the class.

        Raises:
            DataError: Not a mapping, unknown or missing keys, or a bad value (one line).
        """
        if not isinstance(data, Mapping):
            raise DataError("cooperative profile: expected a JSON object")
        unknown = sorted(set(data) - set(_FIELDS))
        if unknown:
            raise DataError(
                f"cooperative profile: unknown key(s) {', '.join(map(str, unknown))} "
                f"(expected {', '.join(_FIELDS)})"
            )
        missing = [f for f in _FIELDS if f not in data]
        if missing:
            raise DataError(f"cooperative profile: missing key(s) {', '.join(missing)}")
        return cls(**{f: data[f] for f in _FIELDS})

    def to_dict(self) -> dict[str, Any]:
        """The profile as plain JSON-ready values (``from_dict(p.to_dict()) == p``)."""
        return {
            "region": self.region,
            "raw_volume_kg": dict(self.raw_volume_kg),
            "capital_yuan": self.capital_yuan,
            "skill_level": self.skill_level,
            "cold_chain": self.cold_chain,
            "transit_days": self.transit_days,
        }

    def replace(self, **changes: Any) -> CoopProfile:
        """A copy with some fields changed, validated again (for what-if questions).

        Raises:
            DataError: An unknown field or a bad new value.
        """
        unknown = sorted(set(changes) - set(_FIELDS))
        if unknown:
            raise DataError(f"cooperative profile: unknown key(s) {', '.join(unknown)}")
        if "raw_volume_kg" in changes:
            changes["raw_volume_kg"] = dict(changes["raw_volume_kg"])
        return dataclasses.replace(self, **changes)

    def resolved(
        self, regions: pd.DataFrame | None = None, products: pd.DataFrame | None = None
    ) -> CoopProfile:
        """The profile with its region and products written as the reference tables write them.

        Codes and names are matched ignoring case, width and surrounding spaces (see
        :func:`recommender.data.reference.code_lookup`), so ``"Zhouzhi"`` finds ``zhouzhi``.

        Args:
            regions: A validated regions table, or None to keep the region as written.
            products: A validated products table, or None to keep the products as written.

        Returns:
            The resolved profile.

        Raises:
            DataError: A region or product the table does not have.
        """
        region = self.region
        if regions is not None:
            region = _resolve(region, code_lookup(regions, REGION), "region", "regions")
        volumes = dict(self.raw_volume_kg)
        if products is not None:
            lookup = code_lookup(products, PRODUCT)
            volumes = {_resolve(p, lookup, "product", "products"): kg for p, kg in volumes.items()}
        return dataclasses.replace(self, region=region, raw_volume_kg=volumes)


def _resolve(key: str, lookup: Mapping[str, str], what: str, table: str) -> str:
    """A profile key as the table writes it, or a one-line error naming it."""
    found = lookup.get(clean_code(pd.Series([key])).iloc[0])
    if found is None:
        raise DataError(f"cooperative profile: {what} {key!r} is not in {table}")
    return found


def load_profile(path: str | Path) -> CoopProfile:
    """Read a cooperative profile from a JSON file.

    Raises:
        DataError: Missing or unreadable file, invalid JSON, or an invalid profile.
    """
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except FileNotFoundError:
        raise DataError(f"cooperative profile {path} does not exist") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise DataError(f"cooperative profile {path} is not readable JSON: {exc}") from None
    try:
        return CoopProfile.from_dict(data)
    except DataError as exc:
        raise DataError(f"{exc} (in {path})") from None
