"""Xingnong (兴农): demand forecasts and product-differentiation advice for rural cooperatives.

``load_bundle`` and ``Bundle`` (see ``__init__.pyi``) are imported on first use, so that light
modules stay light.
"""

import lazy_loader

__getattr__, __dir__, __all__ = lazy_loader.attach_stub(__name__, __file__)
