"""WAV recording with the standard ``wave`` module: 16-bit PCM, mono or stereo, and call
recorders that keep both sides in step (stereo: caller left, agent right; or mixed)."""

from __future__ import annotations

import os
import wave
from abc import ABC, abstractmethod
from types import TracebackType
from typing import Self

import numpy as np

from roomkit_audio.dsp.mixer import mix
from roomkit_audio.dsp.pcm import Pcm, as_pcm, check_rate


class WavWriter:
    """Streams int16 samples into a WAV file; stereo takes an ``(n, 2)`` array or interleaved
    samples of even length."""

    def __init__(self, path: str | os.PathLike[str], sample_rate: int, channels: int = 1) -> None:
        self.sample_rate = check_rate(sample_rate)
        if channels not in (1, 2):
            raise ValueError(f"channels must be 1 or 2, got {channels!r}")
        self.channels = channels
        self.path = os.fspath(path)
        self.frames_written = 0
        self._file: wave.Wave_write | None = wave.open(self.path, "wb")
        self._file.setnchannels(channels)
        self._file.setsampwidth(2)
        self._file.setframerate(self.sample_rate)

    @property
    def duration_s(self) -> float:
        return self.frames_written / self.sample_rate

    @property
    def closed(self) -> bool:
        return self._file is None

    def write(self, pcm: Pcm) -> None:
        if self._file is None:
            raise ValueError(f"{self.path} is closed")
        if not isinstance(pcm, np.ndarray):
            raise ValueError(f"pcm must be a numpy int16 array, got {type(pcm).__name__}")
        if self.channels == 2 and pcm.ndim == 2:
            if pcm.shape[1] != 2 or pcm.dtype != np.int16:
                raise ValueError(
                    f"stereo pcm must be int16 of shape (n, 2), got {pcm.dtype} {pcm.shape}"
                )
            samples = pcm.reshape(-1)
        else:
            samples = as_pcm(pcm)
            if samples.size % self.channels:
                raise ValueError(
                    f"interleaved stereo needs an even number of samples, got {samples.size}"
                )
        self._file.writeframes(samples.astype("<i2", copy=False).tobytes())
        self.frames_written += samples.size // self.channels

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()


class _CallWriter(ABC):
    """Both sides of a call on one timeline.

    The inbound stream is the clock: audio arrives from the caller in real time, while the
    agent's audio may come in bursts. Outbound samples queue up and are laid against the
    inbound samples as they arrive; where nothing was played the outbound side is silent.
    ``close`` writes what is still queued (the inbound side silent).
    """

    channels = 1

    def __init__(self, path: str | os.PathLike[str], sample_rate: int) -> None:
        self._writer = WavWriter(path, sample_rate, channels=self.channels)
        self._outbound: list[Pcm] = []
        self._outbound_queued = 0

    @abstractmethod
    def _frame(self, inbound: Pcm, outbound: Pcm) -> Pcm:
        """One frame of the file from a frame of each side."""

    @property
    def path(self) -> str:
        return self._writer.path

    @property
    def sample_rate(self) -> int:
        return self._writer.sample_rate

    @property
    def frames_written(self) -> int:
        return self._writer.frames_written

    def write_inbound(self, pcm: Pcm) -> None:
        inbound = as_pcm(pcm)
        self._writer.write(self._frame(inbound, self._take_outbound(inbound.size)))

    def write_outbound(self, pcm: Pcm) -> None:
        samples = as_pcm(pcm)
        if samples.size:
            self._outbound.append(samples)
            self._outbound_queued += samples.size

    def _take_outbound(self, count: int) -> Pcm:
        out = np.zeros(count, dtype=np.int16)
        filled = 0
        while self._outbound and filled < count:
            chunk = self._outbound[0]
            used = min(chunk.size, count - filled)
            out[filled : filled + used] = chunk[:used]
            filled += used
            if used == chunk.size:
                self._outbound.pop(0)
            else:
                self._outbound[0] = chunk[used:]
        self._outbound_queued -= filled
        return out

    def close(self) -> None:
        if self._writer.closed:
            return
        rest = self._take_outbound(self._outbound_queued)
        if rest.size:
            self._writer.write(self._frame(np.zeros(rest.size, dtype=np.int16), rest))
        self._writer.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()


class StereoCallWriter(_CallWriter):
    """Records a call as stereo: inbound (caller) left, outbound (agent) right."""

    channels = 2

    def _frame(self, inbound: Pcm, outbound: Pcm) -> Pcm:
        stereo = np.empty((inbound.size, 2), dtype=np.int16)
        stereo[:, 0] = inbound
        stereo[:, 1] = outbound
        return stereo


class MixedCallWriter(_CallWriter):
    """Records a call as one mono track: both sides mixed (with saturation)."""

    def _frame(self, inbound: Pcm, outbound: Pcm) -> Pcm:
        return mix((inbound, outbound))
