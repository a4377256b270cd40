"""What a generated world is drawn from: its regions, products, growers and planted targets."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Area:
    """A province or city (prefecture) above the counties; ``parent`` is empty for a province."""

    code: str
    name_en: str
    name_zh: str
    level: str
    parent: str = ""


@dataclass(frozen=True)
class County:
    """A county-level region (county, district or county-level city) that grows products."""

    code: str
    name_en: str
    name_zh: str
    parent: str
    climate_zone: str


@dataclass(frozen=True)
class Season:
    """When a product sells: harvest windows ``((month, day), (month, day))`` and the floor.

    Attributes:
        windows: Selling windows; a window may cross the new year.
        floor: Off-season demand relative to the season (0-1).
    """

    windows: tuple[tuple[tuple[int, int], tuple[int, int]], ...]
    floor: float


@dataclass(frozen=True)
class FormSpec:
    """How a product sells in one processing form (simulation assumption).

    Attributes:
        form: Form code (``fresh``, ``dried``, ``roasted``, ``sauce``...).
        price_factor: Price per kg relative to the product's base price.
        shelf_life_days: Days the form keeps.
        weight: Typical share of the product's volume.
        seasonality: How strongly the harvest season shapes its sales (0-1).
        pack_kg: Kg per order.
        channels: Channels that carry the form (empty: every channel).
    """

    form: str
    price_factor: float
    shelf_life_days: int
    weight: float = 1.0
    seasonality: float = 1.0
    pack_kg: float = 1.0
    channels: tuple[str, ...] = ()


@dataclass(frozen=True)
class ProductSpec:
    """A farm product; ``shelf_life_days`` is for its first (main) form."""

    code: str
    name_en: str
    name_zh: str
    category: str
    shelf_life_days: int
    base_price: float  # yuan/kg of the main form
    season: Season
    forms: tuple[FormSpec, ...]
    unit: str = "kg"

    def form(self, code: str) -> FormSpec:
        """The spec of one of the product's forms.

        Raises:
            KeyError: The product is not sold in that form.
        """
        for spec in self.forms:
            if spec.form == code:
                return spec
        raise KeyError(f"{self.code!r} has no form {code!r}")


@dataclass(frozen=True)
class ChannelSpec:
    """A sales channel: price level (taobao = 1), share weight, log growth a year, online."""

    code: str
    price: float
    weight: float
    growth: float
    online: bool


@dataclass(frozen=True)
class Grower:
    """A county selling a product: kg a week in season, the forms and channels it sells in."""

    county: str
    product: str
    scale_kg: float
    forms: tuple[str, ...]
    channels: tuple[str, ...]


@dataclass(frozen=True)
class CropFact:
    """One crop-economics row (per mu; 1 mu = 1/15 ha)."""

    product: str
    climate_zone: str
    yield_per_mu_kg: float
    cost_per_mu_yuan: float
    months_to_first_harvest: int


@dataclass(frozen=True)
class GiFact:
    """The geographical-indication status of a county's product (``applied``/``registered``)."""

    county: str
    product: str
    status: str
    name_zh: str
    name_en: str


@dataclass(frozen=True)
class ProfileSpec:
    """The cooperative whose profile the world writes (``coop_profile.json``)."""

    region: str
    raw_volume_kg: Mapping[str, float]
    capital_yuan: float
    skill_level: int
    cold_chain: bool
    transit_days: int


@dataclass(frozen=True)
class Targets:
    """Where each plant goes: ``(county, product)`` pairs or a product.

    Attributes:
        rising_crop: Product whose price rises strongly.
        collapsing_price: County specialised in a product whose price collapses.
        brand_premium: County selling a product above the others.
        roasted_value: County selling ``roasted`` beside ``fresh``.
        long_shelf_form: County selling the product ``dried``.
        below_cost_line: County selling the product ``fresh`` below its growing cost.
        festival_mix: Product whose ``gift_box`` share peaks in Double 11 weeks.
        unsold_form: County (the profile's) that never sells the product as ``gift_box``.
    """

    rising_crop: str
    collapsing_price: tuple[str, str]
    brand_premium: tuple[str, str]
    roasted_value: tuple[str, str]
    long_shelf_form: tuple[str, str]
    below_cost_line: tuple[str, str]
    festival_mix: str
    unsold_form: tuple[str, str]


@dataclass(frozen=True)
class WorldSpec:
    """Everything a world is generated from (facts and simulation assumptions)."""

    name: str
    areas: tuple[Area, ...]
    counties: tuple[County, ...]
    products: tuple[ProductSpec, ...]
    channels: tuple[ChannelSpec, ...]
    growers: tuple[Grower, ...]
    crops: tuple[CropFact, ...]
    gis: tuple[GiFact, ...]
    profile: ProfileSpec
    targets: Targets
    source: str = field(default="simulated world")

    def product(self, code: str) -> ProductSpec:
        """The spec of a product by code.

        Raises:
            KeyError: Unknown product.
        """
        for spec in self.products:
            if spec.code == code:
                return spec
        raise KeyError(f"unknown product {code!r}")

    def county(self, code: str) -> County:
        """The spec of a county by code.

        Raises:
            KeyError: Unknown county.
        """
        for spec in self.counties:
            if spec.code == code:
                return spec
        raise KeyError(f"unknown county {code!r}")

    def channel(self, code: str) -> ChannelSpec:
        """The spec of a channel by code.

        Raises:
            KeyError: Unknown channel.
        """
        for spec in self.channels:
            if spec.code == code:
                return spec
        raise KeyError(f"unknown channel {code!r}")
