"""The agc stage: the port."""

from roomkit.domain.voice import (
    AGCConfig,
)
from roomkit.ports.voice import (
    AGCProvider,
)

__all__ = ["AGCConfig", "AGCProvider"]
