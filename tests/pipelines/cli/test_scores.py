from pipelines.cli.scores import versus_baselines


def test_baselines_are_stated_with_ets_when_fitted_and_its_absence_said_otherwise():
    with_ets = {"seasonal_naive": {"wape": 0.2}, "ets": {"wape": 0.15}}
    assert versus_baselines(with_ets) == "seasonal naive 0.200, ETS 0.150"
    naive_only = {"seasonal_naive": {"wape": 0.2}}
    assert versus_baselines(naive_only).startswith("seasonal naive 0.200; ETS and Theta not fitted")
