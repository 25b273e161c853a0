"""The agc stage: its port and settings."""

from roomkit.domain.voice import (
    AGCConfig,
)
from roomkit.ports.voice import (
    AGCProvider,
)
from roomkit.voice.loaders import module_getattr

__all__ = ["AGCConfig", "AGCProvider"]

#: signal-processing stages on numpy, from the ``roomkit[audio]`` extra (roomkit-audio)
__getattr__ = module_getattr(
    __name__,
    {
        "GainControlProvider": ("agc_provider", "numpy", "audio"),
    },
)
