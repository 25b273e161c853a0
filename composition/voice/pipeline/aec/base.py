"""The aec stage: the port."""

from roomkit.ports.voice import (
    AECProvider,
)

__all__ = ["AECProvider"]
