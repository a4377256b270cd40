"""Speed, memory and accuracy benchmarks of the demand forecast (run by ``make bench``)."""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
import resource
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
REPO_ROOT = BENCH_DIR.parent
RESULTS_DIR = BENCH_DIR / "results"


@dataclass(frozen=True)
class Bar:
    """A pass/fail threshold of a benchmark.

    Attributes:
        name: What is checked, in words.
        value: The measured figure.
        limit: The threshold it is compared with, in words (e.g. ``<= 0.293``).
        passed: Whether the figure meets the threshold.
    """

    name: str
    value: float
    limit: str
    passed: bool


def load() -> dict[str, Any]:
    """Machine load now: ``os.getloadavg`` and the ``uptime`` line.

    Returns:
        ``loadavg`` (1, 5 and 15 minute averages) and ``uptime`` (its output, or ``""``).
    """
    try:
        line = subprocess.run(
            ["uptime"], capture_output=True, text=True, check=False, timeout=5
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        line = ""
    return {"loadavg": [round(x, 2) for x in os.getloadavg()], "uptime": line}


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "not installed"


def machine_facts() -> dict[str, Any]:
    """Cores, Python and library versions of this machine.

    Returns:
        JSON-ready facts.
    """
    return {
        "cores": os.cpu_count(),
        "cores_usable": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None,
        "python": platform.python_version(),
        "platform": platform.platform(),
        "lightgbm": _version("lightgbm"),
        "statsforecast": _version("statsforecast"),
        "pandas": _version("pandas"),
        "numpy": _version("numpy"),
    }


def peak_rss_mib() -> float:
    """Peak resident memory of this process so far, in MiB (``getrusage`` maxrss)."""
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    scale = 1024 * 1024 if sys.platform == "darwin" else 1024  # bytes on macOS, KiB on Linux
    return round(rss / scale, 1)


def _git(*args: str) -> str:
    """Output of a read-only git command in the repository, or ``""`` when it fails."""
    try:
        out = subprocess.run(
            ["git", *args], cwd=REPO_ROOT, capture_output=True, text=True, check=False, timeout=5
        )
    except (OSError, subprocess.SubprocessError):
        return ""
    return out.stdout.strip() if out.returncode == 0 else ""


def git_state() -> dict[str, Any]:
    """The checked-out commit and the library files that differ from it (read only).

    Returns:
        ``commit`` (``""`` outside a git checkout) and ``uncommitted`` (tracked files under
        ``recommender/`` and ``pipelines/`` whose working copy may differ from the commit).
    """
    changed = _git("diff-index", "--name-only", "HEAD", "--", "recommender", "pipelines")
    return {"commit": _git("rev-parse", "HEAD"), "uncommitted": changed.splitlines()}


def command_line(name: str, quick: bool) -> str:
    """The command that reproduces one benchmark's result file.

    Args:
        name: Benchmark name.
        quick: Whether the reduced sizes were used.

    Returns:
        The shell command.
    """
    return f"python -m benchmarks.run --only {name}" + (" --quick" if quick else "")


def document(
    name: str,
    *,
    quick: bool,
    load_before: dict[str, Any],
    settings: dict[str, Any],
    figures: dict[str, Any],
    bars: Sequence[Bar],
) -> dict[str, Any]:
    """The JSON document of one benchmark run.

    Args:
        name: Benchmark name.
        quick: Whether the reduced sizes were used.
        load_before: :func:`load` taken when the benchmark started.
        settings: What was run (sizes, backtest settings, data source).
        figures: What was measured.
        bars: Pass/fail thresholds.

    Returns:
        The document: name, command, date, commit, machine, load, settings, figures, bars.
    """
    return {
        "benchmark": name,
        "command": command_line(name, quick),
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "git": git_state(),
        "quick": quick,
        "machine": machine_facts(),
        "load": {"before": load_before, "after": load()},
        "settings": settings,
        "figures": figures,
        "bars": [asdict(b) for b in bars],
        "passed": all(b.passed for b in bars),
    }


def write_result(doc: dict[str, Any], folder: Path) -> Path:
    """Write a benchmark document as ``<folder>/<benchmark>.json`` (atomically).

    Args:
        doc: Output of :func:`document`.
        folder: Results folder (created if missing).

    Returns:
        The path written.
    """
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{doc['benchmark']}.json"
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(doc, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    os.replace(tmp, path)
    return path


def print_table(rows: Sequence[Sequence[object]], header: Sequence[str]) -> None:
    """Print rows as a plain aligned text table.

    Args:
        rows: Table cells (floats are shown with three decimals).
        header: Column titles.
    """

    def cell(value: object) -> str:
        return f"{value:.3f}" if isinstance(value, float) else str(value)

    text = [[cell(v) for v in row] for row in rows]
    widths = [max(len(h), *(len(r[i]) for r in text)) for i, h in enumerate(header)]
    print("  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)))
    for row in text:
        print("  ".join(v.ljust(w) for v, w in zip(row, widths, strict=True)))


def print_bars(bars: Sequence[Bar], *, enforced: bool = True) -> None:
    """Print PASS/FAIL per bar.

    Args:
        bars: The bars.
        enforced: False for quick runs (the bars are shown but do not fail the run).
    """
    note = "" if enforced else "  (quick run: not enforced)"
    for bar in bars:
        verdict = "PASS" if bar.passed else "FAIL"
        print(f"{verdict}  {bar.name}: {bar.value:.3f} (bar {bar.limit}){note}")
