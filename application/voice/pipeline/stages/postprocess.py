"""Post-processing of outbound (TTS) audio."""

from __future__ import annotations

from roomkit.application.voice.pipeline.report import FrameReport
from roomkit.domain.voice import AudioFrame
from roomkit.ports.voice import AudioPostProcessor


class PostProcessStage:
    name = "postprocessor"

    def __init__(self, processor: AudioPostProcessor) -> None:
        self._processor = processor

    def __call__(self, frame: AudioFrame, report: FrameReport | None = None) -> AudioFrame:
        return self._processor.process(frame)
