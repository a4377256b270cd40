"""Model bundles: verified, optionally signed folders of LightGBM models, tables and metadata."""

from recommender.bundle.folder import (
    Bundle,
    bundle_digest,
    library_versions,
    load_bundle,
    save_bundle,
    verify_bundle,
)

__all__ = [
    "Bundle",
    "bundle_digest",
    "library_versions",
    "load_bundle",
    "save_bundle",
    "verify_bundle",
]
