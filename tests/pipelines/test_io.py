import json

import pandas as pd
import pytest

from pipelines.io import write_atomic, write_csv, write_json
from recommender.errors import XingnongError


def test_a_failed_write_keeps_the_old_file_and_leaves_no_temp_file(tmp_path):
    # given a file already saved
    path = tmp_path / "out.csv"
    path.write_text("old")

    def crash(tmp):
        tmp.write_text("half")
        raise RuntimeError("disk died")

    # when a new write fails half-way
    with pytest.raises(RuntimeError):
        write_atomic(path, crash)
    # then the old content is intact and nothing else is left behind
    assert path.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["out.csv"]


def test_an_unwritable_destination_is_a_one_line_error(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(XingnongError, match="cannot write"):
        write_csv(pd.DataFrame({"a": [1]}), blocker / "sub" / "out.csv")


def test_csv_with_bom_and_json_with_nan_as_null(tmp_path):
    write_csv(pd.DataFrame({"产品": ["蜂蜜"]}), tmp_path / "a.csv", excel_bom=True)
    assert (tmp_path / "a.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    write_json({"wape": float("nan"), "ok": [1.5, float("inf")]}, tmp_path / "m.json")
    assert json.loads((tmp_path / "m.json").read_text()) == {"wape": None, "ok": [1.5, None]}
