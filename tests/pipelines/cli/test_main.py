from pipelines.cli import main


def test_help_lists_every_command_and_exits_zero(capsys):
    assert main(["--help"]) == 0
    out = capsys.readouterr().out
    for command in ("validate", "backtest", "train", "run", "demo-data"):
        assert command in out


def test_no_command_prints_help_and_exits_with_usage_error(capsys):
    assert main([]) == 2
    assert "usage: xingnong" in capsys.readouterr().out


def test_every_subcommand_has_examples_in_its_help(capsys):
    for command in ("validate", "backtest", "train", "run", "demo-data"):
        assert main([command, "--help"]) == 0
        assert "example" in capsys.readouterr().out.lower(), command
