"""The postprocessor stage: the port."""

from roomkit.ports.voice import (
    AudioPostProcessor,
)

__all__ = ["AudioPostProcessor"]
