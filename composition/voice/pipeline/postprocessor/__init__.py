"""The postprocessor stage: its port and settings."""

from roomkit.ports.voice import (
    AudioPostProcessor,
)

__all__ = ["AudioPostProcessor"]
