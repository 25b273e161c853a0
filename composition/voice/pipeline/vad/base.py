"""The vad stage: the port."""

from roomkit.domain.voice import (
    VADConfig,
    VADEvent,
    VADEventType,
)
from roomkit.ports.voice import (
    VADProvider,
)

__all__ = ["VADConfig", "VADEvent", "VADEventType", "VADProvider"]
