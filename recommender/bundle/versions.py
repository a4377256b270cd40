"""The versions of the libraries that train and write a bundle (recorded in its metadata)."""

from __future__ import annotations

import platform
from importlib import metadata as importlib_metadata

import numpy as np
import pandas as pd


def library_versions() -> dict[str, str]:
    """Versions of the libraries that write (and train) a bundle."""
    return {
        "python": platform.python_version(),
        "lightgbm": _dist_version("lightgbm"),
        "pandas": pd.__version__,
        "numpy": np.__version__,
        "scikit-learn": _dist_version("scikit-learn"),
        "xingnong": _dist_version("xingnong"),
    }


def _dist_version(dist: str) -> str:
    """Installed version of a distribution, or ``"unknown"``."""
    try:
        return importlib_metadata.version(dist)
    except importlib_metadata.PackageNotFoundError:
        return "unknown"
