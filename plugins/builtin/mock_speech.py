"""MockSTTProvider and MockTTSProvider: scripted transcripts and synthetic speech."""

from __future__ import annotations

import asyncio
import math
import struct
from collections.abc import AsyncIterator, Sequence

from roomkit.domain.voice import AudioFrame, TranscriptionResult
from roomkit.plugins.hookspecs import Register
from roomkit.plugins.markers import hookimpl
from roomkit.ports.voice import STTProvider, TTSProvider


class MockSTTProvider(STTProvider):
    """Returns ``transcriptions`` in order, one per utterance; then repeats the last one.

    Every audio it was given is kept in ``calls``. With ``error`` set, every call raises it.
    """

    name = "mock"

    def __init__(
        self,
        transcriptions: Sequence[str] | None = None,
        *,
        error: Exception | None = None,
        delay: float = 0.0,
    ) -> None:
        self.transcriptions = list(transcriptions or ["Mock transcription"])
        self.error = error
        self.delay = delay
        self.calls: list[AudioFrame] = []

    async def transcribe(self, audio: AudioFrame) -> TranscriptionResult:
        self.calls.append(audio)
        if self.delay:
            await asyncio.sleep(self.delay)
        if self.error is not None:
            raise self.error
        text = self.transcriptions[min(len(self.calls), len(self.transcriptions)) - 1]
        return TranscriptionResult(text=text, confidence=1.0)


def _tone(sample_rate: int, samples: int, start: int) -> bytes:
    step = 2 * math.pi * 220.0 / sample_rate
    values = (int(3000 * math.sin(step * (start + i))) for i in range(samples))
    return struct.pack(f"<{samples}h", *values)


class MockTTSProvider(TTSProvider):
    """Speaks a 220 Hz tone, ``frames_per_word`` 20 ms frames per word of the text.

    The texts it was asked to speak are kept in ``calls``; ``frame_delay`` seconds pass before
    each frame (a slow vendor).
    """

    name = "mock"

    def __init__(
        self,
        *,
        sample_rate: int = 16000,
        frames_per_word: int = 2,
        frame_ms: int = 20,
        frame_delay: float = 0.0,
        error: Exception | None = None,
    ) -> None:
        self.sample_rate = sample_rate
        self.frames_per_word = frames_per_word
        self.frame_ms = frame_ms
        self.frame_delay = frame_delay
        self.error = error
        self.calls: list[tuple[str, str | None]] = []

    async def synthesize_stream(
        self, text: str, *, voice: str | None = None
    ) -> AsyncIterator[AudioFrame]:
        self.calls.append((text, voice))
        if self.error is not None:
            raise self.error
        samples = self.sample_rate * self.frame_ms // 1000
        frames = len(text.split()) * self.frames_per_word  # no words, no audio
        for index in range(frames):
            if self.frame_delay:
                await asyncio.sleep(self.frame_delay)
            yield AudioFrame(
                _tone(self.sample_rate, samples, index * samples),
                self.sample_rate,
                timestamp_ms=float(index * self.frame_ms),
            )


@hookimpl
def roomkit_register_stt_providers(register: Register) -> None:
    register(
        name="mock",
        factory=lambda _settings: MockSTTProvider(),
        description="scripted STTProvider for tests",
    )


@hookimpl
def roomkit_register_tts_providers(register: Register) -> None:
    register(
        name="mock",
        factory=lambda _settings: MockTTSProvider(),
        description="scripted TTSProvider for tests",
    )
