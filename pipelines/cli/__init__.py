"""The ``xingnong`` command line: each sub-command parses, calls a job and prints."""

from pipelines.cli.main import main

__all__ = ["main"]
