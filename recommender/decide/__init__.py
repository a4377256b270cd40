"""Decisions: what to grow, process, brand and list, with the numbers and the reasons.

The public names are listed in ``__init__.pyi`` and imported on first use.
"""

import lazy_loader

__getattr__, __dir__, __all__ = lazy_loader.attach_stub(__name__, __file__)
