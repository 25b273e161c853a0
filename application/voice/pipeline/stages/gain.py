"""Automatic gain control."""

from __future__ import annotations

from roomkit.application.voice.pipeline.report import FrameReport
from roomkit.domain.voice import AudioFrame
from roomkit.ports.voice import AGCProvider


class GainStage:
    name = "agc"

    def __init__(self, agc: AGCProvider) -> None:
        self._agc = agc

    def __call__(self, frame: AudioFrame, report: FrameReport | None = None) -> AudioFrame:
        out = self._agc.process(frame)
        out.metadata["agc"] = True
        return out
