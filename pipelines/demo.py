"""``xingnong demo-data``: write the seeded demo data set (sales, regions, products) as CSV."""

from __future__ import annotations

import argparse
import os
import tempfile
from pathlib import Path

import pandas as pd

from recommender import config
from recommender.demo.simulate import DemoData, simulate_demo
from recommender.errors import XingnongError

DEFAULT_SEED = 7
DEFAULT_WEEKS = 204
SALES_FILE, REGIONS_FILE, PRODUCTS_FILE = "sales.csv", "regions.csv", "products.csv"


def _positive_int(text: str) -> int:
    """Argparse type: an integer >= 1."""
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


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
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="random seed (default: 7)")
    parser.add_argument(
        "--weeks", type=_positive_int, default=DEFAULT_WEEKS, help="weeks of sales (default: 204)"
    )
    parser.set_defaults(handler=run)
    return parser


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """A frame as the project's CSV bytes: UTF-8, ISO dates, LF line ends, no index.

    Args:
        frame: The table to encode.

    Returns:
        The encoded CSV.
    """
    text = frame.to_csv(index=False, date_format="%Y-%m-%d", lineterminator="\n")
    return text.encode("utf-8")


def _write_atomic(path: Path, payload: bytes) -> None:
    """Write ``payload`` to ``path`` through a temporary file in the same folder and a rename."""
    fd, tmp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        os.chmod(tmp_name, 0o644)  # mkstemp makes it owner-only
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp_name, path)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise


def write_demo(data: DemoData, out: Path) -> dict[Path, int]:
    """Write the three demo tables to a folder, each atomically.

    Args:
        data: The demo data set.
        out: Destination folder (created when missing).

    Returns:
        Each written file and its number of data rows.

    Raises:
        XingnongError: If the folder or a file cannot be written.
    """
    tables = {SALES_FILE: data.sales, REGIONS_FILE: data.regions, PRODUCTS_FILE: data.products}
    written: dict[Path, int] = {}
    try:
        out.mkdir(parents=True, exist_ok=True)
        for name, frame in tables.items():
            _write_atomic(out / name, csv_bytes(frame))
            written[out / name] = len(frame)
    except OSError as exc:
        raise XingnongError(f"cannot write the demo data to {out}: {exc.strerror or exc}") from exc
    return written


def run(args: argparse.Namespace) -> int:
    """Generate the demo data set and write it.

    Args:
        args: Parsed arguments with ``out``, ``seed`` and ``weeks``.

    Returns:
        The exit code (0).
    """
    out = Path(args.out) if args.out is not None else config.DEMO_DATA_DIR
    data = simulate_demo(seed=args.seed, weeks=args.weeks)
    for path, rows in write_demo(data, out).items():
        print(f"wrote {path} ({rows} rows, {path.stat().st_size:,} bytes)")
    first, last = data.sales["date"].min(), data.sales["date"].max()
    print(f"sales weeks {first:%Y-%m-%d} to {last:%Y-%m-%d}, seed {args.seed}")
    return 0
