"""A seeded fuzzer of demand bundles: every damaged copy loads or is refused, never a crash.

Each copy of a real bundle gets one seeded change (bytes flipped, cut short, emptied, grown,
replaced, a JSON value changed) and, in most copies, a manifest rewritten to match without a
key: the digests then pass and the parsers themselves meet the damage. One child process loads
every copy the ways other services do (``load_bundle``, the forecaster, the served forecast);
a copy must load and forecast, or be refused with a ``BundleError`` (one line); a crash, a hang
or any other exception fails the test.
"""

import json
import random
import shutil
import subprocess
import sys

import pandas as pd
import pytest

from recommender.bundle.manifest import MANIFEST_FILE, write_manifest
from recommender.forecast.forecaster import DemandForecaster
from recommender.forecast.intervals import ConformalBands
from recommender.forecast.settings import BoosterParams
from recommender.forecast.training import build_panel
from tests.helpers import make_sales

SEED = 20261203
COPIES = 80
JSON_VALUES = [None, -1, 0, 2**63, 1e308, "", "x", [], {}, [[[]]], True, "../../etc", "ＮａＮ"]

_CHILD = r"""
import sys, traceback
from pathlib import Path
from recommender.errors import BundleError
from recommender.bundle import load_bundle
from recommender.forecast.forecaster import DemandForecaster
from recommender.tracking.serving import DemandForecasts

for path in sys.argv[1:]:
    print("START", path, flush=True)
    try:
        bundle = load_bundle(path)
        forecast = DemandForecaster.from_bundle(bundle).predict()
        served = DemandForecasts(path).predict(forecast.head(0))
        print("OK", path, len(forecast), len(served), flush=True)
    except BundleError as exc:
        lines = str(exc).splitlines()
        print("REFUSED" if len(lines) == 1 else "MULTILINE", path, lines[:1], flush=True)
    except Exception as exc:
        print("OTHER", path, type(exc).__name__, str(exc)[:200].replace("\n", " "), flush=True)
"""


@pytest.fixture(scope="module")
def bundle(tmp_path_factory):
    """A real demand bundle of six weekly series."""
    sales = make_sales()
    sales = sales.assign(date=pd.to_datetime(sales.date))
    panel = build_panel(sales, "W-SUN")
    bands = ConformalBands(80, {1: -0.2, 2: -0.3}, {1: 0.2, 2: 0.3})
    weights = {"lgb": 0.5, "ets": 0.2, "theta": 0.2, "seasonal_naive": 0.1}
    forecaster = DemandForecaster(
        "W-SUN", 2, weights, bands, BoosterParams(num_boost_round=10), panel.categorical
    ).fit(panel.long, panel.series, panel.statics)
    path = tmp_path_factory.mktemp("bundle") / "demand"
    return forecaster.save(path, {"data_digest": "0" * 64})


def _mutate_json(text: str, rng: random.Random) -> str:
    """One value somewhere in a JSON document replaced by an awkward one."""
    doc = json.loads(text)
    node, path = doc, []
    while isinstance(node, dict | list) and node and rng.random() < 0.8:
        key = rng.choice(list(node)) if isinstance(node, dict) else rng.randrange(len(node))
        path.append(key)
        node = node[key]
    if not path:
        return json.dumps(rng.choice(JSON_VALUES))
    parent = doc
    for key in path[:-1]:
        parent = parent[key]
    parent[path[-1]] = rng.choice(JSON_VALUES)
    return json.dumps(doc, ensure_ascii=False)


def _damage(folder, rng: random.Random) -> str:
    """Apply one seeded change to a copy of a bundle; returns what was done."""
    files = sorted(p for p in folder.iterdir() if p.name not in (MANIFEST_FILE, "MANIFEST.sig"))
    target = rng.choice(files)
    data = target.read_bytes()
    kind = rng.choice(["flip", "cut", "empty", "grow", "json", "swap", "text"])
    if kind == "json" and target.suffix != ".json":
        kind = "flip"
    if kind == "flip" and data:
        raw = bytearray(data)
        for _ in range(rng.randrange(1, 8)):
            raw[rng.randrange(len(raw))] = rng.randrange(256)
        data = bytes(raw)
    elif kind == "cut":
        data = data[: rng.randrange(len(data) + 1)]
    elif kind == "empty":
        data = b""
    elif kind == "grow":
        data = data + bytes(rng.randrange(256) for _ in range(rng.randrange(1, 200)))
    elif kind == "json":
        data = _mutate_json(data.decode("utf-8"), rng).encode("utf-8")
    elif kind == "swap":
        data = rng.choice(files).read_bytes()
    elif kind == "text" and target.suffix == ".txt":
        lines = data.decode("utf-8", "replace").splitlines()
        at = rng.randrange(len(lines))
        head, _, _ = lines[at].partition("=")
        lines[at] = f"{head}={rng.choice(['-1', '2000000000', 'x', '', '1e999', '0'])}"
        data = "\n".join(lines).encode("utf-8")
    target.write_bytes(data)
    resealed = rng.random() < 0.85
    if resealed:  # no key set: a new manifest whose digests match the damage
        (folder / MANIFEST_FILE).unlink()
        write_manifest(folder)
    return f"{kind} {target.name}{' (manifest rewritten)' if resealed else ''}"


@pytest.mark.timeout(600)
def test_damaged_bundles_load_or_are_refused_in_one_line(bundle, tmp_path, monkeypatch):
    # given seeded damaged copies of a real bundle, most with a matching manifest
    monkeypatch.delenv("XINGNONG_BUNDLE_KEY", raising=False)
    rng = random.Random(SEED)
    done = {}
    for i in range(COPIES):
        copy = tmp_path / f"copy{i:03d}"
        shutil.copytree(bundle, copy)
        done[str(copy)] = _damage(copy, rng)
    # when one child process loads each copy (and the undamaged bundle) as other services would
    done[str(bundle)] = "undamaged"
    pending, outcomes = [str(bundle), *(p for p in done if p != str(bundle))], {}
    while pending:
        proc = subprocess.run(
            [sys.executable, "-c", _CHILD, *pending],
            capture_output=True,
            text=True,
            timeout=300,
        )
        started = None
        for line in proc.stdout.splitlines():
            word, _, said = line.partition(" ")
            path, *rest = said.split(" ", 1)
            if path not in done:  # a library's own notice
                continue
            if word == "START":
                started = path
            else:
                outcomes[path] = (word, rest)
                started = None
        if started is None:
            break
        outcomes[started] = ("CRASH", [f"exit {proc.returncode}", proc.stderr[-300:]])
        pending = pending[pending.index(started) + 1 :]
    # then each loaded, or was refused in one line: no crash, no other exception
    bad = {done[p]: o for p, o in outcomes.items() if o[0] not in ("OK", "REFUSED")}
    assert not bad, bad
    assert len(outcomes) == COPIES + 1 and outcomes[str(bundle)][0] == "OK"
    kinds = [o[0] for o in outcomes.values()]
    assert kinds.count("REFUSED") > COPIES // 2  # most damage is caught, not served
    assert kinds.count("OK") > 1  # some damage leaves a loadable bundle: it was truly loaded
