"""Tests of the pandera schemas: accepted sales rows and contract violations."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pandera.pandas as pa
import pytest

from recommender.data.schemas import SALES_SCHEMA


def _sales_frame(**overrides):
    frame = pd.DataFrame(
        {
            "date": pd.to_datetime(["2024-03-05"]),
            "region": ["liuba"],
            "product": ["apple"],
            "quantity": [3.0],
            "price": [np.nan],
            "channel": ["unknown"],
            "form": ["fresh"],
            "source_row": np.array([1], dtype="int64"),
        }
    )
    for name, value in overrides.items():
        frame[name] = value
    return frame


def test_sales_schema_accepts_a_clean_row():
    assert len(SALES_SCHEMA.validate(_sales_frame())) == 1


def test_sales_schema_accepts_keys_as_the_user_wrote_them():
    frame = _sales_frame(region=["AGRA(UP)"], product=["キャベツ cabbage"])
    assert len(SALES_SCHEMA.validate(frame)) == 1


@pytest.mark.parametrize(
    "override",
    [
        {"quantity": [-1.0]},
        {"quantity": [np.inf]},
        {"price": [0.0]},
        {"region": ["  "]},
        {"channel": ["Taobao"]},
        {"phone": ["13800138000"]},  # strict: a personal column can never pass
        {"customer_key": ["not-a-key"]},
    ],
)
def test_sales_schema_rejects_contract_violations(override):
    with pytest.raises((pa.errors.SchemaError, pa.errors.SchemaErrors)):
        SALES_SCHEMA.validate(_sales_frame(**override))
