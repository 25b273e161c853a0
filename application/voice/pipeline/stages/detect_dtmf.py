"""DTMF detection: runs on the frame before echo cancellation and the other cleaners (they would
damage the tones), and only observes."""

from __future__ import annotations

from roomkit.application.voice.pipeline.report import FrameReport
from roomkit.domain.voice import AudioFrame
from roomkit.ports.voice import DTMFDetector


class DetectDTMFStage:
    name = "dtmf"

    def __init__(self, detector: DTMFDetector) -> None:
        self._detector = detector

    def __call__(self, frame: AudioFrame, report: FrameReport | None = None) -> AudioFrame:
        event = self._detector.process(frame)
        frame.metadata["dtmf"] = event.digit if event is not None else None
        if report is not None:
            report.dtmf = event
        return frame
