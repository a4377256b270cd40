from importlib import metadata

import lightgbm
import pandas as pd

from recommender.bundle.versions import library_versions


def test_versions_name_the_installed_libraries():
    versions = library_versions()
    assert versions["lightgbm"] == metadata.version("lightgbm") == lightgbm.__version__
    assert versions["pandas"] == pd.__version__
    assert versions["xingnong"] == metadata.version("xingnong")
    assert all(isinstance(v, str) and v for v in versions.values())
