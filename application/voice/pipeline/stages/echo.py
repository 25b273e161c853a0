"""Echo cancellation: the microphone side removes what the speaker side fed as reference."""

from __future__ import annotations

from roomkit.application.voice.pipeline.report import FrameReport
from roomkit.domain.voice import AudioFrame
from roomkit.ports.voice import AECProvider


class CancelEchoStage:
    name = "aec"

    def __init__(self, aec: AECProvider) -> None:
        self._aec = aec

    def __call__(self, frame: AudioFrame, report: FrameReport | None = None) -> AudioFrame:
        out = self._aec.process(frame)
        out.metadata["aec"] = True
        return out


class FeedEchoReferenceStage:
    name = "aec_reference"

    def __init__(self, aec: AECProvider) -> None:
        self._aec = aec

    def __call__(self, frame: AudioFrame, report: FrameReport | None = None) -> AudioFrame:
        self._aec.feed_reference(frame)
        return frame
