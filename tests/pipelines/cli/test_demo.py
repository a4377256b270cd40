"""Tests of the ``xingnong demo-data`` command and the committed demo data."""

from __future__ import annotations

import argparse

import pandas as pd
import pytest

from pipelines.cli import demo
from recommender import config
from recommender.data.layout import PRODUCTS_FILE, REGIONS_FILE, SALES_FILE
from recommender.errors import XingnongError

FILES = (SALES_FILE, REGIONS_FILE, PRODUCTS_FILE)


def _parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="xingnong")
    demo.add_parser(parser.add_subparsers(dest="command"))
    return parser.parse_args(argv)


def test_regenerating_with_the_default_seed_reproduces_the_committed_files(tmp_path, capsys):
    # given the command with its defaults, writing to a scratch folder
    args = _parse(["demo-data", "--out", str(tmp_path)])
    # when it runs
    code = args.handler(args)
    # then every committed file is reproduced byte for byte
    assert code == 0
    for name in FILES:
        committed = (config.DEMO_DATA_DIR / name).read_bytes()
        assert (tmp_path / name).read_bytes() == committed, f"{name} drifted from the generator"
    assert "sales.csv" in capsys.readouterr().out


def test_small_run_writes_three_files_atomically(tmp_path, capsys):
    # given a short run with another seed into a folder that does not exist yet
    out = tmp_path / "nested" / "demo"
    args = _parse(["demo-data", "--out", str(out), "--seed", "3", "--weeks", "5"])
    # when it runs
    assert args.handler(args) == 0
    # then the three files exist, no temporary file is left, and the run is reported
    assert sorted(p.name for p in out.iterdir()) == sorted(FILES)
    sales = pd.read_csv(out / SALES_FILE, encoding="utf-8")
    assert sales["date"].nunique() == 5
    regions = pd.read_csv(out / REGIONS_FILE, encoding="utf-8", keep_default_na=False)
    assert "留坝县" in set(regions["name_zh"])
    printed = capsys.readouterr().out
    assert printed.count("wrote ") == 3


def test_weeks_must_be_positive():
    # when the command is given zero weeks, then argparse refuses it as a usage error
    with pytest.raises(SystemExit) as exc:
        _parse(["demo-data", "--weeks", "0"])
    assert exc.value.code == 2


def test_unwritable_destination_is_a_clear_error(tmp_path):
    # given a destination that is a file, not a folder
    blocker = tmp_path / "file"
    blocker.write_text("x", encoding="utf-8")
    args = _parse(["demo-data", "--out", str(blocker), "--weeks", "2"])
    # when the command runs, then it raises the tool's one-line error
    with pytest.raises(XingnongError, match="cannot write"):
        args.handler(args)


def test_committed_sales_are_small_and_end_in_late_2025():
    # given the committed sales file
    path = config.DEMO_DATA_DIR / SALES_FILE
    # then it stays under 5 MB and its last week is in November 2025
    assert path.stat().st_size < 5_000_000
    last = pd.read_csv(path, usecols=["date"])["date"].max()
    assert last.startswith("2025-11")
