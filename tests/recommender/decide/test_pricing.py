"""Tests of prices by form: fresh price, learned vs prior multipliers, options per product."""

from __future__ import annotations

import pandas as pd
import pytest

from recommender.decide.pricing import fresh_price, learn_form_multipliers, options_for

PRIORS = pd.DataFrame(
    {
        "product": ["kiwifruit", "kiwifruit", "kiwifruit"],
        "option": ["fresh", "dried", "juice"],
        "price_multiplier": [1.0, 4.0, 2.5],
    }
)


def _sales(weeks: int, *, dried_price: float = 60.0, start: str = "2024-01-07") -> pd.DataFrame:
    """One fresh (10 yuan, 100 kg) and one dried (dried_price, 5 kg) sale a week in one region."""
    rows = []
    for d in pd.date_range(start, periods=weeks, freq="7D"):
        rows.append((d, "meixian", "kiwifruit", 100.0, 10.0, "fresh"))
        rows.append((d, "meixian", "kiwifruit", 5.0, dried_price, "dried"))
    return pd.DataFrame(rows, columns=["date", "region", "product", "quantity", "price", "form"])


def _row(table: pd.DataFrame, option: str) -> pd.Series:
    return table.set_index("option").loc[option]


def test_learned_multiplier_is_matched_price_ratio():
    # Given 30 weeks with dried at 60 and fresh at 10 in the same weeks
    out = learn_form_multipliers(_sales(30), PRIORS, min_rows=30)
    # Then dried is learned at 6.0 from 30 rows, juice (never sold) keeps its prior
    dried = _row(out, "dried")
    assert dried["source"] == "learned" and dried["price_multiplier"] == pytest.approx(6.0)
    assert dried["n_rows"] == 30
    assert _row(out, "juice")["source"] == "prior"
    assert _row(out, "juice")["price_multiplier"] == 2.5
    assert _row(out, "fresh")["price_multiplier"] == 1.0
    assert list(out.columns[:5]) == ["product", "option", "price_multiplier", "source", "n_rows"]


def test_source_switches_at_min_rows():
    # Given 29 matched weeks, When min_rows is 30, Then the prior is used; at 29 it is learned
    sales = _sales(29)
    assert _row(learn_form_multipliers(sales, PRIORS, min_rows=30), "dried")["source"] == "prior"
    assert _row(learn_form_multipliers(sales, PRIORS, min_rows=30), "dried")[
        "price_multiplier"
    ] == pytest.approx(4.0)
    assert _row(learn_form_multipliers(sales, PRIORS, min_rows=29), "dried")["source"] == "learned"


def test_unmatched_weeks_do_not_count():
    # Given dried sold only in weeks without fresh sales, Then nothing is learned
    sales = _sales(40)
    sales = sales[~((sales["form"] == "fresh") & (sales.index % 4 == 0))]  # drop some fresh
    sales = sales[~((sales["form"] == "dried") & (sales.index % 4 != 1))]  # dried only there
    assert _row(learn_form_multipliers(sales, PRIORS, min_rows=1), "dried")["source"] == "prior"


def test_fresh_price_recent_window_and_product_fallback():
    # Given old fresh sales at 10 and recent ones at 20 in meixian, and only dried in zhouzhi
    old = _sales(10, start="2022-01-02")
    new = _sales(10, start="2024-01-07").assign(price=lambda d: d["price"] * 2)
    other = _sales(3, start="2024-02-04").query("form == 'dried'").assign(region="zhouzhi")
    out = fresh_price(pd.concat([old, new, other])).set_index("region")
    # Then meixian uses the recent 52 weeks only, zhouzhi falls back to the product-wide price
    assert out.loc["meixian", "price_per_kg"] == pytest.approx(20.0)
    assert out.loc["meixian", "basis"] == "region"
    assert out.loc["zhouzhi", "basis"] == "product"
    assert list(out.reset_index().columns) == ["region", "product", "price_per_kg", "basis"]


def test_fresh_price_implied_for_products_never_sold_fresh():
    sales = _sales(4).query("form == 'dried'")
    out = fresh_price(sales, implied_from=PRIORS)
    assert out.loc[0, "basis"] == "implied" and out.loc[0, "price_per_kg"] == pytest.approx(15.0)
    assert fresh_price(sales).empty


def test_options_for_product_rows_override_category_rows():
    products = pd.DataFrame(
        {"product": ["kiwifruit", "apple", "tea"], "category": ["fruit", "fruit", "tea"]}
    )
    options = pd.DataFrame(
        {
            "product": [None, "", "kiwifruit", "rice"],
            "category": ["fruit", "fruit", "fruit", "grain"],
            "option": ["dried", "juice", "dried", "graded_packed"],
            "yield_ratio": [0.25, 0.6, 0.2, 0.95],
            "price_multiplier": [4.0, 2.5, 6.0, 1.3],
        }
    )
    out = options_for(products, options)
    got = {(r.product, r.option): r.yield_ratio for r in out.itertuples()}
    assert got == {
        ("apple", "dried"): 0.25,
        ("apple", "juice"): 0.6,
        ("kiwifruit", "dried"): 0.2,
        ("kiwifruit", "juice"): 0.6,
    }
    assert out.loc[(out["product"] == "kiwifruit") & (out["option"] == "dried"), "specific"].all()


def test_model_multipliers_replace_matched_ones_where_the_model_has_them():
    import pandas as pd

    from recommender.decide.pricing import prefer_model

    matched = pd.DataFrame(
        {
            "product": ["kiwi", "kiwi"],
            "option": ["dried", "juice"],
            "price_multiplier": [6.0, 2.0],
            "source": ["learned", "prior"],
            "n_rows": [40, 0],
            "n_fresh_rows": [40, 0],
        }
    )
    model = pd.DataFrame(
        {
            "product": ["kiwi"],
            "option": ["dried"],
            "price_multiplier": [7.5],
            "n_rows": [400],
            "source": ["model"],
        }
    )
    out = prefer_model(matched, model).set_index("option")
    assert out.loc["dried", "price_multiplier"] == 7.5 and out.loc["dried", "source"] == "model"
    assert out.loc["juice", "price_multiplier"] == 2.0 and out.loc["juice", "source"] == "prior"
    assert list(prefer_model(matched, model).columns) == list(matched.columns)
