"""Real-browser tests: Streamlit served on 127.0.0.1, driven by Playwright in Debian's Chromium."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import pandas as pd
import pytest

from tests.helpers import REPO, write_coop

CHROMIUM = "/usr/bin/chromium"
# Screenshots go to a temporary folder unless XINGNONG_SCREENSHOTS names one
# (`make screenshots` refreshes the README's docs/screenshots/).
SCREENSHOTS = Path(
    os.environ.get("XINGNONG_SCREENSHOTS") or Path(tempfile.gettempdir()) / "xingnong-screens"
)
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]

if not Path(CHROMIUM).exists() and not os.environ.get("CI"):
    pytest.skip("Debian chromium is not installed (CI installs it)", allow_module_level=True)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def home(tmp_path_factory):
    """The project folder the served app reads and trains into."""
    return tmp_path_factory.mktemp("home")


@pytest.fixture(scope="module")
def coop(tmp_path_factory):
    """The cooperative's data folder the served run was trained on."""
    return write_coop(tmp_path_factory.mktemp("coop"))


@pytest.fixture(scope="module")
def app_url(home, coop):
    """Artifacts from a small run, and `streamlit run app.py` serving them on loopback."""
    data = coop
    env = dict(
        os.environ, XINGNONG_HOME=str(home), MLFLOW_TRACKING_URI=f"sqlite:///{home / 'mlflow.db'}"
    )
    run = [
        sys.executable,
        "-m",
        "pipelines.cli",
        "-q",
        "run",
        "--data",
        str(data),
        "--no-mlflow",
        "--horizon",
        "4",
        "--folds",
        "2",
    ]
    subprocess.run(run, cwd=REPO, env=env, check=True, capture_output=True)
    port = _free_port()
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            "app.py",
            "--server.headless",
            "true",
            "--server.port",
            str(port),
            "--server.address",
            "127.0.0.1",
            "--browser.gatherUsageStats",
            "false",
        ],
        cwd=REPO,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if urllib.request.urlopen(f"{url}/_stcore/health", timeout=2).status == 200:
                    break
            except OSError:
                assert server.poll() is None, "streamlit exited"
                time.sleep(0.5)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=30)


@pytest.fixture(scope="module")
def page(app_url):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        context = browser.new_context(
            viewport={"width": 1366, "height": 900}, accept_downloads=True
        )
        yield context.new_page()
        browser.close()


def _settle(page) -> None:
    """Wait until Streamlit has finished running the page script."""
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(500)
    page.wait_for_selector("[data-test-script-state='notRunning']", timeout=60_000)
    page.wait_for_timeout(1000)


def _upload(page, app_url: str, path: Path) -> None:
    """Open the Data page (the sixth) and upload ``path`` there."""
    page.goto(app_url)
    _settle(page)
    page.locator("[data-testid='stSidebarNav'] a").nth(5).click()
    _settle(page)
    page.locator("input[type='file']").set_input_files(str(path))
    _settle(page)


def test_every_page_renders_in_a_real_browser(app_url, page):
    # when the manager opens the app
    page.goto(app_url)
    page.wait_for_selector("[data-testid='stSidebarNav']", timeout=60_000)
    links = page.locator("[data-testid='stSidebarNav'] a")
    count = links.count()
    # then all six pages are there, and each renders without an exception box
    assert count == 6
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for i in range(count):
        links.nth(i).click()
        _settle(page)
        assert page.locator("[data-testid='stException']").count() == 0
        page.screenshot(path=str(SCREENSHOTS / f"page-{i + 1}-zh.png"), full_page=True)


def test_language_switch_and_plan_download(app_url, page):
    # given the app in Chinese
    page.goto(app_url)
    _settle(page)
    assert page.get_by_text("概览").count() > 0
    # when the manager switches to English
    page.get_by_text("English", exact=True).click()
    _settle(page)
    # then the navigation speaks English
    assert page.locator("[data-testid='stSidebarNav']").get_by_text("Overview").count() == 1
    page.screenshot(path=str(SCREENSHOTS / "overview-en.png"), full_page=True)
    # and the listing plan downloads as a CSV
    page.locator("[data-testid='stSidebarNav'] a").nth(3).click()
    _settle(page)
    with page.expect_download() as info:
        page.locator("[data-testid='stDownloadButton'] button").first.click()
    path = info.value.path()
    text = Path(path).read_bytes().decode("utf-8-sig")
    assert text.splitlines()[0].count(",") >= 4 and len(text.splitlines()) > 1
    page.screenshot(path=str(SCREENSHOTS / "list-en.png"), full_page=True)


def test_charts_draw_in_the_browser(app_url, page):
    # when the manager opens the Demand page
    page.goto(app_url)
    _settle(page)
    page.locator("[data-testid='stSidebarNav'] a").nth(1).click()
    _settle(page)
    # then Vega draws the history and forecast chart
    chart = page.locator("[data-testid='stVegaLiteChart']").first
    chart.wait_for(timeout=30_000)
    assert chart.locator("canvas, svg").count() > 0
    box = chart.bounding_box()
    assert box is not None and box["width"] > 300 and box["height"] > 200
    # and the Grow/Process/Brand page draws its score parts
    page.locator("[data-testid='stSidebarNav'] a").nth(2).click()
    _settle(page)
    assert page.locator("[data-testid='stVegaLiteChart']").count() >= 1
    assert page.locator("[data-testid='stException']").count() == 0


def test_an_uploaded_file_is_checked_and_names_stay_text(app_url, page, tmp_path):
    # given a sales file with a product named like a script and a row with a bad date
    upload = tmp_path / "sales.csv"
    upload.write_text(
        "date,region,product,quantity,price\n"
        "2024-03-03,zhouzhi,kiwifruit,10,12\n"
        "2024-03-03,zhouzhi,<script>alert(1)</script>,5,12\n"
        "not a date,zhouzhi,kiwifruit,5,12\n",
        encoding="utf-8",
    )
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    # when the manager uploads it on the Data page
    _upload(page, app_url, upload)
    # then every row is accounted for, nothing ran as code, and no error box shows
    metrics = page.locator("[data-testid='stMetricValue']").all_inner_texts()
    assert metrics[:3] == ["3", "1", "2"]
    assert page.locator("[data-testid='stException']").count() == 0
    assert dialogs == []
    page.screenshot(path=str(SCREENSHOTS / "data-upload-zh.png"), full_page=True)


def test_retraining_on_an_uploaded_file_with_progress(app_url, page, home, coop, tmp_path):
    # (last in this module: it replaces the served run)
    # given the cooperative's sales of one county, uploaded on the Data page
    sales = pd.read_csv(coop / "sales.csv")
    upload = tmp_path / "liuba.csv"
    sales[sales["region"] == "liuba"].to_csv(upload, index=False)
    _upload(page, app_url, upload)
    # when the manager asks to retrain on it
    page.locator(".st-key-train_up button").click()
    # then a progress bar shows while every pipeline runs, and the pages show the new run
    page.locator("[data-testid='stProgress']").wait_for(timeout=30_000)
    page.wait_for_selector("[data-testid='stToast']", timeout=300_000)
    _settle(page)
    assert page.locator("[data-testid='stException']").count() == 0
    metrics = json.loads((home / "artifacts" / "metrics.json").read_text(encoding="utf-8"))
    staged = Path(metrics["data_folder"])
    assert staged.parent == home / "uploads" and staged.name.startswith("upload-")
    forecast = pd.read_csv(home / "artifacts" / "forecast.csv")
    assert set(forecast["region"]) == {"liuba"}
