"""Bundles tampered with and re-manifested (no key set): refused in one line, never a crash."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import lightgbm
import numpy as np
import pandas as pd
import pytest

from recommender.bundle.folder import load_bundle, save_bundle
from recommender.bundle.limits import check_model_text, load_json, read_small
from recommender.errors import BundleError
from tests.helpers import load_bundle_in_child


@pytest.fixture(scope="module")
def model_text() -> str:
    rng = np.random.default_rng(3)
    frame = pd.DataFrame(rng.normal(size=(300, 3)), columns=["a", "b", "c"])
    frame["k"] = pd.Categorical(rng.choice(["x", "y", "z"], 300))
    label = frame["a"] * 2 + (frame["k"] == "y")
    params = {"verbosity": -1, "num_leaves": 7, "min_data_in_leaf": 5, "seed": 1}
    data = lightgbm.Dataset(frame, label=label, categorical_feature=["k"])
    return lightgbm.train(params, data, 5).model_to_string()


@pytest.fixture
def saved(tmp_path, model_text) -> Path:
    booster = lightgbm.Booster(model_str=model_text)
    return save_bundle(tmp_path / "b", boosters={"point": booster}, metadata={"name": "x"})


def _remanifest(bundle: Path) -> None:
    """Rewrite MANIFEST.json to match the files, as someone without the key could."""
    manifest = json.loads((bundle / "MANIFEST.json").read_text())
    for name in manifest["files"]:
        manifest["files"][name] = hashlib.sha256((bundle / name).read_bytes()).hexdigest()
    (bundle / "MANIFEST.json").write_text(json.dumps(manifest))


def test_a_valid_model_passes_the_check(model_text):
    check_model_text(model_text, "bundle b", "model_point.txt")


@pytest.mark.parametrize(
    ("change", "words"),
    [
        (lambda t: t[: len(t) * 6 // 10], "cut short"),
        (lambda t: t.replace("num_class=1", "num_class=2000000000"), "num_class is not 1"),
        (lambda t: t.replace("split_feature=", "split_feature=99 ", 1), "feature the model"),
        (lambda t: t.replace("max_feature_idx=3", "max_feature_idx=3000000000"), "max_feature"),
        (lambda t: t.replace("left_child=", "left_child=900 ", 1), "left_child"),
        (lambda t: "garbage\n" + t, "does not start like one"),
    ],
)
def test_a_tampered_model_is_refused_before_lightgbm_parses_it(saved, change, words):
    # given a model changed and the manifest rewritten to match it
    path = saved / "model_point.txt"
    path.write_text(change(path.read_text()))
    _remanifest(saved)
    # when loaded in a child process (a LightGBM crash would show as a signal)
    done = load_bundle_in_child(saved)
    # then it exits normally with one clear line
    assert done.returncode == 0, done.stderr
    assert "REFUSED" in done.stdout and "not a valid LightGBM model" in done.stdout
    assert words in done.stdout


def test_deeply_nested_metadata_is_refused(saved):
    (saved / "metadata.json").write_text("[" * 100_000 + "]" * 100_000)
    _remanifest(saved)
    with pytest.raises(BundleError, match="nests deeper than 64 levels"):
        load_bundle(saved)


def test_a_manifest_that_is_a_device_a_fifo_or_huge_is_refused(saved, tmp_path):
    manifest = saved / "MANIFEST.json"
    manifest.unlink()
    manifest.symlink_to("/dev/zero")
    with pytest.raises(BundleError, match="MANIFEST.json is not a regular file"):
        load_bundle(saved)
    manifest.unlink()
    os.mkfifo(manifest)
    done = load_bundle_in_child(saved)  # a FIFO would block a plain read forever
    assert done.returncode == 0 and "MANIFEST.json is not a regular file" in done.stdout
    manifest.unlink()
    manifest.write_bytes(b" " * (2 << 20))
    with pytest.raises(BundleError, match="larger than"):
        load_bundle(saved)


def test_small_reads_and_shallow_json(tmp_path):
    path = tmp_path / "f.json"
    path.write_text('{"a": [1, {"b": "[[[["}]}')
    assert load_json(read_small(path, "x"), "x", "f.json") == {"a": [1, {"b": "[[[["}]}
    with pytest.raises(FileNotFoundError):
        read_small(tmp_path / "missing", "x")
