import pandas as pd

from recommender.forecast.series import from_model_frame, static_attributes, to_model_frame


def _aggregated():
    return pd.DataFrame(
        {
            "region": ["liuba", "liuba", "yuanling"],
            "product": ["honey", "honey", "tea"],
            "date": pd.to_datetime(["2024-01-07", "2024-01-14", "2024-01-07"]),
            "quantity": [3.0, 4.0, 5.0],
            "price": [60.0, 61.0, 80.0],
        }
    )


def test_model_frame_round_trips_to_contract_columns():
    long, series = to_model_frame(_aggregated())
    assert list(long.columns) == ["unique_id", "ds", "y", "price"]
    assert series.loc["liuba|honey"].to_dict() == {"region": "liuba", "product": "honey"}
    back = from_model_frame(long, series)
    assert list(back.columns[:3]) == ["region", "product", "date"]
    assert back["y"].tolist() == [3.0, 4.0, 5.0]


def test_static_attributes_add_hierarchy_and_product_facts():
    _, series = to_model_frame(_aggregated())
    regions = pd.DataFrame(
        {
            "region": ["liuba", "yuanling"],
            "city": ["hanzhong", "huaihua"],
            "province": ["shaanxi", "hunan"],
        }
    )
    products = pd.DataFrame(
        {"product": ["honey", "tea"], "category": ["honey", "tea"], "shelf_life_days": [730, 365]}
    )
    statics, categorical = static_attributes(series, regions, products)
    assert categorical == ("region", "product", "city", "province", "category")
    assert statics.loc["yuanling|tea", "province"] == "hunan"
    assert statics.loc["liuba|honey", "shelf_life_days"] == 730.0
