"""The recorder stage: the port."""

from roomkit.domain.voice import (
    RecordingConfig,
    RecordingMode,
)
from roomkit.ports.voice import (
    AudioRecorder,
    RecordingHandle,
    RecordingResult,
)

__all__ = [
    "AudioRecorder",
    "RecordingConfig",
    "RecordingHandle",
    "RecordingMode",
    "RecordingResult",
]
