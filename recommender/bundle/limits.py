"""Reading a bundle's files within bounds: capped sizes, shallow JSON, checked model text.

Only regular files are read; LightGBM model text is checked before LightGBM parses it, since its
parser crashes the process on some malformed models instead of raising.
"""

from __future__ import annotations

import json
import os
import re
import stat
from pathlib import Path
from typing import Any

from recommender.errors import BundleError

MAX_SMALL_FILE = 1 << 20
"""Largest ``MANIFEST.json`` (or ``MANIFEST.sig``) read: a real one is a few kilobytes."""
MAX_JSON_DEPTH = 64
"""Deepest nesting of objects and arrays parsed (a real metadata file nests about 6 deep)."""
MAX_FEATURES = 100_000
MAX_LEAVES = 1 << 17

_INT = re.compile(r"-?\d+")
_FLOAT = re.compile(r"[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?|[-+]?inf|nan", re.IGNORECASE)
_PARAMETER = re.compile(r"\[\w+: [^\n]*\]")
_FLOAT_FIELDS = ("split_gain", "threshold", "leaf_value", "leaf_weight", "internal_value",
                 "internal_weight", "shrinkage")  # fmt: skip


def read_small(path: Path, label: str, limit: int = MAX_SMALL_FILE) -> bytes:
    """The bytes of a regular file no larger than ``limit``.

    A link, device, FIFO or socket is refused before it is opened (``/dev/zero`` would be read
    without end, a FIFO would wait forever).

    Args:
        path: The file.
        label: How errors name the bundle.
        limit: Most bytes accepted.

    Returns:
        The file's bytes.

    Raises:
        FileNotFoundError: When there is no such file (callers word that case themselves).
        BundleError: Not a regular file, or too large.
    """
    info = os.lstat(path)
    if not stat.S_ISREG(info.st_mode):
        raise BundleError(f"{label}: {path.name} is not a regular file")
    if info.st_size > limit:
        raise BundleError(f"{label}: {path.name} is larger than {limit:,} bytes")
    with path.open("rb") as handle:
        data = handle.read(limit + 1)
    if len(data) > limit:
        raise BundleError(f"{label}: {path.name} is larger than {limit:,} bytes")
    return data


def _depth(text: str) -> int:
    """Deepest nesting of ``{`` and ``[`` outside strings."""
    depth = deepest = 0
    in_string = escaped = False
    for ch in text:
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        elif ch in "{[":
            depth += 1
            deepest = max(deepest, depth)
        elif ch in "}]":
            depth -= 1
    return deepest


def load_json(data: bytes, label: str, name: str) -> Any:
    """Parse JSON that nests at most :data:`MAX_JSON_DEPTH` deep.

    Raises:
        BundleError: Not UTF-8 JSON, or nested too deep.
    """
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise BundleError(f"{label}: {name} is not valid JSON ({exc})") from exc
    if _depth(text) > MAX_JSON_DEPTH:
        raise BundleError(f"{label}: {name} nests deeper than {MAX_JSON_DEPTH} levels")
    try:
        return json.loads(text)
    except (ValueError, RecursionError) as exc:
        raise BundleError(f"{label}: {name} is not valid JSON ({exc})") from exc


def _ints(value: str, what: str) -> list[int]:
    parts = value.split()
    if not all(_INT.fullmatch(p) for p in parts):
        raise ValueError(f"{what} holds something other than whole numbers")
    return [int(p) for p in parts]


def _sizes_fit(data: bytes, start: int, sizes: list[int]) -> bool:
    """Whether the trees lie where ``tree_sizes`` says (LightGBM reads them from there)."""
    pos = start
    for index, size in enumerate(sizes):
        if size <= 0 or not data.startswith(f"Tree={index}\n".encode(), pos):
            return False
        pos += size
    return data.startswith(b"end of trees\n", pos)


def _check_tree(fields: dict[str, str], n_features: int, index: int) -> None:
    where = f"tree {index}"
    leaves = _ints(fields.get("num_leaves", ""), f"{where} num_leaves")
    if len(leaves) != 1 or not 1 <= leaves[0] <= MAX_LEAVES:
        raise ValueError(f"{where} has no valid num_leaves")
    n_leaves = leaves[0]
    if n_leaves == 1:
        return
    splits = n_leaves - 1
    features = _ints(fields.get("split_feature", ""), f"{where} split_feature")
    if len(features) != splits or any(not 0 <= f < n_features for f in features):
        raise ValueError(f"{where} splits on a feature the model does not have")
    for side in ("left_child", "right_child"):
        children = _ints(fields.get(side, ""), f"{where} {side}")
        ok = all((c < splits) if c >= 0 else (~c < n_leaves) for c in children)
        if len(children) != splits or not ok:
            raise ValueError(f"{where} {side} points outside the tree")
    for name in ("threshold", "decision_type"):
        if len(fields.get(name, "").split()) != splits:
            raise ValueError(f"{where} {name} does not match its splits")
    _ints(fields.get("decision_type", ""), f"{where} decision_type")
    for name in _FLOAT_FIELDS:
        if not all(_FLOAT.fullmatch(v) for v in fields.get(name, "").split()):
            raise ValueError(f"{where} {name} holds something other than numbers")
    if len(fields.get("leaf_value", "").split()) != n_leaves:
        raise ValueError(f"{where} leaf_value does not match its leaves")
    n_cat = _ints(fields.get("num_cat", "0"), f"{where} num_cat")
    if len(n_cat) != 1 or n_cat[0] < 0:
        raise ValueError(f"{where} has no valid num_cat")
    if n_cat[0]:
        bounds = _ints(fields.get("cat_boundaries", ""), f"{where} cat_boundaries")
        words = fields.get("cat_threshold", "").split()
        ordered = all(a <= b for a, b in zip(bounds, bounds[1:], strict=False))
        if len(bounds) != n_cat[0] + 1 or bounds[0] != 0 or not ordered or bounds[-1] != len(words):
            raise ValueError(f"{where} has inconsistent categorical splits")


def check_model_text(text: str, label: str, name: str) -> None:
    """Refuse model text that LightGBM's parser could crash on.

    Checks the header (one class, a sane feature count matching the feature names, one size
    per tree, each the byte length of its tree), every tree's arrays against its leaf count and
    the feature count and their numbers as numbers, that the text runs to its end (``end of
    trees`` and ``end of parameters``), and that every parameter line reads ``[name: value]``
    (LightGBM's parser crashes on one without its colon).

    Args:
        text: The model file's text.
        label: How errors name the bundle.
        name: The model file's name.

    Raises:
        BundleError: Naming the file and the first problem found.
    """
    try:
        _check(text)
    except ValueError as exc:
        raise BundleError(f"{label}: {name} is not a valid LightGBM model ({exc})") from None


def _check(text: str) -> None:
    if not text.startswith("tree\n"):
        raise ValueError("it does not start like one")
    if "\nend of trees\n" not in text or "\nend of parameters\n" not in text:
        raise ValueError("it is cut short")
    head, _, rest = text.partition("\nTree=")
    header = dict(line.split("=", 1) for line in head.splitlines()[1:] if "=" in line)
    for key in ("num_class", "num_tree_per_iteration"):
        if header.get(key) != "1":
            raise ValueError(f"{key} is not 1")
    if not re.fullmatch(r"v\d+", header.get("version", "")):
        raise ValueError("no version")
    top = _ints(header.get("max_feature_idx", ""), "max_feature_idx")
    if len(top) != 1 or not 0 <= top[0] < MAX_FEATURES:
        raise ValueError("no valid max_feature_idx")
    n_features = top[0] + 1
    if len(header.get("feature_names", "").split()) != n_features:
        raise ValueError("feature_names do not match max_feature_idx")
    trees_text = ("Tree=" + rest).split("\nend of trees\n", 1)[0] if rest else ""
    blocks = [b for b in re.split(r"(?:^|\n)Tree=", trees_text) if b.strip()]
    for index, block in enumerate(blocks):
        fields = dict(line.split("=", 1) for line in block.splitlines()[1:] if "=" in line)
        _check_tree(fields, n_features, index)
    sizes = _ints(header.get("tree_sizes", ""), "tree_sizes")
    if len(sizes) != len(blocks) or not _sizes_fit(text.encode("utf-8"), len(head) + 1, sizes):
        raise ValueError("tree_sizes does not match the trees")
    parameters = text.split("\nparameters:\n", 1)[-1].split("\nend of parameters\n", 1)[0]
    if "\nparameters:\n" in text and not all(
        _PARAMETER.fullmatch(line) for line in parameters.splitlines()
    ):
        raise ValueError("a parameter line is not [name: value]")


__all__ = ["MAX_JSON_DEPTH", "MAX_SMALL_FILE", "check_model_text", "load_json", "read_small"]
