from . import charts, i18n, labels, outlook, parts

__all__ = ["charts", "i18n", "labels", "outlook", "parts"]
