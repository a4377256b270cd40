import json

import pandas as pd
import pytest

from pipelines.jobs.outputs import write_bytes, write_csv, write_json, write_parquet
from recommender.errors import XingnongError


def test_csv_with_bom_and_json_with_nan_as_null(tmp_path):
    write_csv(pd.DataFrame({"产品": ["蜂蜜"]}), tmp_path / "a.csv", excel_bom=True)
    assert (tmp_path / "a.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    write_json({"wape": float("nan"), "ok": [1.5, float("inf")]}, tmp_path / "m.json")
    assert json.loads((tmp_path / "m.json").read_text()) == {"wape": None, "ok": [1.5, None]}


def test_parquet_and_bytes_round_trip_into_new_folders(tmp_path):
    # given a table and bytes, written into folders that do not exist yet
    frame = pd.DataFrame({"region": ["周至县"], "quantity": [1.5]})
    parquet = write_parquet(frame, tmp_path / "a" / "t.parquet")
    raw = write_bytes(b"x,y\n1,2\n", tmp_path / "b" / "t.csv")
    # then both read back as written, and nothing temporary is left beside them
    pd.testing.assert_frame_equal(pd.read_parquet(parquet), frame)
    assert raw.read_bytes() == b"x,y\n1,2\n"
    assert sorted(p.name for p in (tmp_path / "a").iterdir()) == ["t.parquet"]


def test_an_unwritable_destination_is_a_one_line_error(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(XingnongError, match="cannot write"):
        write_csv(pd.DataFrame({"a": [1]}), blocker / "sub" / "out.csv")


def test_every_csv_is_written_safe_to_open_in_a_spreadsheet(tmp_path):
    # given text that would run as a formula, including a leading tab and carriage return
    frame = pd.DataFrame({"detail": ["=1+1", "\t@SUM(A1)", "\r+cmd", "-3", "周至县"]})
    # when it is written
    text = write_csv(frame, tmp_path / "q.csv").read_text(encoding="utf-8")
    # then those cells start with a quote; numbers and names are as given
    cells = pd.read_csv(tmp_path / "q.csv", dtype=str, keep_default_na=False)["detail"].tolist()
    assert cells == ["'=1+1", "'\t@SUM(A1)", "'\r+cmd", "-3", "周至县"]
    assert "\n=1+1" not in text
