"""Presentation for people: words in Chinese and English, names of codes, chart specifications.

The only package that imports Altair; nothing else in the library imports it. Its modules are
listed in ``__init__.pyi`` and imported on first use.
"""

import lazy_loader

__getattr__, __dir__, __all__ = lazy_loader.attach_stub(__name__, __file__)
