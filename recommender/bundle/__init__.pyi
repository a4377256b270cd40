from .atomic import (
    atomic_folder,
    is_staged,
    remove_leftovers,
    replace_folder,
    staged_folder,
    staging_path,
    write_atomic,
)
from .folder import (
    Bundle,
    bundle_digest,
    check_replaceable,
    load_bundle,
    save_bundle,
    verify_bundle,
)
from .journal import finish_replacing, replace_together
from .versions import library_versions

__all__ = [
    "Bundle",
    "atomic_folder",
    "finish_replacing",
    "is_staged",
    "remove_leftovers",
    "replace_folder",
    "replace_together",
    "staged_folder",
    "staging_path",
    "bundle_digest",
    "check_replaceable",
    "library_versions",
    "load_bundle",
    "save_bundle",
    "verify_bundle",
    "write_atomic",
]
