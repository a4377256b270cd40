"""``xingnong recommend``: grow / process / brand / list advice for one region."""

from __future__ import annotations

import argparse
import json
import logging
import time
from pathlib import Path

from pipelines.cli.args import positive_int
from pipelines.jobs.transaction import settle
from recommender.config import settings
from recommender.decide.evidence import load_evidence
from recommender.decide.recommend import PLAN_WEEKS, as_table, recommend
from recommender.errors import XingnongError

log = logging.getLogger(__name__)

_EXAMPLES = """examples:
  xingnong recommend --region zhouzhi
  xingnong recommend --region liuba --weeks 12 --format json > liuba.json
  xingnong recommend --region yuanling --lang zh

Reads the data folder (default: the folder the latest run trained on, else $XINGNONG_DATA, else
the demo data) and the forecast that 'xingnong run' wrote to artifacts/. The JSON document
(schema_version 1) has the keys schema_version, region, generated_at, data_digest, profile,
grow, process, brand and list; every item carries its numbers and a reason sentence (reason,
reason_zh).
"""


def add_parser(sub: argparse._SubParsersAction) -> None:
    """Register the sub-command."""
    parser = sub.add_parser(
        "recommend",
        help="what to grow, process, brand and list for a region",
        description="Recommend what to grow, process, brand and list for one region, with "
        "the numbers and the reasons, from the trained forecast.",
        epilog=_EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--region", required=True, help="region code, e.g. zhouzhi")
    parser.add_argument(
        "--weeks",
        type=positive_int,
        default=None,
        help=f"weeks of listing plan, at most the weeks the forecast covers (default: "
        f"{PLAN_WEEKS}, or fewer when the forecast covers fewer)",
    )
    parser.add_argument("--format", choices=["json", "table"], default="table")
    parser.add_argument("--lang", choices=["en", "zh"], default="en", help="table language")
    parser.add_argument(
        "--data", type=Path, help="data folder (default: the one the latest run trained on)"
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Print the recommendations for one region."""
    start = time.perf_counter()
    settle(settings().home)  # finish a swap an interrupted run left, before reading
    evidence = load_evidence(args.data, settings().artifacts_dir)
    covered = int(evidence.forecast["date"].nunique())
    weeks = min(PLAN_WEEKS, covered) if args.weeks is None else args.weeks
    if weeks > covered:  # the plan cannot reach past the forecast
        raise XingnongError(
            f"the forecast covers {covered} weeks, so --weeks can be at most {covered} "
            "(train with a longer --horizon for a longer plan)"
        )
    doc = recommend(evidence, args.region, weeks=weeks)
    if args.format == "json":
        print(json.dumps(doc, ensure_ascii=False, indent=2, default=str))
    else:
        print(as_table(doc, args.lang))
    log.info("answered in %.2f s", time.perf_counter() - start)
    return 0
