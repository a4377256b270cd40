from pipelines.cli.text import printable


def test_control_and_direction_characters_are_shown_as_escapes():
    assert printable("\x1b[31mred\x1b[0m, \u202eabc, ok 周至县") == (
        "\\x1b[31mred\\x1b[0m, \\u202eabc, ok 周至县"
    )
    assert printable("plain\ttext") == "plain\ttext"
