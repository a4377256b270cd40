"""Tests of model bundles: round trip, layout, refused inputs and replacing an old bundle."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import lightgbm
import numpy as np
import pandas as pd
import pytest

from recommender.bundle.folder import (
    SCHEMA_VERSION,
    Bundle,
    bundle_digest,
    load_bundle,
    save_bundle,
    verify_bundle,
)
from recommender.errors import BundleError
from tests.helpers import load_bundle_in_child

FEATURES = ["f0", "f1", "f2", "f3"]


@pytest.fixture(scope="module")
def data() -> pd.DataFrame:
    rng = np.random.default_rng(7)
    frame = pd.DataFrame(rng.normal(size=(200, 4)), columns=FEATURES)
    frame["y"] = 2 * frame["f0"] - frame["f1"] + rng.normal(scale=0.1, size=200)
    return frame


@pytest.fixture(scope="module")
def booster(data: pd.DataFrame) -> lightgbm.Booster:
    params = {
        "objective": "regression",
        "seed": 1,
        "deterministic": True,
        "force_row_wise": True,
        "num_threads": 1,
        "verbosity": -1,
        "min_data_in_leaf": 5,
    }
    train = lightgbm.Dataset(data[FEATURES], label=data["y"])
    return lightgbm.train(params, train, num_boost_round=10)


@pytest.fixture
def metadata() -> dict:
    return {"features": FEATURES, "config": {"horizon": 8, "level": 80}, "name": "兴农 demand"}


@pytest.fixture
def history() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "unique_id": ["a", "a", "b"],
            "ds": pd.to_datetime(["2025-01-05", "2025-01-12", "2025-01-05"]),
            "y": [1.0, 2.5, 0.0],
        }
    )


@pytest.fixture
def saved(tmp_path: Path, booster, metadata, history) -> Path:
    return save_bundle(
        tmp_path / "models" / "demand",
        boosters={"point": booster, "q90": booster},
        metadata=metadata,
        tables={"history": history},
    )


def _leftovers(parent: Path) -> list[str]:
    return sorted(p.name for p in parent.iterdir() if p.name.startswith((".tmp-", ".old-")))


def test_round_trip_keeps_predictions_metadata_and_tables(saved, booster, data, metadata, history):
    # Given a saved bundle
    # When it is loaded
    bundle = load_bundle(saved)
    # Then the boosters predict identically, the metadata and tables come back unchanged
    assert isinstance(bundle, Bundle)
    assert sorted(bundle.boosters) == ["point", "q90"]
    np.testing.assert_array_equal(
        bundle.boosters["point"].predict(data[FEATURES]), booster.predict(data[FEATURES])
    )
    assert {k: bundle.metadata[k] for k in metadata} == metadata
    pd.testing.assert_frame_equal(bundle.tables["history"], history)
    assert bundle.path == saved
    assert bundle.digest == bundle_digest(saved)


def test_layout_metadata_and_manifest(saved):
    # Given a saved bundle
    # When its files are read
    names = sorted(p.name for p in saved.iterdir())
    meta = json.loads((saved / "metadata.json").read_text(encoding="utf-8"))
    manifest = json.loads((saved / "MANIFEST.json").read_text(encoding="utf-8"))
    # Then the layout is as documented, with no signature when no key is set
    assert names == [
        "MANIFEST.json",
        "metadata.json",
        "model_point.txt",
        "model_q90.txt",
        "table_history.parquet",
    ]
    assert meta["schema_version"] == SCHEMA_VERSION
    assert meta["created_at"].endswith("+00:00")
    assert set(meta["library_versions"]) == {
        "python",
        "lightgbm",
        "pandas",
        "numpy",
        "scikit-learn",
        "xingnong",
    }
    assert meta["files"] == {
        "models": {"point": "model_point.txt", "q90": "model_q90.txt"},
        "tables": {"history": "table_history.parquet"},
    }
    assert manifest["schema_version"] == SCHEMA_VERSION
    assert manifest["algorithm"] == "sha256"
    assert set(manifest["files"]) == set(names) - {"MANIFEST.json"}
    for name, digest in manifest["files"].items():
        assert hashlib.sha256((saved / name).read_bytes()).hexdigest() == digest
    assert verify_bundle(saved) == manifest["files"]
    assert (
        bundle_digest(saved) == hashlib.sha256((saved / "MANIFEST.json").read_bytes()).hexdigest()
    )


def test_numpy_metadata_values_are_converted(tmp_path, booster):
    # Given metadata with numpy scalars and arrays
    meta = {"rows": np.int64(200), "mae": np.float32(0.5), "lags": np.array([1, 2, 52])}
    # When saved and loaded
    bundle = load_bundle(save_bundle(tmp_path / "b", boosters={"point": booster}, metadata=meta))
    # Then they come back as plain JSON values
    assert bundle.metadata["rows"] == 200
    assert bundle.metadata["mae"] == 0.5
    assert bundle.metadata["lags"] == [1, 2, 52]


def test_truncated_model_is_refused_without_crashing(saved):
    # Given a model file cut in the middle of its trees (LightGBM aborts or segfaults on it)
    path = saved / "model_q90.txt"
    raw = path.read_bytes()
    path.write_bytes(raw[: len(raw) * 7 // 10])
    # When loading happens in a child process, so that a segfault would show up as a signal
    done = load_bundle_in_child(saved)
    # Then it exits normally with a clear BundleError
    assert done.returncode == 0, done.stderr
    assert "REFUSED" in done.stdout
    assert "model_q90.txt was changed after it was saved (SHA-256 mismatch)" in done.stdout


def test_overwrite_replaces_the_old_bundle(saved, booster, data):
    # Given an existing bundle
    old_digest = bundle_digest(saved)
    # When another is saved at the same place
    save_bundle(saved, boosters={"other": booster}, metadata={"version": 2})
    # Then the new one is there, complete, with no leftovers of the old
    bundle = load_bundle(saved)
    assert sorted(bundle.boosters) == ["other"]
    assert bundle.metadata["version"] == 2
    assert bundle.digest != old_digest
    assert not (saved / "model_point.txt").exists()
    assert _leftovers(saved.parent) == []


def test_unserialisable_metadata_keeps_the_old_bundle(saved, booster):
    # Given an existing bundle
    before = verify_bundle(saved)
    # When a save fails on metadata that is not JSON
    with pytest.raises(BundleError, match="not JSON-serialisable"):
        save_bundle(saved, boosters={"point": booster}, metadata={"when": object()})
    # Then the old bundle is untouched and no temp dir remains
    assert verify_bundle(saved) == before
    assert _leftovers(saved.parent) == []


def test_nan_in_metadata_is_refused(tmp_path, booster):
    # Given metadata with NaN (invalid strict JSON) / When / Then
    with pytest.raises(BundleError, match="not JSON-serialisable"):
        save_bundle(tmp_path / "b", boosters={"point": booster}, metadata={"mae": float("nan")})
    assert not (tmp_path / "b").exists()


class _FailingBooster(lightgbm.Booster):
    """A real booster whose save writes half a file and then fails."""

    def save_model(self, filename, *args, **kwargs):  # noqa: D102
        Path(filename).write_text("tree\nversion=v4\n", encoding="utf-8")
        raise RuntimeError("disk full")


def test_failing_booster_keeps_the_old_bundle(saved, booster):
    # Given an existing bundle and a booster that fails midway through writing
    before = verify_bundle(saved)
    failing = _FailingBooster(model_str=booster.model_to_string())
    # When saving over it
    with pytest.raises(BundleError, match=r"cannot save booster 'zz'.*disk full"):
        save_bundle(saved, boosters={"aa": booster, "zz": failing}, metadata={})
    # Then the old bundle is untouched and no temp dir remains
    assert verify_bundle(saved) == before
    assert load_bundle(saved).metadata["features"] == FEATURES
    assert _leftovers(saved.parent) == []


def test_failed_first_save_leaves_nothing(tmp_path, booster):
    # Given no bundle yet and a failing booster
    failing = _FailingBooster(model_str=booster.model_to_string())
    # When the save fails
    with pytest.raises(BundleError):
        save_bundle(tmp_path / "b", boosters={"point": failing}, metadata={})
    # Then neither the bundle nor a temp dir exists
    assert sorted(p.name for p in tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"boosters": {}}, "at least one booster"),
        ({"boosters": {"Point": None}}, "name 'Point' is invalid"),
        ({"tables": {"bad-name": pd.DataFrame()}}, "name 'bad-name' is invalid"),
        ({"tables": {"t": [1, 2]}}, "not a pandas DataFrame"),
        ({"metadata": {"files": []}}, "reserved"),
    ],
)
def test_invalid_inputs_are_refused(tmp_path, booster, kwargs, message):
    # Given invalid arguments
    args = {"boosters": {"point": booster}, "metadata": {}, **kwargs}
    # When / then
    with pytest.raises(BundleError, match=message):
        save_bundle(tmp_path / "b", **args)
    assert list(tmp_path.iterdir()) == []


def test_sklearn_model_gets_a_hint(tmp_path, data):
    # Given a scikit-learn wrapper instead of a Booster
    model = lightgbm.LGBMRegressor(n_estimators=2, verbosity=-1).fit(data[FEATURES], data["y"])
    # When / then the error says what to pass
    with pytest.raises(BundleError, match=r"booster_"):
        save_bundle(tmp_path / "b", boosters={"point": model}, metadata={})


def test_refuses_to_replace_a_folder_that_is_not_a_bundle(tmp_path, booster):
    # Given a folder with unrelated content
    dest = tmp_path / "docs"
    dest.mkdir()
    (dest / "notes.txt").write_text("keep me", encoding="utf-8")
    # When / then saving there is refused and the content is kept
    with pytest.raises(BundleError, match="not a bundle"):
        save_bundle(dest, boosters={"point": booster}, metadata={})
    assert (dest / "notes.txt").read_text(encoding="utf-8") == "keep me"


def test_a_folder_holding_a_manifest_among_other_files_is_not_replaced(tmp_path, booster, saved):
    # Given a user's folder that merely holds a MANIFEST.json beside its own files
    dest = tmp_path / "mine"
    dest.mkdir()
    (dest / "MANIFEST.json").write_text('{"hello": 1}', encoding="utf-8")
    (dest / "thesis.docx").write_text("keep me", encoding="utf-8")
    # When / then saving there is refused and the content is kept
    with pytest.raises(BundleError, match="refusing to replace it"):
        save_bundle(dest, boosters={"point": booster}, metadata={})
    assert (dest / "thesis.docx").read_text(encoding="utf-8") == "keep me"
    # while a bundle this tool wrote, even with a damaged file, may be replaced
    (saved / "model_q90.txt").write_text("damaged")
    save_bundle(saved, boosters={"point": booster}, metadata={})
    assert (saved / "model_point.txt").exists() and not (saved / "model_q90.txt").exists()
