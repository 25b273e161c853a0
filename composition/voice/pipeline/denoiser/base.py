"""The denoiser stage: the port."""

from roomkit.ports.voice import (
    DenoiserProvider,
)

__all__ = ["DenoiserProvider"]
