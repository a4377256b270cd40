"""Decision backtest: the listing plan's realised margin against naive policies, two worlds."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

from benchmarks import Bar, document, load, print_bars, print_table, write_result

WORLDS = ("demo", "held_out_world")
"""The embedded demo data, and a generated cooperative world of other provinces and products
(``recommender.demo.world``, a seed the tests never use), given only its sales, regions,
products and profile."""


def _folder(world: str, root: Path) -> Path:
    """The data folder of one world."""
    from recommender.config import DEMO_DATA_DIR

    if world == "demo":
        return DEMO_DATA_DIR
    from recommender.demo.world import HELD_OUT_SEED, simulate_world

    folder = root / world
    simulate_world(seed=HELD_OUT_SEED).write(folder)
    return folder


def _replay(world: str, root: Path, quick: bool) -> dict[str, dict[str, float]]:
    """Run the main job on one world; the decision backtest's totals per policy."""
    from pipelines.jobs.run import run_all
    from pipelines.jobs.settings import JobSettings
    from recommender.forecast.settings import BacktestConfig

    settings = JobSettings(BacktestConfig(horizon=4, folds=1)) if quick else None
    report = run_all(_folder(world, root), root / f"{world}_out", settings, track=False)
    return report.decisions


def run_decisions(quick: bool, results: Path) -> dict[str, Any]:
    """Replay the listing plan on the demo and a held-out world; check it beats both naives.

    Args:
        quick: A smaller backtest (one window of four weeks).
        results: Folder for the JSON result.

    Returns:
        The result document.
    """
    before = load()
    figures: dict[str, Any] = {}
    bars = []
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["XINGNONG_HOME"] = tmp  # models and MLflow stay out of the checkout
        from recommender.config import settings

        settings.cache_clear()
        for world in WORLDS:
            summary = _replay(world, Path(tmp), quick)
            figures[world] = summary
            plan = summary["plan"]["margin"]
            for naive in ("last_year", "median_forecast"):
                other = summary[naive]["margin"]
                bars.append(
                    Bar(
                        f"{world}: plan margin / {naive.replace('_', ' ')} margin",
                        round(plan / other, 3) if other > 0 else float("inf"),
                        "> 1",
                        plan > other,
                    )
                )
            rows = [
                [
                    policy.replace("_", " "),
                    f"{row['margin']:,.0f}",
                    f"{row['share_of_perfect']:.1%}",
                    f"{row['waste_kg']:,.0f}",
                    f"{row['stockout_kg']:,.0f}",
                ]
                for policy, row in summary.items()
            ]
            print(f"\n{world}")
            print_table(rows, ["policy", "margin ¥", "of perfect", "waste kg", "stock-out kg"])
    print_bars(bars, enforced=not quick)
    doc = document(
        "decisions",
        quick=quick,
        load_before=before,
        settings={"worlds": list(WORLDS), "quick": quick},
        figures=figures,
        bars=bars,
    )
    print(f"wrote {write_result(doc, results)}")
    return doc
