"""Tests for the learned price and volume response (planted truths in small synthetic sales)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone

from recommender.decide.response import (
    PriceResponse,
    fit_price_response,
    volume_elasticity,
)

WEEKS = pd.date_range("2023-01-02", periods=52, freq="W-MON")


def _rows(rng: np.random.Generator, n: int, **cols: object) -> pd.DataFrame:
    """``n`` rows on random weeks of 2023 with the given constant columns."""
    return pd.DataFrame({"date": rng.choice(WEEKS, size=n), **cols})


def _priced(df: pd.DataFrame, rng: np.random.Generator, log_price: np.ndarray) -> pd.DataFrame:
    """Add a lognormal-noised price and a random quantity."""
    noise = rng.normal(0.0, 0.05, len(df))
    return df.assign(price=np.exp(log_price + noise), quantity=rng.uniform(5, 50, len(df)))


def _channel_confounded_sales(seed: int = 0) -> pd.DataFrame:
    """Kiwifruit: dried costs 6× fresh; dried sells mostly on taobao, priced 1.5× offline."""
    rng = np.random.default_rng(seed)
    parts = []
    for form, n, p_taobao, base in (("fresh", 400, 0.1, 10.0), ("dried", 300, 0.9, 60.0)):
        for region, r_eff in (("zhouzhi", 0.0), ("meixian", 0.2)):
            df = _rows(rng, n, region=region, product="kiwifruit", form=form)
            df["channel"] = np.where(rng.random(n) < p_taobao, "taobao", "offline")
            season = 0.1 * np.sin(2 * np.pi * df["date"].dt.month / 12)
            log_p = np.log(base) + r_eff + np.log(1.5) * (df["channel"] == "taobao") + season
            parts.append(_priced(df, rng, log_p.to_numpy()))
    thin = _rows(rng, 10, region="zhouzhi", product="kiwifruit", form="juice", channel="offline")
    parts.append(_priced(thin, rng, np.full(10, np.log(25.0))))
    return pd.concat(parts, ignore_index=True)


def test_dried_over_fresh_recovered_when_channel_mix_confounds_the_raw_ratio() -> None:
    # Given kiwifruit where dried is 6x fresh but sells mostly on the dearer channel
    sales = _channel_confounded_sales()
    w = sales.assign(v=sales["price"] * sales["quantity"]).groupby("form")[["v", "quantity"]].sum()
    raw = (w["v"] / w["quantity"])["dried"] / (w["v"] / w["quantity"])["fresh"]
    assert raw > 6 * 1.2  # the naive ratio is confounded by channel
    # When the price response is fitted
    table = fit_price_response(sales).form_multipliers(min_rows=30)
    # Then dried over fresh is 6 within 10 %, fresh is 1, all from the model
    mult = table.set_index(["product", "option"])["price_multiplier"]
    assert mult[("kiwifruit", "dried")] == pytest.approx(6.0, rel=0.10)
    assert mult[("kiwifruit", "fresh")] == pytest.approx(1.0)
    assert set(table["source"]) == {"model"}


def test_thin_forms_are_left_out() -> None:
    # Given a juice form with 10 rows only
    model = fit_price_response(_channel_confounded_sales(seed=1))
    # When multipliers are asked with min_rows 30, then with min_rows 5
    strict = model.form_multipliers(min_rows=30)
    loose = model.form_multipliers(min_rows=5)
    # Then juice is left out of the strict table only, with its row count
    assert "juice" not in set(strict["option"])
    assert loose.set_index("option").loc["juice", "n_rows"] == 10
    assert set(strict["option"]) == {"fresh", "dried"}


def _gi_sales(seed: int = 2) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Tea and rice in two regions; only (anhua, tea) is GI-registered and priced +40 %."""
    rng = np.random.default_rng(seed)
    parts = []
    base = {"tea": np.log(200.0), "rice": np.log(8.0)}
    for region, r_eff in (("anhua", 0.3), ("wuyuan", 0.0)):
        for product in ("tea", "rice"):
            df = _rows(rng, 300, region=region, product=product, form="fresh")
            df["channel"] = rng.choice(["offline", "taobao"], size=300)
            gi = np.log(1.4) if (region, product) == ("anhua", "tea") else 0.0
            log_p = base[product] + r_eff + 0.2 * (df["channel"] == "taobao") + gi
            parts.append(_priced(df, rng, log_p.to_numpy()))
    gi_table = pd.DataFrame(
        {
            "region": ["anhua", "anhua", "wuyuan"],
            "product": ["tea", "rice", "tea"],
            "gi_status": ["registered", "none", "none"],
        }
    )
    return pd.concat(parts, ignore_index=True), gi_table


def test_gi_premium_recovered_and_zero_without_gi_table() -> None:
    # Given sales where the registered (region, product) sells 40 % dearer than look-alikes
    sales, gi = _gi_sales()
    # When fitted with and without the GI table
    with_gi = fit_price_response(sales, gi)
    without = fit_price_response(sales)
    # Then the premium is 0.40 within 10 %, and 0 without GI information
    assert with_gi.gi_premium() == pytest.approx(0.40, rel=0.10)
    assert without.gi_premium() == pytest.approx(0.0, abs=1e-12)


def test_price_response_follows_the_estimator_contract() -> None:
    # Given an unfitted estimator
    est = PriceResponse(alpha=2.5)
    # When cloned and fitted
    twin = clone(est)
    fitted = twin.fit(_gi_sales()[0])
    # Then params round-trip, fit returns self and sets trailing-underscore attributes
    assert twin.get_params() == {"alpha": 2.5}
    assert fitted is twin
    assert not hasattr(est, "pipeline_") and hasattr(twin, "pf_coef_")


def _elastic_sales(seed: int = 3) -> pd.DataFrame:
    """Weekly honey sales in two regions with elasticity -1.2 and monthly seasonality."""
    rng = np.random.default_rng(seed)
    weeks = pd.date_range("2022-01-03", periods=104, freq="W-MON")
    parts = []
    for region, p0, q0 in (("zhashui", 50.0, 200.0), ("fuping", 70.0, 80.0)):
        log_p = np.log(p0) + rng.normal(0.0, 0.2, len(weeks))
        season = 0.3 * np.cos(2 * np.pi * weeks.month / 12)
        log_q = np.log(q0) + season - 1.2 * (log_p - np.log(p0)) + rng.normal(0.0, 0.1, len(weeks))
        parts.append(
            pd.DataFrame(
                {"date": weeks, "region": region, "product": "honey", "form": "graded_packed"}
            ).assign(price=np.exp(log_p), quantity=np.exp(log_q))
        )
    short = pd.DataFrame(
        {"date": weeks[:10], "region": "zhashui", "product": "honey", "form": "gift_box"}
    ).assign(price=rng.uniform(80, 120, 10), quantity=rng.uniform(5, 20, 10))
    return pd.concat([*parts, short], ignore_index=True)


def test_volume_elasticity_recovered_and_short_pairs_left_out() -> None:
    # Given two years of weekly sales with a planted elasticity of -1.2 and a 10-week form
    sales = _elastic_sales()
    # When the elasticity is estimated
    table = volume_elasticity(sales, min_weeks=26)
    # Then the long pair recovers -1.2 within 0.2, and the short pair is left out
    assert list(table["form"]) == ["graded_packed"]
    row = table.iloc[0]
    assert row["elasticity"] == pytest.approx(-1.2, abs=0.2)
    assert row["n_weeks"] == 104
