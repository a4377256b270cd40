"""Xingnong (兴农): demand forecasts and product-differentiation advice for rural cooperatives."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from recommender.bundle.folder import Bundle, load_bundle

__all__ = ["Bundle", "load_bundle"]


def __getattr__(name: str) -> Any:
    """Import ``load_bundle``/``Bundle`` on first use, so light modules stay light."""
    if name in __all__:
        from recommender.bundle import folder as bundle

        return getattr(bundle, name)
    raise AttributeError(f"module 'recommender' has no attribute {name!r}")
