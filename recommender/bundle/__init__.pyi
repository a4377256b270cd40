from .atomic import atomic_folder, remove_leftovers, replace_folder, write_atomic
from .folder import (
    Bundle,
    bundle_digest,
    check_replaceable,
    load_bundle,
    save_bundle,
    verify_bundle,
)
from .versions import library_versions

__all__ = [
    "Bundle",
    "atomic_folder",
    "remove_leftovers",
    "replace_folder",
    "bundle_digest",
    "check_replaceable",
    "library_versions",
    "load_bundle",
    "save_bundle",
    "verify_bundle",
    "write_atomic",
]
