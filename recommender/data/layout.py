"""Every file name of a data folder and of a run's artifacts folder, defined once."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

# A cooperative's data folder, laid out like the embedded demo data.
SALES_FILE = "sales.csv"
SALES_PARQUET_FILE = "sales.parquet"
REGIONS_FILE = "regions.csv"
PRODUCTS_FILE = "products.csv"
OPTIONS_FILE = "processing_options.csv"
CROPS_FILE = "crop_economics.csv"
SIGNALS_FILE = "brand_signals.csv"
PROFILE_FILE = "coop_profile.json"

REFERENCE_FILES: tuple[str, ...] = (
    REGIONS_FILE,
    PRODUCTS_FILE,
    OPTIONS_FILE,
    CROPS_FILE,
    SIGNALS_FILE,
    PROFILE_FILE,
)
"""The files of a data folder besides the sales."""

DEFAULTED_FILES: tuple[str, ...] = (OPTIONS_FILE, CROPS_FILE, SIGNALS_FILE)
"""Tables a data folder may leave out: category defaults shipped with the package stand in."""

# A run's artifacts folder: what ``xingnong run`` writes, what ``recommend`` and the app read.
FORECAST_FILE = "forecast.csv"
BACKTEST_FILE = "backtest.csv"
METRICS_FILE = "metrics.json"
QUARANTINE_FILE = "quarantine.csv"
PROCESSING_FILE = "processing.csv"
BRAND_FILE = "brand.csv"
MULTIPLIERS_FILE = "form_multipliers.csv"
ELASTICITY_FILE = "volume_elasticity.csv"
DECISIONS_FILE = "decisions.csv"
RECOMMENDATIONS_DIR = "recommendations"
OUTPUTS_MANIFEST_FILE = "MANIFEST.json"
"""SHA-256 of every file a run wrote in the artifacts folder (checked on read)."""
OUTPUTS_SIGNATURE_FILE = "MANIFEST.sig"
"""HMAC of the outputs manifest, when ``XINGNONG_BUNDLE_KEY`` is set."""


def sales_file(folder: Path) -> Path | None:
    """The sales file of a data folder: ``sales.csv``, else ``sales.parquet``.

    Args:
        folder: The data folder.

    Returns:
        The file, or None when the folder has neither.
    """
    for name in (SALES_FILE, SALES_PARQUET_FILE):
        if (folder / name).is_file():
            return folder / name
    return None


_UNSAFE = re.compile(r"[%/\\\x00-\x1f\x7f]|^\.")
_MAX_STEM_BYTES = 200


def file_stem(key: str) -> str:
    r"""A user's key as a file name that stays in its folder, readable where it can be.

    The key is kept as written, except that ``%``, ``/``, ``\``, control characters and a
    leading dot are percent-encoded (so ``../x`` cannot leave the folder and two keys never
    share a name); a name too long for a file system is cut and ends in a digest of the key.

    Args:
        key: A region or product as the user wrote it (``AGRA(UP)``, ``周至县``, ``a/b``).

    Returns:
        The file name without suffix (``AGRA(UP)``, ``周至县``, ``a%2Fb``).
    """
    stem = _UNSAFE.sub(lambda m: "".join(f"%{b:02X}" for b in m.group().encode()), key)
    if len(stem.encode("utf-8")) > _MAX_STEM_BYTES:
        digest = hashlib.sha256(key.encode("utf-8")).hexdigest()[:16]
        stem = stem.encode("utf-8")[: _MAX_STEM_BYTES - 17].decode("utf-8", "ignore") + "~" + digest
    return stem


def recommendations_file(artifacts: Path, region: str) -> Path:
    """Where a region's recommendations document is written in an artifacts folder.

    Args:
        artifacts: The artifacts folder.
        region: The region code as the user wrote it.

    Returns:
        ``<artifacts>/recommendations/<region>.json``, the region made safe by
        :func:`file_stem`.
    """
    return artifacts / RECOMMENDATIONS_DIR / f"{file_stem(region)}.json"
