"""GoertzelDTMFProvider: keypad tones by the Goertzel algorithm, one event per key press."""

from __future__ import annotations

from collections import deque
from typing import Any, Self

from roomkit.domain.voice import AudioFrame, DTMFEvent
from roomkit.ports.voice import DTMFDetector
from roomkit_audio.dsp.dtmf import GoertzelDTMFDetector
from roomkit_audio.stages._pcm import samples


class GoertzelDTMFProvider(DTMFDetector):
    def __init__(self, **options: Any) -> None:
        self.options = options
        self._detector: GoertzelDTMFDetector | None = None
        self._pending: deque[DTMFEvent] = deque()

    def process(self, frame: AudioFrame) -> DTMFEvent | None:
        detector = self._detector
        if detector is None or detector.sample_rate != frame.sample_rate:
            detector = self._detector = GoertzelDTMFDetector(frame.sample_rate, **self.options)
        for tone in detector.process(samples(frame)):
            self._pending.append(
                DTMFEvent(
                    digit=tone.digit, duration_ms=tone.duration_ms, timestamp_ms=tone.start_ms
                )
            )
        return self._pending.popleft() if self._pending else None

    def reset(self) -> None:
        self._detector = None
        self._pending.clear()

    def new_stream(self) -> Self:
        return type(self)(**self.options)
