"""Scale benchmark: weekly panels of 1,000 to 60,000 series, against the plain mlforecast recipe."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks import REPO_ROOT, Bar, document, load, print_bars, print_table, write_result
from benchmarks.scale_panel import WEEKS, write_scale_panel

SIZES = (1_000, 15_000, 30_000, 60_000)
QUICK_SIZES = (300, 600)
TIME_RATIO = 15.0
MEMORY_RATIO = 3.0
LGB_RATIO = 1.5
NATIONAL_SECONDS = 600.0
NATIONAL_MIB = 6 * 1024.0
DOUBLING = 2.2


def _measured(cmd: list[str]) -> tuple[float, float, str]:
    """Run a command; its wall seconds, its own peak memory (MiB) and its standard output."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=REPO_ROOT, stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    out = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed")
    return wall, usage.ru_maxrss / 1024, out


def _tree_measured(cmd: list[str]) -> tuple[float, float]:
    """Run a command that starts processes of its own (a Dask cluster); its wall seconds and the
    peak of its whole process tree's resident memory (MiB, sampled every 0.2 s)."""
    import psutil

    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=REPO_ROOT, stdout=subprocess.DEVNULL)
    root = psutil.Process(proc.pid)
    peak = 0
    while proc.poll() is None:
        total = 0
        try:
            for p in [root, *root.children(recursive=True)]:
                total += p.memory_info().rss
        except psutil.Error:
            pass  # a process ended while being measured
        peak = max(peak, total)
        time.sleep(0.2)
    wall = time.perf_counter() - start
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed")
    return wall, peak / 2**20


def _dask(path: Path, folder: Path) -> dict[str, Any]:
    """``train demand`` on the Dask engine's own local cluster (one worker per core)."""
    cmd = [
        sys.executable, "-m", "pipelines.cli", "-q", "train", "demand", "--sales", str(path),
        "--folds", "1", "--no-mlflow", "--engine", "dask", "--bundle", str(folder / "dask"),
    ]  # fmt: skip
    wall, mib = _tree_measured(cmd)
    return {"wall_s": round(wall, 2), "tree_peak_mib": round(mib)}


def _last_json(out: str) -> dict[str, Any]:
    return json.loads(out.strip().splitlines()[-1])


def _plain(path: Path) -> dict[str, Any]:
    code = (
        "import json, sys; from pathlib import Path; from benchmarks.scale_plain import "
        "plain_recipe; print(json.dumps(plain_recipe(Path(sys.argv[1]))))"
    )
    wall, mib, out = _measured([sys.executable, "-c", code, str(path)])
    return {"wall_s": round(wall, 2), "peak_mib": round(mib), **_last_json(out)}


def _ours(path: Path, folder: Path) -> dict[str, Any]:
    cmd = [sys.executable, "-m", "benchmarks.scale_stages", str(path), str(folder / "bundle")]
    wall, mib, out = _measured(cmd)
    return {"wall_s": round(wall, 2), "peak_mib": round(mib), **_last_json(out)}


def _backtest(path: Path, folder: Path) -> dict[str, Any]:
    metrics = folder / "metrics.json"
    cmd = [
        sys.executable, "-m", "pipelines.cli", "backtest", "--sales", str(path),
        "--horizon", "8", "--folds", "1", "--output", str(folder / "backtest.csv"),
        "--metrics", str(metrics),
    ]  # fmt: skip
    wall, mib, _ = _measured(cmd)
    doc = json.loads(metrics.read_text(encoding="utf-8"))
    windows = int(doc["warmup"]) + int(doc["config"]["folds"])
    lgb = float(doc["timings_seconds"].get("lightgbm", 0.0))
    return {
        "wall_s": round(wall, 2),
        "peak_mib": round(mib),
        "windows": windows,
        "lightgbm_per_window_s": round(lgb / windows, 2),
        "timings_seconds": doc["timings_seconds"],
        "wape": doc["overall"]["forecast"]["wape"],
    }


def _bars(figures: dict[str, Any], sizes: tuple[int, ...]) -> list[Bar]:
    small, large = figures[str(sizes[0])], figures[str(sizes[-1])]
    plain, ours = small["plain"], small["backtest"]
    checks = [
        (f"{sizes[0]:,} series: backtest time / plain recipe's (process wall)",
         ours["wall_s"] / plain["wall_s"], TIME_RATIO),
        (f"{sizes[0]:,} series: backtest peak memory / plain recipe's",
         ours["peak_mib"] / plain["peak_mib"], MEMORY_RATIO),
        (f"{sizes[0]:,} series: LightGBM per window / plain recipe's fit",
         ours["lightgbm_per_window_s"] / plain["fit_s"], LGB_RATIO),
        (f"{sizes[-1]:,} series: train demand wall seconds", large["ours"]["wall_s"],
         NATIONAL_SECONDS),
        (f"{sizes[-1]:,} series: train demand peak MiB", large["ours"]["peak_mib"], NATIONAL_MIB),
    ]  # fmt: skip
    bars = [Bar(name, value, f"<= {limit:g}", value <= limit) for name, value, limit in checks]
    for a, b in zip(sizes, sizes[1:], strict=False):
        if b != 2 * a:
            continue
        fa, fb = figures[str(a)]["ours"], figures[str(b)]["ours"]
        for key, what in (("wall_s", "time"), ("peak_mib", "peak memory")):
            ratio = fb[key] / fa[key]
            name = f"{a:,} -> {b:,} series: {what} ratio"
            bars.append(Bar(name, ratio, f"<= {DOUBLING:g}", ratio <= DOUBLING))
    return bars


def run_scale(quick: bool, results: Path) -> dict[str, Any]:
    """Time ingest-to-bundle on growing panels, and the plain recipe on the same files.

    Args:
        quick: Small panels (a smoke check).
        results: Folder for ``scale.json``.

    Returns:
        The result document.
    """
    before = load()
    sizes = QUICK_SIZES if quick else SIZES
    figures: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="xingnong-scale-") as tmp:
        for n in sizes:
            folder = Path(tmp) / str(n)
            path = write_scale_panel(folder / "sales.parquet", n)
            row: dict[str, Any] = {"plain": _plain(path), "ours": _ours(path, folder)}
            if n == sizes[0]:
                row["backtest"] = _backtest(path, folder)
            if n == sizes[1]:
                row["dask"] = _dask(path, folder)
            figures[str(n)] = row
            print(
                f"{n:>6,} series: plain {row['plain']['wall_s']:.1f} s / "
                f"{row['plain']['peak_mib']:.0f} MiB; train demand {row['ours']['wall_s']:.1f} s"
                f" / {row['ours']['peak_mib']:.0f} MiB",
                flush=True,
            )
    dask = figures[str(sizes[1])]["dask"]
    print(
        f"{sizes[1]:,} series on the Dask engine (local cluster): {dask['wall_s']:.1f} s, "
        f"{dask['tree_peak_mib']:.0f} MiB over all its processes"
    )
    stages = list(figures[str(sizes[-1])]["ours"]["seconds"])
    print_table(
        [[n, *(figures[str(n)]["ours"]["seconds"][s] for s in stages)] for n in sizes],
        ["series", *stages],
    )
    bars = _bars(figures, sizes)
    print_bars(bars, enforced=not quick)
    settings = {"sizes": list(sizes), "weeks": WEEKS, "horizon": 8, "folds": 1}
    doc = document(
        "scale", quick=quick, load_before=before, settings=settings, figures=figures, bars=bars
    )
    write_result(doc, results)
    return doc
