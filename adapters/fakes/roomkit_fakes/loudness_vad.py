"""A VAD for whole-call tests over real transports: speech is any frame louder than a
threshold, so tests need no script of which frame is which (frames may be dropped or paced)."""

from __future__ import annotations

import math
import struct

from roomkit.domain.voice import AudioFrame, VADEvent, VADEventType
from roomkit.ports.voice import VADProvider


def rms(pcm: bytes) -> float:
    count = len(pcm) // 2
    if not count:
        return 0.0
    return math.sqrt(sum(s * s for s in struct.unpack(f"<{count}h", pcm[: count * 2])) / count)


class LoudnessVAD(VADProvider):
    """``SPEECH_START`` on a loud frame, ``SPEECH_END`` (with the utterance) after
    ``hangover`` quiet frames."""

    def __init__(self, threshold: float = 500.0, hangover: int = 5) -> None:
        self.threshold = threshold
        self.hangover = hangover
        self._speech = bytearray()
        self._quiet = 0
        self._speaking = False

    def process(self, frame: AudioFrame) -> VADEvent | None:
        loud = rms(bytes(frame.data)) >= self.threshold
        if not self._speaking:
            if not loud:
                return None
            self._speaking, self._quiet = True, 0
            self._speech = bytearray(frame.data)
            return VADEvent(type=VADEventType.SPEECH_START)
        self._speech.extend(frame.data)
        self._quiet = 0 if loud else self._quiet + 1
        if self._quiet < self.hangover:
            return None
        self._speaking = False
        return VADEvent(type=VADEventType.SPEECH_END, audio_bytes=bytes(self._speech))
