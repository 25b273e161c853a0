"""EnergyVADProvider: speech edges by frame energy with hysteresis and an adaptive noise floor."""

from __future__ import annotations

from typing import Any, Self

from roomkit.domain.voice import AudioFrame, VADConfig, VADEvent, VADEventType
from roomkit.ports.voice import VADProvider
from roomkit_audio.dsp.vad import EnergyVAD
from roomkit_audio.stages._pcm import samples

_KINDS = {"speech_start": VADEventType.SPEECH_START, "speech_end": VADEventType.SPEECH_END}


class EnergyVADProvider(VADProvider):
    """``EnergyVADProvider(VADConfig(silence_threshold_ms=500), start_threshold_db=12, ...)``;
    keyword options go to the detector. SPEECH_END carries the utterance with its pre-roll."""

    def __init__(self, config: VADConfig | None = None, **options: Any) -> None:
        self.config = config or VADConfig()
        self.options = options
        self._vad: EnergyVAD | None = None

    def _detector(self, rate: int) -> EnergyVAD:
        vad = self._vad
        if vad is None or vad.sample_rate != rate:
            config = self.config
            vad = self._vad = EnergyVAD(
                rate,
                silence_threshold_ms=config.silence_threshold_ms,
                min_speech_ms=config.min_speech_ms,
                pre_roll_ms=config.speech_pad_ms,
                **self.options,
            )
        return vad

    def process(self, frame: AudioFrame) -> VADEvent | None:
        vad = self._detector(frame.sample_rate)
        decision = vad.process(samples(frame))
        if decision is None:
            return None
        return VADEvent(
            type=_KINDS[decision.kind], audio_bytes=decision.audio, level_db=vad.level_db
        )

    @property
    def is_speech(self) -> bool:
        return self._vad is not None and self._vad.is_speech

    def reset(self) -> None:
        if self._vad is not None:
            self._vad.reset()

    def new_stream(self) -> Self:
        return type(self)(self.config, **self.options)
