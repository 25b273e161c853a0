"""Noise removal."""

from __future__ import annotations

from roomkit.application.voice.pipeline.report import FrameReport
from roomkit.domain.voice import AudioFrame
from roomkit.ports.voice import DenoiserProvider


class DenoiseStage:
    name = "denoiser"

    def __init__(self, denoiser: DenoiserProvider) -> None:
        self._denoiser = denoiser

    def __call__(self, frame: AudioFrame, report: FrameReport | None = None) -> AudioFrame:
        out = self._denoiser.process(frame)
        out.metadata["denoiser"] = True
        return out
