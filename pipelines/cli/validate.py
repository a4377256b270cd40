"""``xingnong validate``: check a data folder or sales file and account for every row."""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path

from pipelines.cli.args import check_outputs
from pipelines.cli.text import printable
from pipelines.jobs.outputs import write_csv
from recommender.config import ENV_PII_KEY
from recommender.data.assumptions import summarise
from recommender.data.contract import CUSTOMER_KEY, PII_COLUMNS, PII_NAME, PII_PHONE
from recommender.data.folder import read_knowledge
from recommender.data.ingest import IngestResult, load_sales
from recommender.data.layout import (
    PRODUCTS_FILE,
    REGIONS_FILE,
    SALES_FILE,
    SALES_PARQUET_FILE,
    sales_file,
)
from recommender.data.outliers import find_outliers
from recommender.data.reference import load_products, load_regions
from recommender.errors import XingnongError

EXIT_OK = 0
EXIT_NO_ROWS = 1

_EPILOG = f"""examples:
  xingnong validate --data my_coop/     # a data folder: every table, and what will be assumed
  xingnong validate --sales data/demo/sales.csv --regions data/demo/regions.csv \\
      --products data/demo/products.csv --quarantine quarantine.csv

Sales files may be CSV (UTF-8 or GBK, Chinese or English headers) or Parquet. Every row is
either accepted or written to the quarantine file with a reason (bad_date, duplicate, ...).
Customer columns (name, phone, address...) are never kept: set {ENV_PII_KEY} to replace them
by a pseudonymous customer_key. Exit status: 0 when at least one row is accepted, else 1."""


def _iso_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not a YYYY-MM-DD date: {text!r}") from exc


def add_parser(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Register the ``validate`` sub-command.

    Args:
        subparsers: The ``xingnong`` sub-command registry.

    Returns:
        The sub-command's parser.
    """
    parser = subparsers.add_parser(
        "validate",
        help="check a sales file against the data contract; quarantine bad rows",
        description="Check a sales file against the data contract and report what was\n"
        "accepted, quarantined (with reasons) and dropped.",
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    given = parser.add_mutually_exclusive_group(required=True)
    given.add_argument(
        "--data",
        type=Path,
        metavar="DIR",
        help="a data folder (sales, regions, products and the optional tables)",
    )
    given.add_argument("--sales", type=Path, metavar="PATH", help="sales file (or Parquet folder)")
    parser.add_argument("--regions", type=Path, metavar="FILE", help="regions reference table")
    parser.add_argument("--products", type=Path, metavar="FILE", help="products reference table")
    parser.add_argument(
        "--quarantine",
        type=Path,
        metavar="OUT.csv",
        help="write the quarantined rows here (UTF-8 CSV with BOM, opens in Excel)",
    )
    parser.add_argument(
        "--today",
        type=_iso_date,
        metavar="YYYY-MM-DD",
        help="dates after this are quarantined as future_date (default: today)",
    )
    parser.set_defaults(handler=run)
    return parser


def _personal_line(result: IngestResult) -> str:
    if not result.pii_columns:
        return "personal columns: none"
    if not result.pseudonymised:
        listed = ", ".join(result.pii_columns)
        return f"personal columns: {listed} (dropped; set {ENV_PII_KEY} to keep a {CUSTOMER_KEY})"
    used = [col for col in result.pii_columns if PII_COLUMNS[col] in (PII_PHONE, PII_NAME)]
    other = [col for col in result.pii_columns if col not in used]
    line = f"personal columns: {', '.join(used)} (pseudonymised as {CUSTOMER_KEY})"
    return line + (f"; {', '.join(other)} (dropped)" if other else "")


def format_report(result: IngestResult, quarantine_path: Path | None = None) -> str:
    """The accounting of one validation, as printed by ``xingnong validate``.

    Args:
        result: The validation result.
        quarantine_path: Where the quarantined rows were written, if anywhere.

    Returns:
        Several lines of text (no trailing newline).
    """
    counts = result.reason_counts()
    numbers = [result.rows_read, result.rows_accepted, result.rows_quarantined, *counts.values()]
    width = max(len(f"{n:,}") for n in numbers)
    lines = [
        f"{'rows read:':<20}{result.rows_read:>{width},}",
        f"{'rows accepted:':<20}{result.rows_accepted:>{width},}",
        f"{'rows quarantined:':<20}{result.rows_quarantined:>{width},}",
    ]
    lines += [f"  {reason:<18}{count:>{width},}" for reason, count in counts.items()]
    lines.append(_personal_line(result))
    if result.dropped_columns:
        dropped = printable(", ".join(result.dropped_columns))
        lines.append(f"dropped columns: {dropped} (not in the contract)")
    lines += [f"flagged (accepted): {line}" for line in find_outliers(result.sales).lines()]
    if quarantine_path is not None:
        lines.append(f"quarantine file: {quarantine_path}")
    return "\n".join(lines)


def _present(path: Path) -> Path | None:
    return path if path.exists() else None


def _knowledge_report(folder: Path, regions: Path | None, products: Path | None) -> str:
    """The optional tables' check and what a run on the folder will assume, as lines."""
    if regions is None or products is None:
        return (
            f"advice: needs {REGIONS_FILE} and {PRODUCTS_FILE} (without them a run forecasts only)"
        )
    knowledge = read_knowledge(folder, load_products(products), load_regions(regions))
    if not knowledge.assumptions:
        return "assumed: nothing (every table is given and covers every product)"
    lines = ["assumed (category defaults shipped with xingnong, not your data):"]
    return "\n".join(lines + [f"  - {line}" for line in summarise(knowledge.assumptions)])


def run(args: argparse.Namespace) -> int:
    """Validate the sales file named by the arguments and print the accounting.

    Args:
        args: Parsed arguments (``data`` or ``sales``, ``regions``, ``products``,
            ``quarantine``, ``today``).

    Returns:
        0 when at least one row was accepted, else 1.

    Raises:
        XingnongError: Unreadable input, invalid reference table, unwritable output.
    """
    sales, regions, products = args.sales, args.regions, args.products
    if args.data is not None:
        sales = sales_file(args.data)
        if sales is None:
            raise XingnongError(f"{args.data} has no {SALES_FILE} (or {SALES_PARQUET_FILE})")
        regions = regions or _present(args.data / REGIONS_FILE)
        products = products or _present(args.data / PRODUCTS_FILE)
    check_outputs({"--quarantine": args.quarantine}, (sales, regions, products))
    result = load_sales(sales, regions, products, today=args.today)
    if args.quarantine is not None:
        write_csv(result.quarantine, args.quarantine, excel_bom=True)
    print(format_report(result, args.quarantine))
    if args.data is not None:
        print(_knowledge_report(args.data, regions, products))
    if result.rows_accepted == 0:
        print(
            f"error: no rows accepted (all {result.rows_read:,} rows quarantined"
            + (f"; see {args.quarantine})" if args.quarantine else ")"),
            file=sys.stderr,
        )
        return EXIT_NO_ROWS
    return EXIT_OK
