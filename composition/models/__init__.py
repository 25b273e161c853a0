"""Documented model import paths: ``roomkit.models.event``, ``.channel``, ``.enums``, ..."""
