import pandas as pd

from recommender.tracking.plots import forecast_figure, importance_figure


def test_forecast_figure_draws_one_panel_per_largest_series():
    ds = pd.date_range("2024-01-07", periods=10, freq="W-SUN")
    history = pd.concat(
        [
            pd.DataFrame({"unique_id": u, "ds": ds, "y": float(v)})
            for u, v in (("a", 1), ("b", 5), ("c", 9))
        ]
    )
    future = pd.date_range("2024-03-17", periods=2, freq="W-SUN")
    forecast = pd.concat(
        [
            pd.DataFrame({"unique_id": u, "ds": future, "forecast": 1.0, "lo": 0.5, "hi": 2.0})
            for u in "abc"
        ]
    )
    fig = forecast_figure(history, forecast, n_series=2)
    assert [ax.get_title() for ax in fig.axes] == ["c", "b"]


def test_importance_figure_shows_the_top_features():
    table = pd.DataFrame({"feature": ["lag_1", "h", "seasonal"], "gain": [3.0, 2.0, 1.0]})
    fig = importance_figure(table, top=2)
    labels = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    assert labels == ["h", "lag_1"]


def test_cjk_names_are_drawn_with_a_font_that_has_them(recwarn):
    # given a series named in Chinese and Japanese, as users write theirs
    history = pd.DataFrame(
        {
            "unique_id": "周至县|キャベツ",
            "ds": pd.date_range("2024-01-07", periods=4, freq="W"),
            "y": 1.0,
        }
    )
    forecast = history.assign(forecast=1.0, lo=0.5, hi=1.5)
    # when the forecast figure is drawn and saved
    fig = forecast_figure(history, forecast)
    fig.canvas.draw()
    # then no glyph is missing (where a CJK font is installed, as CI installs one)
    from matplotlib import font_manager

    if any("CJK" in f.name for f in font_manager.fontManager.ttflist):
        assert not [w for w in recwarn if "missing from font" in str(w.message)]
