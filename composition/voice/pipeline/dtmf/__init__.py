"""The dtmf stage: its port and settings."""

from roomkit.domain.voice import (
    DTMFEvent,
)
from roomkit.ports.voice import (
    DTMFDetector,
)
from roomkit.voice.loaders import module_getattr

__all__ = ["DTMFDetector", "DTMFEvent"]

#: signal-processing stages on numpy, from ``pip install roomkit[audio]``
__getattr__ = module_getattr(
    __name__,
    {
        "GoertzelDTMFProvider": ("dtmf_detector", "goertzel", "audio"),
    },
)
