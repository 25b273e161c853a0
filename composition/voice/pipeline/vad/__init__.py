"""The vad stage: its port and settings."""

from roomkit.domain.voice import (
    VADConfig,
    VADEvent,
    VADEventType,
)
from roomkit.ports.voice import (
    VADProvider,
)
from roomkit.voice.loaders import module_getattr

__all__ = ["VADConfig", "VADEvent", "VADEventType", "VADProvider"]

#: signal-processing stages on numpy, from the ``roomkit[audio]`` extra (roomkit-audio)
__getattr__ = module_getattr(
    __name__,
    {
        "EnergyVADProvider": ("vad_provider", "energy", "audio"),
    },
)
