"""The audio stages: synchronous, per-frame, stateful per session.

Frame stages run on the hot path (50 frames a second per call) and do CPU work only, so they are
plain methods, not coroutines. A stage that changes the samples returns a new frame; one that
only observes returns an event or None. ``reset`` starts a new stream (a new session).
"""

from __future__ import annotations

import copy
from abc import ABC, abstractmethod
from typing import Self

from roomkit.domain.voice import AudioFrame, DiarizationResult, DTMFEvent, VADEvent


class _Stage(ABC):
    name: str = "stage"

    def reset(self) -> None:
        """Forget the stream so far."""

    def new_stream(self) -> Self:
        """An instance for one more stream (one session, one direction): the pipeline never
        shares a stateful stage between streams. The default copies this configured instance;
        stateless stages may return ``self``."""
        return copy.deepcopy(self)


class Resampler(_Stage):
    name = "resampler"

    @abstractmethod
    def resample(self, frame: AudioFrame, target_rate: int) -> AudioFrame:
        """Convert ``frame`` (mono 16-bit) to ``target_rate``, continuous across calls."""


class VADProvider(_Stage):
    name = "vad"

    @abstractmethod
    def process(self, frame: AudioFrame) -> VADEvent | None:
        """Report SPEECH_START / SPEECH_END (with the utterance) or None for this frame."""


class AECProvider(_Stage):
    name = "aec"

    @abstractmethod
    def process(self, frame: AudioFrame) -> AudioFrame:
        """Remove the echo of the reference from the microphone frame."""

    @abstractmethod
    def feed_reference(self, frame: AudioFrame) -> None:
        """Give what the speaker is playing (the TTS output)."""

    def discard_reference(self) -> None:
        """Playback was cut (barge-in): forget reference audio that will never be played."""


class AGCProvider(_Stage):
    name = "agc"

    @abstractmethod
    def process(self, frame: AudioFrame) -> AudioFrame:
        """Bring the level toward the target."""


class DenoiserProvider(_Stage):
    name = "denoiser"

    @abstractmethod
    def process(self, frame: AudioFrame) -> AudioFrame:
        """Remove background noise."""


class DiarizationProvider(_Stage):
    name = "diarization"

    @abstractmethod
    def process(self, frame: AudioFrame) -> DiarizationResult | None:
        """Who is speaking in this frame, or None when unknown."""


class DTMFDetector(_Stage):
    name = "dtmf"

    @abstractmethod
    def process(self, frame: AudioFrame) -> DTMFEvent | None:
        """A completed key press, reported once, or None."""


class AudioPostProcessor(_Stage):
    name = "postprocessor"

    @abstractmethod
    def process(self, frame: AudioFrame) -> AudioFrame:
        """Transform outbound (TTS) audio."""
