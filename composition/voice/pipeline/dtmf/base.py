"""The dtmf stage: the port."""

from roomkit.domain.voice import (
    DTMFEvent,
)
from roomkit.ports.voice import (
    DTMFDetector,
)

__all__ = ["DTMFDetector", "DTMFEvent"]
