"""The demand jobs' typed settings."""

from __future__ import annotations

import pytest

from pipelines.jobs.settings import SPLITTABLE, JobSettings
from recommender.errors import DataError
from recommender.forecast.settings import DEFAULTS


def test_default_settings_model_region_by_product_series():
    job = JobSettings()
    assert job.backtest == DEFAULTS and job.keys == ("region", "product")


def test_channel_and_form_split_a_series_once_each():
    job = JobSettings(by=("form", "channel", "form"))
    assert job.keys == ("region", "product", "form", "channel")
    assert set(SPLITTABLE) == {"channel", "form"}


def test_any_other_split_is_refused_in_one_line():
    with pytest.raises(DataError, match="split by channel and form, not customer_key"):
        JobSettings(by=("customer_key",))


def test_engine_settings_are_checked():
    assert JobSettings(engine="dask", scheduler="tcp://10.0.0.5:8786").engine == "dask"
    with pytest.raises(DataError, match="engine is one of local, dask"):
        JobSettings(engine="spark")
    with pytest.raises(DataError, match="needs the Dask engine"):
        JobSettings(scheduler="tcp://10.0.0.5:8786")
