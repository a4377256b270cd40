"""The packages' public names: listed once, found on first use, light to import."""

from __future__ import annotations

import ast
import importlib
import subprocess
import sys
from pathlib import Path

import pytest

import recommender

PACKAGES = (
    "recommender",
    "recommender.data",
    "recommender.forecast",
    "recommender.bundle",
    "recommender.tracking",
    "recommender.decide",
    "recommender.demo",
    "recommender.present",
    "pipelines.jobs",
)


def _stub_names(package: str) -> set[str]:
    """The names a package's ``__init__.pyi`` imports."""
    module = importlib.import_module(package)
    stub = Path(module.__file__).with_suffix(".pyi")
    names = set()
    for node in ast.parse(stub.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.ImportFrom):
            names |= {alias.name for alias in node.names}
    return names


@pytest.mark.parametrize("package", PACKAGES)
def test_every_listed_name_is_found(package):
    # given a package whose __init__ lists its public names in a stub
    module = importlib.import_module(package)
    # then __all__ is exactly what the stub imports, and each name resolves on first use
    assert set(module.__all__) == _stub_names(package)
    missing = [name for name in module.__all__ if getattr(module, name, None) is None]
    assert missing == []


def test_the_root_package_offers_load_bundle_and_bundle():
    from recommender.bundle.folder import Bundle, load_bundle

    assert recommender.load_bundle is load_bundle and recommender.Bundle is Bundle
    with pytest.raises(AttributeError):
        _ = recommender.no_such_name


def test_light_names_do_not_pull_in_heavy_libraries():
    # given a fresh interpreter that needs only the atomic writer and the data-folder names
    code = (
        "import sys\n"
        "from recommender.bundle import write_atomic\n"
        "from recommender.data.layout import SALES_FILE\n"
        "from pipelines.jobs.settings import JobSettings\n"
        "print(sorted(m for m in ('lightgbm', 'mlflow', 'statsforecast', 'streamlit') "
        "if m in sys.modules))\n"
    )
    # when it imports them
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    # then LightGBM, MLflow, statsforecast and Streamlit stay unloaded
    assert done.stdout.strip() == "[]"
