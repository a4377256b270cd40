from .bundle import Bundle, load_bundle

__all__ = ["Bundle", "load_bundle"]
