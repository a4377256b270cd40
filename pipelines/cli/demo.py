"""``xingnong demo-data``: write the seeded demo data set (sales, regions, products) as CSV."""

from __future__ import annotations

import argparse
from pathlib import Path

from pipelines.cli.args import positive_int
from pipelines.jobs.demo_data import write_demo
from recommender.config import DEMO_DATA_DIR
from recommender.demo import DEMO_SEED, DEMO_WEEKS, simulate_demo


def add_parser(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Register the ``demo-data`` sub-command.

    Args:
        subparsers: The sub-parser collection of the ``xingnong`` parser.

    Returns:
        The sub-command's parser.
    """
    parser = subparsers.add_parser(
        "demo-data",
        help="write the seeded demo data set (sales, regions, products)",
        description="Generate the simulated demo sales of real counties and products and write "
        "sales.csv, regions.csv and products.csv (UTF-8) to a folder.",
        epilog="examples:\n"
        "  xingnong demo-data                      # rewrite data/demo with the default seed\n"
        "  xingnong demo-data --out demo_variant --seed 11 --weeks 156",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--out", type=Path, default=None, help="output folder (default: the embedded data/demo)"
    )
    parser.add_argument(
        "--seed", type=int, default=DEMO_SEED, help="random seed (default: %(default)s)"
    )
    parser.add_argument(
        "--weeks",
        type=positive_int,
        default=DEMO_WEEKS,
        help="weeks of sales (default: %(default)s)",
    )
    parser.set_defaults(handler=run)
    return parser


def run(args: argparse.Namespace) -> int:
    """Generate the demo data set and write it.

    Args:
        args: Parsed arguments with ``out``, ``seed`` and ``weeks``.

    Returns:
        The exit code (0).
    """
    out = Path(args.out) if args.out is not None else DEMO_DATA_DIR
    data = simulate_demo(seed=args.seed, weeks=args.weeks)
    for path, rows in write_demo(data, out).items():
        print(f"wrote {path} ({rows} rows, {path.stat().st_size:,} bytes)")
    first, last = data.sales["date"].min(), data.sales["date"].max()
    print(f"sales weeks {first:%Y-%m-%d} to {last:%Y-%m-%d}, seed {args.seed}")
    return 0
