"""The audio pipeline of one session: the one place that knows the order of the stages.

Inbound:  Backend -> [Resampler] -> [Recorder] -> [DTMF] -> [AEC] -> [AGC] -> [Denoiser] -> VAD
          -> [Diarization]
Outbound: TTS -> [PostProcessors] -> [Recorder] -> AEC.feed_reference -> [Resampler] -> Backend

DTMF runs on the frame before the cleaners (they would damage the tones) and only observes, so
it sits beside them. AEC and AGC are left out when the backend does them itself (NATIVE_AEC,
NATIVE_AGC). Stages that are not configured are not in the chain at all: a frame pays only for
what runs.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from roomkit.application.voice.pipeline.report import FrameReport
from roomkit.application.voice.pipeline.stages.denoise import DenoiseStage
from roomkit.application.voice.pipeline.stages.detect_dtmf import DetectDTMFStage
from roomkit.application.voice.pipeline.stages.detect_speech import DetectSpeechStage
from roomkit.application.voice.pipeline.stages.diarize import DiarizeStage
from roomkit.application.voice.pipeline.stages.echo import CancelEchoStage, FeedEchoReferenceStage
from roomkit.application.voice.pipeline.stages.gain import GainStage
from roomkit.application.voice.pipeline.stages.postprocess import PostProcessStage
from roomkit.application.voice.pipeline.stages.record import (
    RecordInboundStage,
    RecordOutboundStage,
)
from roomkit.application.voice.pipeline.stages.resample import ResampleStage
from roomkit.domain.voice import AudioFormatError, AudioFrame, VoiceCapability
from roomkit.ports.voice import AudioPipelineConfig, RecordingHandle

Stage = Callable[[AudioFrame, FrameReport | None], AudioFrame]


class AudioPipeline:
    """Stage instances for one session (``new_stream`` of each configured adapter)."""

    def __init__(
        self,
        config: AudioPipelineConfig,
        *,
        capabilities: VoiceCapability = VoiceCapability.NONE,
        backend_rate: int | None = None,
        recording: RecordingHandle | None = None,
    ) -> None:
        self.config = config
        self.processing_rate = config.processing_sample_rate
        self.backend_rate = backend_rate
        skip_aec = bool(capabilities & VoiceCapability.NATIVE_AEC)
        skip_agc = bool(capabilities & VoiceCapability.NATIVE_AGC)
        self.skipped: dict[str, str] = {}
        aec = None
        if config.aec is not None:
            if skip_aec:
                self.skipped["aec"] = "native"
            else:
                aec = config.aec.new_stream()
        if config.agc is not None and skip_agc:
            self.skipped["agc"] = "native"
        recorder = config.recorder if recording is not None else None

        inbound: list[Stage] = []
        if config.resampler is not None:
            inbound.append(ResampleStage(config.resampler.new_stream(), self.processing_rate))
        if recorder is not None and recording is not None:
            inbound.append(RecordInboundStage(recorder, recording))
        if config.dtmf is not None:
            inbound.append(DetectDTMFStage(config.dtmf.new_stream()))
        if aec is not None:
            inbound.append(CancelEchoStage(aec))
        if config.agc is not None and not skip_agc:
            inbound.append(GainStage(config.agc.new_stream()))
        if config.denoiser is not None:
            inbound.append(DenoiseStage(config.denoiser.new_stream()))
        if config.vad is not None:
            inbound.append(DetectSpeechStage(config.vad.new_stream()))
        if config.diarization is not None:
            inbound.append(DiarizeStage(config.diarization.new_stream()))
        self._inbound = tuple(inbound)

        outbound: list[Stage] = [PostProcessStage(p.new_stream()) for p in config.postprocessors]
        if recorder is not None and recording is not None:
            outbound.append(RecordOutboundStage(recorder, recording))
        if aec is not None:
            outbound.append(FeedEchoReferenceStage(aec))
        if config.resampler is not None and backend_rate is not None:
            outbound.append(ResampleStage(config.resampler.new_stream(), backend_rate))
        self._outbound = tuple(outbound)
        self._skip_notes = tuple(self.skipped.items())
        self._aec = aec

    @property
    def inbound_stages(self) -> list[str]:
        return [getattr(s, "name", type(s).__name__) for s in self._inbound]

    @property
    def outbound_stages(self) -> list[str]:
        return [getattr(s, "name", type(s).__name__) for s in self._outbound]

    def process_inbound(self, frame: AudioFrame) -> tuple[AudioFrame, FrameReport]:
        """Run one caller frame through the inbound stages."""
        check_pcm16(frame)
        if frame.sample_rate != self.processing_rate and not self._has_resampler():
            raise AudioFormatError(
                f"frame at {frame.sample_rate} Hz but the pipeline works at "
                f"{self.processing_rate} Hz and has no resampler"
            )
        report = FrameReport()
        metadata = frame.metadata
        for key, why in self._skip_notes:
            metadata[key] = f"skipped ({why})"
        for stage in self._inbound:
            frame = stage(frame, report)
        return frame, report

    def process_outbound(self, frame: AudioFrame) -> AudioFrame:
        """Run one TTS frame through the outbound stages, ready for the backend."""
        check_pcm16(frame)
        for stage in self._outbound:
            frame = stage(frame, None)
        return frame

    def playback_cut(self) -> None:
        """The reply being played was cut: the echo canceller drops the unplayed reference."""
        if self._aec is not None:
            self._aec.discard_reference()

    def _has_resampler(self) -> bool:
        return self.config.resampler is not None

    def describe(self) -> dict[str, Any]:
        return {
            "inbound": self.inbound_stages,
            "outbound": self.outbound_stages,
            "skipped": dict(self.skipped),
        }


def check_pcm16(frame: AudioFrame) -> None:
    if frame.sample_width != 2 or frame.channels != 1:
        raise AudioFormatError(
            f"the audio pipeline takes mono 16-bit PCM; got {frame.channels} channel(s) of "
            f"{frame.sample_width * 8}-bit samples"
        )
