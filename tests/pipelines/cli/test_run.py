import json

import pandas as pd

from pipelines.cli import main
from recommender.config import settings
from recommender.data.layout import (
    CROPS_FILE,
    DECISIONS_FILE,
    METRICS_FILE,
    OPTIONS_FILE,
    PROFILE_FILE,
    SIGNALS_FILE,
)
from tests.helpers import COOP_REGIONS, write_coop, write_renamed_coop

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


def test_a_cooperatives_own_codes_are_kept_in_every_output(tmp_path, capsys):
    # given a folder whose tables write their own codes ("Zhouzhi (周至)", "LUO/chuan",
    # "Kiwi Fruit") while its sales and profile write them in lower or upper case
    folder = write_renamed_coop(tmp_path / "coop")
    out = settings().artifacts_dir
    # when the main job runs
    assert main(["run", "--data", str(folder), *SMALL, "--no-mlflow"]) == 0
    # then the forecast names series by the tables' codes, exactly
    forecast = pd.read_csv(out / "forecast.csv", dtype=str, keep_default_na=False)
    assert {"Zhouzhi (周至)", "LUO/chuan", "liuba"} == set(forecast["region"])
    assert "Kiwi Fruit" in set(forecast["product"])
    # and each region's advice is in a file named after it, inside the folder
    docs = {p.name for p in (out / "recommendations").iterdir()}
    assert docs == {"Zhouzhi (周至).json", "LUO%2Fchuan.json", "liuba.json"}
    doc = json.loads((out / "recommendations" / "Zhouzhi (周至).json").read_text("utf-8"))
    assert doc["region"] == doc["profile"]["region"] == "Zhouzhi (周至)"
    assert "Kiwi Fruit" in doc["profile"]["raw_volume_kg"]
    capsys.readouterr()
    # and recommend answers for the region however it is written, naming it by the table's code
    assert main(["recommend", "--region", "ZHOUZHI (周至)", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["region"] == "Zhouzhi (周至)"


def test_run_on_sales_regions_and_products_alone_says_what_it_assumed(tmp_path, capsys):
    # given a cooperative folder with only its sales, regions and products
    folder = write_coop(tmp_path / "coop")
    for name in (OPTIONS_FILE, CROPS_FILE, SIGNALS_FILE, PROFILE_FILE):
        (folder / name).unlink(missing_ok=True)
    out = tmp_path / "out"
    # when the main job runs
    assert main(["run", "--data", str(folder), "--out", str(out), *SMALL, "--no-mlflow"]) == 0
    printed = capsys.readouterr().out
    # then it advised every region, said what it assumed, and replayed its listing decisions
    assert "assumed (category defaults shipped with xingnong, not your data):" in printed
    assert "processing_options.csv: processing options" in printed
    assert "decisions (replayed on past windows" in printed
    metrics = json.loads((out / METRICS_FILE).read_text(encoding="utf-8"))
    assert {a["table"] for a in metrics["assumptions"]} >= {OPTIONS_FILE, SIGNALS_FILE}
    assert set(metrics["decisions"]) >= {"plan", "last_year", "median_forecast"}
    decisions = pd.read_csv(out / DECISIONS_FILE, encoding="utf-8-sig")
    assert set(decisions["region"]) <= set(COOP_REGIONS) and len(decisions) > 0
    doc = json.loads((out / "recommendations" / "zhouzhi.json").read_text(encoding="utf-8"))
    assert any("not your data" in item["reason"] for item in doc["process"])
