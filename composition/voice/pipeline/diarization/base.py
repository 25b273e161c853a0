"""The diarization stage: the port."""

from roomkit.domain.voice import (
    DiarizationResult,
)
from roomkit.ports.voice import (
    DiarizationProvider,
)

__all__ = ["DiarizationProvider", "DiarizationResult"]
