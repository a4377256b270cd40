"""The MAFF loader on the real file: every row accepted, keys exactly as the file writes them."""

from __future__ import annotations

import pandas as pd

from benchmarks.maff import MAFF_CSV, load_maff


def test_the_real_file_is_accepted_whole_with_its_keys_as_written():
    maff = load_maff()
    raw = pd.read_csv(MAFF_CSV, dtype=str, keep_default_na=False)
    assert maff.ingest.rows_read == len(raw) == maff.ingest.rows_accepted
    assert set(maff.sales["product"]) == set(raw["product"])
    assert "キャベツ cabbage" in set(maff.sales["product"])
    assert maff.sales["product"].nunique() == 50


def test_quick_runs_keep_the_first_vegetables_by_name():
    maff = load_maff(max_series=3)
    names = sorted(pd.read_csv(MAFF_CSV, dtype=str)["product"].unique())[:3]
    assert sorted(maff.sales["product"].unique()) == names
