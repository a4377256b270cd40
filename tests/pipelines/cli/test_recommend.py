import json

import pandas as pd
import pytest

from pipelines.cli import main
from recommender.config import settings
from recommender.decide.recommend import ITEM_FIELDS
from tests.helpers import write_coop

SMALL = ["--horizon", "4", "--folds", "2", "--no-mlflow"]
REGIONS = ("zhouzhi", "luochuan", "liuba")


@pytest.fixture
def coop(tmp_path):
    """Three demo counties' last 120 weeks, with the demo reference tables and profile."""
    return write_coop(tmp_path / "coop")


def test_recommend_without_a_forecast_says_which_command_makes_it(coop, capsys):
    code = main(["recommend", "--region", "zhouzhi", "--data", str(coop)])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 1 and "xingnong run" in err[-1]


def test_run_then_recommend_gives_all_four_lists_with_reasons(coop, capsys):
    # given the main job has run on the cooperative's folder
    assert main(["run", "--data", str(coop), *SMALL]) == 0
    out = settings().artifacts_dir
    for name in (
        "processing.csv",
        "brand.csv",
        "recommendations/zhouzhi.json",
        "form_multipliers.csv",
        "volume_elasticity.csv",
    ):
        assert (out / name).exists(), name
    sources = set(pd.read_csv(out / "form_multipliers.csv")["source"])
    assert "model" in sources
    capsys.readouterr()
    # when the manager asks for Zhouzhi's recommendations as JSON
    assert (
        main(
            [
                "recommend",
                "--region",
                "zhouzhi",
                "--weeks",
                "4",
                "--format",
                "json",
                "--data",
                str(coop),
            ]
        )
        == 0
    )
    doc = json.loads(capsys.readouterr().out)
    # then the versioned document has every list, each item with numbers and reasons
    assert doc["schema_version"] == 1 and doc["region"] == "zhouzhi"
    assert set(doc) >= {"grow", "process", "brand", "list", "profile", "data_digest"}
    for kind in ("grow", "process", "brand", "list"):
        assert doc[kind], kind
        for item in doc[kind]:
            assert item["reason"] and item["reason_zh"], kind
            assert set(ITEM_FIELDS[kind]) <= set(item), kind
    assert {item["product"] for item in doc["brand"]} <= {"kiwifruit", "walnut", "honey"}
    weeks = sorted({item["week"] for item in doc["list"]})
    assert len(weeks) == 4
    assert all(item["quantity_kg"] >= 0 for item in doc["list"])


def test_unknown_region_is_a_one_line_error(coop, capsys):
    assert main(["run", "--data", str(coop), *SMALL]) == 0
    capsys.readouterr()
    code = main(["recommend", "--region", "atlantis", "--data", str(coop)])
    err = capsys.readouterr().err.strip().splitlines()
    assert (
        code == 1 and err[-1] == "error: unknown region 'atlantis' (see regions.csv for the codes)"
    )


def test_recommend_reads_the_data_folder_the_run_trained_on(tmp_path):
    # given a run on a cooperative's folder (not the demo data, no XINGNONG_DATA)
    from recommender.decide.evidence import load_evidence, trained_folder

    folder = write_coop(tmp_path / "coop")
    args = ["run", "--data", str(folder), "--no-mlflow", "--horizon", "4", "--folds", "1"]
    assert main(args) == 0
    artifacts = settings().artifacts_dir
    # when the evidence is read without naming a folder
    evidence = load_evidence(None, artifacts)
    # then it is that folder's sales, as recorded by the run
    assert set(evidence.sales["region"]) == {"zhouzhi", "luochuan", "liuba"}
    metrics = json.loads((artifacts / "metrics.json").read_text())
    assert trained_folder(metrics) == folder.resolve()
    assert trained_folder({"data_folder": str(tmp_path / "gone")}) is None


def test_recommend_refuses_outputs_cut_after_the_run(tmp_path, capsys):
    # given a run's outputs (made by hand here) whose forecast was then truncated
    from tests.helpers import hand_forecast

    folder = write_coop(tmp_path / "coop")
    out = hand_forecast(folder, settings().artifacts_dir)
    forecast = out / "forecast.csv"
    forecast.write_bytes(forecast.read_bytes()[:60])
    # when recommendations are asked for / then one line says so (no empty plan, no exit 0)
    code = main(["recommend", "--region", "zhouzhi", "--data", str(folder)])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 1 and len(err) == 1
    assert "forecast.csv was changed or cut after the run wrote it" in err[0]


def test_a_plan_longer_than_the_forecast_is_refused_not_cut(tmp_path, capsys):
    from tests.helpers import hand_forecast

    folder = write_coop(tmp_path / "coop")
    hand_forecast(folder, settings().artifacts_dir)  # 8 weeks of forecast
    code = main(["recommend", "--region", "zhouzhi", "--data", str(folder), "--weeks", "52"])
    err = capsys.readouterr().err.strip().splitlines()
    errors = [line for line in err if line.startswith("error:")]
    assert code == 1 and errors == [err[-1]] and "--weeks can be at most 8" in err[-1]
