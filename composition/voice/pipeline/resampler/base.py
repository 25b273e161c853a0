"""The resampler stage: the port."""

from roomkit.ports.voice import (
    Resampler,
)

__all__ = ["Resampler"]
