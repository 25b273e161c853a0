"""AudioRecorder: keeps what was heard and said in a call."""

from __future__ import annotations

from abc import ABC, abstractmethod

from roomkit.domain.base import Model
from roomkit.domain.voice import AudioFrame, RecordingConfig


class RecordingHandle(Model):
    id: str
    session_id: str
    path: str | None = None


class RecordingResult(Model):
    id: str
    session_id: str
    path: str | None = None
    duration_ms: float = 0.0
    inbound_bytes: int = 0
    outbound_bytes: int = 0


class AudioRecorder(ABC):
    name: str = "recorder"

    @abstractmethod
    def start(self, session_id: str, config: RecordingConfig) -> RecordingHandle:
        """Begin a recording for one session."""

    @abstractmethod
    def write_inbound(self, handle: RecordingHandle, frame: AudioFrame) -> None: ...

    @abstractmethod
    def write_outbound(self, handle: RecordingHandle, frame: AudioFrame) -> None: ...

    @abstractmethod
    def stop(self, handle: RecordingHandle) -> RecordingResult:
        """Finish and close the recording."""
