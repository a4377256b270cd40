"""Kill ``xingnong run`` at seeded random moments: what is served is always one whole run."""

import hashlib
import json
import os
import random
import signal
import subprocess
import sys
import time

import pandas as pd
import pytest

from pipelines.jobs.transaction import settle
from recommender.bundle import bundle_digest
from recommender.data.artifacts import read_outputs
from tests.helpers import REPO, write_coop

KILLS = 20
SEED = 20261202
FAST = ["--horizon", "4", "--folds", "1", "--warmup", "2", "--statistical", "naive"]


def _whole(out, bundle) -> str | None:
    """The data digest of the one run the outputs are from (None when there are none yet).

    What a reader sees after settling: the artifacts verify, and the bundle beside them is the
    one that run wrote.
    """
    settle(out.parent)
    if not out.exists():
        assert not bundle.exists(), "a bundle without the outputs of its run"
        return None
    manifest = json.loads((out / "MANIFEST.json").read_text())["files"]
    present = {
        p.relative_to(out).as_posix()
        for p in out.rglob("*")
        if p.is_file() and p.name not in ("MANIFEST.json", "MANIFEST.sig")
    }
    assert present == set(manifest), "files outside the run's manifest"
    for name, digest in manifest.items():
        assert hashlib.sha256((out / name).read_bytes()).hexdigest() == digest, name
    outputs = read_outputs(out)
    assert outputs is not None
    assert bundle_digest(bundle) == outputs.metrics["bundle_digest"], "bundle of another run"
    return outputs.metrics["data_digest"]


def _run(data, out, env) -> subprocess.Popen:
    cmd = [sys.executable, "-m", "pipelines.cli", "-q", "run", "--data", str(data),
           "--out", str(out), "--no-mlflow", *FAST]  # fmt: skip
    return subprocess.Popen(
        cmd, cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )


@pytest.mark.timeout(900)
def test_killed_runs_never_serve_a_mix(tmp_path):
    # given two cooperatives' data folders that train to different outputs
    first = write_coop(tmp_path / "a")
    second = write_coop(tmp_path / "b")
    sales = pd.read_csv(second / "sales.csv")
    sales["quantity"] = sales["quantity"] * 3
    sales.to_csv(second / "sales.csv", index=False)
    out = tmp_path / "home" / "artifacts"
    bundle = tmp_path / "home" / "models" / "demand"
    env = dict(os.environ, XINGNONG_HOME=str(tmp_path / "home"))
    # and how long a whole run takes
    start = time.perf_counter()
    assert _run(first, out, env).wait(timeout=600) == 0
    whole_run = time.perf_counter() - start
    digests = {_whole(out, bundle)}
    rng = random.Random(SEED)
    # when runs on alternating data are killed at random moments
    for i in range(KILLS):
        proc = _run(second if i % 2 == 0 else first, out, env)
        time.sleep(rng.uniform(0.2, whole_run))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        # then what is served is always one whole run
        digests.add(_whole(out, bundle))
    # and a run after all that completes, cleaning what the killed ones left
    assert _run(second, out, env).wait(timeout=600) == 0
    digests.add(_whole(out, bundle))
    assert len(digests - {None}) == 2
    beside = [p.name for h in (out.parent, bundle.parent) for p in h.iterdir()]
    leftovers = [name for name in beside if name.startswith((".tmp-", ".old-"))]
    assert leftovers == []
