"""Resample: bring a frame to the rate the next stages (or the backend) work at."""

from __future__ import annotations

from roomkit.application.voice.pipeline.report import FrameReport
from roomkit.domain.voice import AudioFrame
from roomkit.ports.voice import Resampler


class ResampleStage:
    name = "resampler"

    def __init__(self, resampler: Resampler, target_rate: int) -> None:
        self._resampler = resampler
        self.target_rate = target_rate

    def __call__(self, frame: AudioFrame, report: FrameReport | None = None) -> AudioFrame:
        if frame.sample_rate == self.target_rate:
            return frame
        source = frame.sample_rate
        out = self._resampler.resample(frame, self.target_rate)
        out.metadata["resampler"] = (source, self.target_rate)
        return out
