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
