from streamlit.testing.v1 import AppTest

from recommender.config import REPO_ROOT, settings

APP = REPO_ROOT / "app.py"


def test_app_without_outputs_says_which_command_makes_them():
    at = AppTest.from_file(str(APP), default_timeout=60).run()
    assert not at.exception
    assert any("xingnong run" in info.value for info in at.info)


def test_app_shows_the_forecast_of_the_chosen_series(tiny_sales_csv):
    from pipelines.cli import main

    assert (
        main(
            [
                "run",
                "--data",
                str(tiny_sales_csv.parent),
                "--no-mlflow",
                "--horizon",
                "4",
                "--folds",
                "2",
            ]
        )
        == 0
    )
    assert (settings().artifacts_dir / "forecast.csv").exists()
    at = AppTest.from_file(str(APP), default_timeout=60).run()
    assert not at.exception
    assert at.selectbox[0].options == ["county0", "county1", "county2"]
    at.selectbox[0].select("county1").run()
    assert at.selectbox[1].options == ["prod0", "prod1"]
    assert len(at.dataframe) == 1 and len(at.dataframe[0].value) == 4
