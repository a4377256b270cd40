"""The ``xingnong`` command: sub-commands, exit codes and one-line errors."""

from __future__ import annotations

import argparse
import importlib
import logging
import sys
from collections.abc import Callable, Sequence
from types import ModuleType

from pipelines.cli.text import printable
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


_COMMANDS: dict[str, str] = {
    "validate": "pipelines.cli.validate",
    "backtest": "pipelines.cli.backtest",
    "train": "pipelines.cli.train",
    "run": "pipelines.cli.run",
    "recommend": "pipelines.cli.recommend",
    "demo-data": "pipelines.cli.demo",
}


def _subcommand_modules(argv: Sequence[str] = ()) -> list[ModuleType]:
    """The modules of the sub-commands: only the one named in ``argv`` when there is one.

    Importing a sub-command pulls in its libraries (LightGBM, MLflow...), so a command that is
    not run is not imported: ``xingnong recommend`` starts in a fraction of the time.
    """
    chosen = next((a for a in argv if not a.startswith("-")), None)
    names = [chosen] if chosen in _COMMANDS else list(_COMMANDS)
    return [importlib.import_module(_COMMANDS[name]) for name in names]


def build_parser(argv: Sequence[str] = ()) -> argparse.ArgumentParser:
    """Build the argument parser.

    Args:
        argv: The arguments about to be parsed; when they name a sub-command only that one is
            registered (all of them otherwise).

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
    for module in _subcommand_modules(argv):
        module.add_parser(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the ``xingnong`` command.

    Args:
        argv: Arguments without the program name; ``sys.argv[1:]`` when omitted.

    Returns:
        The process exit code: 0 on success, 1 on a data or model problem, 2 on bad usage.
    """
    args_list = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser(args_list)
    try:
        args = parser.parse_args(args_list)
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
        print(f"error: {printable(str(exc))}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        print("error: interrupted", file=sys.stderr)
        return EXIT_ERROR
