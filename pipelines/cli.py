"""The ``xingnong`` command line: sub-commands, exit codes and one-line errors."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Callable
from types import ModuleType

from recommender.errors import XingnongError

EXIT_OK = 0
EXIT_ERROR = 1
EXIT_USAGE = 2

_DESCRIPTION = """Xingnong (兴农): demand forecasts and product-differentiation advice for
rural e-commerce cooperatives."""

_EPILOG = """examples:
  xingnong validate --sales data/demo/sales.csv --regions data/demo/regions.csv
  xingnong backtest --sales data/demo/sales.csv --freq W-SUN --horizon 8 --folds 4 \\
      --output backtest.csv --metrics metrics.json
  xingnong train demand
  xingnong run --data data/demo
"""


def _subcommand_modules() -> list[ModuleType]:
    from pipelines import backtest, demo, recommend, run, train, validate

    return [validate, backtest, train, run, recommend, demo]


def build_parser() -> argparse.ArgumentParser:
    """Build the argument parser with every sub-command.

    Returns:
        The top-level parser.
    """
    parser = argparse.ArgumentParser(
        prog="xingnong",
        description=_DESCRIPTION,
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("-q", "--quiet", action="store_true", help="print only results and errors")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module in _subcommand_modules():
        module.add_parser(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the ``xingnong`` command.

    Args:
        argv: Arguments without the program name; ``sys.argv[1:]`` when omitted.

    Returns:
        The process exit code: 0 on success, 1 on a data or model problem, 2 on bad usage.
    """
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse exits on --help and on usage errors
        return int(exc.code or 0)
    logging.basicConfig(
        level=logging.WARNING if args.quiet else logging.INFO,
        format="%(message)s",
        stream=sys.stderr,
        force=True,
    )
    handler: Callable[[argparse.Namespace], int] | None = getattr(args, "handler", None)
    if handler is None:
        parser.print_help()
        return EXIT_USAGE
    try:
        return handler(args)
    except XingnongError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        print("error: interrupted", file=sys.stderr)
        return EXIT_ERROR


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
