"""The main job: validate, backtest, train, forecast, score and advise on one data folder."""

from __future__ import annotations

import dataclasses
import logging
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pipelines.jobs.decisions import backtest_decisions
from pipelines.jobs.demand import train_demand
from pipelines.jobs.differentiation import train_brand, train_processing, write_recommendations
from pipelines.jobs.outputs import write_csv, write_json
from pipelines.jobs.settings import JobSettings
from pipelines.jobs.transaction import JOURNAL_FILE, run_lock
from recommender import config
from recommender.bundle import (
    bundle_digest,
    check_replaceable,
    replace_together,
    staged_folder,
    staging_path,
)
from recommender.config import REGISTERED_DEMAND_MODEL
from recommender.data.artifacts import write_outputs_manifest
from recommender.data.assumptions import Assumption
from recommender.data.folder import read_data_folder, read_knowledge
from recommender.data.layout import (
    BACKTEST_FILE,
    BRAND_FILE,
    DECISIONS_FILE,
    FORECAST_FILE,
    METRICS_FILE,
    PROCESSING_FILE,
    QUARANTINE_FILE,
)
from recommender.decide.evidence import load_evidence

log = logging.getLogger(__name__)

STEPS: tuple[tuple[str, float], ...] = (
    ("validate", 0.0),
    ("demand", 0.03),
    ("forecast", 0.80),
    ("differentiation", 0.82),
    ("recommendations", 0.90),
    ("decisions", 0.96),
)
"""The run's steps and roughly how far along the whole run each one starts (0-1)."""

Progress = Callable[[str, float], None]
"""Told ``(step, fraction done)`` as each step starts, and ``("done", 1.0)`` at the end."""


@dataclass(frozen=True)
class RunReport:
    """What the main job did.

    Attributes:
        data: The data folder it read.
        out: The artifacts folder it wrote.
        rows_read: Sales rows read.
        rows_accepted: Rows that passed validation.
        rows_quarantined: Rows quarantined (written to ``quarantine.csv`` with reasons).
        metrics: The demand backtest's metrics document (``overall``, ``folds``...).
        bundle: Where the model bundle was saved.
        model_version: The registered model version (None without MLflow).
        written: Every file written, in order.
        advised: Whether processing, brand and recommendations ran (they need the regions and
            products tables).
        assumptions: What the advice took from category defaults, not the folder.
        decisions: The decision backtest's totals per policy (empty without advice).
    """

    data: Path
    out: Path
    rows_read: int
    rows_accepted: int
    rows_quarantined: int
    metrics: dict[str, Any]
    bundle: Path
    model_version: str | None
    written: tuple[Path, ...]
    advised: bool
    assumptions: tuple[Assumption, ...] = ()
    decisions: dict[str, dict[str, float]] = dataclasses.field(default_factory=dict)


def _step(progress: Progress | None, index: int, message: str, *fields: object) -> None:
    """Log step ``index`` (0-based) and tell ``progress`` how far the run is."""
    log.info("[%d/%d] " + message, index + 1, len(STEPS), *fields)
    if progress is not None:
        progress(*STEPS[index])


class _DemandProgress:
    """Logs the demand step's lines and moves ``progress`` on by one part in ``lines`` each."""

    def __init__(self, progress: Progress | None) -> None:
        self.progress = progress
        self.lines = 1
        self.done = 0

    def plan(self, lines: int) -> None:
        """Expect ``lines`` report lines (backtest windows and the final fit)."""
        self.lines = max(lines, 1)

    def report(self, message: str) -> None:
        """One more line: log it and move the progress bar."""
        log.info("  %s", message)
        self.done += 1
        if self.progress is not None:
            start, end = STEPS[1][1], STEPS[2][1]
            share = min(self.done, self.lines) / self.lines
            self.progress(STEPS[1][0], start + (end - start) * share)


def run_all(
    data: str | Path | None = None,
    out: str | Path | None = None,
    settings: JobSettings | None = None,
    *,
    track: bool = True,
    progress: Progress | None = None,
) -> RunReport:
    """Run every pipeline end to end on a data folder and write every output.

    Args:
        data: A folder laid out like the demo data (default: ``XINGNONG_DATA``, else the demo
            data).
        out: The artifacts folder (default: ``artifacts/`` in the project folder).
        settings: Periods, horizon, folds and series keys (default: weekly, 8, 4).
        track: Log every step to MLflow and register the model.
        progress: Told how far the run is as each step starts (an app's progress bar).

    Returns:
        What was done and written.

    Raises:
        XingnongError: Bad input (one line), or an output that cannot be written.
    """
    job = settings or JobSettings()
    folder = Path(data or config.settings().data_dir).resolve()
    out = Path(out) if out else config.settings().artifacts_dir
    bundle = config.settings().demand_bundle
    staged_bundle = staging_path(bundle, "run")
    home = config.settings().home
    # One run at a time; everything is built aside and swapped in together at the end, so
    # readers see the previous run whole until then, and a run that fails or is killed
    # changes nothing (or, killed during the swap, is completed by the next lock holder).
    with run_lock(home, out, bundle):
        check_replaceable(bundle)
        stage = None
        try:
            with staged_folder(f"artifacts {out}", out) as stage:
                report = _run(folder, out, stage, job, track, progress, staged_bundle / bundle.name)
                write_outputs_manifest(stage)
            replace_together(
                home / JOURNAL_FILE,
                [(f"bundle {bundle}", staged_bundle / bundle.name, bundle),
                 (f"artifacts {out}", stage, out)],
            )  # fmt: skip
        finally:
            if not (home / JOURNAL_FILE).exists():  # a failed swap is finished by the next run
                shutil.rmtree(staged_bundle, ignore_errors=True)
                if stage is not None:
                    shutil.rmtree(stage, ignore_errors=True)
    report = dataclasses.replace(report, bundle=bundle)
    if progress is not None:
        progress("done", 1.0)
    return report


def _run(
    folder: Path,
    out: Path,
    stage: Path,
    job: JobSettings,
    track: bool,
    progress: Progress | None,
    bundle: Path,
) -> RunReport:
    """The run's steps, writing into ``stage`` (swapped in as ``out``) and ``bundle``."""
    _step(progress, 0, "validating %s", folder)
    inputs = read_data_folder(folder)
    advised = inputs.regions is not None and inputs.products is not None
    assumed: tuple[Assumption, ...] = ()
    if inputs.regions is not None and inputs.products is not None:  # checked before training
        assumed = read_knowledge(folder, inputs.products, inputs.regions).assumptions
    written = []
    if inputs.ingest.rows_quarantined:
        quarantine = stage / QUARANTINE_FILE
        written.append(write_csv(inputs.ingest.quarantine, quarantine, excel_bom=True))
    _step(progress, 1, "demand: backtest and training")
    demand = _DemandProgress(progress)
    outcome = train_demand(
        inputs, job, bundle=bundle, track=track, report=demand.report, plan=demand.plan
    )
    _step(progress, 2, "writing the forecast to %s", out)
    written.append(write_csv(outcome.forecast, stage / FORECAST_FILE))
    written.append(write_csv(outcome.backtest, stage / BACKTEST_FILE))
    served = {
        "bundle_digest": bundle_digest(bundle),
        "registered_model": REGISTERED_DEMAND_MODEL,
        "model_version": outcome.version,
        "data_folder": str(folder),
    }
    said = {"assumptions": [dataclasses.asdict(a) for a in assumed]}
    written.append(write_json({**outcome.metrics, **served, **said}, stage / METRICS_FILE))
    decisions: dict[str, dict[str, float]] = {}
    if advised:
        write_outputs_manifest(stage)  # the evidence reads the forecast back, verified
        evidence = load_evidence(folder, stage)
        _step(progress, 3, "processing options and regional brands")
        _, multipliers = train_processing(evidence, stage, track=track)
        evidence = dataclasses.replace(evidence, multipliers=multipliers)
        train_brand(evidence, stage, track=track)
        written += [stage / PROCESSING_FILE, stage / BRAND_FILE]
        _step(progress, 4, "recommendations")
        weeks = job.backtest.horizon
        written += write_recommendations(evidence, stage, weeks=weeks, track=track)
        _step(progress, 5, "decision backtest: the listing plan replayed on past windows")
        decisions = backtest_decisions(evidence, outcome.backtest, stage, track=track)
        written.append(stage / DECISIONS_FILE)
        metrics = {**outcome.metrics, **served, **said, "decisions": decisions}
        write_json(metrics, stage / METRICS_FILE)
    else:
        log.info("no regions or products table: processing, brand and recommendations skipped")
    ingest = inputs.ingest
    return RunReport(
        data=folder,
        out=out,
        rows_read=ingest.rows_read,
        rows_accepted=ingest.rows_accepted,
        rows_quarantined=ingest.rows_quarantined,
        metrics=outcome.metrics,
        bundle=outcome.bundle,
        model_version=outcome.version,
        written=tuple(out / Path(p).relative_to(stage) for p in written),
        advised=advised,
        assumptions=assumed,
        decisions=decisions,
    )
