"""The recorder stage: its port and settings."""

from roomkit.domain.voice import (
    RecordingConfig,
    RecordingMode,
)
from roomkit.ports.voice import (
    AudioRecorder,
    RecordingHandle,
    RecordingResult,
)
from roomkit.voice.loaders import module_getattr

__all__ = [
    "AudioRecorder",
    "RecordingConfig",
    "RecordingHandle",
    "RecordingMode",
    "RecordingResult",
]

#: signal-processing stages on numpy, from the ``roomkit[audio]`` extra (roomkit-audio)
__getattr__ = module_getattr(
    __name__,
    {
        "WavAudioRecorder": ("audio_recorder", "wav", "audio"),
    },
)
