"""One timed ``xingnong train demand`` run, in this process: seconds and peak memory per stage.

Run as ``python -m benchmarks.scale_stages SALES BUNDLE`` (the scale benchmark starts it in a
child process so its peak memory is its own). The command is the CLI's own ``main``; stage
boundaries are the times of its log lines, and the backtest's split comes from its metrics.
"""

from __future__ import annotations

import json
import logging
import sys
import time
from pathlib import Path
from typing import Any

from benchmarks import peak_rss_mib
from pipelines.cli import main as cli_main


class _Marks(logging.Handler):
    """Remembers when each log line was written, and the peak memory by then."""

    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.lines: list[tuple[float, float, str]] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append((time.perf_counter(), peak_rss_mib(), record.getMessage()))


def _mark(marks: _Marks, words: str, last: bool = False) -> tuple[float, float]:
    found = [(t, m) for t, m, text in marks.lines if words in text]
    if not found:
        raise RuntimeError(f"no log line with {words!r}")
    return found[-1] if last else found[0]


def stages(sales: Path, bundle: Path) -> dict[str, Any]:
    """Run ``xingnong train demand --folds 1 --no-mlflow`` and split its time into stages.

    Args:
        sales: The panel (Parquet).
        bundle: Where the bundle goes.

    Returns:
        Seconds per stage, peak MiB by the end of each, and the whole run's.
    """
    marks = _Marks()
    for name in (
        "pipelines",
        "recommender",
        "xingnong",
    ):  # the CLI resets the root logger's handlers
        logging.getLogger(name).addHandler(marks)
    start = time.perf_counter()
    argv = ["train", "demand", "--sales", str(sales), "--folds", "1", "--no-mlflow"]
    code = cli_main([*argv, "--bundle", str(bundle)])
    end, end_mib = time.perf_counter(), peak_rss_mib()
    if code != 0:
        raise RuntimeError(f"xingnong train demand exited {code}")
    ingested = _mark(marks, "rows read")
    paneled = _mark(marks, "series x")
    windows = _mark(marks, "window ", last=True)
    final = _mark(marks, "final model trained")
    saved = _mark(marks, "bundle saved")
    metrics = json.loads((bundle / "metadata.json").read_text(encoding="utf-8"))
    timings = {k: float(v) for k, v in metrics.get("timings_seconds", {}).items()}
    backtest = windows[0] - paneled[0]
    statistical = sum(timings.get(k, 0.0) for k in ("seasonal_naive", "ets", "theta"))
    seconds = {
        "ingest": ingested[0] - start,
        "panel": paneled[0] - ingested[0],
        "features": timings.get("features", 0.0),
        "lightgbm": timings.get("lightgbm", 0.0),
        "statistical": statistical,
        "blend_intervals_other": backtest
        - timings.get("features", 0.0)
        - timings.get("lightgbm", 0.0)
        - statistical,
        "final_fit": final[0] - windows[0],
        "forecast_and_writing": end - final[0],
        "total": end - start,
    }
    peaks = {
        "ingest": ingested[1],
        "panel": paneled[1],
        "backtest": windows[1],
        "final_fit": final[1],
        "writing": max(saved[1], end_mib),
    }
    return {
        "seconds": {k: round(v, 2) for k, v in seconds.items()},
        "peak_mib_by_end_of": peaks,
        "windows": _windows(metrics),
        "overall": metrics.get("metrics", {}).get("overall", {}),
    }


def _windows(metadata: dict[str, Any]) -> int:
    return int(metadata.get("warmup", 0)) + int(metadata.get("backtest", {}).get("folds", 0))


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    result = stages(Path(sys.argv[1]), Path(sys.argv[2]))
    print(json.dumps(result))
