"""Diarization: who is speaking."""

from __future__ import annotations

from roomkit.application.voice.pipeline.report import FrameReport
from roomkit.domain.voice import AudioFrame
from roomkit.ports.voice import DiarizationProvider


class DiarizeStage:
    name = "diarization"

    def __init__(self, diarization: DiarizationProvider) -> None:
        self._diarization = diarization

    def __call__(self, frame: AudioFrame, report: FrameReport | None = None) -> AudioFrame:
        result = self._diarization.process(frame)
        frame.metadata["diarization"] = result.speaker_id if result is not None else None
        if report is not None:
            report.speaker = result
        return frame
