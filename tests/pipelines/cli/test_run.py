import pandas as pd

from pipelines.cli import main

SMALL = ["--freq", "W-SUN", "--horizon", "4", "--folds", "2"]


def test_run_on_a_data_folder_writes_every_output_and_no_personal_data(
    tmp_path, tiny_sales, capsys
):
    # given a cooperative's folder: sales with a customer phone column and two bad rows
    folder = tmp_path / "coop"
    folder.mkdir()
    sales = tiny_sales.assign(phone="13912345678", customer_name="张三丰")
    bad = sales.iloc[:2].assign(quantity=["-5", "lots"])
    pd.concat([sales, bad]).to_csv(folder / "sales.csv", index=False)
    out = tmp_path / "out"
    # when the main job runs on it without MLflow
    code = main(["run", "--data", str(folder), "--out", str(out), "--no-mlflow", *SMALL])
    # then it succeeds, accounts for every row and writes every output
    assert code == 0
    printed = capsys.readouterr()
    assert f"{len(sales) + 2:,} read, {len(sales):,} accepted, 2 quarantined" in printed.out
    for name in ("forecast.csv", "backtest.csv", "metrics.json", "quarantine.csv"):
        assert (out / name).exists(), name
    forecast = pd.read_csv(out / "forecast.csv")
    assert {"region", "product", "date", "forecast", "lo", "hi"} <= set(forecast.columns)
    assert forecast.groupby(["region", "product"]).size().eq(4).all()
    quarantine = pd.read_csv(out / "quarantine.csv", encoding="utf-8-sig")
    assert sorted(quarantine["reason"]) == ["bad_quantity", "negative_quantity"]
    # and the personal data appears in no output and no message
    texts = [p.read_text(encoding="utf-8-sig") for p in out.iterdir() if p.is_file()]
    texts += [printed.out, printed.err]
    for text in texts:
        assert "13912345678" not in text and "张三丰" not in text


def test_run_on_a_folder_without_sales_is_a_one_line_error(tmp_path, capsys):
    code = main(["run", "--data", str(tmp_path), "--no-mlflow"])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 1
    assert err[-1].startswith("error: ") and "sales.csv" in err[-1]
