"""A seeded fuzzer of sales files through ``xingnong validate``: one-line errors, no tracebacks,
nothing written outside the home, every row accounted for."""

import random
import re

from pipelines.cli import main

SEED = 20261202
FILES = 150
HEADERS = ["date", "region", "product", "quantity", "price", "channel", "order_id", "phone",
           "日期", "地区", "产品", "销量", "", "date", "\x1b[31mred"]  # fmt: skip
VALUES = ["2024-03-05", "2024/3/5", "20240305", "2024年3月5日", "03/04/2024", "1900-01-01",
          "9999-12-31", "2024-03-05 25:00", "2024-02-30", "", " ", "liuba", "周至县", "AGRA(UP)",
          "=HYPERLINK(\"x\")", "+cmd|' /C calc'!A0", "@SUM(1)", "\tx", "-3", "1e300", "NaN",
          "inf", "1,200", "¥12元", "0", "12.5", "abc", "a,b", 'quote"d', "x" * 300,
          "13800138000", "张三", "Δ", "\u202e", "ab\\x01cd"]  # fmt: skip
ENCODINGS = ["utf-8", "utf-8-sig", "gb18030", "utf-16", "latin-1"]
DELIMITERS = [",", "\t", ";", "|"]


def _sales_file(rng: random.Random) -> bytes:
    if rng.random() < 0.1:  # raw bytes now and then
        return bytes(rng.randrange(256) for _ in range(rng.randrange(0, 400)))
    sep = rng.choice(DELIMITERS)
    columns = rng.sample(HEADERS, rng.randrange(1, 8))
    clean = rng.random() < 0.6  # mostly good rows with trouble here and there
    if clean:
        columns = ["date", "region", "product", "quantity"]
        columns += [c for c in rng.sample(HEADERS[4:8], 2) if c not in columns]
    lines = [sep.join(columns)]
    for _ in range(rng.randrange(0, 30)):
        if clean and rng.random() < 0.8:
            good = [f"2024-03-{rng.randrange(1, 29):02d}", rng.choice(["liuba", "周至县"]),
                    rng.choice(["kiwi", "honey"]), str(rng.randrange(0, 50))]  # fmt: skip
            lines.append(sep.join(good + [rng.choice(VALUES) for _ in columns[4:]]))
        else:
            lines.append(sep.join(rng.choice(VALUES) for _ in columns))
    text = "\n".join(lines) + rng.choice(["\n", "", "\r\n\n"])
    encoding = rng.choice(ENCODINGS)
    return text.encode(encoding, errors="replace")


def test_fuzzed_sales_files_give_results_or_one_line_errors(tmp_path, capsys):
    # given seeded random sales files, written under one folder
    rng = random.Random(SEED)
    home = tmp_path / "home"
    outcomes = {0: 0, 1: 0}
    for i in range(FILES):
        path = home / f"sales_{i}.csv"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(_sales_file(rng))
        quarantine = home / f"q_{i}.csv"
        # when each is validated
        code = main(["validate", "--sales", str(path), "--quarantine", str(quarantine)])
        out, err = capsys.readouterr()
        # then it is accounted for, or refused in one line, never with a traceback
        assert code in (0, 1), (i, code, err)
        assert "Traceback" not in err and "Traceback" not in out
        outcomes[code] += 1
        if "rows read:" in out:
            numbers = {
                m.group(1): int(m.group(2).replace(",", ""))
                for m in re.finditer(r"rows (read|accepted|quarantined):\s+([\d,]+)", out)
            }
            assert numbers["read"] == numbers["accepted"] + numbers["quarantined"], i
        else:
            lines = [line for line in err.strip().splitlines() if line]
            assert len(lines) == 1 and lines[0].startswith("error:"), (i, err)
            assert "\x1b" not in lines[0], "escape codes echoed raw"
    # and nothing was written outside the home, and both kinds of outcome happened
    assert {p.parent for p in tmp_path.rglob("*") if p.is_file()} <= {home}
    assert outcomes[0] > 20 and outcomes[1] > 20
