"""The manager app, page by page, through Streamlit's AppTest (artifacts built once)."""

import json
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from recommender.config import DEMO_DATA_DIR, settings
from tests.helpers import REPO, write_coop, write_renamed_coop

APP = REPO / "app.py"
PAGES = (
    "app_pages/overview.py",
    "app_pages/demand.py",
    "app_pages/advice.py",
    "app_pages/listing.py",
    "app_pages/models.py",
    "app_pages/data.py",
)
REGIONS = ("zhouzhi", "luochuan", "liuba")


@pytest.fixture(scope="module")
def built_home(tmp_path_factory):
    """A home whose artifacts 'xingnong run' made from three demo counties (built once)."""
    from pipelines.cli import main
    from recommender import config

    root = tmp_path_factory.mktemp("app")
    folder = write_coop(root / "coop")
    home = root / "home"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("XINGNONG_HOME", str(home))
        config.settings.cache_clear()
        args = ["run", "--data", str(folder), "--no-mlflow", "--horizon", "4", "--folds", "2"]
        assert main(args) == 0
    config.settings.cache_clear()
    return home


@pytest.fixture
def home(built_home, monkeypatch):
    """Point this test at the built home."""
    from recommender import config

    monkeypatch.setenv("XINGNONG_HOME", str(built_home))
    config.settings.cache_clear()
    assert (settings().artifacts_dir / "forecast.csv").exists()
    return built_home


def _app() -> AppTest:
    return AppTest.from_file(str(APP), default_timeout=60).run()


def test_without_outputs_the_app_says_which_command_makes_them_in_both_languages():
    at = _app()
    assert not at.exception
    text = " ".join(info.value for info in at.info)
    assert "xingnong run" in text and "make demo" in text
    assert "还没有预测结果" in text and "No forecast yet" in text


def test_the_train_button_trains_with_progress_and_the_pages_then_show_the_results(
    tmp_path, monkeypatch
):
    # given no results yet and the cooperative's data folder named by XINGNONG_DATA
    from recommender import config

    monkeypatch.setenv("XINGNONG_DATA", str(write_coop(tmp_path / "coop")))
    config.settings.cache_clear()
    at = _app()
    assert not at.exception and at.info  # the "no forecast yet" message
    button = at.button(key="train")
    assert button.label == "用本合作社的数据训练"
    # when the manager presses it
    button.click().run(timeout=300)
    # then every pipeline ran: the overview shows the new results
    assert not at.exception
    assert not [i for i in at.info if "xingnong run" in i.value]
    assert at.title[0].value == "概览" and at.metric
    assert (settings().artifacts_dir / "recommendations" / "zhouzhi.json").exists()
    assert any(c.value == "模型版本：xingnong-demand 第1版" for c in at.caption)
    # and the Models page lists the MLflow run it logged, with the overall WAPE
    at.switch_page("app_pages/models.py").run()
    assert not at.exception
    runs = at.dataframe[-1].value
    assert len(runs) == 1 and runs["运行"].iloc[0].startswith("demand-")
    overall = json.loads((settings().artifacts_dir / "metrics.json").read_text())["overall"]
    assert runs["WAPE 兴农模型"].iloc[0] == f"{overall['forecast']['wape']:.1%}"


def test_every_page_renders(home):
    at = _app()
    assert not at.exception
    assert any("未登记" in c.value for c in at.caption)  # trained with --no-mlflow
    assert at.sidebar.selectbox(key="region").value == "zhouzhi"  # the cooperative's own
    for page in PAGES:
        at.switch_page(page).run()
        assert not at.exception, page
        assert at.title, page


def test_the_language_switch_changes_the_labels(home):
    at = _app()
    assert at.title[0].value == "概览"
    assert at.sidebar.selectbox(key="region").label == "县区"
    at.sidebar.radio(key="lang").set_value("en").run()
    assert not at.exception
    assert at.title[0].value == "Overview"
    assert at.sidebar.selectbox(key="region").label == "County"
    at.sidebar.radio(key="lang").set_value("zh").run()
    assert at.title[0].value == "概览"


def test_the_region_picker_goes_from_province_to_county(home):
    at = _app()
    assert at.sidebar.selectbox(key="province").options == ["陕西省 Shaanxi (shaanxi)"]
    counties = at.sidebar.selectbox(key="region").options
    assert sorted(c.rsplit("(", 1)[1].rstrip(")") for c in counties) == sorted(REGIONS)
    at.sidebar.selectbox(key="region").set_value("luochuan").run()
    at.switch_page("app_pages/demand.py").run()
    assert not at.exception
    assert at.session_state["region"] == "luochuan"


def test_a_what_if_processing_cost_change_reranks_the_process_advice(home):
    at = _app()
    at.switch_page("app_pages/advice.py").run()
    assert not at.exception
    # only the open tab is drawn: one table and its score parts
    assert [t.label for t in at.tabs] == ["种植", "加工", "品牌"]
    assert len(at.dataframe) == 1 and len(at.get("vega_lite_chart")) == 1
    at.session_state["advice_tab"] = "加工"
    at.run()
    before = at.dataframe[0].value.copy()
    assert "加工方式" in before.columns
    # when processing costs four times as much
    at.slider(key="wi_cost_zhouzhi").set_value(300).run()
    # then the process list changes, with no error
    assert not at.exception
    after = at.dataframe[0].value
    assert not before.equals(after)


def test_the_demand_page_charts_history_forecast_and_festivals_by_channel(home):
    at = _app()
    at.switch_page("app_pages/demand.py").run()
    assert not at.exception
    # products are picked by name; the chart draws history blue and the forecast orange
    product = at.selectbox(key="demand_product")
    assert "猕猴桃" in product.options
    charts = at.get("vega_lite_chart")
    assert len(charts) == 2  # all products against last year, then the chosen product
    assert "#bab0ac" in charts[0].proto.spec and "#f58518" in charts[0].proto.spec
    spec = charts[1].proto.spec
    assert "#4c78a8" in spec and "#f58518" in spec
    table = at.dataframe[0].value
    assert "渠道" not in table.columns
    total = table["预测"].sum()
    # when one channel is chosen, the forecast is that channel's share of the total
    product.set_value("kiwifruit").run()
    table = at.dataframe[0].value
    total = table["预测"].sum()
    channel = at.selectbox(key="demand_channel_kiwifruit")
    assert channel.options[0] == "全部渠道" and len(channel.options) > 2
    channel.set_value(channel.options[1]).run()
    assert not at.exception
    part = at.dataframe[0].value
    assert part["渠道"].iloc[0] == channel.options[1]
    assert 0 < part["预测"].sum() < total
    assert any("节" in c.value for c in at.caption)  # the festival legend
    assert len(at.get("download_button")) == 1


def test_tables_name_products_and_options_in_the_chosen_language(home):
    at = _app()
    at.switch_page("app_pages/advice.py").run()
    grow = at.dataframe[0].value
    names = pd.read_csv(DEMO_DATA_DIR / "products.csv")
    assert set(grow["产品"]) <= set(names["name_zh"]) and "猕猴桃" in set(grow["产品"])
    at.sidebar.radio(key="lang").set_value("en").run()
    grow = at.dataframe[0].value
    assert set(grow["product"]) <= set(names["name_en"]) and "Kiwifruit" in set(grow["product"])
    at.session_state["advice_tab"] = "Process"
    at.run()
    process = at.dataframe[0].value
    assert not set(process["option"]) & {"gift_box", "graded_packed", "dried"}


def test_the_list_page_offers_the_plan_as_a_download(home):
    at = _app()
    at.switch_page("app_pages/listing.py").run()
    assert not at.exception
    assert len(at.dataframe[0].value) > 0
    assert len(at.get("download_button")) == 1
    assert at.dataframe[0].value.columns[0] == "周"  # headers in the chosen language
    # and below it, what the plan would have earned last season against the naive policies
    assert len(at.dataframe) == 2
    policies = at.dataframe[1].value
    assert list(policies["上架策略"]) == [
        "本计划",
        "照搬去年同周销量",
        "按预测中位数上架",
        "事后完美预知",
    ]
    assert any("如果上一季按此计划上架" in h.value for h in at.subheader)
    assert any("毛利为¥" in m.value for m in at.markdown)


def test_the_models_page_is_friendly_without_mlflow_runs(home):
    at = _app()
    at.switch_page("app_pages/models.py").run()
    assert not at.exception
    assert any("MLflow" in info.value for info in at.info)
    assert len(at.dataframe) == 1  # the backtest metrics from the artifacts


def test_an_uploaded_file_is_checked_with_reasons(tmp_path):
    from app_pages.reads import check_upload

    data = (
        b"date,region,product,quantity,price\n"
        b"2024-03-03,zhouzhi,kiwifruit,10,12\n"
        b"2024-03-03,zhouzhi,<script>,5,12\n"
        b"not a date,zhouzhi,kiwifruit,5,12\n"
    )
    result = check_upload("sales.csv", data)
    assert result.rows_read == 3 and result.rows_accepted == 1
    assert result.reason_counts() == {"bad_date": 1, "unknown_product": 1}


def test_names_are_shown_as_text_never_html():
    from app_pages.session import plain

    assert plain("<script>alert(1)</script>") == r"\<script\>alert\(1\)\</script\>"
    for path in [APP, *(REPO / p for p in PAGES), *(REPO / "app_pages").glob("*.py")]:
        assert "unsafe_allow_html" not in Path(path).read_text(encoding="utf-8")


def test_every_page_renders_for_a_cooperative_with_its_own_codes(tmp_path, monkeypatch):
    # given a run on a folder whose codes have case, brackets, CJK and a "/"
    from pipelines.cli import main
    from recommender import config

    folder = write_renamed_coop(tmp_path / "coop")
    monkeypatch.setenv("XINGNONG_HOME", str(tmp_path / "home"))
    config.settings.cache_clear()
    args = ["run", "--data", str(folder), "--no-mlflow", "--horizon", "4", "--folds", "2"]
    assert main([*args, "--warmup", "2"]) == 0
    # when the manager opens the app, then the county is the cooperative's own, as written
    at = _app()
    assert not at.exception
    assert at.session_state["region"] == "Zhouzhi (周至)"
    # and every page renders for it
    for page in PAGES[1:5]:
        at.switch_page(page).run()
        assert not at.exception, page
