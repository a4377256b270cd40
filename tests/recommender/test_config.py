from recommender.config import load_settings


def test_settings_default_to_the_current_folder_and_its_sqlite_store(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    s = load_settings({})
    assert s.home == tmp_path.resolve()
    assert s.tracking_uri == f"sqlite:///{tmp_path.resolve() / 'mlflow.db'}"
    assert s.models_dir == s.home / "models" and s.artifacts_dir == s.home / "artifacts"


def test_environment_overrides_home_and_tracking_uri(tmp_path):
    s = load_settings({"XINGNONG_HOME": str(tmp_path), "MLFLOW_TRACKING_URI": "sqlite:///x.db"})
    assert s.home == tmp_path.resolve() and s.tracking_uri == "sqlite:///x.db"


def test_the_demand_bundle_lives_under_models_and_the_demo_data_in_the_package(tmp_path):
    from recommender.config import DEMO_DATA_DIR

    s = load_settings({"XINGNONG_HOME": str(tmp_path)})
    assert s.demand_bundle == s.models_dir / "demand"
    assert s.data_dir == s.demo_dir == DEMO_DATA_DIR
    assert (DEMO_DATA_DIR / "sales.csv").is_file()
    assert s.uploads_dir == s.home / "uploads"


def test_xingnong_data_names_the_default_data_folder(tmp_path):
    s = load_settings({"XINGNONG_DATA": str(tmp_path)})
    assert s.data_dir == tmp_path.resolve() != s.demo_dir
