"""The benchmarks' figures as Markdown: the section of ``benchmarks/README.md`` they rewrite."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from benchmarks import BENCH_DIR, RESULTS_DIR

NAMES: tuple[str, ...] = (
    "speed",
    "scale",
    "accuracy_demo",
    "accuracy_apmc",
    "accuracy_maff",
    "decisions",
    "recommend",
    "app",
)
README = BENCH_DIR / "README.md"
START = "<!-- figures:start (written by python -m benchmarks.run from results/*.json) -->"
END = "<!-- figures:end -->"
MODELS: tuple[str, ...] = ("forecast", "lgb", "seasonal_naive", "ets", "theta", "ets_theta")
_SPLIT_NAMES = {
    "features_origin_features": "features: `origin_features`",
    "features_horizon_rows": "features: `horizon_rows`",
    "lightgbm_train": "LightGBM train (incl. Dataset)",
    "lightgbm_predict": "LightGBM predict",
    "lightgbm_other": "LightGBM other (statics join, encoding)",
    "stat_seasonal_naive": "seasonal naive",
    "stat_ets": "ETS",
    "stat_theta": "Theta",
    "evaluate": "evaluate (weights, bands, scores)",
    "other": "other (slicing, merges, MASE scales)",
}


def _header(doc: dict[str, Any]) -> str:
    """Date, load, commit and verdict of one result."""
    load = doc["load"]
    before, after = load["before"]["loadavg"][0], load["after"]["loadavg"][0]
    git = doc.get("git", {})
    commit = str(git.get("commit", ""))[:7] or "unknown"
    dirty = git.get("uncommitted") or []
    changes = f" + uncommitted {', '.join(f'`{f}`' for f in dirty)}" if dirty else ""
    verdict = "PASS" if doc["passed"] else "FAIL"
    return (
        f"{doc['date'][:16].replace('T', ' ')} UTC, load {before} -> {after}, "
        f"commit `{commit}`{changes}; bars: **{verdict}**"
    )


def _bars(doc: dict[str, Any]) -> list[str]:
    return [
        f"- {'PASS' if b['passed'] else 'FAIL'}: {b['name']}: {b['value']:.3f} (bar {b['limit']})"
        for b in doc["bars"]
    ]


def _speed(doc: dict[str, Any]) -> list[str]:
    f = doc["figures"]
    sec, split = f["seconds"], f["backtest_split_seconds"]
    total = sec["backtest"]
    lines = [
        f"### speed: {f['n_series']} series x {f['n_weeks']} weeks",
        "",
        _header(doc),
        "",
        "| step | seconds | share of backtest |",
        "|------|--------:|------------------:|",
    ]
    lines += [f"| {_SPLIT_NAMES.get(k, k)} | {v:.2f} | {v / total:.0%} |" for k, v in split.items()]
    lines += [
        f"| **backtest total** | **{total:.2f}** | 100% |",
        f"| final fit (`fit_final=True`) | {sec['final_fit']:.2f} | |",
        f"| final predict | {sec['final_predict']:.2f} | |",
        f"| ingest / build panel | {sec['ingest']:.2f} / {sec['build_panel']:.2f} | |",
        f"| peak RSS | {f['memory_mib']['peak_rss']:.0f} MiB "
        f"({f['memory_mib']['rss_after_imports']:.0f} MiB after imports) | |",
        "",
        *_bars(doc),
    ]
    return lines


def _md_row(label: str, cells: list[str]) -> str:
    return f"| {label} | " + " | ".join(cells) + " |"


def _accuracy(doc: dict[str, Any], title: str) -> list[str]:
    f = doc["figures"]
    seen = f.get("observed_months_only", {}).get("overall")
    extra = " | WAPE, observed months only" if seen else ""
    lines = [
        f"### {doc['benchmark']}: {title}",
        "",
        _header(doc),
        "",
        f"| model | WAPE | MASE | 80% coverage{extra} |",
        "|-------|-----:|-----:|-------------:|" + ("---:|" if seen else ""),
    ]
    for m in MODELS:
        o = f["overall"][m]
        cells = f"| `{m}` | {o['wape']:.3f} | {o['mase']:.3f} | {o['coverage']:.3f} |"
        lines.append(cells + (f" {seen[m]['wape']:.3f} |" if seen else ""))
    if "naive_only" in f:
        o = f["naive_only"]["overall"]
        lines.append(
            f"| `forecast`, seasonal naive only (`--statistical naive`) | {o['wape']:.3f} | "
            f"{o['mase']:.3f} | {o['coverage']:.3f} |" + (" |" if seen else "")
        )
    if "large_panel" in f:
        large = f["large_panel"]
        for label, o in (("`forecast`", large["overall"]), ("`lgb`", large["lgb"])):
            lines.append(
                f"| {label}, a large panel's defaults (`--statistical naive --booster fast`) | "
                f"{o['wape']:.3f} | {o['mase']:.3f} | {o['coverage']:.3f} |"
                + (" |" if seen else "")
            )
    folds = f["folds"]
    lines += [
        "",
        "| per fold (cutoff) | " + " | ".join(fo["cutoff"] for fo in folds) + " |",
        "|---|" + "---:|" * len(folds),
    ]
    for m in ("forecast", "lgb", "seasonal_naive", "ets", "theta", "ets_theta"):
        lines.append(
            f"| `{m}` WAPE | "
            + " | ".join(f"{fo['metrics'][m]['wape']:.3f}" for fo in folds)
            + " |"
        )
    lines.append(
        "| `forecast` coverage | "
        + " | ".join(f"{fo['metrics']['forecast']['coverage']:.2f}" for fo in folds)
        + " |"
    )
    if "regret_per_fold" in f:
        lines.append(
            "| `forecast` regret | "
            + " | ".join(f"{r:.3f}" for r in f["regret_per_fold"].values())
            + " |"
        )
    bias = f["volume_bias_per_fold"]
    lines.append(
        "| `forecast` volume bias | "
        + " | ".join(f"{b['forecast']:+.2f}" for b in bias.values())
        + " |"
    )
    weights = ", ".join(f"{k} {v:.3f}" for k, v in f["final_weights"].items())
    regret = f"Regret (blend WAPE / best member WAPE) {f['regret']:.3f}; " if "regret" in f else ""
    warmup = f"{f['warmup']} warm-up windows; " if "warmup" in f else ""
    lines += [
        "",
        f"{regret}{warmup}served blend weights: {weights}. Backtest "
        f"{f['backtest_seconds']:.0f} s, peak RSS {f['peak_rss_mib']:.0f} MiB.",
        "",
        *_bars(doc),
    ]
    return lines


def _secs(stats: dict[str, Any], key: str) -> str:
    """One figure of a ``{n, p50, p95, max}`` summary, in seconds (``-`` when none)."""
    value = stats.get(key)
    return "-" if value is None else f"{value:.2f}"


def _app(doc: dict[str, Any]) -> list[str]:
    """The app benchmark: first render, what-if and concurrent sessions."""
    f = doc["figures"]
    first, wi, co = f["first_render"], f["whatif"], f["concurrent"]
    back = f["first_render_returning"]
    warm, rss, views = first["warm"], co["server_rss"], co["page_views"]
    used = rss["seconds"]
    growth = "-" if rss["growth"] is None else f"{rss['growth']:+.1%}"
    lines = [
        f"### app: Streamlit app in Chromium, {doc['settings']['county']}",
        "",
        _header(doc),
        "",
        "| measure | n | p50 | p95 | max |",
        "|---------|--:|----:|----:|----:|",
        _md_row(
            "overview first render, cold (first visit)", ["1", _secs(first, "cold_seconds"), "", ""]
        ),
        _md_row(
            "overview first render, new browser profile",
            [str(warm["n"]), *(_secs(warm, k) for k in ("p50", "p95", "max"))],
        ),
        _md_row(
            "overview first render, returning browser (frontend cached)",
            [str(back["warm"]["n"]), *(_secs(back["warm"], k) for k in ("p50", "p95", "max"))],
        ),
    ]
    for kind, label in (("cached", "values seen before"), ("new", "new values"), ("all", "all")):
        s = wi[kind]
        lines.append(
            _md_row(
                f"what-if change, {label}",
                [str(s["n"]), *(_secs(s, k) for k in ("p50", "p95", "max"))],
            )
        )
    lines += [
        _md_row(
            f"page view, {co['sessions']} concurrent sessions",
            [str(views["n"]), *(_secs(views, k) for k in ("p50", "p95", "max"))],
        ),
        "",
        "Seconds from the navigation start (first render) or the input event (what-if, page "
        "view) until the page is rendered: the script run has finished and the page has drawn "
        f"it. A fresh browser context's page load event ends after "
        f"{_secs(first['warm_p50'], 'load_event')} s (median). Medians of when the server's "
        "script run starts / ends / the page is rendered: "
        + "; ".join(
            f"{label} " + " / ".join(_secs(p, k) for k in ("run_start", "run_end", "seconds"))
            for label, p in (
                ("first render, new browser", first["warm_p50"]),
                ("first render, returning browser", back["warm_p50"]),
                ("what-if seen before", wi["p50"]["cached"]),
                ("what-if new", wi["p50"]["new"]),
            )
            if p["seconds"] is not None
        )
        + ".",
        "",
        f"{co['sessions']} concurrent sessions for {co['seconds']} s: {views['n']} page views, "
        f"{co['errors']} errors; server RSS {rss['after_warmup_mib']:.0f} MiB after the "
        f"{co['warmup_seconds']} s warm-up -> {rss['end_mib']:.0f} MiB at the end ({growth}, "
        f"max {rss['max_after_warmup_mib']:.0f} MiB). CPU seconds meanwhile: server "
        f"{used['server_cpu']:.0f}, browsers {used['browser_cpu']:.0f}, whole machine "
        f"{used['machine_cpu']:.0f} of {used['wall'] * doc['machine']['cores']:.0f}.",
        "",
        *_bars(doc),
    ]
    return lines


def _decisions(doc: dict[str, Any]) -> list[str]:
    """The decision backtest: each policy's realised margin, waste and stock-outs per world."""
    lines = [
        "### Decision backtest: the listing plan replayed on past windows",
        "",
        _header(doc),
        "",
        f"`{doc['command']}`",
        "",
        "| world | policy | margin (¥) | of perfect foresight | waste (kg) | stock-outs (kg) |",
        "|---|---|---:|---:|---:|---:|",
    ]
    for world, policies in doc["figures"].items():
        for policy, row in policies.items():
            lines.append(
                f"| {world.replace('_', ' ')} | {policy.replace('_', ' ')} | "
                f"{row['margin']:,.0f} | {row['share_of_perfect']:.1%} | "
                f"{row['waste_kg']:,.0f} | {row['stockout_kg']:,.0f} |"
            )
    return [*lines, "", *_bars(doc)]


def _scale(doc: dict[str, Any]) -> list[str]:
    """The scale benchmark: per size, the plain recipe and each stage of ``train demand``."""
    figures = doc["figures"]
    sizes = list(figures)
    stages = list(figures[sizes[-1]]["ours"]["seconds"])
    lines = [
        "### Scale: weekly panels of 156 weeks, `xingnong train demand --folds 1 --no-mlflow`",
        "",
        _header(doc),
        "",
        f"`{doc['command']}`",
        "",
        "| series | plain recipe s / MiB | ours s / MiB | "
        + " | ".join(s.replace("_", " ") for s in stages)
        + " |",
        "|---:|---:|---:|" + "---:|" * len(stages),
    ]
    for n in sizes:
        plain, ours = figures[n]["plain"], figures[n]["ours"]
        lines.append(
            f"| {int(n):,} | {plain['wall_s']:.1f} / {plain['peak_mib']:,.0f} | "
            f"{ours['wall_s']:.1f} / {ours['peak_mib']:,.0f} | "
            + " | ".join(f"{ours['seconds'][s]:.1f}" for s in stages)
            + " |"
        )
    small = figures[sizes[0]]
    if "backtest" in small:
        bt = small["backtest"]
        lines += [
            "",
            f"{int(sizes[0]):,} series, `xingnong backtest --horizon 8 --folds 1` "
            f"({bt['windows']} windows): {bt['wall_s']:.1f} s, {bt['peak_mib']:,.0f} MiB; "
            f"LightGBM {bt['lightgbm_per_window_s']:.2f} s a window against the plain recipe's "
            f"fit of {small['plain']['fit_s']:.2f} s.",
        ]
    for n in sizes:
        if "dask" in figures[n]:
            dask, ours = figures[n]["dask"], figures[n]["ours"]
            lines += [
                "",
                f"{int(n):,} series on the Dask engine (`--engine dask`, its own local cluster "
                f"of one worker per core): {dask['wall_s']:.1f} s and {dask['tree_peak_mib']:,.0f}"
                f" MiB over all its processes, against {ours['wall_s']:.1f} s in one process.",
            ]
    return [*lines, "", *_bars(doc)]


def render(results: Path = RESULTS_DIR) -> str:
    """The figures section from the result files present in ``results``.

    Args:
        results: Folder with ``speed.json``, ``accuracy_demo.json``, ``accuracy_apmc.json``.

    Returns:
        Markdown, between the start and end markers.
    """
    docs: dict[str, dict[str, Any]] = {}
    for name in NAMES:
        path = results / f"{name}.json"
        if path.exists():
            docs[name] = json.loads(path.read_text(encoding="utf-8"))
    lines = [START, ""]
    machine: dict[str, Any] = next(iter(docs.values()), {}).get("machine", {})
    if machine:
        lines += [
            f"Python {machine['python']}, LightGBM {machine['lightgbm']}, statsforecast "
            f"{machine['statsforecast']}, pandas {machine['pandas']}, {machine['cores']} cores "
            "(shared with other jobs: see the load).",
            "",
        ]
    if "speed" in docs:
        lines += [*_speed(docs["speed"]), ""]
    if "scale" in docs:
        lines += [*_scale(docs["scale"]), ""]
    if "accuracy_demo" in docs:
        f = docs["accuracy_demo"]["figures"]
        title = f"{f['n_series']} region x product series, {f['n_periods']} weeks"
        lines += [*_accuracy(docs["accuracy_demo"], title), ""]
    if "accuracy_apmc" in docs:
        f = docs["accuracy_apmc"]["figures"]
        title = f"{f['n_series']} market x commodity series, {f['n_periods']} months"
        lines += [*_accuracy(docs["accuracy_apmc"], title), ""]
    if "accuracy_maff" in docs:
        f = docs["accuracy_maff"]["figures"]
        title = f"{f['n_series']} vegetables, {f['n_periods']} weeks (Japan MAFF wholesale)"
        lines += [*_accuracy(docs["accuracy_maff"], title), ""]
    if "decisions" in docs:
        lines += [*_decisions(docs["decisions"]), ""]
    if "app" in docs:
        lines += [*_app(docs["app"]), ""]
    lines.append(END)
    return "\n".join(lines)


def update_readme(results: Path = RESULTS_DIR, readme: Path = README) -> bool:
    """Replace the figures section of the README (between its markers) with :func:`render`.

    Args:
        results: The results folder.
        readme: The README to update.

    Returns:
        False when the README has no markers (nothing written).
    """
    text = readme.read_text(encoding="utf-8")
    if START not in text or END not in text:
        return False
    head, rest = text.split(START, 1)
    tail = rest.split(END, 1)[1]
    readme.write_text(head + render(results) + tail, encoding="utf-8")
    return True
