import json
from pathlib import Path

import pandas as pd
import pytest

from pipelines.cli import main
from tests.helpers import sales_with_user_keys

ARGS = ["--freq", "W-SUN", "--horizon", "4", "--folds", "2"]


def _run(tmp_path, sales_path, *extra):
    out = tmp_path / "bt.csv"
    metrics = tmp_path / "m.json"
    code = main(
        [
            "backtest",
            "--sales",
            str(sales_path),
            *ARGS,
            "--output",
            str(out),
            "--metrics",
            str(metrics),
            *extra,
        ]
    )
    return code, out, metrics


def test_backtest_writes_the_documented_columns_and_rows(tmp_path, tiny_sales_csv):
    # when the backtest runs on six weekly series, one of them only five weeks long
    code, out, metrics = _run(tmp_path, tiny_sales_csv)
    # then it succeeds and writes exactly the contract's columns
    assert code == 0
    table = pd.read_csv(out)
    assert list(table.columns) == ["region", "product", "cutoff", "date", "forecast", "lo", "hi"]
    # with one row per (series, cutoff, date): two folds of four weeks
    assert not table.duplicated(["region", "product", "cutoff", "date"]).any()
    assert table["cutoff"].nunique() == 2
    assert (table.groupby(["region", "product", "cutoff"]).size() == 4).all()
    # dates are week-ending Sundays after their cutoff, the last one the data's last week
    dates = pd.to_datetime(table["date"])
    assert (dates.dt.dayofweek == 6).all()
    assert (dates > pd.to_datetime(table["cutoff"])).all()
    assert dates.max() == pd.to_datetime(pd.read_csv(tiny_sales_csv)["date"]).max()
    assert ((table["lo"] <= table["forecast"]) & (table["forecast"] <= table["hi"])).all()
    # and the short series got a forecast and is marked as fallback in the metrics file
    doc = json.loads(metrics.read_text())
    assert {"region": "county2", "product": "prod1"} in doc["series_marks"]["fallback"]
    assert set(doc["overall"]) >= {"forecast", "seasonal_naive", "ets"}
    assert len(doc["folds"]) == 2
    assert all(0 <= f["metrics"]["forecast"]["coverage"] <= 1 for f in doc["folds"])
    # and six series get the full LightGBM recipe
    assert (doc["booster"], doc["config"]["booster"]) == ("full", "auto")


def test_the_fast_recipe_is_taken_when_asked_and_recorded(tmp_path, tiny_sales_csv):
    # when the backtest runs with --booster fast
    code, out, metrics = _run(tmp_path, tiny_sales_csv, "--booster", "fast")
    # then it succeeds and the metrics say which recipe was trained
    assert code == 0 and len(pd.read_csv(out)) > 0
    doc = json.loads(metrics.read_text())
    assert (doc["booster"], doc["config"]["params"]["huber_delta"]) == ("fast", 0.25)


def test_same_input_gives_the_same_output(tmp_path, tiny_sales_csv):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    _, first, _ = _run(tmp_path / "a", tiny_sales_csv)
    _, second, _ = _run(tmp_path / "b", tiny_sales_csv)
    assert first.read_bytes() == second.read_bytes()


def test_channel_and_form_are_summed_unless_split_by(tmp_path, tiny_sales):
    # given each sale split across two channels
    doubled = pd.concat([tiny_sales.assign(channel="taobao"), tiny_sales.assign(channel="wechat")])
    path = tmp_path / "channels.csv"
    doubled.to_csv(path, index=False)
    # when backtested without --by: rows are per (region, product)
    code, out, _ = _run(tmp_path, path)
    assert code == 0
    assert "channel" not in pd.read_csv(out).columns
    # and with --by channel: rows are per (region, product, channel)
    code, out, _ = _run(tmp_path, path, "--by", "channel")
    table = pd.read_csv(out)
    assert code == 0
    assert set(table["channel"]) == {"taobao", "wechat"}


def test_monthly_labels_are_month_starts(tmp_path, tiny_sales):
    path = tmp_path / "m.csv"
    tiny_sales.to_csv(path, index=False)
    out = tmp_path / "bt.csv"
    code = main(
        [
            "backtest",
            "--sales",
            str(path),
            "--freq",
            "MS",
            "--horizon",
            "2",
            "--folds",
            "2",
            "--output",
            str(out),
        ]
    )
    assert code == 0
    dates = pd.to_datetime(pd.read_csv(out)["date"])
    assert (dates.dt.day == 1).all()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty"),
        (b"date,region,product,quantity\n", "no rows"),
        (b"date,region,product\n2024-01-01,a,b\n", "quantity"),
    ],
)
def test_fatal_input_problems_are_one_line_errors(tmp_path, capsys, content, message):
    path = tmp_path / "bad.csv"
    path.write_bytes(content)
    code, out, _ = _run(tmp_path, path)
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 1
    assert err[-1].startswith("error: ") and message in err[-1]
    assert not any("Traceback" in line for line in err)
    assert not out.exists()


def test_bad_arguments_exit_with_usage_error(tmp_path, tiny_sales_csv):
    assert (
        main(["backtest", "--sales", str(tiny_sales_csv), "--output", "x.csv", "--horizon", "0"])
        == 2
    )
    assert (
        main(
            [
                "backtest",
                "--sales",
                str(tiny_sales_csv),
                "--output",
                "x.csv",
                "--freq",
                "fortnightly",
            ]
        )
        == 2
    )


def test_data_too_short_for_the_folds_is_a_one_line_error(tmp_path, tiny_sales, capsys):
    # given 20 weeks of data and a request for 4 folds of 8 weeks
    recent = tiny_sales[pd.to_datetime(tiny_sales.date) > "2024-09-15"]
    path = tmp_path / "short.csv"
    recent.to_csv(path, index=False)
    code = main(
        [
            "backtest",
            "--sales",
            str(path),
            "--freq",
            "W-SUN",
            "--horizon",
            "8",
            "--folds",
            "4",
            "--output",
            str(tmp_path / "o.csv"),
        ]
    )
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 1
    assert err[-1].startswith("error: ") and "too few" in err[-1]


def test_barely_enough_data_still_forecasts_every_fold(tmp_path, tiny_sales):
    # given 14 weeks: the warm-up windows are too short for LightGBM
    recent = tiny_sales[pd.to_datetime(tiny_sales.date) > "2024-10-27"]
    path = tmp_path / "short.csv"
    recent.to_csv(path, index=False)
    out = tmp_path / "o.csv"
    code = main(
        [
            "backtest",
            "--sales",
            str(path),
            "--freq",
            "W-SUN",
            "--horizon",
            "4",
            "--folds",
            "2",
            "--output",
            str(out),
        ]
    )
    # then every fold still has a finite forecast for each series with history
    assert code == 0
    table = pd.read_csv(out)
    assert table["cutoff"].nunique() == 2
    assert table["forecast"].notna().all() and (table["forecast"] >= 0).all()


def test_keys_come_back_byte_for_byte(tmp_path):
    # given sales whose keys have case, brackets, spaces, CJK and a "|"
    sales = sales_with_user_keys()
    path = tmp_path / "sales.csv"
    sales.to_csv(path, index=False, encoding="utf-8")
    # when backtested
    code, out, metrics = _run(tmp_path, path)
    # then the output's keys are exactly the input's, and so are those in the metrics
    assert code == 0
    table = pd.read_csv(out, dtype=str, keep_default_na=False)
    pairs = set(zip(table["region"], table["product"], strict=True))
    given = set(zip(sales["region"], sales["product"], strict=True))
    assert pairs == given
    marks = json.loads(metrics.read_text(encoding="utf-8"))["series_marks"]
    marked = {(m["region"], m["product"]) for kind in marks.values() for m in kind}
    assert marked and marked <= given


def test_a_partitioned_parquet_folder_backtests_like_the_file(tmp_path, tiny_sales_csv, capsys):
    # given the same sales as a CSV file and as Parquet parts split by region
    sales = pd.read_csv(tiny_sales_csv, dtype=str)
    folder = tmp_path / "parts"
    sales.to_parquet(folder, partition_cols=["region"])
    # when both are backtested with seasonal naive as the only statistical member
    code_file, out_file, _ = _run(tmp_path / "file", tiny_sales_csv, "--statistical", "naive")
    code_dir, out_dir, metrics = _run(tmp_path / "dir", folder, "--statistical", "naive")
    # then both succeed with the same forecasts, and ETS is neither fitted nor printed
    assert code_file == code_dir == 0
    key = ["region", "product", "cutoff", "date"]
    a = pd.read_csv(out_file).sort_values(key).reset_index(drop=True)
    b = pd.read_csv(out_dir).sort_values(key).reset_index(drop=True)
    pd.testing.assert_frame_equal(a, b)
    doc = json.loads(metrics.read_text())
    assert doc["members"] == ["lgb", "seasonal_naive"] and "ets" not in doc["overall"]
    assert "\nets " not in capsys.readouterr().out


def test_the_dask_engine_starts_its_own_cluster_and_keeps_stdout_clean(
    tmp_path, tiny_sales_csv, capfd
):
    # given the sales as Parquet parts, and no scheduler address: the command starts (and
    # stops) a local Dask cluster whose workers read the parts
    folder = tmp_path / "parts"
    pd.read_csv(tiny_sales_csv, dtype=str).to_parquet(folder, partition_cols=["region"])
    args = ["backtest", "--sales", str(folder), "--horizon", "4", "--folds", "1", "--warmup", "2"]
    local, remote = tmp_path / "local.csv", tmp_path / "dask.csv"
    assert main([*args, "--output", str(local)]) == 0
    capfd.readouterr()
    code = main([*args, "--engine", "dask", "--output", str(remote)])
    # then the backtest is written, standard output holds only the results (the workers' and
    # LightGBM's notices never reach it), and the workers read the sales
    assert code == 0
    captured = capfd.readouterr()
    assert "LightGBM" not in captured.out and "Finding random open ports" not in captured.out
    assert captured.out.splitlines()[0].startswith("forecast")
    assert "accepted, 0 quarantined (by the workers)" in captured.err
    # and the forecasts agree with the local engine's within the stated tolerance (5 %)
    key = ["region", "product", "cutoff", "date"]
    a = pd.read_csv(local).sort_values(key).reset_index(drop=True)
    b = pd.read_csv(remote).sort_values(key).reset_index(drop=True)
    pd.testing.assert_frame_equal(a[key], b[key])
    assert (a["forecast"] - b["forecast"]).abs().sum() <= 0.05 * a["forecast"].abs().sum()


@pytest.mark.parametrize("clash", ["output", "metrics", "inside", "both"])
def test_outputs_never_overwrite_the_sales_or_each_other(tmp_path, tiny_sales_csv, capsys, clash):
    # given an output path that is the sales file, a file inside a sales folder, or the other output
    folder = tmp_path / "parts"
    pd.read_csv(tiny_sales_csv, dtype=str).to_parquet(folder, partition_cols=["region"])
    sales, output, metrics = tiny_sales_csv, tmp_path / "bt.csv", tmp_path / "m.json"
    if clash == "output":
        output = sales
    elif clash == "metrics":
        metrics = sales
    elif clash == "inside":
        sales, output = folder, folder / "region=county0" / "bt.csv"
    else:
        metrics = output
    before = Path(sales).read_bytes() if Path(sales).is_file() else None
    # when the backtest is asked to write there
    args = ["backtest", "--sales", str(sales), "--output", str(output), "--metrics", str(metrics)]
    code = main([*args, "--horizon", "4", "--folds", "1"])
    # then it refuses in one line and the input is untouched
    err = capsys.readouterr().err
    assert code == 1 and len(err.strip().splitlines()) == 1
    assert "would overwrite the input" in err or "name the same file" in err
    if before is not None:
        assert Path(sales).read_bytes() == before
    assert not (folder / "region=county0" / "bt.csv").exists()
