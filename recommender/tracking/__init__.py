"""Experiment tracking, the model registry and serving: the one package that imports MLflow.

The public names are listed in ``__init__.pyi`` and imported on first use.
"""

import lazy_loader

__getattr__, __dir__, __all__ = lazy_loader.attach_stub(__name__, __file__)
