"""The options the demand sub-commands share and the settings they make."""

from __future__ import annotations

import argparse

import pytest

from pipelines.cli.args import add_model_args, job_settings, positive_int, split_columns


def _parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    add_model_args(parser)
    return parser.parse_args(argv)


def test_defaults_come_from_the_job_settings():
    job = job_settings(_parse([]))
    assert (job.backtest.freq, job.backtest.horizon, job.backtest.folds) == ("W-SUN", 8, 4)
    assert job.keys == ("region", "product")


def test_given_options_reach_the_settings():
    job = job_settings(_parse(["--freq", "MS", "--horizon", "3", "--folds", "2", "--by", "form"]))
    assert (job.backtest.freq, job.backtest.horizon, job.backtest.folds) == ("MS", 3, 2)
    assert job.keys == ("region", "product", "form")


@pytest.mark.parametrize("argv", [["--horizon", "0"], ["--freq", "fortnightly"], ["--by", "x"]])
def test_bad_options_are_usage_errors(argv):
    with pytest.raises(SystemExit) as exc:
        _parse(argv)
    assert exc.value.code == 2


def test_argument_types_explain_themselves():
    assert positive_int("3") == 3 and split_columns(" channel , form ") == ("channel", "form")
    with pytest.raises(argparse.ArgumentTypeError, match="not a whole number"):
        positive_int("three")
    with pytest.raises(argparse.ArgumentTypeError, match="--by accepts channel and form"):
        split_columns("region")


def test_warmup_is_automatic_unless_given():
    assert job_settings(_parse([])).backtest.warmup is None
    assert job_settings(_parse(["--warmup", "3"])).backtest.warmup == 3


def test_the_lightgbm_recipe_is_automatic_unless_given():
    # given no --booster, then each choice / then the settings carry it
    assert job_settings(_parse([])).backtest.booster == "auto"
    assert job_settings(_parse(["--booster", "full"])).backtest.booster == "full"
    assert job_settings(_parse(["--booster", "fast"])).backtest.booster == "fast"
    with pytest.raises(SystemExit):
        _parse(["--booster", "xgboost"])
