"""The diarization stage: its port and settings."""

from roomkit.domain.voice import (
    DiarizationResult,
)
from roomkit.ports.voice import (
    DiarizationProvider,
)

__all__ = ["DiarizationProvider", "DiarizationResult"]
