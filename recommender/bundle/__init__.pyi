from .atomic import atomic_folder, write_atomic
from .folder import (
    Bundle,
    bundle_digest,
    library_versions,
    load_bundle,
    save_bundle,
    verify_bundle,
)

__all__ = [
    "Bundle",
    "atomic_folder",
    "bundle_digest",
    "library_versions",
    "load_bundle",
    "save_bundle",
    "verify_bundle",
    "write_atomic",
]
