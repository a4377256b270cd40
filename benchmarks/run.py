"""Run the benchmarks: ``python -m benchmarks.run [--only NAME] [--quick] [--results DIR]``."""

from __future__ import annotations

import argparse
import logging
import subprocess
import sys
import tempfile
import time
import warnings
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from benchmarks import REPO_ROOT, RESULTS_DIR
from benchmarks.report import NAMES, README, update_readme

QUICK_RESULTS_DIR = Path(tempfile.gettempdir()) / "xingnong_bench_quick"


def _runner(name: str) -> Callable[[bool, Path], dict[str, Any]]:
    """The function that runs one benchmark (imported late: only what is run is loaded)."""
    if name == "speed":
        from benchmarks.speed import run_speed

        return run_speed
    if name == "scale":
        from benchmarks.scale import run_scale

        return run_scale
    if name == "recommend":
        from benchmarks.recommend import run_recommend

        return run_recommend
    if name == "app":
        from benchmarks.app import run_app

        return run_app
    if name == "decisions":
        from benchmarks.decisions import run_decisions

        return run_decisions
    if name == "accuracy_apmc":
        from benchmarks.apmc import run_accuracy_apmc

        return run_accuracy_apmc
    if name == "accuracy_maff":
        from benchmarks.maff import run_accuracy_maff

        return run_accuracy_maff
    from benchmarks.accuracy_demo import run_accuracy_demo

    return run_accuracy_demo


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.run",
        description="Speed, memory and accuracy benchmarks of the demand forecast. Each "
        "benchmark prints a table and writes <results>/<name>.json.",
    )
    parser.add_argument(
        "--only",
        choices=NAMES,
        action="append",
        help="run only this benchmark (repeatable; default: all)",
    )
    parser.add_argument(
        "--quick", action="store_true", help="reduced sizes: a smoke check, bars not enforced"
    )
    parser.add_argument(
        "--results",
        type=Path,
        default=None,
        help=f"results folder (default: benchmarks/results, or {QUICK_RESULTS_DIR} with --quick)",
    )
    return parser


def _run_one(name: str, quick: bool, results: Path) -> bool:
    """Run one benchmark in this process; True when its bars pass (always, for quick runs)."""
    logging.getLogger("statsforecast").setLevel(logging.WARNING)
    warnings.filterwarnings("ignore", category=FutureWarning)
    doc = _runner(name)(quick, results)
    return quick or bool(doc["passed"])


def _run_children(names: Sequence[str], quick: bool, results: Path) -> bool:
    """Run each benchmark in its own process, so each peak-memory figure is its own."""
    ok = True
    for name in names:
        cmd = [sys.executable, "-m", "benchmarks.run", "--only", name, "--results", str(results)]
        if quick:
            cmd.append("--quick")
        print(f"\n=== {name} ===", flush=True)
        start = time.perf_counter()
        code = subprocess.run(cmd, cwd=REPO_ROOT, check=False).returncode
        print(f"=== {name}: exit {code} after {time.perf_counter() - start:.0f} s ===", flush=True)
        ok = ok and code == 0
    return ok


def main(argv: Sequence[str] | None = None) -> int:
    """Run the chosen benchmarks.

    Args:
        argv: Command-line arguments (default: ``sys.argv[1:]``).

    Returns:
        0 when every enforced bar passes, 1 otherwise.
    """
    args = _parser().parse_args(argv)
    names = [n for n in NAMES if args.only is None or n in args.only]
    results = args.results or (QUICK_RESULTS_DIR if args.quick else RESULTS_DIR)
    if len(names) == 1:
        ok = _run_one(names[0], args.quick, results)
    else:
        ok = _run_children(names, args.quick, results)
    if not args.quick and results.resolve() == RESULTS_DIR.resolve() and update_readme(results):
        print(f"updated the figures in {README.relative_to(REPO_ROOT)}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
