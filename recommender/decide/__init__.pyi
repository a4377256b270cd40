from .basis import RegionBasis, prepare, profile_for
from .brand import BrandWeights, score_brands
from .costs import line_prices, raw_costs, unit_costs
from .evidence import Evidence, load_evidence, trained_folder
from .grow import rank_crops
from .listing import listing_plan
from .market import demand_by_form, demand_growth
from .premium import matched_premiums
from .pricing import fresh_price, learn_form_multipliers, options_for, prefer_model
from .processing import score_options
from .profile import CoopProfile, load_profile
from .recommend import (
    ITEM_FIELDS,
    KINDS,
    PLAN_WEEKS,
    SCHEMA_VERSION,
    advise,
    as_table,
    recommend,
)
from .response import PriceResponse, fit_price_response, volume_elasticity
from .shares import channel_form_shares, shares_for
from .whatif import WhatIf, advise_whatif, relevant

__all__ = [
    "unit_costs",
    "shares_for",
    "raw_costs",
    "matched_premiums",
    "line_prices",
    "channel_form_shares",
    "ITEM_FIELDS",
    "KINDS",
    "PLAN_WEEKS",
    "SCHEMA_VERSION",
    "BrandWeights",
    "CoopProfile",
    "Evidence",
    "PriceResponse",
    "RegionBasis",
    "WhatIf",
    "advise",
    "advise_whatif",
    "as_table",
    "demand_by_form",
    "demand_growth",
    "fit_price_response",
    "fresh_price",
    "learn_form_multipliers",
    "listing_plan",
    "load_evidence",
    "load_profile",
    "options_for",
    "prefer_model",
    "prepare",
    "profile_for",
    "rank_crops",
    "recommend",
    "relevant",
    "score_brands",
    "score_options",
    "trained_folder",
    "volume_elasticity",
]
