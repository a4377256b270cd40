"""App benchmark: the Streamlit app's first render, what-if latency and concurrent sessions."""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

import numpy as np
import psutil

from benchmarks import REPO_ROOT, Bar, document, load, print_bars, print_table, write_result
from benchmarks.app_sessions import PAGES, drive
from recommender.config import DEMO_DATA_DIR
from recommender.decide.profile import load_profile

FULL = {"visits": 10, "whatif_steps": 30, "sessions": 10, "seconds": 120, "warmup": 30}
QUICK = {"visits": 3, "whatif_steps": 10, "sessions": 3, "seconds": 20, "warmup": 5}
BAR_FIRST_RENDER = 2.0
BAR_WHATIF = 0.300
BAR_GROWTH = 0.20
# No file watcher: edits to the repository during a run must not reload the app's modules
# (a served app's sources do not change); it also spares watching the whole checkout.
SERVER_FLAGS = [
    *("--server.headless", "true", "--server.address", "127.0.0.1"),
    *("--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none"),
]


def _train(env: dict[str, str], quick: bool) -> float:
    """Run the main job on the demo data (``xingnong run``) into the home in ``env``; seconds."""
    args = ["--horizon", "4", "--folds", "1", "--no-mlflow"] if quick else []
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "pipelines.cli", "-q", "run", *args],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"xingnong run failed:\n{done.stderr[-2000:]}")
    return time.perf_counter() - start


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def _server(env: dict[str, str], log: Path) -> Iterator[tuple[str, int]]:
    """``streamlit run app.py`` on a free loopback port until the block ends.

    Args:
        env: Environment (``XINGNONG_HOME`` and ``MLFLOW_TRACKING_URI`` set).
        log: File for the server's output.

    Yields:
        The app's address and the server's process id.
    """
    port = _free_port()
    cmd = [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port)]
    with log.open("wb") as out:
        server = subprocess.Popen(
            [*cmd, *SERVER_FLAGS], cwd=REPO_ROOT, env=env, stdout=out, stderr=subprocess.STDOUT
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                if urllib.request.urlopen(f"{url}/_stcore/health", timeout=2).status == 200:
                    break
            except OSError as exc:
                if server.poll() is not None or time.monotonic() > deadline:
                    tail = log.read_text(errors="replace")[-2000:]
                    raise RuntimeError(f"streamlit did not start:\n{tail}") from exc
                time.sleep(0.5)
        yield url, server.pid
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=10)


def _prober(pid: int) -> Callable[[], tuple[float, float, float, float]]:
    """A probe of the server's RSS (MiB, with its children) and of CPU seconds used so far:
    by the server, by the browser side (this process and its other descendants: Playwright's
    driver, Chromium; an exited process keeps its last reading) and by the whole machine."""
    server, me = psutil.Process(pid), psutil.Process()
    seen: dict[tuple[int, float], tuple[bool, float]] = {}

    def probe() -> tuple[float, float, float, float]:
        serving, rss = set(), 0
        with suppress(psutil.Error):
            serving = {p.pid for p in [server, *server.children(recursive=True)]}
        for p in [me, *me.children(recursive=True)]:
            with suppress(psutil.Error):
                ours, times = p.pid in serving, p.cpu_times()
                seen[(p.pid, p.create_time())] = (ours, times.user + times.system)
                rss += p.memory_info().rss if ours else 0
        cpu = [sum(c for s, c in seen.values() if s is flag) for flag in (True, False)]
        t = psutil.cpu_times()
        busy = t.user + t.system + sum(getattr(t, k, 0.0) for k in ("nice", "irq", "softirq"))
        return round(rss / 2**20, 1), round(cpu[0], 2), round(cpu[1], 2), round(busy, 2)

    return probe


def _stats(values: list[float]) -> dict[str, Any]:
    """Count, median, 95th percentile (linear) and maximum of ``values``, in seconds."""
    if not values:
        return {"n": 0, "p50": None, "p95": None, "max": None}
    p50, p95 = (round(float(v), 3) for v in np.percentile(values, [50, 95]))
    return {"n": len(values), "p50": p50, "p95": p95, "max": round(max(values), 3)}


_USED = ("wall", "server_cpu", "browser_cpu", "machine_cpu")


def _memory(samples: list[tuple[float, ...]], warmup: float) -> dict[str, Any]:
    """Server RSS at the start, the end of the warm-up and the end; growth after warm-up; CPU
    seconds the server, the browser side and the whole machine used over the samples."""
    warm_at = max((i for i, (t, *_) in enumerate(samples) if t <= warmup), default=0)
    warm, end = samples[warm_at][1], samples[-1][1]
    used = [round(b - a, 1) for a, b in zip(samples[0], samples[-1], strict=True)]
    return {
        "start_mib": samples[0][1],
        "after_warmup_mib": warm,
        "end_mib": end,
        "max_after_warmup_mib": max(s[1] for s in samples[warm_at:]),
        "growth": round((end - warm) / warm, 4) if warm else None,
        "seconds": dict(zip(_USED, used[:1] + used[2:], strict=True)),
        "samples": samples,
    }


def _p50s(timings: list[dict[str, Any]]) -> dict[str, Any]:
    """Medians of the :class:`~benchmarks.app_sessions.Timing` fields."""
    keys = ("load_event", "run_start", "run_end", "seconds")
    return {k: _stats([t[k] for t in timings if k in t])["p50"] for k in keys}


def _first(first: list[dict[str, Any]]) -> dict[str, Any]:
    """Figures of one series of first renders: the cold visit, then the warm ones."""
    visits = [v for v in first[1:] if "seconds" in v]
    return {
        "cold_seconds": round(first[0]["seconds"], 3) if "seconds" in first[0] else None,
        "warm": _stats([v["seconds"] for v in visits]),
        "warm_p50": _p50s(visits),
        "errors": [v["error"] for v in first if "error" in v],
        "visits": first,
    }


def _figures(raw: dict[str, Any], sizes: dict[str, Any]) -> dict[str, Any]:
    """The JSON figures from the raw measurements of :func:`drive`."""
    steps, tally = raw["whatif"], raw["tally"]
    timed = [s for s in steps if "seconds" in s]
    return {
        "first_render": _first(raw["first_render"]),
        "first_render_returning": _first(raw["first_render_returning"]),
        "whatif": {
            "cached": _stats([s["seconds"] for s in timed if not s["new"]]),
            "new": _stats([s["seconds"] for s in timed if s["new"]]),
            "all": _stats([s["seconds"] for s in timed]),
            "p50": {
                k: _p50s([s for s in timed if s["new"] == (k == "new")]) for k in ("cached", "new")
            },
            "errors": [s["error"] for s in steps if "error" in s],
            "steps": steps,
        },
        "page_tour_seconds": raw["tour"],
        "concurrent": {
            "sessions": sizes["sessions"],
            "seconds": sizes["seconds"],
            "warmup_seconds": sizes["warmup"],
            "page_views": _stats([v for vs in tally.views.values() for v in vs]),
            "page_views_by_page": {p: _stats(vs) for p, vs in tally.views.items()},
            "whatif_changes": _stats(tally.whatifs),
            "errors": sum(tally.errors.values()),
            "errors_by_kind": dict(tally.errors),
            "error_examples": tally.examples,
            "server_rss_before_tour_mib": raw["before_tour"][0],
            "server_rss": _memory(raw["samples"], sizes["warmup"]),
        },
    }


def _row(label: str, stats: dict[str, Any]) -> list[object]:
    return [label, *("-" if v is None else v for v in stats.values())]


def _print(f: dict[str, Any]) -> None:
    """The figures: one table of seconds, then the sessions' errors and memory."""
    fr, wi, co = f["first_render"], f["whatif"], f["concurrent"]
    back = f["first_render_returning"]
    rows = [
        ["overview first render, cold", 1, fr["cold_seconds"] or "-", "", ""],
        _row("overview first render, new browser", fr["warm"]),
        _row("overview first render, returning browser", back["warm"]),
        *(_row(f"what-if change, {k}", wi[k]) for k in ("cached", "new", "all")),
        _row(f"page view, {co['sessions']} sessions", co["page_views"]),
        *(_row(f"  /{p}", s) for p, s in co["page_views_by_page"].items()),
        _row(f"what-if change, {co['sessions']} sessions", co["whatif_changes"]),
    ]
    print_table(rows, ["seconds", "n", "p50", "p95", "max"])
    rss = co["server_rss"]
    growth = "-" if rss["growth"] is None else f"{rss['growth']:+.1%}"
    print("medians: the page is loaded, the script run starts, ends, the page is rendered:")
    for label, p50 in (
        ("first render, new browser", fr["warm_p50"]),
        ("first render, returning browser", back["warm_p50"]),
        *wi["p50"].items(),
    ):
        print(f"  {label}: " + ", ".join(f"{k} {v}" for k, v in p50.items()))
    print(
        f"{co['sessions']} sessions x {co['seconds']} s: {co['errors']} errors, server RSS "
        f"{rss['after_warmup_mib']:.0f} MiB after warm-up -> {rss['end_mib']:.0f} MiB ({growth})"
    )
    print("  seconds: " + ", ".join(f"{k} {v}" for k, v in rss["seconds"].items()))
    if co["error_examples"]:
        print("errors:", *co["error_examples"], sep="\n  ")


def _bars(f: dict[str, Any]) -> list[Bar]:
    """The issue's four bars (a failed visit or what-if step fails its bar)."""
    fr, wi, co = f["first_render_returning"], f["whatif"], f["concurrent"]
    first, p95, growth = fr["warm"]["max"], wi["all"]["p95"], co["server_rss"]["growth"]
    return [
        Bar(
            "overview first render (returning browser, server caches warm), max, seconds",
            first or 0.0,
            f"< {BAR_FIRST_RENDER}",
            first is not None and first < BAR_FIRST_RENDER and not fr["errors"],
        ),
        Bar(
            "what-if interaction p95, seconds",
            p95 or 0.0,
            f"< {BAR_WHATIF}",
            p95 is not None and p95 < BAR_WHATIF and not wi["errors"],
        ),
        Bar(
            f"errors in {co['sessions']} concurrent sessions",
            float(co["errors"]),
            "== 0",
            co["errors"] == 0 and co["page_views"]["n"] > 0,
        ),
        Bar(
            "server RSS growth after warm-up, fraction",
            growth or 0.0,
            f"< {BAR_GROWTH}",
            growth is not None and growth < BAR_GROWTH,
        ),
    ]


def run_app(quick: bool, results: Path) -> dict[str, Any]:
    """Serve the app from freshly trained artifacts, drive it in Chromium and check the bars.

    Args:
        quick: A smaller training run, fewer visits, steps, sessions and seconds.
        results: Folder for the JSON result.

    Returns:
        The result document.
    """
    before = load()
    sizes = QUICK if quick else FULL
    county = load_profile(DEMO_DATA_DIR / "coop_profile.json").region
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp)
        env = dict(
            os.environ,
            XINGNONG_HOME=str(home),
            MLFLOW_TRACKING_URI=f"sqlite:///{home / 'mlflow.db'}",
        )
        train_seconds = _train(env, quick)
        print(f"trained the artifacts in {train_seconds:.0f} s", flush=True)
        log = home / "streamlit.log"
        with _server(env, log) as (url, pid):
            load_browser = load()
            raw = asyncio.run(drive(url, county, sizes, _prober(pid)))
        tracebacks = log.read_text(errors="replace").count("Traceback")
    figures = _figures(raw, sizes)
    figures["server_tracebacks"] = tracebacks
    _print(figures)
    bars = _bars(figures)
    print_bars(bars, enforced=not quick)
    doc = document(
        "app",
        quick=quick,
        load_before=before,
        settings={
            "data": "data/demo",
            "train": "xingnong run" + (" --horizon 4 --folds 1 --no-mlflow" if quick else ""),
            "train_seconds": round(train_seconds, 1),
            "server": "streamlit run app.py " + " ".join(SERVER_FLAGS),
            "browser": "Debian chromium, Playwright async, 1366x900, a fresh context per user",
            "county": county,
            "pages": list(PAGES),
            **sizes,
            "load_before_browser": load_browser,
        },
        figures=figures,
        bars=bars,
    )
    print(f"wrote {write_result(doc, results)}")
    return doc
