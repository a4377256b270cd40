"""A run's outputs, read back only when they verify against the run's manifest."""

import pandas as pd
import pytest

from recommender.data.artifacts import (
    outputs_stamp,
    read_outputs,
    read_verified,
    write_outputs_manifest,
)
from recommender.errors import DataError


def _write(folder, forecast=None, metrics='{"overall": {}}'):
    if forecast is None:
        forecast = pd.DataFrame(
            {
                "region": ["a", "a"],
                "product": ["b", "b"],
                "date": ["2025-01-05", "2025-01-12"],
                "forecast": [1.0, 2.0],
                "lo": [0.5, 1.0],
                "hi": [2.0, 3.0],
            }
        )
    forecast.to_csv(folder / "forecast.csv", index=False)
    (folder / "metrics.json").write_text(metrics)
    (folder / "recommendations").mkdir(exist_ok=True)
    (folder / "recommendations" / "a.json").write_text("{}")
    write_outputs_manifest(folder)


def test_outputs_are_none_until_a_run_writes_them(tmp_path):
    assert read_outputs(tmp_path) is None and outputs_stamp(tmp_path) is None
    _write(tmp_path)
    out = read_outputs(tmp_path)
    assert out is not None and out.forecast["date"].dtype.kind == "M"
    assert outputs_stamp(tmp_path) > 0
    assert read_verified(tmp_path, "recommendations/a.json") == b"{}"


def test_a_cut_or_changed_output_is_refused_in_one_line(tmp_path):
    _write(tmp_path)
    path = tmp_path / "forecast.csv"
    path.write_bytes(path.read_bytes()[:40])  # truncated after the run wrote it
    with pytest.raises(DataError, match="forecast.csv was changed or cut after the run wrote it"):
        read_outputs(tmp_path)


@pytest.mark.parametrize(
    ("forecast", "metrics", "words"),
    [
        (pd.DataFrame({"region": ["a"], "forecast": [1.0]}), '{"overall": {}}', "cannot be read"),
        (None, "{not json", "cannot be read"),
        (None, "[1, 2]", "is not a metrics document"),
    ],
)
def test_outputs_that_verify_but_cannot_be_read_are_one_line_errors(
    tmp_path, forecast, metrics, words
):
    _write(tmp_path, forecast, metrics)
    with pytest.raises(DataError, match=words):
        read_outputs(tmp_path)


def test_outputs_without_a_manifest_or_with_a_wrong_signature_are_refused(tmp_path, monkeypatch):
    _write(tmp_path)
    monkeypatch.setenv("XINGNONG_BUNDLE_KEY", "k" * 32)
    with pytest.raises(DataError, match="signature does not match"):
        read_outputs(tmp_path)
    write_outputs_manifest(tmp_path)  # signed now
    assert read_outputs(tmp_path) is not None
    (tmp_path / "MANIFEST.json").unlink()
    with pytest.raises(DataError, match="was not written by a run"):
        read_outputs(tmp_path)
