"""Recommendation latency: `recommend` for every demo region from trained artifacts."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks import REPO_ROOT, Bar, document, load, print_bars, print_table, write_result

BAR_SECONDS = 2.0


def _train(home: Path, quick: bool) -> float:
    """Run the main job on the demo data into ``home``; seconds taken."""
    args = ["run", "--no-mlflow"] + (["--horizon", "4", "--folds", "1"] if quick else [])
    start = time.perf_counter()
    from pipelines.cli import main

    if main(["-q", *args]) != 0:
        raise RuntimeError("xingnong run failed")
    return time.perf_counter() - start


def run_recommend(quick: bool, results: Path) -> dict[str, Any]:
    """Time `recommend` for each demo region (artifacts trained first) and check the bar.

    Args:
        quick: Fewer regions and a smaller training run.
        results: Folder for the JSON result.

    Returns:
        The result document.
    """
    before = load()
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp)
        os.environ["XINGNONG_HOME"] = str(home)
        os.environ["MLFLOW_TRACKING_URI"] = f"sqlite:///{home / 'mlflow.db'}"
        from recommender.config import settings

        settings.cache_clear()
        train_seconds = _train(home, quick)
        from recommender.decide.evidence import load_evidence
        from recommender.decide.recommend import recommend

        artifacts = settings().artifacts_dir
        regions = sorted(load_evidence(None, artifacts).sales["region"].unique())
        regions = regions[:3] if quick else regions
        timings = {}
        for region in regions:
            start = time.perf_counter()
            doc = recommend(load_evidence(None, artifacts), region)
            timings[region] = time.perf_counter() - start
            assert all(doc[k] is not None for k in ("grow", "process", "brand", "list"))
        start = time.perf_counter()
        cli = subprocess.run(
            [
                sys.executable,
                "-m",
                "pipelines.cli",
                "recommend",
                "--region",
                regions[0],
                "--format",
                "json",
            ],
            cwd=REPO_ROOT,
            env=dict(os.environ),
            capture_output=True,
            check=True,
        )
        process_seconds = time.perf_counter() - start
    worst = max(timings.values())
    print_table(
        [[r, f"{s:.2f}"] for r, s in sorted(timings.items(), key=lambda x: -x[1])[:5]],
        ["region (slowest 5)", "seconds"],
    )
    print(
        f"median {statistics.median(timings.values()):.2f} s, worst {worst:.2f} s; "
        f"whole CLI process incl. Python start-up and imports {process_seconds:.2f} s"
    )
    bars = [
        Bar(
            "recommend answer time (worst region), seconds",
            round(worst, 3),
            f"< {BAR_SECONDS}",
            worst < BAR_SECONDS,
        )
    ]
    print_bars(bars, enforced=not quick)
    doc = document(
        "recommend",
        quick=quick,
        load_before=load(),
        settings={"data": "data/demo", "regions": len(regions), "train_seconds": train_seconds},
        figures={
            "seconds_per_region": {r: round(s, 3) for r, s in timings.items()},
            "median_seconds": round(statistics.median(timings.values()), 3),
            "worst_seconds": round(worst, 3),
            "cli_process_seconds": round(process_seconds, 3),
            "cli_output_bytes": len(cli.stdout),
        },
        bars=bars,
    )
    doc["load"]["before"] = before
    print(f"wrote {write_result(doc, results)}")
    return doc
