import pandas as pd

from recommender.data.artifacts import outputs_stamp, read_outputs


def test_outputs_are_none_until_a_run_writes_them(tmp_path):
    assert read_outputs(tmp_path) is None and outputs_stamp(tmp_path) is None
    pd.DataFrame(
        {
            "region": ["a"],
            "product": ["b"],
            "date": ["2025-01-05"],
            "forecast": [1.0],
            "lo": [0.5],
            "hi": [2.0],
        }
    ).to_csv(tmp_path / "forecast.csv", index=False)
    (tmp_path / "metrics.json").write_text('{"overall": {}}')
    out = read_outputs(tmp_path)
    assert out is not None and out.forecast["date"].dtype.kind == "M"
    assert outputs_stamp(tmp_path) > 0
