"""Thin entry points of the `xingnong` command line: read, call the library, write, track."""
