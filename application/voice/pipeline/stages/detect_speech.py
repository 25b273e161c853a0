"""Voice activity detection: speech start and end, reported on the frame's report."""

from __future__ import annotations

from roomkit.application.voice.pipeline.report import FrameReport
from roomkit.domain.voice import AudioFrame
from roomkit.ports.voice import VADProvider


class DetectSpeechStage:
    name = "vad"

    def __init__(self, vad: VADProvider) -> None:
        self._vad = vad

    def __call__(self, frame: AudioFrame, report: FrameReport | None = None) -> AudioFrame:
        event = self._vad.process(frame)
        frame.metadata["vad"] = event.type.value if event is not None else None
        if report is not None:
            report.vad = event
        return frame
