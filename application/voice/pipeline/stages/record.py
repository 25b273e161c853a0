"""Record: copy inbound or outbound audio to the session's recording."""

from __future__ import annotations

from roomkit.application.voice.pipeline.report import FrameReport
from roomkit.domain.voice import AudioFrame
from roomkit.ports.voice import AudioRecorder, RecordingHandle


class RecordInboundStage:
    name = "recorder"

    def __init__(self, recorder: AudioRecorder, handle: RecordingHandle) -> None:
        self._recorder = recorder
        self._handle = handle

    def __call__(self, frame: AudioFrame, report: FrameReport | None = None) -> AudioFrame:
        self._recorder.write_inbound(self._handle, frame)
        return frame


class RecordOutboundStage:
    name = "recorder"

    def __init__(self, recorder: AudioRecorder, handle: RecordingHandle) -> None:
        self._recorder = recorder
        self._handle = handle

    def __call__(self, frame: AudioFrame, report: FrameReport | None = None) -> AudioFrame:
        self._recorder.write_outbound(self._handle, frame)
        return frame
