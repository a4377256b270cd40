"""A seeded fuzzer of whole data folders through ``xingnong run``: results or one-line errors,
never a traceback, nothing written outside the project folder."""

import json
import os
import random
import subprocess
import sys

import pandas as pd
import pytest

from recommender.data.layout import REFERENCE_FILES, SALES_FILE
from tests.helpers import COOP_REGIONS, REPO, write_coop

SEED = 20261204
FOLDERS = 8
FAST = ["--horizon", "4", "--folds", "1", "--warmup", "2", "--statistical", "naive"]
CELLS = ["", " ", "=1+1", "+cmd|' /C calc'!A0", "@SUM(1)", "\tx", "-3", "1e300", "NaN", "inf",
         "9999-12-31", "1900-01-01", "2024-02-30", "张三 13800138000", "\u202e", "x" * 300,
         "a,b", 'quote"d', "../../escaped", "a/b/c", "CON", "Δ"]  # fmt: skip


def _paths(escape) -> list[str]:
    """Codes that would become paths outside the project folder if used as file names."""
    return [str(escape / "abs"), f"../{escape.name}/rel", "..", ".", "a/../../b", "nul\0x"]


def _damage(folder, rng: random.Random, escape) -> str:
    """One seeded hostile change to a cooperative's data folder; returns what was done."""
    kind = rng.choice(["region_code", "product_code", "cells", "reference", "columns", "mix"])
    if kind in ("region_code", "product_code", "mix"):
        key = "product" if kind == "product_code" else "region"
        sales = pd.read_csv(folder / SALES_FILE, dtype=str, keep_default_na=False)
        old = COOP_REGIONS[0] if key == "region" else sales[key].iloc[0]
        new = rng.choice(_paths(escape) + CELLS)
        for table in folder.glob("*.csv"):  # renamed everywhere, so it reaches every step
            frame = pd.read_csv(table, dtype=str, keep_default_na=False)
            for column in {key, "parent"} & set(frame.columns):
                frame.loc[frame[column] == old, column] = new
            frame.to_csv(table, index=False)
        for doc in folder.glob("*.json"):
            doc.write_text(doc.read_text(encoding="utf-8").replace(f'"{old}"', json.dumps(new)))
        return f"{key} code {new!r}"
    if kind == "cells":
        sales = pd.read_csv(folder / SALES_FILE, dtype=str, keep_default_na=False)
        for _ in range(rng.randrange(1, 40)):
            sales.iat[rng.randrange(len(sales)), rng.randrange(sales.shape[1])] = rng.choice(CELLS)
        sales.to_csv(folder / SALES_FILE, index=False)
        return "sales cells"
    if kind == "reference":
        name = rng.choice([f for f in REFERENCE_FILES if (folder / f).exists()])
        data = (folder / name).read_bytes()
        choice = rng.choice(["cut", "garbage", "empty"])
        new = {"cut": data[: rng.randrange(len(data) + 1)], "empty": b"",
               "garbage": bytes(rng.randrange(256) for _ in range(300))}[choice]  # fmt: skip
        (folder / name).write_bytes(new)
        return f"{choice} {name}"
    sales = pd.read_csv(folder / SALES_FILE, dtype=str, keep_default_na=False)
    sales[rng.choice(["phone", "收件人", "../x", "=cmd"])] = "13800138000"
    sales.to_csv(folder / SALES_FILE, index=False)
    return "extra columns"


def _files(root) -> set[str]:
    return {str(p.relative_to(root)) for p in root.rglob("*")}


@pytest.mark.timeout(900)
def test_fuzzed_data_folders_run_or_fail_in_one_line(tmp_path):
    # given seeded hostile changes to a cooperative's data folder, one per folder
    rng = random.Random(SEED)
    home, escape = tmp_path / "home", tmp_path / "escape"
    escape.mkdir()
    env = dict(os.environ, XINGNONG_HOME=str(home))
    env.pop("XINGNONG_BUNDLE_KEY", None)
    outcomes = {0: 0, 1: 0}
    for i in range(FOLDERS):
        folder = write_coop(tmp_path / f"data{i}")
        change = _damage(folder, rng, escape)
        inputs = {p: p.read_bytes() for p in folder.iterdir()}
        # when each is run
        proc = subprocess.run(
            [
                sys.executable,
                "-m",
                "pipelines.cli",
                "run",
                "--data",
                str(folder),
                "--no-mlflow",
                *FAST,
            ],  # fmt: skip
            cwd=REPO,
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
        )
        # then it ran, or was refused in one line: no traceback
        assert proc.returncode in (0, 1), (change, proc.returncode, proc.stderr[-500:])
        assert "Traceback" not in proc.stderr + proc.stdout, (change, proc.stderr[-800:])
        if proc.returncode == 1:
            said = [line for line in proc.stderr.splitlines() if line.startswith("error:")]
            assert len(said) == 1, (change, proc.stderr[-500:])
        outcomes[proc.returncode] += 1
        # and nothing was written outside the project folder, the inputs left as they were
        assert _files(escape) == set(), change
        assert {p: p.read_bytes() for p in folder.iterdir()} == inputs, change
        assert set(os.listdir(tmp_path)) <= {"home", "escape", *(f"data{j}" for j in range(i + 1))}
    assert outcomes[0] and outcomes[1]  # both kinds of outcome were met
