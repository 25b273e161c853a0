"""When the caller speaks over the agent: cut playback now, after sustained speech, only for a
real utterance (not "uh-huh"), or never."""

from __future__ import annotations

from roomkit.domain.voice import InterruptionConfig, InterruptionStrategy


class InterruptionHandler:
    def __init__(self, config: InterruptionConfig, *, has_backchannel_detector: bool) -> None:
        if config.strategy is InterruptionStrategy.SEMANTIC and not has_backchannel_detector:
            raise ValueError(
                "InterruptionStrategy.SEMANTIC needs a BackchannelDetector: pass "
                "AudioPipelineConfig(backchannel_detector=...)"
            )
        self.config = config
        self.strategy = config.strategy

    def on_speech_start(self, playing: bool) -> bool:
        """Barge in as soon as speech starts?"""
        return playing and self.strategy is InterruptionStrategy.IMMEDIATE

    def on_sustained_speech(self, speech_ms: float, playing: bool) -> bool:
        """Barge in now that the caller has spoken ``speech_ms`` over the agent?"""
        return (
            playing
            and self.strategy is InterruptionStrategy.CONFIRMED
            and speech_ms >= self.config.min_speech_ms
        )

    def judges_by_meaning(self, playing: bool) -> bool:
        """Wait for the transcript and ask the backchannel detector?"""
        return playing and self.strategy is InterruptionStrategy.SEMANTIC
