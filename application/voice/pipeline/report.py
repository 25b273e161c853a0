"""FrameReport: what the inbound stages observed in one frame."""

from __future__ import annotations

from dataclasses import dataclass

from roomkit.domain.voice import DiarizationResult, DTMFEvent, VADEvent


@dataclass(slots=True)
class FrameReport:
    vad: VADEvent | None = None
    dtmf: DTMFEvent | None = None
    speaker: DiarizationResult | None = None

    @property
    def empty(self) -> bool:
        return self.vad is None and self.dtmf is None and self.speaker is None
